"""Synthetic people for a genomic region: genotypes learnt jointly with a trait.

After Yelmen et al. (2021), "Creating artificial human genomes using generative
neural networks": a restricted Boltzmann machine (RBM) learns the joint
distribution of a region's genotypes and, here, of a trait (disease status, or a
binned biomarker) as one more visible variable, so that the synthetic people
carry genotype–trait associations and a polygenic score can be estimated on
them. Each genotype is a categorical visible variable with three states (0, 1,
2 alternative alleles; a softmax unit), the trait another with one state per
class; the hidden units are binary. Training is persistent contrastive
divergence with a budget in epochs.

Two baselines sample from simpler models:

- :class:`IndependentGenotypes` draws every variant independently from its
  genotype frequencies (within each trait class when a trait is given): right
  allele frequencies, no linkage disequilibrium, no population structure;
- :func:`simulate_region` returns, besides the real training and test people,
  *reference* people drawn from the same msprime simulation: the mechanistic
  generator that knows the true demographic and trait model, a yardstick
  rather than a competitor.
"""

from __future__ import annotations

import functools
import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike
from threadpoolctl import threadpool_limits

from pmed_utils._progress import tqdm_class
from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.simulate import CohortTruth, simulate_cohort
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, check_same_length, validate_params

T = TypeVar("T")

__all__ = ["GenotypeRBM", "IndependentGenotypes", "RegionCohort", "SyntheticGenotypes", "simulate_region"]

_FORMAT = "pmed-genotype-rbm-1"


@dataclass
class SyntheticGenotypes:
    """Synthetic people drawn by a genotype generator.

    Attributes
    ----------
    genotypes : ndarray of int8, shape (n, n_variants)
        Alternative-allele counts 0/1/2 (no missing calls).
    trait : ndarray of int64, shape (n,), or None
        The trait class of each synthetic person (e.g. 0/1 disease), drawn
        jointly or given; None for a generator fitted without a trait.

    Examples
    --------
    >>> s = SyntheticGenotypes(np.zeros((2, 3), np.int8), np.array([0, 1]))
    >>> s.genotypes.shape, s.trait.tolist()
    ((2, 3), [0, 1])
    """

    genotypes: np.ndarray
    trait: np.ndarray | None


def _trait_labels(trait, n: int, func: str, param: str = "trait") -> np.ndarray:
    t = np.asarray(trait)
    if t.ndim != 1:
        raise ValueError(f"The '{param}' parameter of {func} must be 1-D (one class per person); got shape {t.shape}.")
    if t.dtype == bool:
        t = t.astype(np.int64)
    if t.size and (not np.issubdtype(t.dtype, np.number) or np.any(~np.isfinite(t.astype(float)))):
        raise ValueError(f"The '{param}' parameter of {func} must hold integer classes 0, 1, ...; got {t[:3]!r}.")
    ti = t.astype(np.int64)
    if t.size and (np.any(ti != t) or ti.min() < 0):
        raise ValueError(f"The '{param}' parameter of {func} must hold integer classes 0, 1, ...; got {t[:3]!r}.")
    check_same_length((np.empty(n), "genotypes"), (ti, param), func=func)
    return ti


