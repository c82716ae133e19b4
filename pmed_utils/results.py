"""The result vocabulary shared by every layer: an estimate with its interval.

An AUC, an r², an odds ratio or a calibration slope is always returned as an
:class:`Estimate` (value, low, high, level), so that a reader who has met one
interval knows them all, and tables and plots take any of them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

__all__ = ["Estimate"]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Attributes
    ----------
    value : float
        The estimate (NaN when undefined for the data).
    low, high : float
        Bounds of the interval (NaN when no interval was computed).
    level : float
        Coverage of the interval, in (0, 1), e.g. 0.95.
    method : str
        How the interval was obtained ("bootstrap percentile", "DeLong",
        "Wald", "Wilson", ...), for tables and reports.

    Examples
    --------
    >>> auc = Estimate(0.81, 0.74, 0.87, 0.95, method="DeLong")
    >>> float(auc), auc.contains(0.8), auc.width
    (0.81, True, 0.13)
    >>> str(auc)
    '0.810 (95% CI 0.740–0.870)'
    >>> f"{auc:.2f}"
    '0.81 (95% CI 0.74–0.87)'
    >>> auc.to_series().to_dict()
    {'value': 0.81, 'low': 0.74, 'high': 0.87, 'level': 0.95, 'method': 'DeLong'}
    """

    value: float
    low: float
    high: float
    level: float = 0.95
    method: str = ""

    def __post_init__(self) -> None:
        for name in ("value", "low", "high", "level"):
            object.__setattr__(self, name, float(getattr(self, name)))
        if not 0 < self.level < 1:
            raise ValueError(f"The 'level' parameter of Estimate must be in (0, 1); got {self.level!r}.")
        if self.low > self.high:
            raise ValueError(f"Estimate: low ({self.low!r}) must not exceed high ({self.high!r}).")

    def __float__(self) -> float:
        return self.value

    def __format__(self, spec: str) -> str:
        spec = spec or ".3f"
        if math.isnan(self.low) and math.isnan(self.high):
            return format(self.value, spec)
        return f"{format(self.value, spec)} ({self.level:.0%} CI {format(self.low, spec)}–{format(self.high, spec)})"

    def __str__(self) -> str:
        return format(self, "")

    @property
    def width(self) -> float:
        """``high - low``, rounded to 12 decimals (so a table shows 0.13, not 0.13000000000000012)."""
        return round(self.high - self.low, 12)

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the closed interval [low, high]."""
        return self.low <= x <= self.high

    def to_series(self) -> pd.Series:
        """The estimate as a pandas Series (value, low, high, level, method), for tables."""
        return pd.Series(asdict(self), dtype=object)
