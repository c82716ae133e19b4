"""Saliency maps for a binary image classifier: Grad-CAM, integrated gradients, SmoothGrad, occlusion.

Each function takes a Keras model with one output unit (the probability of a
lesion, as :func:`pmed_utils.models.small_cnn` gives) and a batch of images,
and returns one map per image with the image's height and width: how much each
pixel matters to the model's score, by that method's definition. All work on a
whole batch at once (interpolation steps, noisy copies and occluded copies are
stacked into batches of ``batch_size`` images).

The score explained is, by default, the model's **logit** (the input of its
final sigmoid): gradients of a probability near 0 or 1 vanish, those of the
logit do not. ``target="probability"`` explains the probability itself.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pmed_utils._tensorflow import keras_module, tensorflow_module
from pmed_utils.imaging.preprocessing import check_images
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, Options, check_choice, validate_params

if TYPE_CHECKING:
    import keras

__all__ = [
    "METHODS",
    "conv_layer_names",
    "grad_cam",
    "integrated_gradients",
    "occlusion_map",
    "saliency_maps",
    "smoothgrad",
]

METHODS = ("grad_cam", "integrated_gradients", "smoothgrad", "occlusion")
"""The method names :func:`saliency_maps` knows, in the order the book shows them."""

_TARGETS = Options({"logit", "probability"})


def _check_model(model: Any, func: str) -> None:
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(f"The 'model' parameter of {func} must be a keras.Model; got {type(model).__name__}.")
    shape = tuple(model.output_shape) if not isinstance(model.output_shape, list) else None
    if shape is None or len(shape) != 2 or shape[1] != 1:
        raise ValueError(
            f"The 'model' parameter of {func} must have one output unit (a binary score, shape (None, 1)); "
            f"got output shape {model.output_shape}."
        )


def _check_batch(model, images, func: str, param: str = "images") -> np.ndarray:
    """Float images in [0, 1] of shape (n, height, width, channels) matching the model's input."""
    x = check_images(images, param, func=func)
    expected = tuple(model.input_shape[1:])
    if x.dtype == np.uint8 or x.ndim != 4 or tuple(x.shape[1:]) != expected:
        raise ValueError(
            f"The '{param}' parameter of {func} must be float images in [0, 1] of shape (n, {', '.join(map(str, expected))}) "
            f"for {model.name}; got dtype {x.dtype} and shape {x.shape}. Use pmed_utils.imaging.to_model_input first."
        )
    return x.astype(np.float32, copy=False)


def _is_sigmoid(layer) -> bool:
    keras = keras_module()
    return getattr(layer, "activation", None) is keras.activations.sigmoid


def _is_linear(layer) -> bool:
    keras = keras_module()
    return getattr(layer, "activation", None) is keras.activations.linear


def _head(model, target: str, func: str) -> tuple[Any, Callable]:
    """The tensor a sub-model should output, and how to turn that output into the score (n,)."""
    keras = keras_module()
    last = model.layers[-1]
    if target == "probability" or _is_linear(last):
        return model.outputs[0], lambda out: out[:, 0]
    if not (isinstance(last, keras.layers.Dense) and _is_sigmoid(last)):
        raise ValueError(
            f"The 'target' parameter of {func} is 'logit', which needs a model whose last layer is "
            f"Dense(1, activation='sigmoid'); {model.name}'s last layer is {type(last).__name__} "
            f"{last.name!r}. Use target='probability'."
        )

    def logit(h):
        z = keras.ops.matmul(h, last.kernel)
        if last.use_bias:
            z = z + last.bias
        return z[:, 0]

    return last.input, logit


def _score_fn(model, target: str, func: str) -> Callable:
    """x (tensor) → score (tensor of shape (n,)), in inference mode."""
    keras = keras_module()
    out, to_score = _head(model, target, func)
    sub = keras.Model(model.inputs[0], out)
    return lambda x: to_score(sub(x, training=False))


