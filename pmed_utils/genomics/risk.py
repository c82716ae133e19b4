"""Risk-score summaries, now in :mod:`pmed_utils.evaluation` (this module re-exports them).

``from pmed_utils.genomics.risk import r2_with_ci`` keeps working; new code
imports from :mod:`pmed_utils.evaluation`.
"""

from pmed_utils.evaluation._risk import (
    r2_by_group,
    r2_with_ci,
    risk_by_quantile,
    split_by_individual,
    top_percentile_odds_ratio,
)

__all__ = ["r2_by_group", "r2_with_ci", "risk_by_quantile", "split_by_individual", "top_percentile_odds_ratio"]
