"""Federated learning across simulated hospitals: FedAvg for Keras models and federated GWAS.

**FedAvg** (McMahan et al. 2017): each round, every site starts from the global
weights, trains for ``local_epochs`` on its own data, and sends back only its
weights; the server averages them, weighted by the sites' sample sizes. No
image leaves a site. :func:`site_split` makes IID or non-IID (skewed case mix
or ancestry) sites from one dataset.

**Federated GWAS**: each site runs its own linear GWAS
(:func:`pmed_utils.genomics.gwas.gwas_linear`) and shares only per-variant
β and SE; a fixed-effect inverse-variance-weighted meta-analysis combines them.
The pooled-equivalence condition: with ``method="sufficient_statistics"``
each site shares g'Mg, g'My and y'My (M removes that site's intercept and
covariates), and the result *equals* the pooled linear regression in which
every site has its own intercept and covariate slopes, exactly. The
inverse-variance meta-analysis weights site k by g'M_kg / s_k², so it equals
that pooled fit exactly when the sites' residual variances s_k² are equal, and
differs only by their sampling noise otherwise.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module
from pmed_utils.genomics.gwas import gwas_linear
from pmed_utils.models.training import ReusedModel
from pmed_utils.privacy._auc import auc_estimate
from pmed_utils.privacy.membership import _as_inputs, _positive, fit_model
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
)

__all__ = [
    "FedAvgResult",
    "compare_federated",
    "fed_avg",
    "federated_gwas",
    "inverse_variance_meta",
    "site_split",
]


@validate_params(
    {
        "strata": ["array-like"],
        "n_sites": [Interval(numbers.Integral, 2, None)],
        "skew": [Interval(numbers.Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }
)
def site_split(
    strata: ArrayLike,
    n_sites: int = 3,
    *,
    skew: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> list[np.ndarray]:
    """Assign people to simulated hospitals, IID (``skew=0``) or concentrated by stratum.

    The j-th stratum (in sorted order: a label, an ancestry, a case-mix group)
    goes to site ``j mod n_sites`` with probability ``skew + (1 − skew)/n_sites``
    and to each other site with probability ``(1 − skew)/n_sites``. With
    ``skew=0`` every site is a random sample of everyone (IID); with
    ``skew=1`` each stratum lives at one site only.

    Parameters
    ----------
    strata : array-like, shape (n,)
        Stratum of each person (e.g. label 0/1 for case mix, or population).
    n_sites : int ≥ 2, default 3
        Number of sites.
    skew : float in [0, 1], default 0.0
        0 = IID, 1 = each stratum at one site.
    random_state : int, Generator or None, default None
        Seeds the assignment.

    Returns
    -------
    list of ndarray of int
        ``n_sites`` arrays of row indices, disjoint, covering every person.

    Examples
    --------
    >>> sites = site_split([0] * 50 + [1] * 50, 2, skew=1.0, random_state=0)
    >>> [len(s) for s in sites], sorted(set(np.r_[sites[0], sites[1]])) == list(range(100))
    ([50, 50], True)
    """
    values = np.asarray(strata)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(
            f"The 'strata' parameter of site_split must be a non-empty 1-D array; got shape {values.shape}."
        )
    if pd.isna(pd.Series(values)).any():
        raise ValueError("The 'strata' parameter of site_split must not contain NaN.")
    rng = check_random_state(random_state, func="site_split")
    levels, codes = np.unique(values, return_inverse=True)
    k = int(n_sites)
    probs = np.full((len(levels), k), (1 - skew) / k)
    probs[np.arange(len(levels)), np.arange(len(levels)) % k] += skew
    site = np.array([rng.choice(k, p=probs[c]) for c in codes])
    return [np.flatnonzero(site == s) for s in range(k)]


@dataclass(frozen=True, eq=False)
class FedAvgResult:
    """A FedAvg run: the global model and what each round did.

    Attributes
    ----------
    model : keras.Model
        The global model after the last round.
    history : DataFrame
        One row per round: ``round``, ``train_loss`` (sample-size-weighted mean
        of the sites' last local-epoch losses).
    site_sizes : list of int
        Examples at each site (the averaging weights).
    rounds, local_epochs : int
        The budget.

    Examples
    --------
    >>> FedAvgResult(None, pd.DataFrame(), [10, 20], 3, 1).site_sizes
    [10, 20]
    """

    model: Any
    history: pd.DataFrame
    site_sizes: list[int]
    rounds: int
    local_epochs: int


def _check_sites(sites: Any, func: str) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(sites, Sequence) or len(sites) < 2:
        raise ValueError(
            f"The 'sites' parameter of {func} must be a list of at least two (x, y) pairs; got {type(sites).__name__}."
        )
    out = []
    for i, site in enumerate(sites):
        if not isinstance(site, (tuple, list)) or len(site) != 2:
            raise ValueError(f"The 'sites' parameter of {func} must hold (x, y) pairs; site {i} is not one.")
        x = check_finite(np.asarray(site[0], dtype=np.float32), f"sites[{i}][0]", func=func).astype(np.float32)
        y = check_binary_labels(site[1], f"sites[{i}][1]", func=func)
        check_same_length((x, f"sites[{i}][0]"), (y, f"sites[{i}][1]"), func=func)
        if len(y) == 0:
            raise ValueError(f"The 'sites' parameter of {func} has an empty site ({i}).")
        out.append((x, y))
    return out


def _build(build_model: Callable[[], Any], func: str):
    model = build_model()
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"The 'build_model' parameter of {func} must return a compiled keras.Model; got {type(model).__name__}."
        )
    return model


@validate_params(
    {
        "build_model": ["callable"],
        "sites": [list, tuple],
        "rounds": [Interval(numbers.Integral, 1, None)],
        "local_epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    }
)
def fed_avg(
    build_model: Callable[[], Any],
    sites: Sequence[tuple[ArrayLike, ArrayLike]],
    *,
    rounds: int = 5,
    local_epochs: int = 1,
    batch_size: int = 32,
    random_state: int | np.random.Generator | None = None,
    progress: bool = True,
) -> FedAvgResult:
    """Federated averaging (McMahan et al. 2017) of a Keras model across sites.

    Every site keeps its own optimizer state between rounds.
    Each round each site loads the global weights, trains ``local_epochs``
    epochs on its data, and the global weights become the average of the
    sites' weights weighted by their sample sizes (batch-normalization
    statistics included).

    Parameters
    ----------
    build_model : callable
        No arguments; returns a fresh compiled binary keras.Model. Called
        twice, right after seeding: for the global model, and for the model
        the sites train in turn.
    sites : list of (x, y) pairs
        Each site's inputs (float32, shape (n_k, *input_shape)) and 0/1 labels.
    rounds : int ≥ 1, default 5
        Communication rounds.
    local_epochs : int ≥ 1, default 1
        Epochs each site trains per round.
    batch_size : int ≥ 1, default 32
        Local batch size.
    random_state : int, Generator or None, default None
        Seeds the initial weights, shuffling and dropout.
    progress : bool, default True
        Show a progress bar (one step per round).

    Returns
    -------
    FedAvgResult
        The global model and the per-round history.

    Examples
    --------
    >>> from pmed_utils.privacy import dp_cnn
    >>> rng = np.random.default_rng(0)
    >>> sites = [(rng.random((8, 8, 8, 1)).astype("float32"), [0, 1] * 4) for _ in range(2)]
    >>> r = fed_avg(lambda: dp_cnn((8, 8, 1), (2,), 4), sites, rounds=2, progress=False)
    >>> r.site_sizes, len(r.history)
    ([8, 8], 2)
    """
    func = "fed_avg"
    data = _check_sites(sites, func)
    keras = keras_module()
    rng = check_random_state(random_state, func=func)
    keras.utils.set_random_seed(derive_seed(rng))
    global_model = _build(build_model, func)
    local = ReusedModel(_build(build_model, func))
    site_optimizers = [local.initial[1]] * len(data)
    sizes = np.array([len(y) for _, y in data], dtype=float)
    weights = sizes / sizes.sum()
    rows = []
    bar = tqdm_class()(total=int(rounds), desc="FedAvg", disable=not progress)
    for r in range(int(rounds)):
        start = global_model.get_weights()
        new = [np.zeros_like(w) for w in start]
        losses = []
        for k, ((x, y), w) in enumerate(zip(data, weights, strict=True)):
            model = local.load(optimizer=site_optimizers[k])
            model.set_weights(start)
            keras.utils.set_random_seed(derive_seed(rng))
            hist = model.fit(x, y.astype(np.float32), epochs=int(local_epochs), batch_size=int(batch_size), verbose=0)
            losses.append(float(hist.history["loss"][-1]))
            site_optimizers[k] = local.state()[1]
            for acc, lw in zip(new, model.get_weights(), strict=True):
                acc += w * lw
        global_model.set_weights([a.astype(s.dtype) for a, s in zip(new, start, strict=False)])
        rows.append({"round": r + 1, "train_loss": float(np.dot(weights, losses))})
        bar.update(1)
    bar.close()
    return FedAvgResult(global_model, pd.DataFrame(rows), [int(s) for s in sizes], int(rounds), int(local_epochs))


@validate_params(
    {
        "build_model": ["callable"],
        "sites": [list, tuple],
        "x_test": ["array-like"],
        "y_test": ["array-like"],
        "rounds": [Interval(numbers.Integral, 1, None)],
        "local_epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    }
)
def compare_federated(
    build_model: Callable[[], Any],
    sites: Sequence[tuple[ArrayLike, ArrayLike]],
    x_test: ArrayLike,
    y_test: ArrayLike,
    *,
    rounds: int = 5,
    local_epochs: int = 1,
    batch_size: int = 32,
    random_state: int | np.random.Generator | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Test AUC of FedAvg against pooled training and each site alone, on the same epoch budget.

    Pooled training and each site alone get ``rounds × local_epochs`` epochs,
    as many passes over their data as FedAvg makes.

    Parameters
    ----------
    build_model : callable
        No arguments; returns a fresh compiled binary keras.Model.
    sites : list of (x, y) pairs
        Each site's training data.
    x_test : array-like of float32, shape (n_test, *input_shape)
        A common test set.
    y_test : array-like of 0/1, shape (n_test,)
        Its labels.
    rounds : int ≥ 1, default 5
        FedAvg rounds.
    local_epochs : int ≥ 1, default 1
        Local epochs per round.
    batch_size : int ≥ 1, default 32
        Batch size everywhere.
    random_state : int, Generator or None, default None
        Seeds every training run.
    progress : bool, default True
        Show progress bars.

    Returns
    -------
    DataFrame
        One row per strategy (``"pooled"``, ``"FedAvg"``, ``"site 1 alone"``, …):
        ``strategy``, ``n_train``, ``auc``, ``auc_low``, ``auc_high``
        (Hanley–McNeil 95% interval).

    Examples
    --------
    >>> from pmed_utils.privacy import dp_cnn
    >>> rng = np.random.default_rng(0)
    >>> sites = [(rng.random((8, 8, 8, 1)).astype("float32"), [0, 1] * 4) for _ in range(2)]
    >>> t = compare_federated(lambda: dp_cnn((8, 8, 1), (2,), 4), sites, sites[0][0], sites[0][1],
    ...                       rounds=1, progress=False)
    >>> t.strategy.tolist()
    ['pooled', 'FedAvg', 'site 1 alone', 'site 2 alone']
    """
    func = "compare_federated"
    data = _check_sites(sites, func)
    yt = check_binary_labels(y_test, "y_test", func=func)
    rng = check_random_state(random_state, func=func)
    keras = keras_module()
    seed = derive_seed(rng)
    epochs = int(rounds) * int(local_epochs)
    rows = []

    def score(name, model, n):
        xt = _as_inputs(model, x_test, "x_test", func)
        check_same_length((xt, "x_test"), (yt, "y_test"), func=func)
        auc = auc_estimate(yt, _positive(model, xt))
        rows.append({"strategy": name, "n_train": n, "auc": auc.value, "auc_low": auc.low, "auc_high": auc.high})

    x_pool = np.concatenate([x for x, _ in data])
    y_pool = np.concatenate([y for _, y in data])
    keras.utils.set_random_seed(seed)
    baseline = ReusedModel(_build(build_model, func))
    pooled = fit_model(baseline.model, x_pool, y_pool, epochs=epochs, batch_size=batch_size, random_state=seed)
    score("pooled", pooled, len(y_pool))
    fed = fed_avg(
        build_model,
        data,
        rounds=rounds,
        local_epochs=local_epochs,
        batch_size=batch_size,
        random_state=seed,
        progress=progress,
    )
    score("FedAvg", fed.model, len(y_pool))
    for i, (x, y) in enumerate(data):
        alone = fit_model(baseline.restart(), x, y, epochs=epochs, batch_size=batch_size, random_state=seed)
        score(f"site {i + 1} alone", alone, len(y))
    return pd.DataFrame(rows)


