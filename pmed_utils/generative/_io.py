"""Saving and loading the generators' ``.keras`` files, with their code version and dataset checked."""

from __future__ import annotations

import os
from typing import Any

from pmed_utils._tensorflow import keras_module
from pmed_utils.validation import check_output_file

#: The Keras serialization package of every generator class.
KERAS_PACKAGE = "pmed_generative"


def save_generator(model: Any, path: str | os.PathLike, func: str) -> str:
    """Write ``model`` to ``path`` (a ``.keras`` file in an existing folder) for the public ``func``."""
    path = check_output_file(path, "path", ".keras", func=func)
    model.save(path)
    return path


def load_generator(path: str | os.PathLike, cls: type[Any], func: str, dataset: str | None, code_version: int) -> Any:
    """Load a ``cls`` from ``path``, refusing another class, code version or (when given) dataset."""
    keras = keras_module()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"The 'path' parameter of {func}: no file at {path}.")
    try:
        model: Any = keras.saving.load_model(path, compile=False)
    except Exception as exc:
        raise ValueError(f"The 'path' parameter of {func}: {path} is not a saved {cls.__name__} ({exc}).") from None
    if not isinstance(model, cls):
        raise ValueError(
            f"The 'path' parameter of {func}: {path} holds a {type(model).__name__}, not a {cls.__name__}."
        )
    if model.code_version != code_version:
        raise ValueError(
            f"The 'path' parameter of {func}: {path} was written by code version {model.code_version}, "
            f"this is version {code_version}; retrain it (tools/train_generators.py)."
        )
    if dataset is not None and model.dataset != dataset:
        raise ValueError(
            f"The 'dataset' parameter of {func} is {dataset!r}, but the weights in {path} were trained on "
            f"{model.dataset!r}."
        )
    return model
