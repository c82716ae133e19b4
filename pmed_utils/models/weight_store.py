"""Trained weights kept on disk, reused only when a training run would repeat exactly.

A training run of :func:`~pmed_utils.models.train_classifier` is fully
determined by the model (its layers, compile settings and initial weights),
the training and validation arrays, the training settings (epochs, batch
size, patience, class weights, augmentation, seed) and the Keras and
TensorFlow versions. :func:`training_key` hashes all of them; a
:class:`WeightStore` keeps, under that key, the trained weights and the
training history. Anything that differs gives another key, so a stored entry
is never used for a different run: that run trains, as it would without a store.

pmed ships the entries its book needs (``pmed_utils/data/trained_weights``,
written by ``tools/train_book_models.py``) so that the book builds in minutes
on two cores; :func:`book_weight_store` opens them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pmed_utils._tensorflow import keras_module
from pmed_utils.validation import Options, validate_params

if TYPE_CHECKING:
    import keras

__all__ = ["WEIGHT_STORE_VERSION", "StoredTraining", "WeightStore", "book_weight_store", "training_key"]

#: Raised when the meaning of an entry changes; part of every key, so old entries stop matching.
WEIGHT_STORE_VERSION = 1

#: The book's parameter values: reuse shipped weights, always train, or train and write the shipped entries.
BOOK_MODES = ("shipped", "train", "record")


#: Config entries that do not change what a layer computes: Keras numbers names per session
#: (conv2d_3), and a Sequential adds its input shape once it has been called.
_UNSTABLE_KEYS = {"name", "build_config", "build_input_shape"}


def _without_names(config: Any) -> Any:
    """A Keras config without the entries that change with the session or with a first call."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k not in _UNSTABLE_KEYS}
    if isinstance(config, (list, tuple)):
        return [_without_names(v) for v in config if not (isinstance(v, dict) and v.get("class_name") == "InputLayer")]
    return config


