"""Sanity checks for saliency maps (Adebayo et al. 2018): does the map depend on what the model learnt?

A map that explains a model must change when the model's knowledge is destroyed.
Two tests destroy it: **cascading randomisation** re-draws the weights layer by
layer from the output down (on a copy of the model), and the **shuffled-label
model** is trained on labels permuted at random, so it can only memorise. If a
method's map of the destroyed model still looks like the original (high rank
correlation, high SSIM), the method shows the image (edges, bright regions),
not the model's reasoning.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import ndimage, stats

from pmed_utils._tensorflow import keras_module
from pmed_utils.interpret.saliency import saliency_maps
from pmed_utils.models.training import TrainingHistory, train_classifier
from pmed_utils.models.weight_store import WeightStore
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

if TYPE_CHECKING:
    import keras

__all__ = [
    "cascading_randomization",
    "compare_maps",
    "randomize_layers",
    "rank_correlation",
    "shuffled_label_model",
    "structural_similarity",
]


def _pair(maps_a, maps_b, func: str) -> tuple[np.ndarray, np.ndarray]:
    a = check_finite(maps_a, "maps_a", func=func)
    b = check_finite(maps_b, "maps_b", func=func)
    if a.ndim != 3 or a.shape != b.shape or a.shape[0] == 0:
        raise ValueError(
            f"The 'maps_a' and 'maps_b' parameters of {func} must be non-empty arrays of the same shape "
            f"(n, height, width); got {a.shape} and {b.shape}."
        )
    return a, b


def _spearman(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Spearman correlation of (n, h, w) maps; NaN where a map is constant."""
    ra = stats.rankdata(a.reshape(len(a), -1), axis=1)
    rb = stats.rankdata(b.reshape(len(b), -1), axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    denom = np.sqrt((ra**2).sum(axis=1) * (rb**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (ra * rb).sum(axis=1) / np.where(denom > 0, denom, 1.0), np.nan)


@validate_params({"maps_a": ["array-like"], "maps_b": ["array-like"], "absolute": ["boolean"]})
def rank_correlation(maps_a: ArrayLike, maps_b: ArrayLike, *, absolute: bool = False) -> np.ndarray:
    """Spearman rank correlation between two maps of each image.

    Parameters
    ----------
    maps_a, maps_b : array-like of float, shape (n, height, width)
        Two maps per image (e.g. of the trained and of a randomised model).
    absolute : bool, default False
        Compare absolute values (Adebayo et al. report both: a sign flip of a
        whole map should not count as a change of what it highlights).

    Returns
    -------
    ndarray of float64, shape (n,)
        One correlation in [-1, 1] per image; NaN (with a
        :class:`~pmed_utils.validation.DegenerateInputWarning`) where a map is constant.

    Examples
    --------
    >>> a = np.arange(16.0).reshape(1, 4, 4)
    >>> rank_correlation(a, a ** 3), rank_correlation(a, -a)
    (array([1.]), array([-1.]))
    >>> rank_correlation(a, -a, absolute=True)  # the same pixels stand out
    array([1.])
    """
    func = "rank_correlation"
    a, b = _pair(maps_a, maps_b, func)
    if absolute:
        a, b = np.abs(a), np.abs(b)
    r = _spearman(a, b)
    if np.isnan(r).any():
        warn_degenerate(
            func, f"{int(np.isnan(r).sum())} of {len(r)} image(s) have a constant map; their correlation is NaN"
        )
    return r


def _scaled(m: np.ndarray) -> np.ndarray:
    lo = m.min(axis=(1, 2), keepdims=True)
    span = m.max(axis=(1, 2), keepdims=True) - lo
    return np.where(span > 0, (m - lo) / np.where(span > 0, span, 1.0), 0.0)


def _ssim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = _scaled(a), _scaled(b)
    side = min(a.shape[1:])
    win = min(7, side if side % 2 else side - 1)
    size = (1, win, win)
    npix = win * win
    cov_norm = npix / (npix - 1) if npix > 1 else 1.0
    ux, uy = ndimage.uniform_filter(a, size), ndimage.uniform_filter(b, size)
    vx = cov_norm * (ndimage.uniform_filter(a * a, size) - ux * ux)
    vy = cov_norm * (ndimage.uniform_filter(b * b, size) - uy * uy)
    vxy = cov_norm * (ndimage.uniform_filter(a * b, size) - ux * uy)
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    pad = (win - 1) // 2
    inner = s[:, pad : s.shape[1] - pad, pad : s.shape[2] - pad]
    return inner.mean(axis=(1, 2))


@validate_params({"maps_a": ["array-like"], "maps_b": ["array-like"]})
def structural_similarity(maps_a: ArrayLike, maps_b: ArrayLike) -> np.ndarray:
    """SSIM between two maps of each image, each first scaled to [0, 1].

    The structural similarity index of Wang et al. (2004) with a 7 × 7 uniform
    window, the constants K1 = 0.01, K2 = 0.03 and the sample covariance (the
    defaults of scikit-image's ``structural_similarity``), averaged over the
    window positions away from the border.

    Parameters
    ----------
    maps_a, maps_b : array-like of float, shape (n, height, width)
        Two maps per image.

    Returns
    -------
    ndarray of float64, shape (n,)
        1 for identical maps; near 0 for unrelated ones.

    Examples
    --------
    >>> a = np.random.default_rng(0).random((2, 12, 12))
    >>> structural_similarity(a, 3 * a + 1).round(6)
    array([1., 1.])
    >>> bool(structural_similarity(a, a[::-1]).max() < 0.5)
    True
    """
    a, b = _pair(maps_a, maps_b, "structural_similarity")
    return _ssim(a, b)


@validate_params({"maps_a": ["mapping"], "maps_b": ["mapping"]})
def compare_maps(maps_a: Mapping[str, np.ndarray], maps_b: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Mean rank correlation and SSIM between two sets of maps, method by method.

    Parameters
    ----------
    maps_a, maps_b : dict of str to ndarray, shape (n, height, width)
        Maps by method (as :func:`~pmed_utils.interpret.saliency.saliency_maps` returns),
        the same methods and images in both.

    Returns
    -------
    DataFrame
        Indexed by method: ``spearman`` and ``spearman_abs`` (mean over images of
        the rank correlation, signed and of absolute values, ignoring images whose
        map is constant), ``ssim`` (mean SSIM) and ``n_constant`` (images with a
        constant map in either set).

    Examples
    --------
    >>> a = np.random.default_rng(0).random((3, 8, 8))
    >>> compare_maps({"m": a}, {"m": a}).loc["m", ["spearman", "ssim"]].round(3).tolist()
    [1.0, 1.0]
    """
    func = "compare_maps"
    if set(maps_a) != set(maps_b) or not maps_a:
        raise ValueError(
            f"The 'maps_a' and 'maps_b' parameters of {func} must hold maps of the same methods; "
            f"got {sorted(maps_a)} and {sorted(maps_b)}."
        )
    rows = {}
    for method in maps_a:
        a, b = _pair(maps_a[method], maps_b[method], func)
        r, r_abs = _spearman(a, b), _spearman(np.abs(a), np.abs(b))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN mean → NaN
            rows[method] = {
                "spearman": float(np.nanmean(r)) if np.isfinite(r).any() else np.nan,
                "spearman_abs": float(np.nanmean(r_abs)) if np.isfinite(r_abs).any() else np.nan,
                "ssim": float(_ssim(a, b).mean()),
                "n_constant": int(np.isnan(r).sum()),
            }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "method"
    return table


def _kernel_layers(model) -> list[str]:
    """Layers with a kernel (convolutions and dense layers), output side first."""
    return [layer.name for layer in reversed(model.layers) if any(_is_kernel(w) for w in layer.weights)]


def _is_kernel(variable) -> bool:
    return "kernel" in variable.name


def _glorot(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def _check_keras_model(model: Any, func: str) -> None:
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(f"The 'model' parameter of {func} must be a keras.Model; got {type(model).__name__}.")


@validate_params({"model": ["callable"], "layers": ["array-like"], "random_state": ["random_state"]})
def randomize_layers(
    model: keras.Model, layers: Sequence[str], *, random_state: int | np.random.Generator | None = None
) -> keras.Model:
    """A copy of ``model`` whose named layers have freshly drawn weights; the original is untouched.

    Each kernel is re-drawn from the Glorot-uniform distribution (Keras' default
    initialiser for convolution and dense layers) and each bias set to zero; the
    other weights (batch-normalisation scales and statistics) keep their trained values.

    Parameters
    ----------
    model : keras.Model
        The trained model.
    layers : sequence of str
        Names of layers with a kernel (convolution or dense).
    random_state : int, numpy.random.Generator or None, default None
        Draws the new weights (None = pmed's fixed default).

    Returns
    -------
    keras.Model
        A clone with the trained weights except in ``layers``.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> model = small_cnn((8, 8, 1), filters=(2,))
    >>> copy = randomize_layers(model, ["lesion_probability"], random_state=0)
    >>> same = [np.array_equal(a, b) for a, b in zip(model.get_weights(), copy.get_weights())]
    >>> same.count(False)  # the dense kernel only: its bias was already zero
    1
    """
    func = "randomize_layers"
    keras = keras_module()
    _check_keras_model(model, func)
    valid = _kernel_layers(model)
    unknown = [name for name in layers if name not in valid]
    if unknown:
        raise ValueError(
            f"The 'layers' parameter of {func} must name layers of {model.name} with a kernel: "
            f"any of {', '.join(repr(n) for n in valid)}; got {unknown!r}."
        )
    rng = check_random_state(random_state, func=func)
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    for name in layers:
        for w in clone.get_layer(name).weights:
            if _is_kernel(w):
                w.assign(_glorot(tuple(w.shape), rng))
            elif "bias" in w.name:
                w.assign(np.zeros(tuple(w.shape), np.float32))
    return clone


def _explainer(explain, random_state) -> Callable:
    if explain is not None:
        return explain
    seed = derive_seed(random_state)  # the same SmoothGrad noise for every model
    return lambda model, images: saliency_maps(model, images, random_state=seed)


def _as_maps(result: Any, func: str) -> dict[str, np.ndarray]:
    if isinstance(result, Mapping):
        return dict(result)
    if isinstance(result, np.ndarray):
        return {"map": result}
    raise TypeError(
        f"The 'explain' parameter of {func} must return a dict of maps or one array of maps; "
        f"got {type(result).__name__}."
    )


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "explain": ["callable", None],
        "layers": ["array-like", None],
        "random_state": ["random_state"],
    }
)
def cascading_randomization(
    model: keras.Model,
    images: np.ndarray,
    explain: Callable[[Any, np.ndarray], Mapping[str, np.ndarray] | np.ndarray] | None = None,
    *,
    layers: Sequence[str] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Cascading randomisation: re-draw the weights from the output layer down, one more layer each step.

    Step 0 is the trained model; step k has the top k layers of ``layers``
    randomised (cumulatively, on copies: the model itself is untouched). At each
    step the maps of ``images`` are compared with the trained model's maps by
    :func:`compare_maps`. A faithful method's similarity falls as soon as the top
    layer is randomised; one that stays high is independent of the model.

    Parameters
    ----------
    model : keras.Model
        The trained binary classifier.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    explain : callable, optional
        ``explain(model, images)`` → dict of maps by method (or one array of maps).
        None = :func:`~pmed_utils.interpret.saliency.saliency_maps` with every method
        and the same SmoothGrad noise for every model.
    layers : sequence of str, optional
        Layers to randomise, output side first; None = every layer with a kernel
        (convolutions and dense layers), output side first.
    random_state : int, numpy.random.Generator or None, default None
        Draws the new weights (and SmoothGrad's noise when ``explain`` is None).

    Returns
    -------
    DataFrame
        One row per step and method: ``step`` (0 = trained), ``layer`` (the layer
        randomised at that step; "none" at step 0), ``method`` and the columns of
        :func:`compare_maps`.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> from pmed_utils.interpret.saliency import grad_cam
    >>> x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    >>> table = cascading_randomization(small_cnn((8, 8, 1), filters=(2,)), x,
    ...                                 lambda m, im: {"grad_cam": grad_cam(m, im)}, random_state=0)
    >>> table["layer"].tolist()
    ['none', 'lesion_probability', 'block0_conv1', 'block0_conv0']
    """
    func = "cascading_randomization"
    _check_keras_model(model, func)
    order = list(layers) if layers is not None else _kernel_layers(model)
    if not order:
        raise ValueError(f"The 'layers' parameter of {func} must name at least one layer with a kernel.")
    rng = check_random_state(random_state, func=func)
    explain_fn = _explainer(explain, random_state)
    original = _as_maps(explain_fn(model, images), func)
    tables = [compare_maps(original, original).assign(step=0, layer="none")]
    for k in range(1, len(order) + 1):
        randomized = randomize_layers(model, order[:k], random_state=derive_seed(rng))
        maps = _as_maps(explain_fn(randomized, images), func)
        tables.append(compare_maps(original, maps).assign(step=k, layer=order[k - 1]))
    table = pd.concat(tables).reset_index()
    return table[["step", "layer", "method", "spearman", "spearman_abs", "ssim", "n_constant"]]


@validate_params(
    {
        "build_model": ["callable"],
        "x": ["array-like"],
        "y": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
        "store": [WeightStore, None],
    }
)
def shuffled_label_model(
    build_model: Callable[[], keras.Model],
    x: np.ndarray,
    y: ArrayLike,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    random_state: int | np.random.Generator | None = None,
    store: WeightStore | None = None,
) -> tuple[keras.Model, TrainingHistory]:
    """Train a fresh model on randomly permuted labels: it can only memorise the images.

    The labels are permuted once; the model built by ``build_model`` (after
    seeding Keras) is trained for the whole epoch budget with
    :func:`~pmed_utils.models.train_classifier`, the permuted training set also
    serving as its validation set. Its maps are then compared with the real
    model's (:func:`compare_maps`): a method whose maps barely change does not
    depend on the relation between images and labels.

    Parameters
    ----------
    build_model : callable
        ``build_model()`` → a new compiled Keras model (e.g. ``lambda: small_cnn()``).
    x : ndarray of float32, shape (n, height, width, channels)
        Training images in [0, 1].
    y : array-like of 0/1, shape (n,)
        The true labels (both classes present); they are permuted here.
    epochs : int, default 10
        The epoch budget (all epochs are run).
    batch_size : int, default 32
        Images per gradient step.
    random_state : int, numpy.random.Generator or None, default None
        Permutation, initial weights and training order.
    store : WeightStore, optional
        Passed to :func:`~pmed_utils.models.train_classifier`: loaded when
        this exact run is stored.

    Returns
    -------
    model : keras.Model
        Trained on the permuted labels.
    history : TrainingHistory
        Its training record (training AUC on the permuted labels shows how much it memorised).

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> model, history = shuffled_label_model(lambda: small_cnn((8, 8, 1), filters=(2,)), x,
    ...                                       [0, 1] * 4, epochs=1, random_state=0)
    >>> history.n_epochs
    1
    """
    func = "shuffled_label_model"
    keras = keras_module()
    labels = check_binary_labels(y, "y", func=func)
    check_same_length((x, "x"), (labels, "y"), func=func)
    rng = check_random_state(random_state, func=func)
    permuted = labels[rng.permutation(len(labels))]
    keras.utils.set_random_seed(derive_seed(rng))
    model = build_model()
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"The 'build_model' parameter of {func} must return a compiled keras.Model; got {type(model).__name__}."
        )
    history = train_classifier(
        model,
        x,
        permuted,
        x,
        permuted,
        epochs=epochs,
        batch_size=batch_size,
        patience=epochs,
        random_state=derive_seed(rng),
        progress=False,
        store=store,
    )
    return model, history
