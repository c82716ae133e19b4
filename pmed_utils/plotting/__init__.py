"""Plotting: each function takes ``ax=None`` and returns the Axes; nothing is shown or saved."""

from pmed_utils.plotting.evaluation import *  # noqa: F401,F403
from pmed_utils.plotting.evaluation import __all__ as _evaluation_all
from pmed_utils.plotting.fairness import *  # noqa: F401,F403
from pmed_utils.plotting.fairness import __all__ as _fairness_all
from pmed_utils.plotting.fusion import *  # noqa: F401,F403
from pmed_utils.plotting.fusion import __all__ as _fusion_all
from pmed_utils.plotting.genomics import *  # noqa: F401,F403
from pmed_utils.plotting.genomics import __all__ as _genomics_all
from pmed_utils.plotting.imaging import *  # noqa: F401,F403
from pmed_utils.plotting.imaging import __all__ as _imaging_all
from pmed_utils.plotting.interpret import *  # noqa: F401,F403
from pmed_utils.plotting.interpret import __all__ as _interpret_all
from pmed_utils.plotting.monitoring import *  # noqa: F401,F403
from pmed_utils.plotting.monitoring import __all__ as _monitoring_all

__all__ = [
    *_evaluation_all,
    *_fairness_all,
    *_fusion_all,
    *_genomics_all,
    *_imaging_all,
    *_interpret_all,
    *_monitoring_all,
]
