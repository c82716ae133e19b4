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

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, check_finite, validate_params, warn_degenerate

__all__ = [
    "DCRComparison",
    "distance_to_closest_record",
    "dcr_comparison",
    "frechet_distance",
    "generative_precision_recall",
    "membership_inference_auc",
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
    ds = distance_to_closest_record(s, t)
    dh = distance_to_closest_record(h, t)
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