def _gradients(score: Callable, x: np.ndarray, batch_size: int) -> np.ndarray:
    """d score / d input for each image of ``x``, batch by batch (float32, x's shape)."""
    tf = tensorflow_module()
    out = np.empty_like(x, dtype=np.float32)
    for i in range(0, len(x), batch_size):
        xb = tf.convert_to_tensor(x[i : i + batch_size])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            s = tf.reduce_sum(score(xb))  # images are independent in inference mode
        out[i : i + batch_size] = tape.gradient(s, xb).numpy()
    return out


def _scores(score: Callable, x: np.ndarray, batch_size: int) -> np.ndarray:
    return np.concatenate([np.asarray(score(x[i : i + batch_size])) for i in range(0, len(x), batch_size)])


def _conv_types() -> tuple[Any, ...]:
    keras = keras_module()
    return (
        keras.layers.Conv2D,
        keras.layers.DepthwiseConv2D,
        keras.layers.SeparableConv2D,
        keras.layers.Conv2DTranspose,
    )


@validate_params({"model": ["callable"]})
def conv_layer_names(model: keras.Model) -> list[str]:
    """The names of a model's 2-D convolution layers, input side first (where Grad-CAM can look).

    Parameters
    ----------
    model : keras.Model
        Any Keras model.

    Returns
    -------
    list of str
        Names of its Conv2D (and depthwise, separable, transposed) layers.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> conv_layer_names(small_cnn((8, 8, 1), filters=(2, 4)))
    ['block0_conv0', 'block0_conv1', 'block1_conv0', 'block1_conv1']
    """
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(f"The 'model' parameter of conv_layer_names must be a keras.Model; got {type(model).__name__}.")
    types = _conv_types()
    layers: list[Any] = list(model.layers)
    return [layer.name for layer in layers if isinstance(layer, types)]


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "layer": ["str", None],
        "target": [_TARGETS],
        "batch_size": [Interval(numbers.Integral, 1, None)],
    }
)
def grad_cam(
    model: keras.Model,
    images: np.ndarray,
    *,
    layer: str | None = None,
    target: str = "logit",
    batch_size: int = 64,
) -> np.ndarray:
    """Grad-CAM: a convolution layer's feature maps weighted by the score's average gradient.

    For image :math:`x` and feature maps :math:`A^k` of ``layer``, the weight of map
    :math:`k` is the mean over positions of :math:`\\partial s / \\partial A^k`, and the
    map is :math:`\\mathrm{ReLU}(\\sum_k w_k A^k)`, resized (bilinear) to the image
    (Selvaraju et al. 2017; the gradient comes from a ``GradientTape``, as in the
    Keras example). The map has the coarse resolution of the layer.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    layer : str, optional
        Name of a convolution layer (see :func:`conv_layer_names`); None = the last one.
    target : {"logit", "probability"}, default "logit"
        The score explained.
    batch_size : int, default 64
        Images per gradient computation.

    Returns
    -------
    ndarray of float32, shape (n, height, width)
        Non-negative maps, one per image.

    Raises
    ------
    ValueError
        ``layer`` is not a convolution layer of the model (the message lists those
        that are), or the model has no convolution layer.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> model = small_cnn((8, 8, 1), filters=(2,))
    >>> x = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32")
    >>> grad_cam(model, x).shape
    (3, 8, 8)
    >>> grad_cam(model, x, layer="features")
    Traceback (most recent call last):
    ...
    ValueError: The 'layer' parameter of grad_cam must name a convolution layer of small_cnn: one of 'block0_conv0', 'block0_conv1'; got 'features' (a GlobalAveragePooling2D layer).
    """
    func = "grad_cam"
    keras = keras_module()
    tf = tensorflow_module()
    _check_model(model, func)
    x = _check_batch(model, images, func)
    names = conv_layer_names(model)
    if not names:
        raise ValueError(f"The 'model' parameter of {func} must have a convolution layer; {model.name} has none.")
    if layer is None:
        layer = names[-1]
    if layer not in names:
        listed = ", ".join(repr(n) for n in names)
        kind = next(
            (f" (a {type(lyr).__name__} layer)" for lyr in model.layers if lyr.name == layer), " (no such layer)"
        )
        raise ValueError(
            f"The 'layer' parameter of {func} must name a convolution layer of {model.name}: one of {listed}; "
            f"got {layer!r}{kind}."
        )
    out, to_score = _head(model, target, func)
    sub = keras.Model(model.inputs[0], [model.get_layer(layer).output, out])
    maps = []
    for i in range(0, len(x), batch_size):
        xb = tf.convert_to_tensor(x[i : i + batch_size])
        with tf.GradientTape() as tape:
            features, head = sub(xb, training=False)
            s = tf.reduce_sum(to_score(head))
        grads = tape.gradient(s, features)
        weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1, keepdims=True))
        maps.append(tf.image.resize(cam, x.shape[1:3], method="bilinear")[..., 0].numpy())
    return np.concatenate(maps).astype(np.float32)