def _describe(value: Any) -> Any:
    """A JSON-able description of a setting: a Keras layer by class and config, a function by its name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _describe(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_describe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "get_config"):
        return {"class": type(value).__qualname__, "config": _without_names(value.get_config())}
    return {"callable": f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"}


def _array_digest(array: np.ndarray) -> str:
    array = np.ascontiguousarray(array)
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


@validate_params({"model": ["callable"], "arrays": ["mapping"], "settings": ["mapping"]})
def training_key(model: keras.Model, arrays: Mapping[str, np.ndarray], settings: Mapping[str, Any]) -> str:
    """The SHA-256 that names one training run: model, initial weights, data, settings, library versions.

    Parameters
    ----------
    model : keras.Model
        Compiled, holding its initial weights (call this before training).
    arrays : dict of str to ndarray
        The data the run sees, e.g. ``{"x_train": ..., "y_train": ...}``;
        dtype, shape and every byte count.
    settings : dict
        Everything else that decides the run (epochs, seed, class weights, ...);
        Keras layers count by class and configuration, functions by name.

    Returns
    -------
    str
        64 hexadecimal digits.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> model = small_cnn((8, 8, 1), filters=(2,))
    >>> x = np.zeros((4, 8, 8, 1), dtype="float32")
    >>> key = training_key(model, {"x": x}, {"epochs": 3})
    >>> len(key), key == training_key(model, {"x": x}, {"epochs": 4}), key == training_key(model, {"x": x + 1}, {"epochs": 3})
    (64, False, False)
    """
    keras = keras_module()
    import tensorflow as tf

    digest = hashlib.sha256()
    description = {
        "store_version": WEIGHT_STORE_VERSION,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "layers": [
            {"class": type(layer).__qualname__, "config": _without_names(layer.get_config())} for layer in model.layers
        ],
        "compile": _without_names(model.get_compile_config()) if model.compiled else None,
        "settings": _describe(dict(settings)),
        "arrays": {name: _array_digest(np.asarray(a)) for name, a in sorted(arrays.items())},
    }
    digest.update(json.dumps(description, sort_keys=True, default=str).encode())
    for weight in model.get_weights():
        digest.update(_array_digest(weight).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredTraining:
    """One stored entry: the trained weights and what the run recorded.

    Attributes
    ----------
    weights : list of ndarray
        ``model.get_weights()`` after training, in layer order.
    record : dict
        JSON-able: the training history and the entry's provenance (``key``,
        ``function``, ``created``, ``versions``, ``array_md5``).

    Examples
    --------
    :meth:`WeightStore.load` returns one:

    >>> import tempfile
    >>> store = WeightStore(tempfile.mkdtemp(), write=True)
    >>> store.save("ef" * 32, [np.zeros((2, 2), dtype="float32")], {"function": "example"})
    >>> entry = store.load("ef" * 32)
    >>> entry.weights[0].shape, entry.record["key"] == "ef" * 32, sorted(entry.record["versions"])
    ((2, 2), True, ['keras', 'numpy', 'python', 'tensorflow'])
    """

    weights: list[np.ndarray]
    record: dict


@dataclass(frozen=True)
class WeightStore:
    """A folder of trained weights, one ``<key>.npz`` file per training run.

    Parameters
    ----------
    folder : path
        Where the entries are.
    write : bool, default False
        False: training functions reuse an entry whose key matches and train
        (without writing) otherwise. True: they always train and write the
        entry, replacing any with the same key (used by ``tools/train_book_models.py``).

    Examples
    --------
    >>> import tempfile
    >>> store = WeightStore(tempfile.mkdtemp(), write=True)
    >>> store.save("ab" * 32, [np.ones(3, dtype="float32")], {"function": "example"})
    >>> entry = store.load("ab" * 32)
    >>> entry.weights[0].tolist(), entry.record["function"], store.load("cd" * 32) is None
    ([1.0, 1.0, 1.0], 'example', True)
    """

    folder: Path | str
    write: bool = False

    def path(self, key: str) -> Path:
        """The entry's file: the key's first 24 hexadecimal digits, then ``.npz``."""
        return Path(self.folder) / f"{key[:24]}.npz"

    def load(self, key: str) -> StoredTraining | None:
        """The entry stored under ``key``, or None when there is none (or it was written for another key)."""
        path = self.path(key)
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            record = json.loads(str(data["record"]))
            if record.get("key") != key:  # a 24-digit prefix shared by two keys: not this run
                return None
            weights = [data[f"w{i}"] for i in range(int(data["n_weights"]))]
        return StoredTraining(weights, record)

    def save(self, key: str, weights: list[np.ndarray], record: dict) -> None:
        """Write an entry atomically (a reader never sees half a file)."""
        folder = Path(self.folder)
        folder.mkdir(parents=True, exist_ok=True)
        import tensorflow as tf

        record = {
            **record,
            "key": key,
            "created": datetime.date.today().isoformat(),
            "versions": {
                "keras": keras_module().__version__,
                "tensorflow": tf.__version__,
                "numpy": np.__version__,
                "python": platform.python_version(),
            },
        }
        payload: dict[str, Any] = {f"w{i}": np.asarray(w) for i, w in enumerate(weights)}
        payload["record"] = np.array(json.dumps(record, sort_keys=True))
        payload["n_weights"] = np.array(len(weights))
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(handle)
        try:
            with open(tmp, "wb") as out:
                np.savez_compressed(out, **payload)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the entry is package data
            os.replace(tmp, self.path(key))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


@validate_params({"mode": [Options(set(BOOK_MODES))]})
def book_weight_store(mode: str = "shipped") -> WeightStore | None:
    """The store of trained weights pmed ships for its book, as a notebook's ``trained_weights`` parameter picks it.

    Parameters
    ----------
    mode : {"shipped", "train", "record"}, default "shipped"
        "shipped": reuse a shipped entry when the run matches it exactly, else
        train. "train": always train here (returns None, no store). "record":
        train and write the entry into ``pmed_utils/data/trained_weights``
        (for ``tools/train_book_models.py``).

    Returns
    -------
    WeightStore or None

    Examples
    --------
    >>> book_weight_store("shipped").folder.name, book_weight_store("train") is None
    ('trained_weights', True)
    """
    if mode == "train":
        return None
    folder = Path(__file__).resolve().parents[1] / "data" / "trained_weights"
    return WeightStore(folder, write=mode == "record")
