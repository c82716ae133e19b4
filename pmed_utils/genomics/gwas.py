"""Genome-wide association: one regression per variant, vectorised, with covariates.

Linear regression (quantitative traits) uses the Frisch–Waugh–Lovell theorem:
regress covariates out of the phenotype and of every variant once, then each
variant's slope is a dot product. Logistic regression (disease) runs Newton's
method on blocks of variants at once; a variant whose fit does not converge
((quasi-)complete separation, typically a rare allele seen only in cases) is
refitted by Firth's penalized likelihood, as PLINK 2's ``--glm`` does by default
(``firth-fallback``).

Missing calls (-1) follow one of two conventions, chosen with ``missing``:

- ``"mean"`` (default): a missing call is replaced by the variant's mean
  dosage, so every variant is tested on all people (the effect is slightly
  attenuated where calls are missing);
- ``"drop"``: a person with a missing call is left out of that variant's
  regression, as PLINK 2 does (``n_obs`` then varies between variants).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from pmed_utils.genomics import chunked
from pmed_utils.genomics._blocks import map_variant_blocks
from pmed_utils.genomics._checks import check_chunked_genotypes, check_genotypes
from pmed_utils.genomics.preprocessing import GenotypeScaler
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = ["genomic_inflation", "gwas_linear", "gwas_logistic"]


def _as_array(values: Any) -> Any:
    """An array-like as an ndarray (so a Dask graph ships it once), None as is."""
    return None if values is None else np.asarray(values)


def _phenotype(values, name: str, func: str) -> np.ndarray:
    try:
        y = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"The '{name}' parameter of {func} must be numeric.") from None
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"The '{name}' parameter of {func} must be 1-D (one value per person); got shape {y.shape}.")
    return check_finite(y, name, func=func)


def _design(covariates, n: int, func: str) -> np.ndarray:
    """Intercept plus standardized covariates, shape (n, 1 + k).

    Standardizing changes neither the variant's coefficient nor its standard
    error (the intercept absorbs the shift) and keeps the fits well conditioned.
    """
    ones = np.ones((n, 1))
    if covariates is None:
        return ones
    try:
        c = np.asarray(covariates, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"The 'covariates' parameter of {func} must be numeric (encode categories as 0/1 columns first)."
        ) from None
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2:
        raise ValueError(
            f"The 'covariates' parameter of {func} must be 2-D (n_samples, n_covariates); got shape {c.shape}."
        )
    check_finite(c, "covariates", func=func)
    check_same_length((ones, "genotypes"), (c, "covariates"), func=func)
    if c.shape[1] == 0:
        return ones
    sd = c.std(axis=0)
    scale = np.abs(c).max(axis=0)
    constant = np.flatnonzero(sd <= 1e-12 * np.maximum(scale, 1e-300))
    if constant.size:
        raise ValueError(
            f"The 'covariates' parameter of {func} has constant column(s) {constant.tolist()}, "
            "collinear with the intercept; drop them."
        )
    x = np.hstack([ones, (c - c.mean(axis=0)) / sd])
    _, r = np.linalg.qr(x)
    diag = np.abs(np.diag(r))
    dependent = np.flatnonzero(diag < 1e-8 * np.sqrt(n))
    if dependent.size:
        cols = (dependent - 1).tolist()
        raise ValueError(
            f"The 'covariates' parameter of {func} is collinear: column(s) {cols} are linear "
            "combinations of the intercept and the columns before them; drop them."
        )
    return x


def _variant_ids(variant_ids, m: int, func: str) -> np.ndarray:
    if variant_ids is None:
        return np.arange(m).astype(str)
    ids = np.asarray(variant_ids)
    if ids.shape != (m,):
        raise ValueError(
            f"The 'variant_ids' parameter of {func} must have one id per variant ({m}); got shape {ids.shape}."
        )
    return ids


def _check_df(n: int, k: int, func: str) -> None:
    if n - k - 1 < 1:
        raise ValueError(
            f"{func}: {n} samples are too few for {k} covariates (with intercept) plus the variant; "
            "drop covariates or add samples."
        )


_COMMON: dict[str, list[Any]] = {
    "genotypes": ["array-like"],
    "covariates": ["array-like", None],
    "variant_ids": ["array-like", None],
    "missing": [Options({"mean", "drop"})],
}


@validate_params({**_COMMON, "phenotype": ["array-like"]})
def gwas_linear(
    genotypes: ArrayLike,
    phenotype: ArrayLike,
    covariates: ArrayLike | None = None,
    variant_ids: ArrayLike | None = None,
    *,
    missing: str = "mean",
) -> pd.DataFrame:
    """Per-variant linear regression ``phenotype ~ covariates + genotype`` (PLINK 2 ``--glm``, quantitative trait).

    Parameters
    ----------
    genotypes : array-like of int8, shape (n_samples, n_variants)
        Alternative-allele counts 0/1/2; -1 is a missing call.
    phenotype : array-like of float, shape (n_samples,)
        The quantitative trait; NaN is an error.
    covariates : array-like of float, shape (n_samples, n_covariates), optional
        Adjustment variables (e.g. sex, age, top PCs); an intercept is always
        added. NaN, constant or collinear columns are errors.
    variant_ids : array-like of str, shape (n_variants,), optional
        Identifiers for the ``id`` column; default ``"0"``, ``"1"``, ...
    missing : {"mean", "drop"}, default "mean"
        ``"mean"`` replaces a missing call by the variant's mean dosage;
        ``"drop"`` leaves the person out of that variant's regression
        (PLINK 2's convention).

    Returns
    -------
    DataFrame
        One row per variant: ``id``, ``beta`` (per alternative allele), ``se``,
        ``t``, ``p`` (two-sided, t with n_obs − k − 2 degrees of freedom) and
        ``n_obs`` (people in the regression). Statistics are NaN for a
        variant that is monomorphic or collinear with the covariates, and for
        every variant (with a :class:`~pmed_utils.validation.DegenerateInputWarning`)
        when the phenotype is constant after the covariates.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.integers(0, 3, (500, 3)).astype(np.int8)
    >>> y = 0.5 * g[:, 0] + rng.normal(size=500)
    >>> res = gwas_linear(g, y)
    >>> bool(res.p[0] < 1e-10), bool(res.p[1] > 1e-3)
    (True, True)
    >>> g[0, 0] = -1  # one missing call: PLINK 2 leaves that person out of variant 0
    >>> gwas_linear(g, y, missing="drop")["n_obs"].tolist()
    [499, 500, 500]
    """
    func = "gwas_linear"
    if chunked.is_chunked(genotypes):
        g = check_chunked_genotypes(genotypes, func)
        ids = _variant_ids(variant_ids, g.shape[1], func)
        return chunked.concat_chunks(
            gwas_linear,
            g,
            np.asarray(phenotype),
            _as_array(covariates),
            per_variant={"variant_ids": ids},
            missing=missing,
        )
    g = check_genotypes(genotypes, func)
    y = _phenotype(phenotype, "phenotype", func)
    check_same_length((g, "genotypes"), (y, "phenotype"), func=func)
    n, m = g.shape
    ids = _variant_ids(variant_ids, m, func)
    x_cov = _design(covariates, n, func)
    _check_df(n, x_cov.shape[1], func)
    q, _ = np.linalg.qr(x_cov)
    y_res = y - q @ (q.T @ y)
    rss0 = float(y_res @ y_res)
    tss = float(((y - y.mean()) ** 2).sum())
    if np.ptp(y) == 0 or rss0 <= 1e-20 * max(tss, 1e-300) * n or rss0 <= 1e-24 * n * max(float(y @ y), 1e-300):
        warn_degenerate(func, "the phenotype is constant" + (" after the covariates" if np.ptp(y) > 0 else ""))
        nan = np.full(m, np.nan)
        return pd.DataFrame(
            {"id": ids, "beta": nan, "se": nan, "t": nan, "p": nan, "n_obs": np.full(m, n, dtype=np.int64)}
        )
    if missing == "drop":
        beta, se, n_obs = _linear_drop(g, y, x_cov)
        df = n_obs - x_cov.shape[1] - 1
    else:
        beta, se = _linear_mean(g, y_res, q)
        n_obs = np.full(m, n, dtype=np.int64)
        df = n - x_cov.shape[1] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        t = beta / se
        p = 2 * stats.t.sf(np.abs(t), np.where(df >= 1, df, np.nan))
    return pd.DataFrame({"id": ids, "beta": beta, "se": se, "t": t, "p": p, "n_obs": n_obs})


def _linear_mean(g: np.ndarray, y_res: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slopes and standard errors on mean-imputed genotypes, by Frisch–Waugh–Lovell."""
    n, m = g.shape
    df = n - q.shape[1] - 1
    scaler = GenotypeScaler().fit(g)
    means, centred_ss = scaler.means_, scaler.centred_sum_squares_
    q_sum = q.sum(axis=0)
    basis = np.column_stack([y_res, q])

    def block(cols: slice) -> tuple[np.ndarray, np.ndarray]:
        x = scaler.impute(g[:, cols], variants=cols)
        prod = x.T @ basis  # (B, 1 + k): x'y_res and x'Q in one product
        # Residual sum of squares of x after the covariates, without forming the residuals:
        # ||x_c||^2 - ||Q'x_c||^2 with x_c = x - mean (Q spans the intercept), ||x_c||^2 exact from counts.
        q_xc = prod[:, 1:] - means[cols, None] * q_sum[None, :]
        return prod[:, 0], centred_ss[cols] - (q_xc**2).sum(axis=1)

    parts = map_variant_blocks(block, m, 2048) if m else [(np.zeros(0), np.zeros(0))]
    xy = np.concatenate([p[0] for p in parts])
    sxx = np.concatenate([p[1] for p in parts])
    # A variant constant after the covariates (monomorphic, or collinear with them) has no test.
    sxx = np.where(sxx > 1e-9 * np.maximum(centred_ss, 1e-300), sxx, np.nan)
    beta = xy / sxx
    rss = (y_res**2).sum() - beta**2 * sxx
    return beta, np.sqrt(np.maximum(rss, 0) / df / sxx)


def _linear_drop(g: np.ndarray, y: np.ndarray, x_cov: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slopes, standard errors and people per variant, leaving out each variant's missing calls.

    Every variant gets its own normal equations over its called people, built
    for a block of variants with a few matrix products (covariate pairs times
    the block's call mask) and solved as a batch.
    """
    m = g.shape[1]
    kc = x_cov.shape[1]
    yc = y - y.mean()
    iu = np.triu_indices(kc)
    x_pairs = x_cov[:, iu[0]] * x_cov[:, iu[1]]
    xy = x_cov * yc[:, None]

    def block(cols: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        gb = g[:, cols]
        called = (gb >= 0).astype(np.float64)
        x = np.where(gb >= 0, gb, 0).astype(np.float64)
        b = gb.shape[1]
        a = np.empty((b, kc + 1, kc + 1))
        a_cc = (x_pairs.T @ called).T
        a[:, iu[0], iu[1]] = a_cc
        a[:, iu[1], iu[0]] = a_cc
        a_cg = (x_cov.T @ x).T
        a[:, :-1, -1] = a_cg
        a[:, -1, :-1] = a_cg
        a[:, -1, -1] = (x * x).sum(axis=0)
        rhs = np.empty((b, kc + 1))
        rhs[:, :-1] = (xy.T @ called).T
        rhs[:, -1] = x.T @ yc
        yy = called.T @ (yc * yc)
        n_obs = called.sum(axis=0).astype(np.int64)
        beta_g, se_g = np.full(b, np.nan), np.full(b, np.nan)
        # The variant's sum of squares after the covariates (Schur complement of the covariate block);
        # ~0 means monomorphic among the called people, or collinear with the covariates.
        mean_g = a[:, -1, :1][:, 0] / np.maximum(n_obs, 1)
        centred = a[:, -1, -1] - n_obs * mean_g**2
        ok = (n_obs - kc - 1 >= 1) & (centred > 1e-9)
        if ok.any():
            sol = np.linalg.solve(a[ok, :-1, :-1], np.concatenate([a[ok, :-1, -1:], rhs[ok, :-1, None]], axis=2))
            schur = a[ok, -1, -1] - (a[ok, :-1, -1] * sol[..., 0]).sum(axis=1)
            good = schur > 1e-9 * centred[ok]
            schur = np.where(good, schur, np.nan)
            bg = (rhs[ok, -1] - (a[ok, :-1, -1] * sol[..., 1]).sum(axis=1)) / schur
            # residual sum of squares: y'y - b_c' A_cc^-1 b_c - beta_g^2 * schur
            rss = yy[ok] - (rhs[ok, :-1] * sol[..., 1]).sum(axis=1) - bg**2 * schur
            df = n_obs[ok] - kc - 1
            beta_g[ok] = bg
            se_g[ok] = np.sqrt(np.maximum(rss, 0) / df / schur)
        return beta_g, se_g, n_obs

    parts = map_variant_blocks(block, m, 512) if m else [(np.zeros(0), np.zeros(0), np.zeros(0, np.int64))]
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]


@validate_params(
    {
        **_COMMON,
        "disease": ["array-like"],
        "firth_fallback": ["boolean"],
        "block_size": [Interval(numbers.Integral, 1, None)],
        "max_iter": [Interval(numbers.Integral, 1, None)],
        "tol": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def gwas_logistic(
    genotypes: ArrayLike,
    disease: ArrayLike,
    covariates: ArrayLike | None = None,
    variant_ids: ArrayLike | None = None,
    *,
    missing: str = "mean",
    firth_fallback: bool = True,
    block_size: int = 64,
    max_iter: int = 50,
    tol: float = 1e-8,
) -> pd.DataFrame:
    """Per-variant logistic regression ``disease ~ covariates + genotype``, Wald test (PLINK 2 ``--glm``).

    Newton's method fits blocks of variants at once. A variant whose fit does
    not converge, as happens with (quasi-)complete separation (e.g. a rare
    allele carried only by cases), is refitted by Firth's penalized likelihood
    (the log-likelihood plus half the log-determinant of the Fisher
    information, i.e. a Jeffreys prior), as PLINK 2's default
    ``firth-fallback`` does; the ``firth`` column says which rows.

    Parameters
    ----------
    genotypes : array-like of int8, shape (n_samples, n_variants)
        Alternative-allele counts 0/1/2; -1 is a missing call.
    disease : array-like of {0, 1}, shape (n_samples,)
        1 = case, 0 = control.
    covariates : array-like of float, shape (n_samples, n_covariates), optional
        Adjustment variables; an intercept is always added. NaN, constant or
        collinear columns are errors.
    variant_ids : array-like of str, shape (n_variants,), optional
        Identifiers for the ``id`` column; default ``"0"``, ``"1"``, ...
    missing : {"mean", "drop"}, default "mean"
        ``"mean"`` replaces a missing call by the variant's mean dosage;
        ``"drop"`` leaves the person out of that variant's regression
        (PLINK 2's convention).
    firth_fallback : bool, default True
        Refit non-converging variants with Firth regression; False leaves
        them NaN (PLINK 2's ``no-firth``).
    block_size : int, default 64
        Variants fitted together.
    max_iter : int, default 50
        Newton iterations before a fit counts as not converging.
    tol : float, default 1e-8
        Convergence tolerance on the largest coefficient step.

    Returns
    -------
    DataFrame
        One row per variant: ``id``, ``beta`` (log odds ratio per alternative
        allele), ``se``, ``z``, ``p`` (two-sided Wald), ``odds_ratio``,
        ``n_obs`` (people in the regression) and ``firth`` (bool, True where
        the Firth fit was used; PLINK 2's ``FIRTH?`` column). Statistics are
        NaN for a variant that is monomorphic, collinear with the covariates
        or (without the fallback) not converging, and for every variant (with a
        :class:`~pmed_utils.validation.DegenerateInputWarning`) when there are
        no cases or no controls.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> g = rng.integers(0, 3, (800, 2)).astype(np.int8)
    >>> d = (rng.random(800) < 1 / (1 + np.exp(-(-1 + 0.6 * g[:, 0])))).astype(int)
    >>> res = gwas_logistic(g, d)
    >>> bool(abs(res.beta[0] - 0.6) < 0.25), bool(res.p[0] < 1e-6)
    (True, True)

    A rare allele carried by three cases and no control separates them
    perfectly: the ordinary fit diverges, the Firth fit gives a finite odds ratio.

    >>> g[:, 1] = 0
    >>> g[np.flatnonzero(d)[:3], 1] = 1
    >>> res = gwas_logistic(g, d)
    >>> bool(res.firth[1]), bool(np.isfinite(res.beta[1])), bool(res.beta[1] > 1)
    (True, True, True)
    """
    func = "gwas_logistic"
    if chunked.is_chunked(genotypes):
        g = check_chunked_genotypes(genotypes, func)
        ids = _variant_ids(variant_ids, g.shape[1], func)
        return chunked.concat_chunks(
            gwas_logistic,
            g,
            np.asarray(disease),
            _as_array(covariates),
            per_variant={"variant_ids": ids},
            missing=missing,
            firth_fallback=firth_fallback,
            block_size=block_size,
            max_iter=max_iter,
            tol=tol,
        )
    g = check_genotypes(genotypes, func)
    y = check_binary_labels(disease, "disease", func=func).astype(np.float64)
    check_same_length((g, "genotypes"), (y, "disease"), func=func)
    n, m = g.shape
    ids = _variant_ids(variant_ids, m, func)
    x_cov = _design(covariates, n, func)
    _check_df(n, x_cov.shape[1], func)
    out = {"beta": np.full(m, np.nan), "se": np.full(m, np.nan)}
    scaler = GenotypeScaler().fit(g)
    counts = scaler.counts_
    n_obs = (n - counts[:, 0]).astype(np.int64) if missing == "drop" else np.full(m, n, dtype=np.int64)
    firth = np.zeros(m, dtype=bool)
    if y.min() == y.max():
        warn_degenerate(func, "there are no " + ("controls" if y.min() == 1 else "cases"))
    else:
        _fit_logistic(g, y, x_cov, scaler, missing, firth_fallback, block_size, max_iter, tol, out, firth)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = out["beta"] / out["se"]
        return pd.DataFrame(
            {
                "id": ids,
                "beta": out["beta"],
                "se": out["se"],
                "z": z,
                "p": 2 * stats.norm.sf(np.abs(z)),
                "odds_ratio": np.exp(out["beta"]),
                "n_obs": n_obs,
                "firth": firth,
            }
        )


def _null_fit(x_cov: np.ndarray, y: np.ndarray, tol: float) -> np.ndarray:
    """Covariate-only logistic fit, the starting point of every variant's fit."""
    b0 = np.zeros(x_cov.shape[1])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-np.clip(x_cov @ b0, -30, 30)))
        step = np.linalg.lstsq(x_cov.T @ (x_cov * (mu * (1 - mu))[:, None]), x_cov.T @ (y - mu), rcond=None)[0]
        b0 += np.clip(step, -1, 1)
        if np.abs(step).max() < tol:
            break
    return b0


def _fit_logistic(g, y, x_cov, scaler, missing, firth_fallback, block_size, max_iter, tol, out, firth) -> None:
    """Fill ``out["beta"]``, ``out["se"]`` and ``firth`` in place for every testable variant."""
    m = g.shape[1]
    b0 = _null_fit(x_cov, y, tol)
    centred_ss = scaler.centred_sum_squares_
    testable = centred_ss > 1e-12  # a monomorphic variant has no test (NaN)
    drop = missing == "drop"
    # Products of covariate pairs (upper triangle), so that every variant's covariate block of
    # the Hessian, X' diag(w_b) X, comes out of one matrix product for the whole block.
    kc = x_cov.shape[1]
    iu = np.triu_indices(kc)
    x_pairs = x_cov[:, iu[0]] * x_cov[:, iu[1]]
    case = y > 0

    def columns(idx) -> tuple[np.ndarray, np.ndarray | None]:
        gb = g[:, idx]
        if drop:
            called = gb >= 0
            return np.where(called, gb, 0).astype(np.float64), (called.astype(np.float64) if not called.all() else None)
        return scaler.impute(gb, variants=idx), None

    def block(cols: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        size = cols.stop - cols.start
        beta, se, failed = np.full(size, np.nan), np.full(size, np.nan), np.zeros(size, bool)
        use = np.flatnonzero(testable[cols])
        if use.size:
            idx = use + cols.start if use.size < size else cols
            x, mask = columns(idx)
            separated = _separated(x, mask, case)
            fit = np.flatnonzero(~separated)
            if fit.size:
                b, s, converged = _logistic_newton(
                    x[:, fit], y, x_cov, x_pairs, iu, b0, max_iter, tol, None if mask is None else mask[:, fit]
                )
                beta[use[fit]], se[use[fit]] = b, s
                failed[use[fit]] = ~converged
            failed[use[separated]] = True
        return beta, se, failed

    parts = map_variant_blocks(block, m, block_size) if m else []
    if not parts:
        return
    out["beta"][:] = np.concatenate([p[0] for p in parts])
    out["se"][:] = np.concatenate([p[1] for p in parts])
    failed = np.flatnonzero(np.concatenate([p[2] for p in parts]))
    if not firth_fallback:
        return
    for j in failed:
        x, mask = columns([j])
        rows = slice(None) if mask is None else mask[:, 0] > 0
        design = np.column_stack([x_cov[rows], x[rows, 0]])
        beta_j, se_j = _firth_fit(design, y[rows], np.r_[b0, 0.0], max_iter=max(max_iter, 100), tol=tol)
        out["beta"][j], out["se"][j] = beta_j, se_j
        firth[j] = True


def _separated(x: np.ndarray, mask: np.ndarray | None, case: np.ndarray) -> np.ndarray:
    """Whether each column's genotype alone separates cases from controls (no finite maximum likelihood).

    Quasi-complete separation in the variant: every case's dosage is at most
    every control's, or at least (e.g. no case carries the allele). The
    intercept then moves the boundary, so no covariate can restore a finite
    estimate. PLINK 2 checks the same before its fit (ERRCODE ``SEPARATION``).
    """
    called = np.ones(x.shape, bool) if mask is None else mask > 0
    hi = np.where(called, x, -np.inf)
    lo = np.where(called, x, np.inf)
    max_case, min_case = hi[case].max(axis=0), lo[case].min(axis=0)
    max_ctrl, min_ctrl = hi[~case].max(axis=0), lo[~case].min(axis=0)
    return (max_case <= min_ctrl) | (max_ctrl <= min_case)


def _logistic_newton(
    gb: np.ndarray,
    y: np.ndarray,
    x_cov: np.ndarray,
    x_pairs: np.ndarray,
    iu,
    b0: np.ndarray,
    max_iter: int,
    tol: float,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton's method for ``y ~ x_cov + g`` on every column g of ``gb`` at once; (beta_g, se_g, converged).

    Columns leave the working set as soon as they converge, so the cost follows
    the slowest variants only where they are. ``mask`` (same shape as ``gb``,
    1 = called, 0 = missing) leaves people out of a column's fit; ``converged``
    is False for columns still moving after ``max_iter`` iterations (their
    beta and se are NaN), True otherwise, including columns collinear with the
    covariates (NaN too, as no fit can test them).
    """
    B = gb.shape[1]
    kc = x_cov.shape[1]
    beta_out, se_out = np.full(B, np.nan), np.full(B, np.nan)
    converged = np.zeros(B, bool)
    beta = np.zeros((B, kc + 1))
    beta[:, :-1] = b0
    active = np.arange(B)
    g_act = gb
    m_act = mask
    hess = np.empty((B, kc + 1, kc + 1))
    for _ in range(max_iter):
        if active.size == 0:
            break
        b_act = beta[active]
        eta = x_cov @ b_act[:, :-1].T
        eta += g_act * b_act[:, -1]
        np.clip(eta, -30, 30, out=eta)
        np.negative(eta, out=eta)
        np.exp(eta, out=eta)
        eta += 1
        mu = np.reciprocal(eta, out=eta)
        w = mu * mu
        np.subtract(mu, w, out=w)  # w = mu (1 - mu)
        r = np.subtract(y[:, None], mu, out=mu)  # mu is not needed any more
        if m_act is not None:
            w *= m_act
            r *= m_act
        a = active.size
        grad = np.empty((a, kc + 1))
        grad[:, :-1] = (x_cov.T @ r).T
        grad[:, -1] = np.einsum("ij,ij->j", g_act, r)
        h = hess[:a]
        h_cc = (x_pairs.T @ w).T
        h[:, iu[0], iu[1]] = h_cc
        h[:, iu[1], iu[0]] = h_cc
        wg = np.multiply(w, g_act, out=w)
        h_cg = (x_cov.T @ wg).T
        h[:, :-1, -1] = h_cg
        h[:, -1, :-1] = h_cg
        h[:, -1, -1] = np.einsum("ij,ij->j", wg, g_act)
        try:
            step = np.linalg.solve(h, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(hi, gi, rcond=None)[0] for hi, gi in zip(h, grad, strict=True)])
        # cap steps at 1 log-odds unit: large effects of rare alleles otherwise overshoot
        biggest = np.abs(step).max(axis=1, keepdims=True)
        step = np.where(biggest > 1, step / np.maximum(biggest, 1e-300), step)
        beta[active] += step
        # Newton converges quadratically: once a step is below sqrt(tol) / 10 the next one would be
        # about its square, far below tol, so that iteration (a quarter of the work) is skipped.
        done = np.abs(step).max(axis=1) < 0.1 * np.sqrt(tol)
        if done.any():
            # Wald variance from the last Hessian, evaluated < sqrt(tol) / 10 from the optimum
            # [H^-1]_gg = 1 / (h_gg - h_cg' H_cc^-1 h_cg), the Schur complement; ~0 means the variant
            # is collinear with the covariates (no test)
            hd = h[done]
            sol = np.linalg.solve(hd[:, :-1, :-1], hd[:, :-1, -1][..., None])[..., 0]
            schur = hd[:, -1, -1] - (hd[:, :-1, -1] * sol).sum(axis=1)
            ok = schur > 1e-10 * hd[:, -1, -1]
            var = 1 / np.where(ok, schur, 1.0)
            idx = active[done]
            beta_out[idx] = np.where(ok, beta[idx, -1], np.nan)
            se_out[idx] = np.where(ok, np.sqrt(np.where(ok, var, 1.0)), np.nan)
            converged[idx] = True
            active = active[~done]
            g_act = g_act[:, ~done]
            if m_act is not None:
                m_act = m_act[:, ~done]
    return beta_out, se_out, converged


def _firth_fit(
    x: np.ndarray, y: np.ndarray, start: np.ndarray, *, max_iter: int = 100, tol: float = 1e-8
) -> tuple[float, float]:
    """Firth's penalized logistic regression of ``y`` on ``x`` (last column tested); (beta, se) of that column.

    Maximizes l(β) + ½ log det I(β) (Firth 1993; Heinze & Schemper 2002) by
    Newton steps on the modified score U*(β) = X'(y − μ + h(½ − μ)), with h the
    diagonal of the hat matrix W^½ X I⁻¹ X' W^½, steps capped at 5 and halved
    until the penalized likelihood rises (as R's logistf). The standard error
    is from I(β̂)⁻¹. NaN when the information is singular or the fit does not
    converge.
    """

    def state(b):
        eta = x @ b
        mu = 1 / (1 + np.exp(-np.clip(eta, -500, 500)))
        w = mu * (1 - mu)
        info = x.T @ (x * w[:, None])
        sign, logdet = np.linalg.slogdet(info)
        if sign <= 0:
            return -np.inf, None, np.inf
        inv = np.linalg.inv(info)
        hat = w * np.einsum("ij,jk,ik->i", x, inv, x)
        score = x.T @ (y - mu + hat * (0.5 - mu))
        value = float(y @ eta - np.logaddexp(0, eta).sum()) + 0.5 * logdet
        return value, inv, score

    beta = start.astype(float).copy()
    value, inv, score = state(beta)
    if inv is None:
        beta = np.zeros_like(beta)
        value, inv, score = state(beta)
        if inv is None:
            return np.nan, np.nan
    for _ in range(max_iter):
        step = inv @ score
        biggest = np.abs(step).max()
        if biggest < tol or np.abs(score).max() < 1e-12:
            var = inv[-1, -1]
            return (float(beta[-1]), float(np.sqrt(var))) if var > 0 else (np.nan, np.nan)
        if biggest > 5:
            step *= 5 / biggest
        # I(beta)^-1 U* is not the exact Newton step of the penalized likelihood; where that likelihood
        # is flat the plain iteration can oscillate, so halve a step unless it clearly raises the
        # likelihood or, at an equal likelihood, shrinks the modified score.
        slack = 1e-12 * max(abs(value), 1.0)
        for _ in range(40):
            new_value, new_inv, new_score = state(beta + step)
            if new_inv is not None and (
                new_value > value + slack
                or (new_value >= value - slack and np.abs(new_score).max() < np.abs(score).max())
            ):
                break
            step /= 2
        else:
            return np.nan, np.nan
        beta += step
        value, inv, score = new_value, new_inv, new_score
    return np.nan, np.nan


@validate_params({"p_values": ["array-like"]})
def genomic_inflation(p_values: ArrayLike) -> float:
    """λ_GC: median observed χ² (1 df) over its expected median (0.4549); ≈ 1 without confounding.

    Parameters
    ----------
    p_values : array-like of float, shape (n_variants,)
        GWAS p-values in [0, 1]; NaN (untested variants) are ignored.

    Returns
    -------
    float
        The inflation factor; NaN, with a
        :class:`~pmed_utils.validation.DegenerateInputWarning`, when no p-value
        is finite.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> abs(genomic_inflation(rng.uniform(size=200000)) - 1) < 0.02
    True
    """
    try:
        p = np.asarray(p_values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("The 'p_values' parameter of genomic_inflation must be numeric.") from None
    p = p[~np.isnan(p)]
    if np.any((p < 0) | (p > 1)):
        bad = p[(p < 0) | (p > 1)][:3].tolist()
        raise ValueError(f"The 'p_values' parameter of genomic_inflation must hold p-values in [0, 1]; got {bad}.")
    if p.size == 0:
        warn_degenerate("genomic_inflation", "no p-value is finite")
        return float("nan")
    return float(np.median(stats.chi2.isf(p, 1)) / stats.chi2.ppf(0.5, 1))
