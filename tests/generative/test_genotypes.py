"""Genotype generators: the baselines reproduce what they model, the RBM learns structure and the trait."""

import numpy as np
import pytest

from pmed_utils.generative.genotypes import GenotypeRBM, IndependentGenotypes, simulate_region
from pmed_utils.validation import InvalidParameterError


def _two_populations(n=300, m=30, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.binomial(2, 0.15, (n // 2, m))
    b = rng.binomial(2, 0.85, (n // 2, m))
    return np.vstack([a, b]).astype(np.int8), np.repeat([0, 1], n // 2)


def test_independent_reproduces_genotype_frequencies_within_each_class():
    g, pop = _two_populations(2000, 10)
    gen = IndependentGenotypes(random_state=0).fit(g, pop)
    s = gen.sample(4000)
    assert s.trait.mean() == pytest.approx(0.5, abs=0.03)
    for c, p in ((0, 0.15), (1, 0.85)):
        assert s.genotypes[s.trait == c].mean() / 2 == pytest.approx(p, abs=0.02)
    # Genotype frequencies, not just allele frequencies: Hardy–Weinberg within a class.
    het = (s.genotypes[s.trait == 0] == 1).mean()
    assert het == pytest.approx(2 * 0.15 * 0.85, abs=0.02)
    # No linkage: two variants are uncorrelated within a class.
    within = s.genotypes[s.trait == 0]
    assert abs(np.corrcoef(within[:, 0], within[:, 1])[0, 1]) < 0.06
    assert (gen.sample(50, trait=1).trait == 1).all()


def test_independent_without_a_trait():
    g, _ = _two_populations()
    s = IndependentGenotypes(random_state=0).fit(g).sample(20)
    assert s.trait is None and s.genotypes.dtype == np.int8 and s.genotypes.shape == (20, 30)
    with pytest.raises(ValueError, match="fitted without a trait"):
        IndependentGenotypes().fit(g).sample(5, trait=1)


def test_rbm_learns_two_populations_and_the_trait_that_marks_them():
    g, pop = _two_populations()
    rbm = GenotypeRBM(8, epochs=60, learning_rate=0.05, random_state=0).fit(g, pop)
    free = rbm.sample(400, n_gibbs=50)
    person_mean = free.genotypes.mean(axis=1)
    # People look like one population or the other (not the in-between of independent sampling) ...
    assert np.mean((person_mean > 0.7) & (person_mean < 1.3)) < 0.05
    assert np.mean(person_mean > 1) == pytest.approx(0.5, abs=0.15)
    # ... and the jointly drawn trait says which.
    assert np.mean((person_mean > 1) == (free.trait == 1)) > 0.95
    clamped = rbm.sample(200, trait=0, n_gibbs=50)
    assert (clamped.trait == 0).all() and np.mean(clamped.genotypes.mean(axis=1) < 1) > 0.8
    assert len(rbm.history_) == 60 and rbm.history_[-1] < rbm.history_[0]


def test_rbm_is_seeded_and_saves_and_loads(tmp_path):
    g, pop = _two_populations(100, 10)
    a = GenotypeRBM(4, epochs=3, random_state=3).fit(g, pop)
    b = GenotypeRBM(4, epochs=3, random_state=3).fit(g, pop)
    np.testing.assert_array_equal(a.weights_, b.weights_)
    path = a.save(tmp_path / "rbm")
    assert path.endswith(".npz")
    loaded = GenotypeRBM.load(path, random_state=1)
    np.testing.assert_array_equal(loaded.weights_, a.weights_)
    assert (loaded.n_variants_, loaded.n_classes_, loaded.history_) == (10, 2, a.history_)
    again = GenotypeRBM.load(path, random_state=1)
    np.testing.assert_array_equal(loaded.sample(5).genotypes, again.sample(5).genotypes)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(2))
    with pytest.raises(ValueError, match="written by GenotypeRBM.save"):
        GenotypeRBM.load(other)
    with pytest.raises(ValueError, match="existing file"):
        GenotypeRBM.load(tmp_path / "nothing.npz")


def test_rbm_refuses_bad_input():
    g, pop = _two_populations(60, 5)
    with pytest.raises(ValueError, match="call fit"):
        GenotypeRBM().sample(3)
    with pytest.raises(ValueError, match="'genotypes' parameter of GenotypeRBM.fit must contain only 0, 1, 2"):
        GenotypeRBM(epochs=1).fit(g + 3)
    with pytest.raises(ValueError, match="'trait' parameter of GenotypeRBM.fit must hold integer classes"):
        GenotypeRBM(epochs=1).fit(g, pop + 0.5)
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        GenotypeRBM(epochs=1).fit(g, pop[:10])
    rbm = GenotypeRBM(2, epochs=1).fit(g, pop)
    with pytest.raises(ValueError, match=r"'trait' parameter of GenotypeRBM.sample must be a class in \[0, 1\]"):
        rbm.sample(3, trait=2)
    with pytest.raises(InvalidParameterError, match="'n' parameter"):
        rbm.sample(0)
    with pytest.raises(InvalidParameterError, match="'n_hidden' parameter"):
        GenotypeRBM(0)


def test_missing_calls_are_filled_from_the_variant_frequencies():
    g, pop = _two_populations(100, 4)
    g[::3, 0] = -1
    rbm = GenotypeRBM(2, epochs=1, random_state=0).fit(g, pop)
    assert rbm.sample(10).genotypes.min() >= 0


def test_simulate_region_splits_one_simulation():
    region = simulate_region(120, 60, 90, segment_length=5e4, n_causal=5, random_state=2)
    rows = np.concatenate(list(region.rows.values()))
    assert np.unique(rows).size == rows.size == 270
    assert region.reference.variants.equals(region.train.variants)
    assert region.train.genotypes.min() >= 0  # no messiness
    liability = region.truth.liability[region.rows["test"]]
    np.testing.assert_array_equal(region.test.samples["disease"], liability > region.truth.threshold)


def test_rbm_gives_the_same_machine_and_samples_with_any_blas_thread_count():
    # Large enough that OpenBLAS splits the products across threads, which changes their last bits;
    # Gibbs sampling would amplify that into different weights and samples.
    from threadpoolctl import threadpool_limits

    g, pop = _two_populations(600, 200, seed=1)
    runs = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            rbm = GenotypeRBM(128, epochs=3, batch_size=200, random_state=0).fit(g, pop)
            runs.append((rbm.weights_.copy(), rbm.sample(200, n_gibbs=20).genotypes))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
