"""A Gaussian-copula synthesizer for mixed numeric and categorical tables.

Each column is mapped to a standard-normal score: a numeric column through its
empirical distribution function (ranks), a categorical column by giving each
category a slice of the normal scale as wide as its frequency. A category only
says in which slice a person's score lies, so the scores of categorical columns
are drawn inside their slices given the other columns (a Gibbs sampler of
truncated normals, as in Hoff's (2007) extended rank likelihood); a draw
independent of the other columns would weaken every correlation with a
categorical column. The scores' correlation matrix is the copula.
Sampling draws multivariate-normal scores with that correlation and maps each
back through the column's quantile function (numeric) or slices (categorical).
The marginals are therefore the training marginals (numeric values are
interpolated between observed ones), and the dependence is what a Gaussian
copula can express: monotone, pairwise, no interactions beyond that.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, check_columns, validate_params

__all__ = ["GaussianCopula"]


def _correlation(scores: np.ndarray) -> np.ndarray:
    if scores.shape[1] == 1:
        return np.ones((1, 1))
    corr = np.nan_to_num(np.corrcoef(scores, rowvar=False))
    np.fill_diagonal(corr, 1.0)
    return corr


def _nearest_correlation(corr: np.ndarray) -> np.ndarray:
    """A positive-definite correlation matrix close to ``corr`` (eigenvalues clipped)."""
    w, v = np.linalg.eigh(corr)
    out = (v * np.clip(w, 1e-6, None)) @ v.T
    d = np.sqrt(np.diag(out))
    return out / np.outer(d, d)


class GaussianCopula:
    """Fit a Gaussian copula to a table of numeric and categorical columns, then sample new rows.

    Parameters
    ----------
    categorical : sequence of str or None, default None
        Columns to treat as categories. None: object, category and boolean
        columns, and numeric columns with at most ``max_categories`` distinct
        values (sex, smoking, disease coded 0/1).
    max_categories : int ≥ 1, default 10
        See ``categorical``.
    n_iter : int ≥ 1, default 30
        Gibbs sweeps over the categorical columns' scores when fitting (the
        correlation is averaged over the second half).
    random_state : int, numpy.random.Generator or None, default 0
        Drives the uniform draws inside category slices and :meth:`sample`.

    Attributes
    ----------
    columns_ : list of str
        The fitted columns, in order.
    categorical_ : list of str
        Those treated as categorical.
    correlation_ : ndarray of float, shape (n_columns, n_columns)
        Correlation of the normal scores (the copula).
    dtypes_ : Series
        The training dtypes, restored by :meth:`sample`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], 2000)
    >>> table = pd.DataFrame({"age": 50 + 10 * z[:, 0], "smoker": (z[:, 1] > 0.5).astype(int)})
    >>> synth = GaussianCopula(random_state=0).fit(table).sample(2000)
    >>> synth.columns.tolist(), bool(synth["smoker"].isin([0, 1]).all())
    (['age', 'smoker'], True)
    >>> bool(abs(synth["smoker"].mean() - table["smoker"].mean()) < 0.03)
    True
    >>> older = synth["age"] > 55  # the dependence survives: smokers are older
    >>> bool(synth["smoker"][older].mean() > 2 * synth["smoker"][~older].mean())
    True
    """

    @validate_params(
        {
            "categorical": [list, tuple, None],
            "max_categories": [Interval(numbers.Integral, 1, None)],
            "n_iter": [Interval(numbers.Integral, 1, None)],
            "random_state": ["random_state"],
        }
    )
    def __init__(
        self,
        categorical: Sequence[str] | None = None,
        *,
        max_categories: int = 10,
        n_iter: int = 30,
        random_state: int | np.random.Generator | None = 0,
    ) -> None:
        self.categorical = None if categorical is None else list(categorical)
        self.max_categories = int(max_categories)
        self.n_iter = int(n_iter)
        self.random_state = random_state
        self._rng = check_random_state(random_state, func="GaussianCopula")
        self.columns_: list[str] = []
        self.categorical_: list[str] = []
        self.correlation_: np.ndarray | None = None

    def _is_categorical(self, s: pd.Series) -> bool:
        if self.categorical is not None:
            return s.name in self.categorical
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            return True
        return s.nunique() <= self.max_categories

    @validate_params({"table": ["dataframe"]})
    def fit(self, table: pd.DataFrame) -> GaussianCopula:
        """Learn the marginals and the correlation of the normal scores; returns ``self``.

        Parameters
        ----------
        table : DataFrame, shape (n_rows, n_columns)
            At least 2 rows; no missing values.

        Returns
        -------
        GaussianCopula
            ``self``, fitted.
        """
        func = "GaussianCopula.fit"
        if self.categorical is not None:
            check_columns(table, "table", self.categorical, func=func)
        if len(table) < 2 or table.shape[1] < 1:
            raise ValueError(f"The 'table' parameter of {func} needs at least 2 rows and 1 column; got {table.shape}.")
        if table.isna().any().any():
            bad = table.columns[table.isna().any()].tolist()
            raise ValueError(
                f"The 'table' parameter of {func} has missing values in columns {bad}; impute or drop them."
            )
        self.columns_ = [str(c) for c in table.columns]
        self.dtypes_ = table.dtypes
        self.categorical_ = []
        self._numeric: dict[str, np.ndarray] = {}
        self._levels: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        n = len(table)
        scores = np.empty((n, table.shape[1]))
        bounds: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for j, col in enumerate(table.columns):
            s = table[col]
            if self._is_categorical(s):
                self.categorical_.append(str(col))
                levels, codes = np.unique(s.to_numpy(), return_inverse=True)
                freq = np.bincount(codes, minlength=levels.size) / n
                upper = np.cumsum(freq)
                lower = upper - freq
                self._levels[str(col)] = (levels, upper)
                bounds[j] = (lower[codes], upper[codes])
                u = lower[codes] + self._rng.random(n) * freq[codes]
            else:
                x = s.to_numpy(dtype=float)
                if not np.all(np.isfinite(x)):
                    raise ValueError(f"The 'table' parameter of {func} has non-finite values in column {col!r}.")
                self._numeric[str(col)] = np.sort(x)
                u = stats.rankdata(x) / (n + 1)
            scores[:, j] = stats.norm.ppf(np.clip(u, 1e-6, 1 - 1e-6))
        corr = _correlation(scores)
        if bounds and scores.shape[1] > 1:
            kept = []
            for sweep in range(self.n_iter):
                for j, (lo, hi) in bounds.items():
                    others = np.delete(np.arange(scores.shape[1]), j)
                    coef = np.linalg.solve(corr[np.ix_(others, others)], corr[others, j])
                    mu = scores[:, others] @ coef
                    sd = np.sqrt(max(1.0 - float(corr[j, others] @ coef), 1e-6))
                    a = stats.norm.cdf((stats.norm.ppf(lo) - mu) / sd)
                    b = stats.norm.cdf((stats.norm.ppf(hi) - mu) / sd)
                    u = np.clip(a + self._rng.random(n) * (b - a), 1e-12, 1 - 1e-12)
                    scores[:, j] = np.clip(mu + sd * stats.norm.ppf(u), -8, 8)
                corr = _correlation(scores)
                if sweep >= self.n_iter // 2:
                    kept.append(corr)
            corr = np.mean(kept, axis=0)
        self.correlation_ = _nearest_correlation(corr)
        return self

    @validate_params({"n": [Interval(numbers.Integral, 1, None)]})
    def sample(self, n: int) -> pd.DataFrame:
        """Draw ``n`` synthetic rows with the training columns and dtypes.

        Parameters
        ----------
        n : int ≥ 1
            Number of rows.

        Returns
        -------
        DataFrame, shape (n, n_columns)
            Numeric columns take values between the training minimum and
            maximum; categorical columns take training categories only.
        """
        if self.correlation_ is None:
            raise ValueError("GaussianCopula.sample: call fit first.")
        k = len(self.columns_)
        z = self._rng.multivariate_normal(np.zeros(k), self.correlation_, int(n), method="cholesky")
        u = stats.norm.cdf(z)
        out = {}
        for j, col in enumerate(self.columns_):
            if col in self._levels:
                levels, upper = self._levels[col]
                idx = np.minimum(np.searchsorted(upper, u[:, j], side="right"), levels.size - 1)
                out[col] = levels[idx]
            else:
                sorted_x = self._numeric[col]
                grid = np.arange(1, sorted_x.size + 1) / (sorted_x.size + 1)
                out[col] = np.interp(u[:, j], grid, sorted_x)
        frame = pd.DataFrame(out)
        for col, dtype in zip(self.columns_, self.dtypes_, strict=True):
            if pd.api.types.is_integer_dtype(dtype) and col not in self._levels:
                frame[col] = np.round(frame[col]).astype(dtype)
            elif col in self._levels or pd.api.types.is_bool_dtype(dtype):
                frame[col] = frame[col].astype(dtype)
        return frame