@validate_params({"betas": ["array-like"], "ses": ["array-like"]})
def inverse_variance_meta(betas: ArrayLike, ses: ArrayLike) -> pd.DataFrame:
    """Fixed-effect inverse-variance-weighted meta-analysis, per variant, with Cochran's Q.

    Parameters
    ----------
    betas : array-like of float, shape (n_sites, n_variants)
        Per-site effect estimates; NaN = the variant was not estimable there
        (left out of that variant's sum).
    ses : array-like of float, shape (n_sites, n_variants)
        Their standard errors (positive).

    Returns
    -------
    DataFrame
        One row per variant: ``beta`` = Σ wβ / Σ w with w = 1/SE², ``se`` =
        (Σ w)^−½, ``z``, ``p`` (two-sided normal), ``q`` (Cochran's
        heterogeneity statistic), ``n_sites`` (sites with an estimate).

    Examples
    --------
    >>> inverse_variance_meta([[0.2], [0.4]], [[0.1], [0.1]])[["beta", "n_sites"]].round(3).values.tolist()
    [[0.3, 2.0]]
    """
    func = "inverse_variance_meta"
    b = np.atleast_2d(np.asarray(betas, dtype=float))
    s = np.atleast_2d(np.asarray(ses, dtype=float))
    if b.shape != s.shape:
        raise ValueError(
            f"The 'betas' and 'ses' parameters of {func} must have the same shape; got {b.shape} and {s.shape}."
        )
    if np.any(s[np.isfinite(s)] <= 0):
        raise ValueError(f"The 'ses' parameter of {func} must be positive where finite.")
    ok = np.isfinite(b) & np.isfinite(s)
    w = np.where(ok, 1 / np.where(ok, s, 1.0) ** 2, 0.0)
    bw = np.where(ok, b, 0.0)
    sw = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = (w * bw).sum(axis=0) / sw
        se = 1 / np.sqrt(sw)
        z = beta / se
        q = (w * (bw - beta) ** 2).sum(axis=0)
    p = 2 * stats.norm.sf(np.abs(z))
    return pd.DataFrame({"beta": beta, "se": se, "z": z, "p": p, "q": q, "n_sites": ok.sum(axis=0).astype(float)})


