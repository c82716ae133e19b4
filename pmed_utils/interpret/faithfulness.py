"""Faithfulness of a saliency map: deletion and insertion curves (Petsiuk et al. 2018).

If a map ranks pixels by how much the model uses them, removing the top-ranked
pixels first should make the model's score fall fast (**deletion**: a small area
under the curve), and putting them back first into a blank image should make it
rise fast (**insertion**: a large area). A random order of the pixels is the
baseline a map must beat.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.interpret.saliency import _TARGETS, _check_batch, _check_model, _score_fn, _scores
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import Interval, check_finite, validate_params

if TYPE_CHECKING:
    import keras

__all__ = ["FaithfulnessCurve", "deletion_curve", "faithfulness_table", "insertion_curve"]


@dataclass(frozen=True, eq=False)  # arrays have no single truth value for ==
class FaithfulnessCurve:
    """The model's score as pixels are deleted (or inserted) in a map's order.

    Attributes
    ----------
    kind : {"deletion", "insertion"}
        Which curve.
    fractions : ndarray of float64, shape (steps + 1,)
        Share of the pixels deleted (or inserted), from 0 to 1.
    scores : ndarray of float64, shape (n, steps + 1)
        The score of each image at each fraction.

    Examples
    --------
    >>> c = FaithfulnessCurve("deletion", np.array([0.0, 0.5, 1.0]), np.array([[1.0, 0.5, 0.0]]))
    >>> c.auc, c.mean_scores.tolist()
    (0.5, [1.0, 0.5, 0.0])
    """

    kind: str
    fractions: np.ndarray
    scores: np.ndarray

    @property
    def mean_scores(self) -> np.ndarray:
        """The curve averaged over images, shape (steps + 1,)."""
        return self.scores.mean(axis=0)

    @property
    def auc_per_image(self) -> np.ndarray:
        """Area under each image's curve (trapezoidal rule), shape (n,)."""
        return np.trapezoid(self.scores, self.fractions, axis=1)

    @property
    def auc(self) -> float:
        """Mean area under the curve over images: small is good for deletion, large for insertion."""
        return float(self.auc_per_image.mean())


