"""Judging generative models: fidelity, utility and privacy, on any generator and any data.

* Fidelity: :func:`frechet_distance` between two feature clouds (the closed
  form for Gaussians) and :func:`generative_precision_recall` (Kynkäänniemi et
  al. 2019: the share of fakes inside the real manifold, and of reals inside
  the fake one). For images the features come from :func:`feature_cnn`, a CNN
  trained on the real training images; the number is "FD in pmed-CNN
  features", not FID (FID means Inception-v3 ImageNet features, which cannot
  be downloaded here and fit ultrasound poorly).
* Utility: :func:`tstr_trtr` (train on synthetic, test on real, against train
  on real) and :func:`augmentation_gain` (real plus synthetic images of the
  rare class).
* Privacy: :func:`distance_to_closest_record` (generic, flattened arrays: images
  or tables), :func:`dcr_comparison` (synthetic→train against held-out→train)
  and :func:`membership_inference_auc` (a distance attack on the generator).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, check_finite, validate_params, warn_degenerate

__all__ = [
    "DCRComparison",
    "GeneratorReport",
    "UtilityResult",
    "augmentation_gain",
    "dcr_comparison",
    "distance_to_closest_record",
    "feature_cnn",
    "frechet_distance",
    "generative_precision_recall",
    "generator_report",
    "membership_inference_auc",
    "tstr_trtr",
]


def _matrix(x, param: str, func: str) -> np.ndarray:
    """Any array with one record per row → float64 (n, d) (images are flattened)."""
    a = np.asarray(x)
    if a.ndim == 0 or a.shape[0] == 0:
        raise ValueError(f"The '{param}' parameter of {func} must hold at least one record (row); got shape {a.shape}.")
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"The '{param}' parameter of {func} must be numeric; got dtype {a.dtype}.")
    a = a.reshape(a.shape[0], -1).astype(np.float64)
    return check_finite(a, param, func=func)


def _same_width(a: np.ndarray, b: np.ndarray, pa: str, pb: str, func: str) -> None:
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"The '{pb}' parameter of {func} must have as many values per record as '{pa}' ({a.shape[1]}); "
            f"got {b.shape[1]}."
        )


def _nearest(query: np.ndarray, reference: np.ndarray, k: int = 1, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Euclidean distances and indices of the k nearest reference rows, by chunks."""
    ref_sq = np.einsum("ij,ij->i", reference, reference)
    dist = np.empty((len(query), k))
    idx = np.empty((len(query), k), dtype=np.int64)
    for start in range(0, len(query), chunk):
        q = query[start : start + chunk]
        d2 = np.einsum("ij,ij->i", q, q)[:, None] - 2 * q @ reference.T + ref_sq[None, :]
        np.maximum(d2, 0, out=d2)
        part = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < d2.shape[1] else np.argsort(d2, axis=1)[:, :k]
        rows = np.arange(len(q))[:, None]
        order = np.argsort(d2[rows, part], axis=1)
        part = part[rows, order]
        dist[start : start + len(q)] = np.sqrt(d2[rows, part])
        idx[start : start + len(q)] = part
    return dist, idx