def _fill_missing(g: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Replace -1 by a draw from the variant's called-genotype frequencies."""
    if not (g < 0).any():
        return g
    g = g.copy()
    for j in np.flatnonzero((g < 0).any(axis=0)):
        miss = g[:, j] < 0
        called = g[~miss, j]
        freq = np.bincount(called, minlength=3) / max(called.size, 1) if called.size else np.full(3, 1 / 3)
        g[miss, j] = rng.choice(3, int(miss.sum()), p=freq)
    return g


def _genotype_frequencies(g: np.ndarray) -> np.ndarray:
    """(n_variants, 3) frequencies of genotypes 0/1/2 (with a pseudo-count so none is exactly 0)."""
    counts = np.stack([(g == k).sum(axis=0) for k in range(3)], axis=1).astype(float) + 0.5
    return counts / counts.sum(axis=1, keepdims=True)


def _draw_categorical(prob: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row of the last axis of ``prob`` (..., K) → integer codes (...)."""
    cum = np.cumsum(prob, axis=-1)
    u = rng.random(prob.shape[:-1] + (1,)) * cum[..., -1:]
    return np.minimum((u > cum).sum(axis=-1), prob.shape[-1] - 1)


class IndependentGenotypes:
    """Baseline generator: each variant drawn independently from its genotype frequencies.

    With a trait, the frequencies are those within each trait class and the
    trait is drawn from its own frequencies (or given), so marginal
    genotype–trait associations survive but linkage disequilibrium and
    population structure do not.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default 0
        Drives :meth:`sample`.

    Attributes
    ----------
    frequencies_ : ndarray of float, shape (n_classes, n_variants, 3)
        Genotype frequencies per trait class (one class without a trait).
    class_frequencies_ : ndarray of float, shape (n_classes,)
        Share of each trait class among the training people.
    has_trait_ : bool
        Whether a trait was given to :meth:`fit`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, [0.1, 0.5, 0.9], (2000, 3)).astype(np.int8)
    >>> gen = IndependentGenotypes(random_state=0).fit(g)
    >>> (gen.sample(4000).genotypes.mean(axis=0) / 2).round(1).tolist()
    [0.1, 0.5, 0.9]
    """

    @validate_params({"random_state": ["random_state"]})
    def __init__(self, *, random_state: int | np.random.Generator | None = 0) -> None:
        self.random_state = random_state
        self._rng = check_random_state(random_state, func="IndependentGenotypes")
        self.frequencies_: np.ndarray | None = None

    @validate_params({"genotypes": ["array-like"], "trait": ["array-like", None]})
    def fit(self, genotypes: ArrayLike, trait: ArrayLike | None = None) -> IndependentGenotypes:
        """Count genotype frequencies (per trait class); returns ``self``.

        Parameters
        ----------
        genotypes : array-like of int8, shape (n_samples, n_variants)
            0/1/2; -1 (missing) is left out of the counts.
        trait : array-like of int, shape (n_samples,), optional
            Trait classes 0, 1, ... (e.g. disease status).

        Returns
        -------
        IndependentGenotypes
            ``self``, fitted.
        """
        func = "IndependentGenotypes.fit"
        g = check_genotypes(genotypes, func)
        if trait is None:
            self.has_trait_ = False
            self.class_frequencies_ = np.ones(1)
            self.frequencies_ = _genotype_frequencies(g)[None]
            return self
        t = _trait_labels(trait, g.shape[0], func)
        k = int(t.max()) + 1 if t.size else 1
        self.has_trait_ = True
        self.class_frequencies_ = np.bincount(t, minlength=k) / max(t.size, 1)
        self.frequencies_ = np.stack([_genotype_frequencies(g[t == c]) for c in range(k)])
        return self

    @validate_params({"n": [Interval(numbers.Integral, 1, None)], "trait": ["array-like", numbers.Integral, None]})
    def sample(self, n: int, *, trait: ArrayLike | int | None = None) -> SyntheticGenotypes:
        """Draw ``n`` synthetic people.

        Parameters
        ----------
        n : int ≥ 1
            Number of people.
        trait : int, array-like of int of shape (n,), or None
            The trait class of every person (an int) or of each person; None
            draws it from the training frequencies.

        Returns
        -------
        SyntheticGenotypes
            int8 genotypes of shape (n, n_variants) and the trait (None without one).
        """
        func = "IndependentGenotypes.sample"
        if self.frequencies_ is None:
            raise ValueError(f"{func}: call fit first.")
        t = _sample_trait(trait, int(n), self.class_frequencies_, self.has_trait_, self._rng, func)
        codes = np.empty((int(n), self.frequencies_.shape[1]), dtype=np.int8)
        for c in range(self.frequencies_.shape[0]):
            rows = t == c if t is not None else np.ones(int(n), dtype=bool)
            m = int(rows.sum())
            prob = np.broadcast_to(self.frequencies_[c], (m, *self.frequencies_[c].shape))
            codes[rows] = _draw_categorical(prob, self._rng)
        return SyntheticGenotypes(codes, t)


def _sample_trait(trait, n: int, class_freq: np.ndarray, has_trait: bool, rng, func: str) -> np.ndarray | None:
    if not has_trait:
        if trait is not None:
            raise ValueError(f"The 'trait' parameter of {func} must be None: the generator was fitted without a trait.")
        return None
    k = class_freq.size
    if trait is None:
        return rng.choice(k, n, p=class_freq).astype(np.int64)
    if isinstance(trait, numbers.Integral):
        t = np.full(n, int(trait), dtype=np.int64)
    else:
        t = _trait_labels(trait, n, func)
    if t.size and (t.min() < 0 or t.max() >= k):
        raise ValueError(f"The 'trait' parameter of {func} must be a class in [0, {k - 1}]; got {np.unique(t)[:5]}.")
    return t


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


_EYE3 = np.eye(3, dtype=np.float32)


def _draw_three(a0: np.ndarray, a1: np.ndarray, a2: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Softmax draws over three states from their activations, elementwise → int8 codes 0/1/2."""
    top = np.maximum(np.maximum(a0, a1), a2)
    e0, e1, e2 = np.exp(a0 - top), np.exp(a1 - top), np.exp(a2 - top)
    u = rng.random(a0.shape, dtype=np.float32) * (e0 + e1 + e2)
    return ((u > e0).astype(np.int8) + (u > e0 + e1).astype(np.int8)).astype(np.int8)


def _one_blas_thread(method: Callable[..., T]) -> Callable[..., T]:
    """Run ``method`` with one BLAS thread.

    Gibbs sampling amplifies the last-bit differences that a multi-threaded
    matrix product gives with another thread count, so the RBM trained on two
    cores and on eight would differ well beyond rounding.
    """

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return method(*args, **kwargs)

    return wrapper


class GenotypeRBM:
    """A restricted Boltzmann machine over a region's genotypes and a trait (Yelmen et al. 2021).

    Every variant is a visible softmax unit with three states (0/1/2
    alternative alleles) and the trait, when given, one more with a state per
    class; ``n_hidden`` binary hidden units couple them. Training maximises the
    likelihood by persistent contrastive divergence (PCD-k: the negative phase
    comes from Markov chains kept across mini-batches) with momentum and weight
    decay. Sampling runs Gibbs chains from independent draws (never from
    training people), optionally with the trait clamped.

    Parameters
    ----------
    n_hidden : int ≥ 1, default 200
        Hidden units.
    epochs : int ≥ 1, default 200
        Passes over the training people (the budget).
    batch_size : int ≥ 1, default 64
        Training people per update.
    learning_rate : float > 0, default 0.01
        Step size of the updates.
    cd_steps : int ≥ 1, default 1
        Gibbs steps of the negative phase per update (the k of CD-k).
    weight_decay : float ≥ 0, default 1e-4
        L2 penalty on the weights.
    trait_weight : float > 0, default 1.0
        Copies of the trait unit seen by the hidden layer: > 1 makes the
        trait weigh more in the likelihood, which helps the machine learn
        weak genotype–trait associations.
    n_chains : int ≥ 1, default 500
        Persistent Markov chains of the negative phase. Many chains visit
        every mode (population) of the distribution; with as few as a
        mini-batch, the chains sit in one mode and the machine learns an
        unbalanced mixture.
    momentum : float in [0, 1), default 0.5
        Momentum of the updates after the first five epochs (0.5 before).
    random_state : int, numpy.random.Generator or None, default 0
        Drives initialisation, training and sampling.

    Attributes
    ----------
    weights_ : ndarray of float64, shape (n_visible, n_hidden)
        Visible units: 3 per variant (genotype 0, 1, 2) then one per trait class.
    visible_bias_ : ndarray, shape (n_visible,)
    hidden_bias_ : ndarray, shape (n_hidden,)
    n_variants_, n_classes_ : int
        Variants and trait classes (0 without a trait).
    history_ : list of float
        Reconstruction error per epoch: the share of genotypes of up to 256
        training people that differ from the most likely genotype given
        their hidden-unit probabilities.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.binomial(2, 0.15, (150, 20)); b = rng.binomial(2, 0.85, (150, 20))
    >>> g = np.vstack([a, b]).astype(np.int8); y = np.repeat([0, 1], 150)  # trait = population
    >>> rbm = GenotypeRBM(n_hidden=8, epochs=60, learning_rate=0.05, random_state=0).fit(g, y)
    >>> s = rbm.sample(200, trait=1, n_gibbs=50)
    >>> bool(s.genotypes.mean() > 1.4), s.trait[:3].tolist()  # people like population b
    (True, [1, 1, 1])
    """

    @validate_params(
        {
            "n_hidden": [Interval(numbers.Integral, 1, None)],
            "epochs": [Interval(numbers.Integral, 1, None)],
            "batch_size": [Interval(numbers.Integral, 1, None)],
            "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
            "cd_steps": [Interval(numbers.Integral, 1, None)],
            "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
            "trait_weight": [Interval(numbers.Real, 0, None, closed="neither")],
            "n_chains": [Interval(numbers.Integral, 1, None)],
            "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
            "random_state": ["random_state"],
        }
    )
    def __init__(
        self,
        n_hidden: int = 200,
        *,
        epochs: int = 200,
        batch_size: int = 64,
        learning_rate: float = 0.01,
        cd_steps: int = 1,
        weight_decay: float = 1e-4,
        trait_weight: float = 1.0,
        n_chains: int = 500,
        momentum: float = 0.5,
        random_state: int | np.random.Generator | None = 0,
    ) -> None:
        self.n_chains = int(n_chains)
        self.momentum = float(momentum)
        self.n_hidden = int(n_hidden)
        self.epochs = int(epochs)
        self.batch_size = int(batch_size)
        self.learning_rate = float(learning_rate)
        self.cd_steps = int(cd_steps)
        self.weight_decay = float(weight_decay)
        self.trait_weight = float(trait_weight)
        self.random_state = random_state
        self._rng = check_random_state(random_state, func="GenotypeRBM")
        self.weights_: np.ndarray | None = None
        self.n_variants_ = 0
        self.n_classes_ = 0
        self.history_: list[float] = []

    # --- the machine ------------------------------------------------------------------
    def _one_hot(self, g: np.ndarray, t: np.ndarray | None) -> np.ndarray:
        n, m = g.shape
        v = np.zeros((n, 3 * m + self.n_classes_), dtype=np.float32)
        v[:, : 3 * m] = _EYE3[g].reshape(n, 3 * m)
        if t is not None:
            v[np.arange(n), 3 * m + t] = 1.0
        return v

    def _scale(self) -> np.ndarray:
        """Per-visible-unit multiplicity: trait units count ``trait_weight`` times."""
        s = np.ones(3 * self.n_variants_ + self.n_classes_, dtype=np.float32)
        s[3 * self.n_variants_ :] = self.trait_weight
        return s

    def _hidden_prob(self, v: np.ndarray) -> np.ndarray:
        w = self.weights_
        if self.n_classes_ and self.trait_weight != 1:
            w = w * self._scale()[:, None]
        return _sigmoid(v @ w + self.hidden_bias_)

    def _visible_codes(self, h: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray | None]:
        assert self.weights_ is not None  # fitted (checked by the public callers)
        act = h @ self.weights_.T + self.visible_bias_
        m = self.n_variants_
        codes = _draw_three(act[:, 0 : 3 * m : 3], act[:, 1 : 3 * m : 3], act[:, 2 : 3 * m : 3], rng)
        t = None
        if self.n_classes_:
            tr = act[:, 3 * m :] * self.trait_weight
            t = _draw_categorical(np.exp(tr - tr.max(axis=1, keepdims=True)), rng)
        return codes, t

    def _gibbs(self, v: np.ndarray, steps: int, clamp: np.ndarray | None, rng) -> np.ndarray:
        for _ in range(steps):
            h_prob = self._hidden_prob(v)
            h = (rng.random(h_prob.shape, dtype=np.float32) < h_prob).astype(np.float32)
            codes, t = self._visible_codes(h, rng)
            v = self._one_hot(codes, clamp if clamp is not None else t)
        return v

    @validate_params({"genotypes": ["array-like"], "trait": ["array-like", None]})
    @_one_blas_thread
    def fit(self, genotypes: ArrayLike, trait: ArrayLike | None = None) -> GenotypeRBM:
        """Train on real people (genotypes, and the trait if given) for ``epochs`` passes; returns ``self``.

        Parameters
        ----------
        genotypes : array-like of int8, shape (n_samples, n_variants)
            0/1/2; a missing call (-1) is replaced by a draw from the
            variant's genotype frequencies.
        trait : array-like of int, shape (n_samples,), optional
            Trait classes 0, 1, ... (disease status, or a binned biomarker).

        Returns
        -------
        GenotypeRBM
            ``self``, fitted.
        """
        func = "GenotypeRBM.fit"
        rng = self._rng
        g = _fill_missing(check_genotypes(genotypes, func), rng)
        n, m = g.shape
        if n < 2 or m < 1:
            raise ValueError(
                f"The 'genotypes' parameter of {func} needs at least 2 people and 1 variant; got {g.shape}."
            )
        t = None if trait is None else _trait_labels(trait, n, func)
        self.n_variants_ = m
        self.n_classes_ = 0 if t is None else max(int(t.max()) + 1, 2)
        v_data = self._one_hot(g, t)
        freq = v_data.mean(axis=0) * 0.98 + 0.01
        d = v_data.shape[1]
        self.weights_ = rng.normal(0, 0.01, (d, self.n_hidden)).astype(np.float32)
        self.visible_bias_ = np.log(freq).astype(np.float32)
        self.hidden_bias_ = np.zeros(self.n_hidden, dtype=np.float32)
        scale = self._scale()
        velocity = [np.zeros_like(self.weights_), np.zeros(d), np.zeros(self.n_hidden)]
        batch = min(self.batch_size, n)
        chains = v_data[rng.choice(n, min(n, self.n_chains), replace=False)]
        self.history_ = []
        probe = rng.choice(n, min(n, 256), replace=False)
        bar = tqdm_class()(range(self.epochs), desc="GenotypeRBM", unit="epoch", leave=False)
        for epoch in bar:
            momentum = 0.5 if epoch < 5 else self.momentum
            order = rng.permutation(n)
            for start in range(0, n - batch + 1, batch):
                v0 = v_data[order[start : start + batch]]
                h0 = self._hidden_prob(v0)
                chains = self._gibbs(chains, self.cd_steps, None, rng)
                hk = self._hidden_prob(chains)
                v0s, vks = v0 * scale, chains * scale
                grads = (
                    v0s.T @ h0 / batch - vks.T @ hk / chains.shape[0] - self.weight_decay * self.weights_,
                    v0.mean(axis=0) - chains.mean(axis=0),
                    h0.mean(axis=0) - hk.mean(axis=0),
                )
                for vel, grad, param in zip(
                    velocity, grads, (self.weights_, self.visible_bias_, self.hidden_bias_), strict=True
                ):
                    vel *= momentum
                    vel += self.learning_rate * grad
                    param += vel
            act = self._hidden_prob(v_data[probe]) @ self.weights_.T + self.visible_bias_
            recon = act[:, : 3 * m].reshape(probe.size, m, 3).argmax(axis=2)
            self.history_.append(float(np.mean(recon != g[probe])))
            bar.set_postfix(recon=f"{self.history_[-1]:.3f}")
        return self

    @validate_params(
        {
            "n": [Interval(numbers.Integral, 1, None)],
            "trait": ["array-like", numbers.Integral, None],
            "n_gibbs": [Interval(numbers.Integral, 1, None)],
        }
    )
    @_one_blas_thread
    def sample(self, n: int, *, trait: ArrayLike | int | None = None, n_gibbs: int = 500) -> SyntheticGenotypes:
        """Draw ``n`` synthetic people by Gibbs sampling.

        Chains start from independent draws from the training genotype
        frequencies (never from a training person) and run ``n_gibbs`` steps
        with the trait free. A requested trait is honoured by keeping the
        chains that ended in that class (rejection sampling from the joint,
        so that genotypes follow the machine's own P(genotypes | trait));
        after 10 rounds of chains any shortfall is filled by chains with the
        trait clamped.

        Parameters
        ----------
        n : int ≥ 1
            Number of people.
        trait : int, array-like of int of shape (n,), or None
            The trait of every person (an int) or of each person (an array);
            None lets it be drawn jointly with the genotypes.
        n_gibbs : int ≥ 1, default 500
            Gibbs steps per chain.

        Returns
        -------
        SyntheticGenotypes
            int8 genotypes of shape (n, n_variants) and the trait classes
            (None for a machine fitted without a trait).
        """
        func = "GenotypeRBM.sample"
        if self.weights_ is None:
            raise ValueError(f"{func}: call fit (or GenotypeRBM.load) first.")
        rng = self._rng
        n, steps, k = int(n), int(n_gibbs), self.n_classes_
        class_p = np.ones(max(k, 1)) / max(k, 1)
        wanted = _sample_trait(trait, n, class_p, bool(k), rng, func)
        if trait is None:
            return SyntheticGenotypes(*self._chains(n, steps, None, rng))
        assert wanted is not None  # a machine with a trait and a requested trait
        need = np.bincount(wanted, minlength=k)
        pools: list[list[np.ndarray]] = [[] for _ in range(k)]
        have = np.zeros(k, dtype=int)
        seen = np.ones(k)  # pseudo-counts of the classes the chains end in
        for _ in range(10):
            short = need - have
            if np.all(short <= 0):
                break
            share = seen / seen.sum()
            n_draw = int(min(10 * n, max(n // 4, np.max(np.where(short > 0, short / share, 0)) * 1.2)))
            codes, t = self._chains(max(n_draw, 1), steps, None, rng)
            assert t is not None
            seen += np.bincount(t, minlength=k)
            for c in range(k):
                pools[c].append(codes[t == c])
                have[c] += int((t == c).sum())
        out = np.empty((n, self.n_variants_), dtype=np.int8)
        for c in range(k):
            got = np.concatenate(pools[c]) if pools[c] else np.empty((0, self.n_variants_), np.int8)
            if got.shape[0] < need[c]:
                extra, _ = self._chains(int(need[c] - got.shape[0]), steps, c, rng)
                got = np.concatenate([got, extra])
            out[wanted == c] = got[: need[c]]
        return SyntheticGenotypes(out, wanted)

    def _chains(self, n: int, steps: int, clamp: int | None, rng) -> tuple[np.ndarray, np.ndarray | None]:
        m = self.n_variants_
        geno_p = np.exp(self.visible_bias_[: 3 * m].reshape(m, 3))
        start = _draw_categorical(np.broadcast_to(geno_p / geno_p.sum(axis=1, keepdims=True), (n, m, 3)), rng)
        t0 = None
        if self.n_classes_:
            t0 = np.full(n, clamp, dtype=np.int64) if clamp is not None else rng.integers(0, self.n_classes_, n)
        v = self._gibbs(self._one_hot(start, t0), steps, t0 if clamp is not None else None, rng)
        codes = v[:, : 3 * m].reshape(n, m, 3).argmax(axis=2).astype(np.int8)
        t = v[:, 3 * m :].argmax(axis=1).astype(np.int64) if self.n_classes_ else None
        return codes, t

    # --- persistence ------------------------------------------------------------------
    @validate_params({"path": ["path"]})
    def save(self, path: str | os.PathLike) -> str:
        """Write the fitted machine to an ``.npz`` file; returns the path written.

        Parameters
        ----------
        path : str or path-like
            Destination; ``.npz`` is appended if missing.

        Returns
        -------
        str
            The path of the written file.
        """
        if self.weights_ is None:
            raise ValueError("GenotypeRBM.save: call fit first.")
        path = str(path) if str(path).endswith(".npz") else f"{path}.npz"
        np.savez_compressed(
            path,
            format=np.array(_FORMAT),
            weights=self.weights_,
            visible_bias=self.visible_bias_,
            hidden_bias=self.hidden_bias_,
            n_variants=self.n_variants_,
            n_classes=self.n_classes_,
            trait_weight=self.trait_weight,
            history=np.asarray(self.history_),
            hyper=np.array([self.epochs, self.batch_size, self.cd_steps]),
            rates=np.array([self.learning_rate, self.weight_decay]),
        )
        return path

    @classmethod
    @validate_params({"path": ["path"], "random_state": ["random_state"]})
    def load(cls, path: str | os.PathLike, *, random_state: int | np.random.Generator | None = 0) -> GenotypeRBM:
        """Read a machine written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            An ``.npz`` file written by :meth:`save`.
        random_state : int, numpy.random.Generator or None, default 0
            Drives sampling from the loaded machine.

        Returns
        -------
        GenotypeRBM
            Fitted, ready to :meth:`sample`.
        """
        if not Path(path).is_file():
            raise ValueError(f"The 'path' parameter of GenotypeRBM.load must be an existing file; got {str(path)!r}.")
        with np.load(path, allow_pickle=False) as f:
            if "format" not in f.files or str(f["format"]) != _FORMAT:
                raise ValueError(
                    f"The 'path' parameter of GenotypeRBM.load must be a file written by GenotypeRBM.save "
                    f"({_FORMAT}); {str(path)!r} is not."
                )
            epochs, batch, cd = (int(x) for x in f["hyper"])
            lr, wd = (float(x) for x in f["rates"])
            rbm = cls(
                int(f["weights"].shape[1]),
                epochs=epochs,
                batch_size=batch,
                learning_rate=lr,
                cd_steps=cd,
                weight_decay=wd,
                trait_weight=float(f["trait_weight"]),
                random_state=random_state,
            )
            rbm.weights_ = f["weights"].copy()
            rbm.visible_bias_ = f["visible_bias"].copy()
            rbm.hidden_bias_ = f["hidden_bias"].copy()
            rbm.n_variants_ = int(f["n_variants"])
            rbm.n_classes_ = int(f["n_classes"])
            rbm.history_ = f["history"].tolist()
        return rbm


@dataclass
class RegionCohort:
    """A simulated genomic region split into real training, real test and msprime reference people.

    Attributes
    ----------
    train, test : GenotypeData
        Real people a generator may learn from, and real people kept aside to
        score polygenic scores (TSTR/TRTR). ``samples`` has the cohort's columns
        (population, sex, age, bmi, smoking, disease, biomarker).
    reference : GenotypeData
        More people from the same msprime simulation and trait model: what a
        generator that knew the true model would produce.
    truth : CohortTruth
        The simulation's truth for all its people (train, test and reference rows in
        the order of ``rows``).
    rows : dict of str to ndarray of int
        Rows of the simulated cohort in each part.

    Examples
    --------
    >>> region = simulate_region(200, 100, 200, segment_length=5e4, n_causal=5, random_state=0)
    >>> region.train.n_samples, region.test.n_samples, region.reference.n_samples
    (200, 100, 200)
    >>> region.train.n_variants == region.reference.n_variants
    True
    """

    train: GenotypeData
    test: GenotypeData
    reference: GenotypeData
    truth: CohortTruth
    rows: dict[str, np.ndarray]


@validate_params(
    {
        "n_train": [Interval(numbers.Integral, 30, None)],
        "n_test": [Interval(numbers.Integral, 30, None)],
        "n_reference": [Interval(numbers.Integral, 30, None)],
        "segment_length": [Interval(numbers.Real, 1e3, 2.5e7)],
        "n_causal": [Interval(numbers.Integral, 1, None)],
        "h2": [Interval(numbers.Real, 0, 1, closed="neither")],
        "prevalence": [Interval(numbers.Real, 0, 1, closed="neither")],
        "min_maf": [Interval(numbers.Real, 0, 0.5, closed="left")],
        "random_state": ["random_state"],
    }
)
def simulate_region(
    n_train: int = 1000,
    n_test: int = 1000,
    n_reference: int = 1000,
    *,
    segment_length: float = 2e5,
    n_causal: int = 20,
    h2: float = 0.6,
    prevalence: float = 0.2,
    min_maf: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
) -> RegionCohort:
    """One region of the simulated cohort, with strong effects, for judging genotype generators.

    Calls :func:`~pmed_utils.genomics.simulate.simulate_cohort` once (one
    chromosome segment, no messiness) for ``n_train + n_test + n_reference``
    people and splits them at random. Because the reference people come from the
    same genealogy, they share the variants and the causal effects: they are
    fresh draws from the true model.

    Parameters
    ----------
    n_train, n_test, n_reference : int ≥ 30, default 1000
        People in each part.
    segment_length : float in [1e3, 2.5e7], default 2e5
        Length of the region (bp); 2e5 gives a few hundred common variants.
    n_causal : int ≥ 1, default 20
        Causal variants in the region.
    h2 : float in (0, 1), default 0.6
        Heritability of the liability, all of it from this region.
    prevalence : float in (0, 1), default 0.2
        Disease prevalence.
    min_maf : float in [0, 0.5), default 0.05
        Rarer variants are dropped.
    random_state : int, numpy.random.Generator or None, default 0
        Seeds the simulation and the split.

    Returns
    -------
    RegionCohort
        ``train``, ``test``, ``reference`` (GenotypeData on the same variants),
        the truth and the rows of each part.

    Examples
    --------
    >>> region = simulate_region(100, 50, 100, segment_length=5e4, n_causal=5, random_state=1)
    >>> sorted(region.rows), bool(region.train.samples["disease"].isin([0, 1]).all())
    (['reference', 'test', 'train'], True)
    """
    rng = check_random_state(random_state, func="simulate_region")
    total = int(n_train) + int(n_test) + int(n_reference)
    cohort = simulate_cohort(
        total,
        n_chromosomes=1,
        segment_length=segment_length,
        n_causal=n_causal,
        h2=h2,
        prevalence=prevalence,
        env_variance=min(0.05, (1 - h2) / 2),
        min_maf=min_maf,
        add_messiness=False,
        random_state=rng,
    )
    order = rng.permutation(total)
    cuts = np.cumsum([n_train, n_test])
    rows = dict(zip(("train", "test", "reference"), np.split(order, cuts), strict=True))
    rows = {k: np.sort(v) for k, v in rows.items()}
    parts = {k: cohort.select(samples=v) for k, v in rows.items()}
    parts = {k: GenotypeData(p.genotypes, p.variants, p.samples.reset_index(drop=True)) for k, p in parts.items()}
    return RegionCohort(parts["train"], parts["test"], parts["reference"], cohort.truth, rows)
