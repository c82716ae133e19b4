"""Plotting: each function takes ``ax=None`` and returns the Axes; nothing is shown or saved."""

from pmed_utils.plotting.evaluation import *  # noqa: F401,F403
from pmed_utils.plotting.evaluation import __all__ as _evaluation_all
from pmed_utils.plotting.fairness import *  # noqa: F401,F403
from pmed_utils.plotting.fairness import __all__ as _fairness_all
from pmed_utils.plotting.genomics import *  # noqa: F401,F403
from pmed_utils.plotting.genomics import __all__ as _genomics_all
from pmed_utils.plotting.imaging import *  # noqa: F401,F403
from pmed_utils.plotting.imaging import __all__ as _imaging_all

__all__ = list(_evaluation_all) + list(_imaging_all) + list(_genomics_all) + list(_fairness_all)
