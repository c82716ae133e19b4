"""Progress bars: tqdm's widget bar in Jupyter when ipywidgets is installed, its text bar otherwise.

``tqdm.auto`` picks the same bars but warns "IProgress not found" in a notebook
without ipywidgets (the executed book has none), on every page that shows a bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmed_utils.validation import validate_params

if TYPE_CHECKING:
    from keras.callbacks import Callback

__all__ = ["tqdm_class", "keras_progress_callback"]


@validate_params({})
def tqdm_class() -> type:
    """The tqdm class to use here and now.

    Returns
    -------
    type
        ``tqdm.auto.tqdm`` (a widget bar in Jupyter) when ipywidgets is
        installed, else ``tqdm.std.tqdm`` (a text bar).

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


@validate_params({"desc": ["str"], "monitor": ["str"]})
def keras_progress_callback(desc: str, monitor: str = "val_auc") -> Callback:
    """A Keras callback: one bar step per epoch, with this epoch's and the best ``monitor`` beside it.

    The bar reads e.g. ``small_cnn:  45%|####  | 27/60 epochs [00:28, val_auc=0.912,
    best=0.964 @ 12]`` — short enough for the book's output column, and it shows
    what early stopping watches. A bar that ends below 100% stopped early.

    Parameters
    ----------
    desc : str
        The bar's label, e.g. the model's name.
    monitor : str, default "val_auc"
        The logged metric shown beside the bar, with its best value and epoch
        (higher is better).

    Returns
    -------
    keras.callbacks.Callback
        A callback whose ``bar`` (a tqdm bar) is created when training begins
        and closed when it ends.

    Examples
    --------
    Pass it to ``model.fit(..., callbacks=[...])``; here Keras' calls are made
    by hand for a 5-epoch run that early stopping ends after 3 epochs:

    >>> callback = keras_progress_callback("toy_cnn")
    >>> callback.set_params({"epochs": 5})
    >>> callback.on_train_begin()
    >>> for epoch, auc in enumerate([0.71, 0.86, 0.80]):
    ...     callback.on_epoch_end(epoch, {"val_auc": auc})
    >>> callback.bar.n, callback.bar.total, callback.bar.desc
    (3, 5, 'toy_cnn')
    >>> callback.bar.postfix
    'val_auc=0.800, best=0.860 @ 2'
    >>> callback.on_train_end()
    """
    from pmed_utils._tensorflow import keras_module

    keras = keras_module()
    tqdm = tqdm_class()

    class EpochProgress(keras.callbacks.Callback):  # type: ignore[name-defined]  # a module known at run time
        def on_train_begin(self, logs=None):
            self.best, self.best_epoch = -float("inf"), None
            self.bar = tqdm(
                total=self.params.get("epochs"),
                desc=desc,
                unit="epoch",
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} epochs [{elapsed}{postfix}]",
            )

        def on_epoch_end(self, epoch, logs=None):
            value = (logs or {}).get(monitor)
            if value is not None and value > self.best:
                self.best, self.best_epoch = float(value), epoch + 1  # 1-based, as in the plots
            if value is not None:
                self.bar.set_postfix_str(
                    f"{monitor}={value:.3f}, best={self.best:.3f} @ {self.best_epoch}", refresh=False
                )
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return EpochProgress()