def _baseline(baseline, x: np.ndarray, func: str) -> np.ndarray:
    if baseline is None:
        return np.zeros_like(x[:1])
    if isinstance(baseline, numbers.Real):
        return np.full_like(x[:1], float(baseline))
    b = np.asarray(baseline, dtype=np.float32)
    if b.shape == x.shape[1:]:
        b = b[None]
    if b.shape != (1,) + x.shape[1:] or not np.isfinite(b).all():
        raise ValueError(
            f"The 'baseline' parameter of {func} must be None, a number or one finite image of shape "
            f"{x.shape[1:]}; got shape {b.shape}."
        )
    return b


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "baseline": [Interval(numbers.Real, None, None), "array-like", None],
        "steps": [Interval(numbers.Integral, 1, None)],
        "target": [_TARGETS],
        "batch_size": [Interval(numbers.Integral, 1, None)],
    }
)
def integrated_gradients(
    model: keras.Model,
    images: np.ndarray,
    *,
    baseline: float | np.ndarray | None = None,
    steps: int = 32,
    target: str = "logit",
    batch_size: int = 256,
) -> np.ndarray:
    """Integrated gradients: (x − baseline) times the gradient averaged along the straight path.

    :math:`\\mathrm{IG}_i(x) = (x_i - x'_i) \\int_0^1 \\partial s(x' + \\alpha (x - x')) /
    \\partial x_i \\, d\\alpha` (Sundararajan et al. 2017), with the integral taken by the
    trapezoidal rule on ``steps`` intervals. The attributions of an image add up to
    :math:`s(x) - s(x')` (completeness), up to the error of that rule. Channels are summed.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    baseline : float or ndarray of shape (height, width, channels), optional
        The reference image x'; None = black (all zeros), a number = a constant image.
    steps : int, default 32
        Intervals of the path integral.
    target : {"logit", "probability"}, default "logit"
        The score explained.
    batch_size : int, default 256
        Interpolated images per gradient computation.

    Returns
    -------
    ndarray of float32, shape (n, height, width)
        Signed attributions (positive: the pixel raises the score).

    Examples
    --------
    For a model whose logit is linear in the pixels, IG is weight × (x − baseline):

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.set_weights([np.array([[1.0], [2.0], [0.0], [-1.0]]), np.zeros(1)])
    >>> integrated_gradients(model, np.full((1, 2, 2, 1), 0.5, "float32"), steps=4)[0]
    array([[ 0.5,  1. ],
           [ 0. , -0.5]], dtype=float32)
    """
    func = "integrated_gradients"
    _check_model(model, func)
    x = _check_batch(model, images, func)
    b = _baseline(baseline, x, func)
    score = _score_fn(model, target, func)
    alphas = np.linspace(0.0, 1.0, steps + 1, dtype=np.float32)
    weights = np.full(steps + 1, 1.0 / steps, np.float32)
    weights[[0, -1]] /= 2  # trapezoidal rule
    per_chunk = max(1, batch_size // (steps + 1))
    out = np.empty(x.shape, np.float32)
    for i in range(0, len(x), per_chunk):
        xc = x[i : i + per_chunk]
        path = b[None] + alphas[:, None, None, None, None] * (xc - b)[None]  # (steps+1, c, h, w, ch)
        grads = _gradients(score, path.reshape((-1,) + x.shape[1:]), batch_size).reshape(path.shape)
        out[i : i + per_chunk] = (xc - b) * np.tensordot(weights, grads, axes=1)
    return out.sum(axis=-1)


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "noise": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_samples": [Interval(numbers.Integral, 1, None)],
        "absolute": ["boolean"],
        "target": [_TARGETS],
        "random_state": ["random_state"],
        "batch_size": [Interval(numbers.Integral, 1, None)],
    }
)
def smoothgrad(
    model: keras.Model,
    images: np.ndarray,
    *,
    noise: float = 0.15,
    n_samples: int = 25,
    absolute: bool = True,
    target: str = "logit",
    random_state: int | np.random.Generator | None = None,
    batch_size: int = 256,
) -> np.ndarray:
    """SmoothGrad: the gradient averaged over noisy copies of the image.

    Each image gets ``n_samples`` copies with Gaussian noise of standard deviation
    ``noise × (max − min)`` of its pixels (Smilkov et al. 2017); the map is the
    mean gradient, summed over channels, in absolute value by default.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    noise : float, default 0.15
        Noise level, as a fraction of each image's pixel range (positive).
    n_samples : int, default 25
        Noisy copies per image.
    absolute : bool, default True
        Return the absolute value (the usual display); False keeps the sign.
    target : {"logit", "probability"}, default "logit"
        The score explained.
    random_state : int, numpy.random.Generator or None, default None
        Draws the noise (None = pmed's fixed default).
    batch_size : int, default 256
        Noisy images per gradient computation.

    Returns
    -------
    ndarray of float32, shape (n, height, width)

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    >>> m = smoothgrad(small_cnn((8, 8, 1), filters=(2,)), x, n_samples=4, random_state=0)
    >>> m.shape, bool((m >= 0).all())
    ((2, 8, 8), True)
    """
    func = "smoothgrad"
    _check_model(model, func)
    x = _check_batch(model, images, func)
    rng = check_random_state(random_state, func=func)
    score = _score_fn(model, target, func)
    per_chunk = max(1, batch_size // n_samples)
    out = np.empty(x.shape, np.float32)
    for i in range(0, len(x), per_chunk):
        xc = x[i : i + per_chunk]
        spread = (xc.max(axis=(1, 2, 3)) - xc.min(axis=(1, 2, 3))).reshape(1, -1, 1, 1, 1)
        sigma = noise * np.where(spread > 0, spread, 1.0)
        noisy = xc[None] + sigma * rng.standard_normal((n_samples,) + xc.shape).astype(np.float32)
        grads = _gradients(score, noisy.reshape((-1,) + x.shape[1:]).astype(np.float32), batch_size)
        out[i : i + per_chunk] = grads.reshape(noisy.shape).mean(axis=0)
    maps = out.sum(axis=-1)
    return np.abs(maps) if absolute else maps


def _positions(side: int, patch: int, stride: int) -> list[int]:
    starts = list(range(0, side - patch + 1, stride))
    if starts[-1] != side - patch:
        starts.append(side - patch)  # the last patch touches the edge
    return starts


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "patch": [Interval(numbers.Integral, 1, None)],
        "stride": [Interval(numbers.Integral, 1, None)],
        "fill": [Interval(numbers.Real, 0, 1), None],
        "target": [_TARGETS],
        "batch_size": [Interval(numbers.Integral, 1, None)],
    }
)
def occlusion_map(
    model: keras.Model,
    images: np.ndarray,
    *,
    patch: int = 4,
    stride: int = 2,
    fill: float | None = None,
    target: str = "logit",
    batch_size: int = 256,
) -> np.ndarray:
    """Occlusion: how much the score drops when a square patch of the image is covered.

    A ``patch`` × ``patch`` square slides with step ``stride`` (the last position
    touches the edge); each pixel gets the mean drop :math:`s(x) - s(x_{\\text{covered}})`
    over the patches that cover it (Zeiler & Fergus 2014). Needs no gradient.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    patch : int, default 4
        Side of the square in pixels (at most the image's shorter side).
    stride : int, default 2
        Step between patch positions in pixels.
    fill : float in [0, 1], optional
        Value of the covered pixels; None = each image's mean pixel.
    target : {"logit", "probability"}, default "logit"
        The score explained.
    batch_size : int, default 256
        Occluded images per forward pass.

    Returns
    -------
    ndarray of float32, shape (n, height, width)
        Signed: positive where covering the pixel lowers the score.

    Examples
    --------
    A model that looks only at the top-left pixel:

    >>> import keras
    >>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.set_weights([np.eye(16)[:, :1], np.zeros(1)])
    >>> occlusion_map(model, np.ones((1, 4, 4, 1), "float32"), patch=1, stride=1, fill=0.0)[0]
    array([[1., 0., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    """
    func = "occlusion_map"
    _check_model(model, func)
    x = _check_batch(model, images, func)
    n, height, width, _ = x.shape
    if patch > min(height, width):
        raise ValueError(
            f"The 'patch' parameter of {func} must be at most the image's shorter side ({min(height, width)}); got {patch}."
        )
    score = _score_fn(model, target, func)
    base = _scores(score, x, batch_size)
    corners = [(r, c) for r in _positions(height, patch, stride) for c in _positions(width, patch, stride)]
    fills = x.mean(axis=(1, 2, 3)) if fill is None else np.full(n, float(fill), np.float32)
    total = np.zeros((n, height, width), np.float64)
    count = np.zeros((height, width), np.float64)
    per_chunk = max(1, batch_size // n)
    for j in range(0, len(corners), per_chunk):
        group = corners[j : j + per_chunk]
        covered = np.repeat(x[None], len(group), axis=0)  # (positions, n, h, w, c)
        for k, (r, c) in enumerate(group):
            covered[k, :, r : r + patch, c : c + patch, :] = fills[:, None, None, None]
        drops = base[None] - _scores(score, covered.reshape((-1,) + x.shape[1:]), batch_size).reshape(len(group), n)
        for k, (r, c) in enumerate(group):
            total[:, r : r + patch, c : c + patch] += drops[k][:, None, None]
            count[r : r + patch, c : c + patch] += 1
    return (total / count).astype(np.float32)


@validate_params(
    {
        "model": ["callable"],
        "images": ["array-like"],
        "methods": ["array-like"],
        "layer": ["str", None],
        "target": [_TARGETS],
        "random_state": ["random_state"],
    }
)
def saliency_maps(
    model: keras.Model,
    images: np.ndarray,
    methods: Sequence[str] = METHODS,
    *,
    layer: str | None = None,
    target: str = "logit",
    random_state: int | np.random.Generator | None = None,
) -> dict[str, np.ndarray]:
    """Several saliency maps of the same images, each method with its default settings.

    Parameters
    ----------
    model : keras.Model
        A binary classifier with one output unit.
    images : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input.
    methods : sequence of str, default METHODS
        Any of "grad_cam", "integrated_gradients", "smoothgrad", "occlusion".
    layer : str, optional
        Grad-CAM's convolution layer (None = the last one).
    target : {"logit", "probability"}, default "logit"
        The score explained.
    random_state : int, numpy.random.Generator or None, default None
        SmoothGrad's noise.

    Returns
    -------
    dict of str to ndarray of float32, shape (n, height, width)
        One entry per method, in the order asked.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    >>> maps = saliency_maps(small_cnn((8, 8, 1), filters=(2,)), x, ["grad_cam", "occlusion"])
    >>> {k: v.shape for k, v in maps.items()}
    {'grad_cam': (2, 8, 8), 'occlusion': (2, 8, 8)}
    """
    func = "saliency_maps"
    methods = [check_choice(m, "methods", METHODS, func=func) for m in methods]
    if not methods:
        raise ValueError(f"The 'methods' parameter of {func} must name at least one of {', '.join(METHODS)}.")
    maps: dict[str, np.ndarray] = {}
    for m in methods:
        if m == "grad_cam":
            maps[m] = grad_cam(model, images, layer=layer, target=target)
        elif m == "integrated_gradients":
            maps[m] = integrated_gradients(model, images, target=target)
        elif m == "smoothgrad":
            maps[m] = smoothgrad(model, images, target=target, random_state=random_state)
        else:
            maps[m] = occlusion_map(model, images, target=target)
    return maps