@validate_params(
    {
        "query": ["array-like"],
        "reference": ["array-like"],
        "exclude_self": ["boolean"],
        "return_index": ["boolean"],
    }
)
def distance_to_closest_record(
    query: ArrayLike,
    reference: ArrayLike,
    *,
    exclude_self: bool = False,
    return_index: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Euclidean distance from each query record to its closest reference record (DCR).

    Generic: each row (first axis) is one record; anything after the first axis
    is flattened, so (n, 28, 28) images and (n, p) tables both work. Scale
    table columns first (e.g. standardise with the training data's means and
    SDs), or the widest column decides.

    Parameters
    ----------
    query : array-like, shape (n_query, ...)
        The records to place, e.g. synthetic ones.
    reference : array-like, shape (n_reference, ...)
        The records to search, e.g. the training data; same values per record.
    exclude_self : bool, default False
        When query and reference are the same set, skip each record's own row
        (distance to the closest *other* record).
    return_index : bool, default False
        Also return the index of the closest reference record.

    Returns
    -------
    ndarray of float64, shape (n_query,)
        The distances; with ``return_index``, also an int64 array (n_query,).

    Examples
    --------
    >>> ref = np.array([[0.0, 0.0], [3.0, 4.0]])
    >>> distance_to_closest_record([[0.0, 1.0], [3.0, 4.0]], ref)
    array([1., 0.])
    >>> distance_to_closest_record(ref, ref, exclude_self=True, return_index=True)
    (array([5., 5.]), array([1, 0]))
    """
    func = "distance_to_closest_record"
    q = _matrix(query, "query", func)
    r = _matrix(reference, "reference", func)
    _same_width(q, r, "query", "reference", func)
    if exclude_self:
        if q.shape != r.shape:
            raise ValueError(
                f"The 'exclude_self' parameter of {func} needs query and reference to be the same records; "
                f"got {q.shape[0]} and {r.shape[0]} rows."
            )
        if len(r) < 2:
            raise ValueError(f"The 'reference' parameter of {func} needs at least two records with exclude_self=True.")
        dist, idx = _nearest(q, r, k=2)
        own = idx[:, 0] == np.arange(len(q))
        d = np.where(own, dist[:, 1], dist[:, 0])
        i = np.where(own, idx[:, 1], idx[:, 0])
    else:
        dist, idx = _nearest(q, r, k=1)
        d, i = dist[:, 0], idx[:, 0]
    return (d, i) if return_index else d


@dataclass(frozen=True)
class DCRComparison:
    """Distances to the closest training record: synthetic records against real held-out ones.

    A generator that copies its training data puts synthetic records closer to
    training records than new real people are: a small ``ratio`` (below 1) at
    the low quantile is the sign of copying.

    Attributes
    ----------
    synthetic : ndarray of float64, shape (n_synthetic,)
        DCR of each synthetic record to the training set.
    holdout : ndarray of float64, shape (n_holdout,)
        DCR of each real held-out record to the training set.
    quantile : float
        The low quantile compared (0.05 = the 5th percentile).
    synthetic_quantile, holdout_quantile : float
        That quantile of each set of distances.
    ratio : float
        ``synthetic_quantile / holdout_quantile``; >= 1 means no sign of copying.
    share_closer : float
        Share of synthetic records closer to the training set than the held-out
        records' low quantile (about ``quantile`` when there is no copying).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> train, holdout, fake = rng.normal(size=(3, 200, 4))
    >>> c = dcr_comparison(fake, holdout, train)
    >>> 0.6 < c.ratio < 1.6, c.quantile
    (True, 0.05)
    """

    synthetic: np.ndarray
    holdout: np.ndarray
    quantile: float
    synthetic_quantile: float
    holdout_quantile: float
    ratio: float
    share_closer: float


@validate_params(
    {
        "synthetic": ["array-like"],
        "holdout": ["array-like"],
        "train": ["array-like"],
        "quantile": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def dcr_comparison(synthetic: ArrayLike, holdout: ArrayLike, train: ArrayLike, quantile: float = 0.05) -> DCRComparison:
    """Compare synthetic→train and held-out→train distances to the closest record (the copying check).

    Parameters
    ----------
    synthetic : array-like, shape (n_synthetic, ...)
        Generated records.
    holdout : array-like, shape (n_holdout, ...)
        Real records the generator never saw (e.g. the test split).
    train : array-like, shape (n_train, ...)
        The generator's training records.
    quantile : float in (0, 1), default 0.05
        The low quantile compared.

    Returns
    -------
    DCRComparison

    Examples
    --------
    A "generator" that returns its training data is caught:

    >>> rng = np.random.default_rng(1)
    >>> train, holdout = rng.normal(size=(2, 100, 3))
    >>> dcr_comparison(train[:50], holdout, train).ratio
    0.0
    """
    func = "dcr_comparison"
    s = _matrix(synthetic, "synthetic", func)
    h = _matrix(holdout, "holdout", func)
    t = _matrix(train, "train", func)
    _same_width(t, s, "train", "synthetic", func)
    _same_width(t, h, "train", "holdout", func)
    ds = np.asarray(distance_to_closest_record(s, t))  # distances only (return_index is False)
    dh = np.asarray(distance_to_closest_record(h, t))
    qs, qh = float(np.quantile(ds, quantile)), float(np.quantile(dh, quantile))
    ratio = qs / qh if qh > 0 else (np.inf if qs > 0 else np.nan)
    return DCRComparison(ds, dh, float(quantile), qs, qh, float(ratio), float(np.mean(ds < qh)))


@validate_params({"features_a": ["array-like"], "features_b": ["array-like"]})
def frechet_distance(features_a: ArrayLike, features_b: ArrayLike) -> float:
    """Fréchet distance between Gaussians fitted to two feature clouds.

    ``|mu_a - mu_b|² + tr(S_a + S_b - 2 (S_a S_b)^{1/2})`` (Dowson & Landau
    1982); FID is this on Inception-v3 features. On pmed-CNN features, call it
    "FD in pmed-CNN features". 0 for identical distributions; depends on the
    feature space, so compare numbers only within one feature extractor.

    Parameters
    ----------
    features_a, features_b : array-like of float, shape (n_a, d) and (n_b, d)
        One feature vector per image (or record); at least two rows each.

    Returns
    -------
    float
        The squared Fréchet distance (>= 0).

    Examples
    --------
    Two Gaussians with identity covariance whose means are 3 apart: 3² = 9.

    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(20000, 2))
    >>> b = rng.normal(size=(20000, 2)) + [3.0, 0.0]
    >>> round(frechet_distance(a, b), 1)
    9.0
    """
    from scipy import linalg

    func = "frechet_distance"
    a = _matrix(features_a, "features_a", func)
    b = _matrix(features_b, "features_b", func)
    _same_width(a, b, "features_a", "features_b", func)
    for arr, name in ((a, "features_a"), (b, "features_b")):
        if len(arr) < 2:
            raise ValueError(f"The '{name}' parameter of {func} needs at least two rows to estimate a covariance.")
    mu = a.mean(0) - b.mean(0)
    sa = np.atleast_2d(np.cov(a, rowvar=False))
    sb = np.atleast_2d(np.cov(b, rowvar=False))
    covmean = linalg.sqrtm(sa @ sb)
    if not np.all(np.isfinite(covmean)):
        eps = 1e-6 * np.eye(len(sa))
        covmean = linalg.sqrtm((sa + eps) @ (sb + eps))
    covmean = np.real(covmean)
    return float(max(mu @ mu + np.trace(sa) + np.trace(sb) - 2 * np.trace(covmean), 0.0))


@validate_params(
    {"real_features": ["array-like"], "fake_features": ["array-like"], "k": [Interval(numbers.Integral, 1, None)]}
)
def generative_precision_recall(real_features: ArrayLike, fake_features: ArrayLike, k: int = 3) -> tuple[float, float]:
    """Precision and recall of a generative model (Kynkäänniemi et al. 2019), with k-NN manifolds.

    Each set's manifold is the union of balls around its points with radius
    the distance to the k-th nearest neighbour in the same set. Precision = the
    share of fake points inside the real manifold (are fakes realistic?);
    recall = the share of real points inside the fake manifold (is the variety
    covered? low recall = mode collapse).

    Parameters
    ----------
    real_features : array-like of float, shape (n_real, d)
        Features of real images (more than ``k`` rows).
    fake_features : array-like of float, shape (n_fake, d)
        Features of generated images (more than ``k`` rows).
    k : int, default 3
        Neighbour defining each ball's radius.

    Returns
    -------
    tuple of float
        ``(precision, recall)``, each in [0, 1].

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(300, 2))
    >>> generative_precision_recall(real, real)
    (1.0, 1.0)
    >>> generative_precision_recall(real, real + 100.0)
    (0.0, 0.0)
    """
    func = "generative_precision_recall"
    r = _matrix(real_features, "real_features", func)
    f = _matrix(fake_features, "fake_features", func)
    _same_width(r, f, "real_features", "fake_features", func)
    for arr, name in ((r, "real_features"), (f, "fake_features")):
        if len(arr) <= k:
            raise ValueError(f"The '{name}' parameter of {func} needs more than k={k} rows; got {len(arr)}.")
    r_radius = _nearest(r, r, k=k + 1)[0][:, k]  # the first neighbour is the point itself
    f_radius = _nearest(f, f, k=k + 1)[0][:, k]

    def inside(points, centres, radius):
        out = np.zeros(len(points), dtype=bool)
        c_sq = np.einsum("ij,ij->i", centres, centres)
        for start in range(0, len(points), 512):
            p = points[start : start + 512]
            d2 = np.einsum("ij,ij->i", p, p)[:, None] - 2 * p @ centres.T + c_sq[None, :]
            out[start : start + len(p)] = np.any(d2 <= (radius**2)[None, :] + 1e-9, axis=1)
        return out

    return float(inside(f, r, r_radius).mean()), float(inside(r, f, f_radius).mean())


@validate_params(
    {
        "synthetic": ["array-like"],
        "members": ["array-like"],
        "non_members": ["array-like"],
        "confidence": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def membership_inference_auc(
    synthetic: ArrayLike, members: ArrayLike, non_members: ArrayLike, *, confidence: float = 0.95
) -> Estimate:
    """AUC of a distance attack that guesses who was in a generator's training data.

    The attacker holds the synthetic data and a candidate record; it scores the
    candidate by minus its distance to the closest synthetic record (a
    generator that memorises puts samples close to its members; Hilprecht et
    al. 2019, Chen et al. 2020 "GAN-leaks"). AUC 0.5 = the attacker learns
    nothing; 1 = it tells members from non-members perfectly.

    Parameters
    ----------
    synthetic : array-like, shape (n_synthetic, ...)
        The generator's output.
    members : array-like, shape (n_members, ...)
        Records that were in the training data.
    non_members : array-like, shape (n_non_members, ...)
        Comparable real records that were not (e.g. the test split).
    confidence : float, default 0.95
        Coverage of the DeLong interval.

    Returns
    -------
    Estimate
        The attack's AUC with its DeLong interval (``method="DeLong"``).

    Examples
    --------
    A generator that outputs its members is fully exposed:

    >>> rng = np.random.default_rng(0)
    >>> members, others = rng.normal(size=(2, 50, 3))
    >>> membership_inference_auc(members, members, others).value
    1.0
    """
    from pmed_utils.evaluation._roc import auc_delong

    func = "membership_inference_auc"
    s = _matrix(synthetic, "synthetic", func)
    m = _matrix(members, "members", func)
    o = _matrix(non_members, "non_members", func)
    _same_width(s, m, "synthetic", "members", func)
    _same_width(s, o, "synthetic", "non_members", func)
    score = -np.concatenate([distance_to_closest_record(m, s), distance_to_closest_record(o, s)])
    y = np.r_[np.ones(len(m), dtype=int), np.zeros(len(o), dtype=int)]
    if len(m) < 2 or len(o) < 2:
        warn_degenerate(func, "fewer than two members or non-members; the AUC has no useful interval")
    return auc_delong(y, score, confidence=confidence).auc


# --- images: features, utility, one report ------------------------------------------------------
def _unit_images(images, param: str, func: str) -> np.ndarray:
    """uint8 0..255 or float [0, 1] grey images (n, s, s) or (n, s, s, 1) → float32 (n, s, s, 1) in [0, 1]."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[0] == 0 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(
            f"The '{param}' parameter of {func} must hold images of shape (n, height, width[, channels]); "
            f"got shape {np.shape(images)}."
        )
    if np.issubdtype(x.dtype, np.integer):
        return x.astype(np.float32) / 255.0
    x = check_finite(x.astype(np.float32), param, func=func)
    if x.min() < -1e-6 or x.max() > 1 + 1e-6:
        raise ValueError(
            f"The '{param}' parameter of {func} must be in [0, 1] (or uint8); got [{x.min():.3g}, {x.max():.3g}]."
        )
    return x