def _residualize(g: np.ndarray, y: np.ndarray, cov: np.ndarray | None):
    n = len(y)
    x = np.ones((n, 1)) if cov is None else np.column_stack([np.ones(n), cov])
    q, _ = np.linalg.qr(x)
    gr = g - q @ (q.T @ g)
    yr = y - q @ (q.T @ y)
    return gr, yr, x.shape[1]


@validate_params(
    {
        "sites": [list, tuple],
        "variant_ids": ["array-like", None],
        "method": [Options({"inverse_variance", "sufficient_statistics"})],
    }
)
def federated_gwas(
    sites: Sequence[tuple],
    variant_ids: ArrayLike | None = None,
    method: str = "inverse_variance",
) -> pd.DataFrame:
    """Linear GWAS across sites that share only summary statistics.

    Parameters
    ----------
    sites : list of (genotypes, phenotype) or (genotypes, phenotype, covariates)
        Per site: int8 genotypes (n_k, n_variants), 0/1/2 or -1 missing;
        float phenotype (n_k,); optional covariates (n_k, n_cov). Every site
        has the same variants in the same order.
    variant_ids : array-like of str, shape (n_variants,), optional
        Identifiers for the ``id`` column.
    method : {"inverse_variance", "sufficient_statistics"}, default "inverse_variance"
        ``"inverse_variance"``: each site runs
        :func:`~pmed_utils.genomics.gwas.gwas_linear` and the per-site β, SE are
        combined by :func:`inverse_variance_meta` (p from a normal z).
        ``"sufficient_statistics"``: each site shares g'Mg, g'My, y'My, n
        and its number of covariates; the result equals the pooled
        regression with site-specific intercepts and covariate slopes (p from
        a t with N − Σ(k_s + 1) − 1 degrees of freedom). Missing calls are
        replaced by the site's mean dosage.

    Returns
    -------
    DataFrame
        One row per variant: ``id``, ``beta``, ``se``, ``p``, ``n_obs``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.integers(0, 3, (600, 2)).astype(np.int8)
    >>> y = 0.3 * g[:, 0] + rng.normal(size=600)
    >>> sites = [(g[:300], y[:300]), (g[300:], y[300:] + 1.0)]  # site 2 has a higher baseline
    >>> federated_gwas(sites, method="sufficient_statistics").beta.round(3).tolist()
    [0.224, -0.004]
    """
    func = "federated_gwas"
    if not isinstance(sites, Sequence) or len(sites) < 1:
        raise ValueError(
            f"The 'sites' parameter of {func} must be a non-empty list of (genotypes, phenotype[, covariates])."
        )
    parsed = []
    m = None
    for i, site in enumerate(sites):
        if not isinstance(site, (tuple, list)) or len(site) not in (2, 3):
            raise ValueError(
                f"The 'sites' parameter of {func} must hold (genotypes, phenotype[, covariates]); site {i} does not."
            )
        g = np.asarray(site[0])
        if g.ndim != 2:
            raise ValueError(
                f"The genotypes of site {i} in {func} must be 2-D (n_samples, n_variants); got shape {g.shape}."
            )
        if m is None:
            m = g.shape[1]
        elif g.shape[1] != m:
            raise ValueError(f"Every site in {func} must have the same {m} variants; site {i} has {g.shape[1]}.")
        cov = site[2] if len(site) == 3 else None
        parsed.append((g, site[1], cov))
    assert m is not None
    ids = np.asarray(variant_ids).astype(str) if variant_ids is not None else np.arange(m).astype(str)
    if len(ids) != m:
        raise ValueError(f"The 'variant_ids' parameter of {func} must have {m} entries; got {len(ids)}.")
    if method == "inverse_variance":
        res = [gwas_linear(g, y, cov) for g, y, cov in parsed]
        meta = inverse_variance_meta(np.vstack([r.beta for r in res]), np.vstack([r.se for r in res]))
        n_obs = np.sum([r.n_obs.to_numpy() for r in res], axis=0)
        return pd.DataFrame({"id": ids, "beta": meta.beta, "se": meta.se, "p": meta.p, "n_obs": n_obs})
    gmg = np.zeros(m)
    gmy = np.zeros(m)
    ymy = 0.0
    n_total, k_total = 0, 0
    for g, y, cov in parsed:
        gwas_linear(g[:, :1], y, cov)  # the same input checks as a site's own GWAS
        gf = g.astype(float)
        gf[g < 0] = np.nan
        means = np.nanmean(np.where(np.isnan(gf).all(axis=0), 0.0, gf), axis=0)
        gf = np.where(np.isnan(gf), means, gf)
        yv = np.asarray(y, dtype=float)
        cv = None if cov is None else np.asarray(cov, dtype=float).reshape(len(yv), -1)
        gr, yr, k = _residualize(gf, yv, cv)
        gmg += (gr**2).sum(axis=0)
        gmy += gr.T @ yr
        ymy += float(yr @ yr)
        n_total += len(yv)
        k_total += k
    df = n_total - k_total - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.where(gmg > 1e-10, gmy / gmg, np.nan)
        rss = ymy - beta * gmy
        se = np.sqrt(rss / df / gmg)
        p = 2 * stats.t.sf(np.abs(beta / se), df)
    return pd.DataFrame({"id": ids, "beta": beta, "se": se, "p": p, "n_obs": np.full(m, n_total)})
