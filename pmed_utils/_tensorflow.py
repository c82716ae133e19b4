"""Import TensorFlow and Keras without TensorFlow's C++ start-up log lines.

On import, TensorFlow's C++ runtime prints an absl warning, a oneDNN notice and
a CPU-feature notice straight to file descriptor 2. Jupyter copies that into the
output of whichever cell first imports it, so every page of the executed book
began with three lines a reader cannot act on; ``TF_CPP_MIN_LOG_LEVEL`` no
longer silences them. Python errors and warnings are unaffected: an
ImportError still propagates, and notebook warnings go to ``sys.stderr``, not
to the descriptor. TensorFlow's Python-logger hint about ``tf.function``
retracing (pmed trains many small models in a loop on purpose) is filtered out.
"""

from __future__ import annotations

import logging
import os
import sys
from types import ModuleType

from pmed_utils.validation import validate_params

__all__ = ["tensorflow_module", "keras_module"]


@validate_params({})
def tensorflow_module() -> ModuleType:
    """The ``tensorflow`` module, imported with descriptor 2 sent to /dev/null the first time.

    Returns
    -------
    module
        ``tensorflow``, imported once; an ImportError propagates.

    Examples
    --------
    >>> tensorflow_module().__name__
    'tensorflow'
    """
    if "tensorflow" not in sys.modules:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 2)
                import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        # pmed trains many small models on purpose (folds, sites, shadow models); TensorFlow's
        # hint that "tf.function retracing" is expensive is about speed, not correctness.
        logging.getLogger("tensorflow").addFilter(_NotRetracing())
    return sys.modules["tensorflow"]


class _NotRetracing(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


@validate_params({})
def keras_module() -> ModuleType:
    """The ``keras`` module (TensorFlow backend), imported after :func:`tensorflow_module`.

    Returns
    -------
    module
        ``keras``, with TensorFlow imported quietly first.

    Examples
    --------
    >>> keras_module().backend.backend()
    'tensorflow'
    """
    tensorflow_module()
    import keras

    return keras
