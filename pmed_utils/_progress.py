"""Progress bars: tqdm's widget bar in Jupyter when ipywidgets is installed, its text bar otherwise.

``tqdm.auto`` picks the same bars but warns "IProgress not found" in a notebook
without ipywidgets (the executed book has none), on every page that shows a bar.
"""

from __future__ import annotations

import warnings

__all__ = ["tqdm_class", "keras_progress_callback"]


def tqdm_class():
    """The tqdm class to use here and now.

    Examples
    --------
    >>> tqdm_class().__name__
    'tqdm'
    """
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm.std import tqdm

        return tqdm
    from tqdm.auto import tqdm

    return tqdm


def keras_progress_callback(desc: str):
    """A Keras callback with one progress-bar step per epoch and the epoch's metrics beside it."""
    from tqdm.std import TqdmWarning

    with warnings.catch_warnings():  # tqdm.keras imports tqdm.auto, which would warn as above
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.keras import TqdmCallback
    return TqdmCallback(verbose=0, desc=desc, tqdm_class=tqdm_class())