def _order_ranks(maps: np.ndarray | None, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """For each image, the rank of each pixel (0 = most salient); ties and ``maps=None`` broken at random."""
    n, pixels = shape[0], int(np.prod(shape[1:3]))
    tiebreak = rng.random((n, pixels))
    if maps is None:
        order = np.argsort(tiebreak, axis=1)
    else:
        order = np.lexsort((tiebreak, -maps.reshape(n, pixels)), axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(pixels)[None].repeat(n, axis=0), axis=1)
    return ranks.reshape(shape[:3])


def _curve(model, images, maps, steps, fill, target, random_state, batch_size, kind: str) -> FaithfulnessCurve:
    func = f"{kind}_curve"
    _check_model(model, func)
    x = _check_batch(model, images, func)
    m = None
    if maps is not None:
        m = check_finite(maps, "maps", func=func)
        if m.shape != x.shape[:3]:
            raise ValueError(
                f"The 'maps' parameter of {func} must have shape (n, height, width) = {x.shape[:3]}, one map "
                f"per image; got {m.shape}."
            )
    rng = check_random_state(random_state, func=func)
    ranks = _order_ranks(m, x.shape, rng)
    n_pixels = ranks[0].size
    fractions = np.linspace(0.0, 1.0, steps + 1)
    counts = np.round(fractions * n_pixels).astype(int)
    fills = (x.mean(axis=(1, 2, 3)) if fill is None else np.full(len(x), float(fill))).astype(np.float32)
    blank = np.broadcast_to(fills[:, None, None, None], x.shape)
    score = _score_fn(model, target, func)
    scores = np.empty((len(x), steps + 1))
    for j, k in enumerate(counts):
        chosen = (ranks < k)[..., None]  # the k most salient pixels of each image
        changed = np.where(chosen, blank, x) if kind == "deletion" else np.where(chosen, x, blank)
        scores[:, j] = _scores(score, changed.astype(np.float32), batch_size)
    return FaithfulnessCurve(kind, fractions, scores)


_CURVE_PARAMS: dict[str, list[Any]] = {
    "model": ["callable"],
    "images": ["array-like"],
    "maps": ["array-like", None],
    "steps": [Interval(numbers.Integral, 1, None)],
    "fill": [Interval(numbers.Real, 0, 1), None],
    "target": [_TARGETS],
    "random_state": ["random_state"],
    "batch_size": [Interval(numbers.Integral, 1, None)],
}


@validate_params(_CURVE_PARAMS)
def deletion_curve(
    model: keras.Model,
    images: np.ndarray,
    maps: ArrayLike | None = None,
    *,
    steps: int = 20,
    fill: float | None = None,
    target: str = "probability",
    random_state: int | np.random.Generator | None = None,
    batch_size: int = 256,
) -> FaithfulnessCurve:
    """The model's score as the most salient pixels are deleted first.

    At step j of ``steps``, the j/steps most salient pixels of each image (all
    channels) are set to ``fill``. Use images the model calls positive: the score
    is the probability of a lesion, and a faithful map makes it fall fast.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    maps : array-like of float, shape (n, height, width), optional
        Saliency of each pixel (larger = deleted earlier); None = a random order,
        the baseline to beat.
    steps : int, default 20
        Points of the curve after the first.
    fill : float in [0, 1], optional
        Value given to deleted pixels; None = each image's mean pixel.
    target : {"probability", "logit"}, default "probability"
        The score followed.
    random_state : int, numpy.random.Generator or None, default None
        Breaks ties between equal saliencies (and draws the random order).
    batch_size : int, default 256
        Images per forward pass.

    Returns
    -------
    FaithfulnessCurve
        ``kind="deletion"``; a smaller ``auc`` is more faithful.

    Examples
    --------
    A model that only looks at the top-left pixel: a map that ranks that pixel
    first deletes the evidence at the first step.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.set_weights([np.array([[4.0], [0.0], [0.0], [0.0]]), np.zeros(1)])
    >>> x = np.ones((1, 2, 2, 1), "float32")
    >>> curve = deletion_curve(model, x, np.array([[[1.0, 0.0], [0.0, 0.0]]]), steps=4, fill=0.0)
    >>> curve.scores.round(2)
    array([[0.98, 0.5 , 0.5 , 0.5 , 0.5 ]])
    """
    return _curve(model, images, maps, steps, fill, target, random_state, batch_size, "deletion")


@validate_params(_CURVE_PARAMS)
def insertion_curve(
    model: keras.Model,
    images: np.ndarray,
    maps: ArrayLike | None = None,
    *,
    steps: int = 20,
    fill: float | None = None,
    target: str = "probability",
    random_state: int | np.random.Generator | None = None,
    batch_size: int = 256,
) -> FaithfulnessCurve:
    """The model's score as the most salient pixels are put back first into a blank image.

    The curve starts from an image of ``fill`` everywhere; at step j the j/steps
    most salient pixels get their original values back.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    maps : array-like of float, shape (n, height, width), optional
        Saliency of each pixel (larger = inserted earlier); None = a random order.
    steps : int, default 20
        Points of the curve after the first.
    fill : float in [0, 1], optional
        Value of the blank image; None = each image's mean pixel.
    target : {"probability", "logit"}, default "probability"
        The score followed.
    random_state : int, numpy.random.Generator or None, default None
        Breaks ties between equal saliencies (and draws the random order).
    batch_size : int, default 256
        Images per forward pass.

    Returns
    -------
    FaithfulnessCurve
        ``kind="insertion"``; a larger ``auc`` is more faithful.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.set_weights([np.array([[4.0], [0.0], [0.0], [0.0]]), np.zeros(1)])
    >>> x = np.ones((1, 2, 2, 1), "float32")
    >>> curve = insertion_curve(model, x, np.array([[[1.0, 0.0], [0.0, 0.0]]]), steps=4, fill=0.0)
    >>> curve.scores.round(2)
    array([[0.5 , 0.98, 0.98, 0.98, 0.98]])
    """
    return _curve(model, images, maps, steps, fill, target, random_state, batch_size, "insertion")


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "maps": ["mapping"],
        "steps": [Interval(numbers.Integral, 1, None)],
        "fill": [Interval(numbers.Real, 0, 1), None],
        "random_state": ["random_state"],
    }
)
def faithfulness_table(
    model: keras.Model,
    images: np.ndarray,
    maps: Mapping[str, np.ndarray],
    *,
    steps: int = 20,
    fill: float | None = None,
    random_state: int | np.random.Generator | None = None,
) -> tuple[pd.DataFrame, dict[str, dict[str, FaithfulnessCurve]]]:
    """Deletion and insertion AUC of several maps of the same images, and of a random order.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] the model calls positive.
    maps : dict of str to ndarray, shape (n, height, width)
        Maps by method (as :func:`~pmed_utils.interpret.saliency.saliency_maps` returns).
    steps : int, default 20
        Points of each curve after the first.
    fill : float in [0, 1], optional
        Value of deleted pixels and of the blank image; None = each image's mean.
    random_state : int, numpy.random.Generator or None, default None
        Tie-breaking and the random order (the same draw for every method).

    Returns
    -------
    table : DataFrame
        Indexed by method, with "random" last: ``deletion_auc`` (smaller is
        better), ``insertion_auc`` (larger is better) and ``insertion_minus_deletion``.
    curves : dict of str to dict of str to FaithfulnessCurve
        ``curves[method]["deletion"]`` and ``curves[method]["insertion"]``.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.set_weights([np.array([[4.0], [0.0], [0.0], [0.0]]), np.zeros(1)])
    >>> x = np.ones((1, 2, 2, 1), "float32")
    >>> table, curves = faithfulness_table(model, x, {"right": np.array([[[1.0, 0], [0, 0]]])},
    ...                                    steps=4, fill=0.0, random_state=0)
    >>> table.index.tolist(), bool(table.loc["right", "deletion_auc"] <= table.loc["random", "deletion_auc"])
    (['right', 'random'], True)
    """
    if not maps:
        raise ValueError("The 'maps' parameter of faithfulness_table must hold at least one method's maps.")
    seed = derive_seed(random_state, func="faithfulness_table")
    curves: dict[str, dict[str, FaithfulnessCurve]] = {}
    for method, m in [*maps.items(), ("random", None)]:
        curves[method] = {
            kind: fn(model, images, m, steps=steps, fill=fill, random_state=seed)
            for kind, fn in (("deletion", deletion_curve), ("insertion", insertion_curve))
        }
    table = pd.DataFrame(
        {
            method: {"deletion_auc": c["deletion"].auc, "insertion_auc": c["insertion"].auc}
            for method, c in curves.items()
        }
    ).T
    table["insertion_minus_deletion"] = table["insertion_auc"] - table["deletion_auc"]
    table.index.name = "method"
    return table, curves