def _binary(y, n: int, param: str, func: str) -> np.ndarray:
    from pmed_utils.validation import check_binary_labels

    y = check_binary_labels(np.asarray(y).reshape(-1), param, func=func)
    if len(y) != n:
        raise ValueError(f"The '{param}' parameter of {func} must have one label per image ({n}); got {len(y)}.")
    return y.astype(np.int64)


def _fit_cnn(x, y, x_val, y_val, epochs: int, filters: tuple, seed: int, reused=None):
    """A small CNN trained with early stopping; on ``reused`` (a ReusedModel, restarted) when given."""
    from pmed_utils._tensorflow import keras_module
    from pmed_utils.models import small_cnn, train_classifier

    keras = keras_module()
    keras.utils.set_random_seed(seed)
    model = small_cnn(x.shape[1:], filters=filters) if reused is None else reused.restart()
    train_classifier(
        model, x, y, x_val, y_val, epochs=epochs, patience=max(2, epochs // 3), random_state=seed, progress=False
    )
    return model


def _test_scores(training_sets, x_val, y_val, x_test, epochs: int, filters: tuple, seed: int):
    """Test scores of a small CNN trained on each (x, y) of ``training_sets``, and the CNN as trained on the last.

    Every CNN starts from the same initial weights; they all train in turn on
    one traced model, which a fresh model per set would trace again.
    """
    from pmed_utils._tensorflow import keras_module
    from pmed_utils.models import ReusedModel, predict_scores, small_cnn

    keras_module().utils.set_random_seed(seed)
    reused = ReusedModel(small_cnn(x_test.shape[1:], filters=filters))
    scores = []
    for x, y in training_sets:
        model = _fit_cnn(x, y, x_val, y_val, epochs, filters, seed, reused)
        scores.append(predict_scores(model, x_test))
    return scores, reused.model


@validate_params(
    {
        "images": ["array-like"],
        "labels": ["array-like"],
        "val_images": ["array-like"],
        "val_labels": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "filters": [tuple],
        "random_state": ["random_state"],
    }
)
def feature_cnn(
    images: ArrayLike,
    labels: ArrayLike,
    val_images: ArrayLike,
    val_labels: ArrayLike,
    *,
    epochs: int = 10,
    filters: tuple[int, ...] = (8, 16, 32),
    random_state: int | np.random.Generator | None = None,
) -> Any:
    """The feature extractor of "FD in pmed-CNN features": a small CNN trained on the real training images.

    Its ``"features"`` layer (global average pooling, ``filters[-1]`` values)
    gives the features for :func:`frechet_distance` and
    :func:`generative_precision_recall`; use
    :func:`pmed_utils.models.extract_features` on it.

    Parameters
    ----------
    images : array-like, shape (n, s, s) or (n, s, s, 1)
        Real training images, uint8 or float in [0, 1].
    labels : array-like of 0/1, shape (n,)
        1 = lesion.
    val_images, val_labels : array-like
        Real validation images and labels (early stopping).
    epochs : int, default 10
        Epoch budget.
    filters : tuple of int, default (8, 16, 32)
        Filters of :func:`pmed_utils.models.small_cnn`'s blocks.
    random_state : int, numpy Generator or None, default None
        Seeds weights, batches and dropout.

    Returns
    -------
    keras.Model
        The trained CNN.

    Examples
    --------
    >>> from pmed_utils.models import extract_features
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 256, (8, 8, 8), dtype=np.uint8)
    >>> cnn = feature_cnn(x, [0, 1] * 4, x, [0, 1] * 4, epochs=1, filters=(2, 4), random_state=0)
    >>> extract_features(cnn, x[..., None] / 255.0).shape
    (8, 4)
    """
    from pmed_utils.reproducibility import derive_seed

    func = "feature_cnn"
    x = _unit_images(images, "images", func)
    y = _binary(labels, len(x), "labels", func)
    xv = _unit_images(val_images, "val_images", func)
    yv = _binary(val_labels, len(xv), "val_labels", func)
    if xv.shape[1:] != x.shape[1:]:
        raise ValueError(f"The 'val_images' parameter of {func} must have the training images' shape {x.shape[1:]}.")
    return _fit_cnn(x, y, xv, yv, int(epochs), tuple(filters), derive_seed(random_state))


@dataclass(frozen=True)
class UtilityResult:
    """Train on synthetic, test on real (TSTR) against train on real, test on real (TRTR).

    Attributes
    ----------
    tstr, trtr : Estimate
        Test AUC (DeLong 95% CI) of the classifier trained on synthetic / real images.
    ratio : float
        ``tstr.value / trtr.value``; 1 = the synthetic images teach as much as the real ones.
    augmented : Estimate or None
        Test AUC after adding synthetic images of the rare class to the real ones
        (from :func:`augmentation_gain`; None from :func:`tstr_trtr`).
    gain : Estimate or None
        ``augmented - trtr`` with DeLong's paired interval.

    Examples
    --------
    >>> from pmed_utils.results import Estimate
    >>> UtilityResult(Estimate(0.8, 0.7, 0.9), Estimate(0.9, 0.8, 1.0), 0.8 / 0.9).ratio < 1
    True
    """

    tstr: Estimate | None
    trtr: Estimate
    ratio: float
    augmented: Estimate | None = None
    gain: Estimate | None = None


def _utility_inputs(
    func,
    synthetic_images,
    synthetic_labels,
    train_images,
    train_labels,
    val_images,
    val_labels,
    test_images,
    test_labels,
):
    xs = _unit_images(synthetic_images, "synthetic_images", func)
    ys = _binary(synthetic_labels, len(xs), "synthetic_labels", func)
    xr = _unit_images(train_images, "train_images", func)
    yr = _binary(train_labels, len(xr), "train_labels", func)
    xv = _unit_images(val_images, "val_images", func)
    yv = _binary(val_labels, len(xv), "val_labels", func)
    xt = _unit_images(test_images, "test_images", func)
    yt = _binary(test_labels, len(xt), "test_labels", func)
    for arr, name in ((xs, "synthetic_images"), (xv, "val_images"), (xt, "test_images")):
        if arr.shape[1:] != xr.shape[1:]:
            raise ValueError(
                f"The '{name}' parameter of {func} must have the training images' shape {xr.shape[1:]}; "
                f"got {arr.shape[1:]}."
            )
    return xs, ys, xr, yr, xv, yv, xt, yt


_UTILITY_PARAMS: dict[str, list[Any]] = {
    "synthetic_images": ["array-like"],
    "synthetic_labels": ["array-like"],
    "train_images": ["array-like"],
    "train_labels": ["array-like"],
    "val_images": ["array-like"],
    "val_labels": ["array-like"],
    "test_images": ["array-like"],
    "test_labels": ["array-like"],
    "epochs": [Interval(numbers.Integral, 1, None)],
    "filters": [tuple],
    "random_state": ["random_state"],
}


@validate_params(_UTILITY_PARAMS)
def tstr_trtr(
    synthetic_images: ArrayLike,
    synthetic_labels: ArrayLike,
    train_images: ArrayLike,
    train_labels: ArrayLike,
    val_images: ArrayLike,
    val_labels: ArrayLike,
    test_images: ArrayLike,
    test_labels: ArrayLike,
    *,
    epochs: int = 10,
    filters: tuple[int, ...] = (8, 16, 32),
    random_state: int | np.random.Generator | None = None,
) -> UtilityResult:
    """TSTR and TRTR test AUC of the same small CNN, with DeLong intervals.

    Both classifiers stop early on the same *real* validation split and are
    scored on the same real test split, so only the training images differ.

    Parameters
    ----------
    synthetic_images : array-like, shape (n_s, s, s[, 1])
        Generated images, uint8 or float in [0, 1].
    synthetic_labels : array-like of 0/1, shape (n_s,)
        The class each was generated for.
    train_images, train_labels : array-like
        The real training split (the generator's training data).
    val_images, val_labels : array-like
        Real validation split (early stopping of both classifiers).
    test_images, test_labels : array-like
        Real test split (the AUCs).
    epochs : int, default 10
        Epoch budget of each classifier.
    filters : tuple of int, default (8, 16, 32)
        Filters of :func:`pmed_utils.models.small_cnn`.
    random_state : int, numpy Generator or None, default None
        One seed for both classifiers (same initial weights).

    Returns
    -------
    UtilityResult
        ``tstr``, ``trtr`` and ``ratio``.

    Examples
    --------
    Real images as the "synthetic" ones give a ratio of 1:

    >>> rng = np.random.default_rng(0)
    >>> y = np.arange(16) % 2
    >>> x = (rng.random((16, 8, 8)) * 0.5 + 0.5 * y[:, None, None]).astype("float32")
    >>> r = tstr_trtr(x, y, x, y, x, y, x, y, epochs=1, filters=(2,), random_state=0)
    >>> r.ratio
    1.0
    """
    from pmed_utils.evaluation._roc import auc_delong
    from pmed_utils.reproducibility import derive_seed

    func = "tstr_trtr"
    xs, ys, xr, yr, xv, yv, xt, yt = _utility_inputs(
        func,
        synthetic_images,
        synthetic_labels,
        train_images,
        train_labels,
        val_images,
        val_labels,
        test_images,
        test_labels,
    )
    (s_real, s_synth), _ = _test_scores(
        [(xr, yr), (xs, ys)], xv, yv, xt, int(epochs), tuple(filters), derive_seed(random_state)
    )
    trtr = auc_delong(yt, s_real).auc
    tstr = auc_delong(yt, s_synth).auc
    return UtilityResult(tstr, trtr, float(tstr.value / trtr.value))


@validate_params(_UTILITY_PARAMS)
def augmentation_gain(
    synthetic_images: ArrayLike,
    synthetic_labels: ArrayLike,
    train_images: ArrayLike,
    train_labels: ArrayLike,
    val_images: ArrayLike,
    val_labels: ArrayLike,
    test_images: ArrayLike,
    test_labels: ArrayLike,
    *,
    epochs: int = 10,
    filters: tuple[int, ...] = (8, 16, 32),
    random_state: int | np.random.Generator | None = None,
) -> UtilityResult:
    """Does adding synthetic images of the rare class to the real ones help? Test AUC with and without.

    The synthetic images of the rarer real class are added until the classes
    are balanced (or all of them, if fewer); the CNN trained on real images
    alone is the reference (TRTR). The gain has DeLong's paired interval.

    Parameters
    ----------
    synthetic_images : array-like, shape (n_s, s, s[, 1])
        Generated images, uint8 or float in [0, 1].
    synthetic_labels : array-like of 0/1, shape (n_s,)
        The class each was generated for (those of the rare class are used).
    train_images, train_labels : array-like
        The real training split.
    val_images, val_labels : array-like
        Real validation split (early stopping).
    test_images, test_labels : array-like
        Real test split.
    epochs : int, default 10
        Epoch budget of each classifier.
    filters : tuple of int, default (8, 16, 32)
        Filters of :func:`pmed_utils.models.small_cnn`.
    random_state : int, numpy Generator or None, default None
        One seed for both classifiers.

    Returns
    -------
    UtilityResult
        ``trtr``, ``augmented``, ``gain`` (``tstr`` is None, ``ratio`` =
        augmented / real AUC).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(12, int), np.ones(4, int)]
    >>> x = (rng.random((16, 8, 8)) * 0.5 + 0.5 * y[:, None, None]).astype("float32")
    >>> r = augmentation_gain(x, y, x, y, x, y, x, y, epochs=1, filters=(2,), random_state=0)
    >>> r.gain.method
    'DeLong paired'
    """
    from pmed_utils.evaluation._roc import compare_auc_delong
    from pmed_utils.reproducibility import derive_seed

    func = "augmentation_gain"
    xs, ys, xr, yr, xv, yv, xt, yt = _utility_inputs(
        func,
        synthetic_images,
        synthetic_labels,
        train_images,
        train_labels,
        val_images,
        val_labels,
        test_images,
        test_labels,
    )
    counts = np.bincount(yr, minlength=2)
    rare = int(np.argmin(counts))
    extra = xs[ys == rare][: int(counts.max() - counts.min())]
    if len(extra) == 0:
        warn_degenerate(func, f"no synthetic images of the rare class {rare}; the augmented model equals the real one")
    augmented = (np.concatenate([xr, extra]), np.r_[yr, np.full(len(extra), rare)])
    (s_real, s_aug), _ = _test_scores(
        [(xr, yr), augmented], xv, yv, xt, int(epochs), tuple(filters), derive_seed(random_state)
    )
    cmp = compare_auc_delong(yt, s_aug, s_real)
    return UtilityResult(None, cmp.auc_b, float(cmp.auc_a.value / cmp.auc_b.value), cmp.auc_a, cmp.difference)


@dataclass(frozen=True)
class GeneratorReport:
    """Fidelity, utility and privacy of an image generator on one MedMNIST dataset, from :func:`generator_report`.

    Attributes
    ----------
    dataset : str
        The dataset's name.
    n_per_class : int
        Synthetic images drawn per class.
    fd : float
        FD in pmed-CNN features, synthetic vs real training images.
    fd_real : float
        The same between the real test and training images: what a perfect
        generator would score with this many images (the floor to compare with).
    precision, recall : float
        Kynkäänniemi et al.'s precision and recall (k = 3) in the same features.
    utility : UtilityResult
        TSTR and TRTR test AUCs and their ratio.
    augmentation : UtilityResult
        Real images vs real plus synthetic rare-class images: ``augmented``, ``gain``.
    dcr : DCRComparison
        Pixel distances to the closest training image, synthetic vs test images.
    attack : Estimate
        AUC of the distance membership attack (training vs test images).
    sampling_seconds : float
        Wall time to draw the synthetic images (depends on the machine).
    synthetic_images : ndarray of float32, shape (2 * n_per_class, s, s, 1)
    synthetic_labels : ndarray of int64, shape (2 * n_per_class,)
    label_auc : float
        AUC of the real-image classifier on the synthetic images against the
        class each was generated for: below the TRTR AUC when some "lesion"
        images do not show a lesion (or normal ones do).
    real_classifier : keras.Model
        The TRTR CNN; its ``"features"`` layer is the feature space of the FD.

    Examples
    --------
    :func:`generator_report` fills it in; ``summary()`` gives the numbers of a
    benchmark row, e.g. ``report.summary()["tstr_over_trtr"]``. Its fields:

    >>> list(GeneratorReport.__dataclass_fields__)[:6]
    ['dataset', 'n_per_class', 'fd', 'fd_real', 'precision', 'recall']
    """

    dataset: str
    n_per_class: int
    fd: float
    fd_real: float
    precision: float
    recall: float
    utility: UtilityResult
    augmentation: UtilityResult
    dcr: DCRComparison
    attack: Estimate
    sampling_seconds: float
    synthetic_images: np.ndarray
    synthetic_labels: np.ndarray
    label_auc: float = float("nan")
    real_classifier: object = None

    def summary(self) -> dict:
        """The headline numbers as a flat dict of floats (for JSON records and tables)."""
        u, a = self.utility, self.augmentation
        assert u.tstr is not None and u.trtr is not None and a.augmented is not None and a.gain is not None
        return {
            "fd": round(self.fd, 4),
            "fd_real": round(self.fd_real, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "tstr_auc": round(u.tstr.value, 4),
            "tstr_auc_low": round(u.tstr.low, 4),
            "tstr_auc_high": round(u.tstr.high, 4),
            "trtr_auc": round(u.trtr.value, 4),
            "trtr_auc_low": round(u.trtr.low, 4),
            "trtr_auc_high": round(u.trtr.high, 4),
            "tstr_over_trtr": round(u.ratio, 4),
            "augmented_auc": round(a.augmented.value, 4),
            "augmentation_gain": round(a.gain.value, 4),
            "augmentation_gain_low": round(a.gain.low, 4),
            "augmentation_gain_high": round(a.gain.high, 4),
            "dcr_synthetic_p5": round(self.dcr.synthetic_quantile, 4),
            "dcr_holdout_p5": round(self.dcr.holdout_quantile, 4),
            "dcr_ratio": round(self.dcr.ratio, 4),
            "label_auc": round(self.label_auc, 4),
            "attack_auc": round(self.attack.value, 4),
            "attack_auc_low": round(self.attack.low, 4),
            "attack_auc_high": round(self.attack.high, 4),
            "sampling_seconds": round(self.sampling_seconds, 2),
        }


@validate_params(
    {
        "generator": [object],
        "data": [object],
        "n_per_class": [Interval(numbers.Integral, 4, None)],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "filters": [tuple],
        "sample_kwargs": ["mapping", None],
        "max_train": [Interval(numbers.Integral, 10, None), None],
        "random_state": ["random_state"],
    }
)
def generator_report(
    generator: Any,
    data: Any,
    *,
    n_per_class: int = 300,
    epochs: int = 8,
    filters: tuple[int, ...] = (8, 16, 32),
    sample_kwargs: dict | None = None,
    max_train: int | None = None,
    random_state: int | np.random.Generator | None = None,
) -> GeneratorReport:
    """Every image metric of this module for one generator on one dataset, in one call.

    Draws ``n_per_class`` images of each class, trains the real-image CNN
    (TRTR; its ``"features"`` layer is the feature space of the FD and of
    precision/recall), the synthetic-image CNN (TSTR) and the augmented CNN,
    and measures copying (DCR, pixels) and membership leakage (the attack uses
    as many training images as there are test images).

    Parameters
    ----------
    generator : object
        Anything with ``sample(n, label=..., random_state=...)`` returning
        images in [0, 1] (a DiffusionModel or ConditionalVAE).
    data : MedMNISTData
        From :func:`pmed_utils.datasets.load_medmnist`; the generator must have
        been trained on ``data.images["train"]`` only.
    n_per_class : int, default 300
        Synthetic images per class (at least 4).
    epochs : int, default 8
        Epoch budget of each classifier.
    filters : tuple of int, default (8, 16, 32)
        Filters of the classifiers (:func:`pmed_utils.models.small_cnn`).
    sample_kwargs : mapping or None, default None
        More arguments for ``generator.sample`` (e.g. ``{"steps": 25}``).
    max_train : int or None, default None
        Train the real-image classifiers (TRTR, augmented) on a random subset
        of this many training images (stratified by nothing; None = all), to
        save time on large datasets. The DCR, the attack and the features of
        the FD still use every training image.
    random_state : int, numpy Generator or None, default None
        Seeds the samples, the classifiers and the attack's member subset.

    Returns
    -------
    GeneratorReport

    Examples
    --------
    A "generator" that returns training images is caught by the DCR and the attack:

    >>> from types import SimpleNamespace
    >>> rng = np.random.default_rng(0)
    >>> img = lambda n: rng.integers(0, 256, (n, 8, 8), dtype=np.uint8)
    >>> y = lambda n: np.arange(n) % 2
    >>> data = SimpleNamespace(images={"train": img(40), "val": img(10), "test": img(10)},
    ...                        labels={"train": y(40), "val": y(10), "test": y(10)},
    ...                        card=SimpleNamespace(name="toy"))
    >>> class Copier:
    ...     def sample(self, n, label=None, random_state=None):
    ...         idx = np.flatnonzero(data.labels["train"] == label)[:n]
    ...         return data.images["train"][idx, :, :, None] / 255.0
    >>> r = generator_report(Copier(), data, n_per_class=10, epochs=1, filters=(2,), random_state=0)
    >>> r.dcr.synthetic_quantile, r.attack.value > 0.5
    (0.0, True)
    """
    import time

    from pmed_utils.evaluation._roc import auc_delong, compare_auc_delong
    from pmed_utils.models import extract_features, predict_scores
    from pmed_utils.reproducibility import check_random_state, derive_seed

    func = "generator_report"
    if not callable(getattr(generator, "sample", None)):
        raise TypeError(
            f"The 'generator' parameter of {func} must have a sample(n, label=..., random_state=...) method."
        )
    try:
        images, labels = data.images, data.labels
        splits = {
            s: (
                _unit_images(images[s], f"data.images[{s!r}]", func),
                np.asarray(labels[s]).reshape(-1).astype(np.int64),
            )
            for s in ("train", "val", "test")
        }
    except (AttributeError, KeyError, TypeError) as exc:
        raise TypeError(
            f"The 'data' parameter of {func} must be a MedMNISTData with train/val/test splits ({exc})."
        ) from None
    (xr, yr), (xv, yv), (xt, yt) = splits["train"], splits["val"], splits["test"]
    rng = check_random_state(random_state, func=func)
    seed = derive_seed(rng)
    kwargs = dict(sample_kwargs or {})
    start = time.perf_counter()
    parts = [
        np.asarray(generator.sample(int(n_per_class), label=c, random_state=derive_seed(rng), **kwargs)) for c in (0, 1)
    ]
    sampling = time.perf_counter() - start
    xs = _unit_images(np.concatenate(parts), "generator.sample output", func)
    if xs.shape[1:] != xr.shape[1:]:
        raise ValueError(
            f"The 'generator' parameter of {func} makes images of shape {xs.shape[1:]}; the data's are {xr.shape[1:]}."
        )
    ys = np.repeat([0, 1], int(n_per_class))

    keep = (
        np.arange(len(xr))
        if max_train is None or max_train >= len(xr)
        else np.sort(rng.choice(len(xr), size=int(max_train), replace=False))
    )
    xc, yc = xr[keep], yr[keep]
    counts = np.bincount(yc, minlength=2)
    rare = int(np.argmin(counts))
    extra = xs[ys == rare][: int(counts.max() - counts.min())]
    augmented = (np.concatenate([xc, extra]), np.r_[yc, np.full(len(extra), rare)])
    # the real-data classifier comes last: it is kept, to extract features with
    (s_synth, s_aug, s_real), real = _test_scores(
        [(xs, ys), augmented, (xc, yc)], xv, yv, xt, int(epochs), tuple(filters), seed
    )
    trtr, tstr = auc_delong(yt, s_real).auc, auc_delong(yt, s_synth).auc
    cmp = compare_auc_delong(yt, s_aug, s_real)

    f_train = extract_features(real, xr)
    f_test = extract_features(real, xt)
    f_synth = extract_features(real, xs)
    sub = rng.choice(len(f_train), size=min(len(f_train), len(f_synth)), replace=False)
    precision, recall = generative_precision_recall(f_train[sub], f_synth, k=3)

    members = rng.choice(len(xr), size=min(len(xr), len(xt)), replace=False)
    return GeneratorReport(
        dataset=str(getattr(getattr(data, "card", None), "name", "")),
        n_per_class=int(n_per_class),
        fd=frechet_distance(f_train, f_synth),
        fd_real=frechet_distance(f_train, f_test),
        precision=precision,
        recall=recall,
        utility=UtilityResult(tstr, trtr, float(tstr.value / trtr.value)),
        augmentation=UtilityResult(
            None, cmp.auc_b, float(cmp.auc_a.value / cmp.auc_b.value), cmp.auc_a, cmp.difference
        ),
        dcr=dcr_comparison(xs, xt, xr),
        attack=membership_inference_auc(xs, xr[members], xt),
        sampling_seconds=float(sampling),
        synthetic_images=xs,
        synthetic_labels=ys,
        label_auc=float(auc_delong(ys, predict_scores(real, xs)).auc.value),
        real_classifier=real,
    )
