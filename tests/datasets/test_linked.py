"""The linked cohort: images from the matching class and split, reuse counted, rows aligned."""

import numpy as np
import pytest

from pmed_utils.datasets import load_medmnist
from pmed_utils.datasets.linked import SPLITS, LinkedCohort, _draw_images, make_linked_cohort

MEDMNIST_SPLIT = {"train": "train", "validation": "val", "test": "test"}


@pytest.fixture(scope="module", params=["pneumoniamnist", "breastmnist"])
def linked(request) -> LinkedCohort:
    # BreastMNIST's pools are small (21 malignant validation images): reuse is certain.
    return make_linked_cohort(
        600, image_dataset=request.param, n_chromosomes=1, segment_length=2e5, n_causal=30, random_state=3
    )


def test_rows_align_and_images_are_the_pool_images(linked):
    people, images = linked.people, linked.images
    assert images.shape == (len(people), 28, 28, 1) and images.dtype == np.float32
    assert linked.genotypes.genotypes.shape[0] == len(people)
    assert (linked.genotypes.samples["id"].to_numpy() == people["person_id"].to_numpy()).all()
    med = load_medmnist(linked.image_dataset)
    for split in SPLITS:
        rows = linked.index(split)
        pool = med.images[MEDMNIST_SPLIT[split]]
        idx = people["image_index"].to_numpy()[rows]
        # Each person's image is exactly the pool image named by image_index, from their own split.
        np.testing.assert_array_equal(images[rows, :, :, 0], pool[idx].astype(np.float32) / 255.0)
        # ... of the class that matches their disease status.
        np.testing.assert_array_equal(med.labels[MEDMNIST_SPLIT[split]][idx], people["disease"].to_numpy()[rows])
    assert (people["image_label"] == people["disease"]).all()
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0


def test_no_image_crosses_splits(linked):
    # Image indices are per MedMNIST split, so an image is identified by (split, index);
    # the same pixels may not appear in two of the cohort's splits.
    people = linked.people
    keys = {s: {bytes(linked.images[i].tobytes()) for i in linked.index(s)} for s in SPLITS}
    assert not keys["train"] & keys["test"]
    assert not keys["train"] & keys["validation"]
    assert not keys["validation"] & keys["test"]
    assert set(people["split"]) == set(SPLITS)


def test_reuse_is_counted_correctly(linked):
    people = linked.people
    reuse = linked.image_reuse.set_index(["split", "disease"])
    assert len(reuse) == 6
    for split in SPLITS:
        for cls in (0, 1):
            sel = people[(people["split"] == split) & (people["disease"] == cls)]
            uses = sel["image_index"].value_counts()
            row = reuse.loc[(split, cls)]
            assert row["people"] == len(sel)
            assert row["distinct_images"] == len(uses)
            assert row["max_uses"] == (uses.max() if len(uses) else 0)
            assert row["mean_uses"] == pytest.approx(uses.mean() if len(uses) else 0.0)
            # the least reuse possible: every image of the pool used before any is used twice
            assert row["max_uses"] <= -(-row["people"] // row["pool_images"])
    if linked.image_dataset == "breastmnist":
        assert (reuse["max_uses"] > 1).any()


def test_prevalence_table_shows_cohort_and_pool(linked):
    table = linked.prevalence_table.set_index("split")
    people = linked.people
    for split in SPLITS:
        sel = people[people["split"] == split]
        assert table.loc[split, "people"] == len(sel)
        assert table.loc[split, "cohort_prevalence"] == pytest.approx(sel["disease"].mean())
    pool = load_medmnist(linked.image_dataset).labels["train"].mean()
    assert table.loc["train", "pool_prevalence"] == pytest.approx(pool)


def test_prs_is_standardized_on_training_people_and_truth_is_consistent(linked):
    people = linked.people
    train = linked.index("train")
    assert abs(people["prs"].to_numpy()[train].mean()) < 1e-9
    assert people["prs"].to_numpy()[train].std() == pytest.approx(1.0)
    disease = (people["liability"] > linked.threshold).astype(int)
    assert (disease == people["disease"]).all()
    risk = linked.truth_risk()
    assert risk[people["disease"] == 1].mean() > risk[people["disease"] == 0].mean()
    # the PRS tracks the true genetic value
    assert np.corrcoef(people["prs"], people["genetic_value"])[0, 1] > 0.3


def test_draw_images_spreads_reuse_evenly():
    rng = np.random.default_rng(0)
    drawn = _draw_images(np.arange(25), np.arange(10, 20), rng)
    counts = np.bincount(drawn - 10, minlength=10)
    assert set(drawn) <= set(range(10, 20)) and counts.min() == 2 and counts.max() == 3
    assert len(_draw_images(np.arange(0), np.arange(5), rng)) == 0


def test_same_seed_same_cohort():
    a = make_linked_cohort(150, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=5)
    b = make_linked_cohort(150, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=5)
    assert a.people.equals(b.people)
    np.testing.assert_array_equal(a.images, b.images)


def test_bad_split_name():
    a = make_linked_cohort(150, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=5)
    with pytest.raises(ValueError, match="'split' parameter of LinkedCohort.index"):
        a.index("val")
