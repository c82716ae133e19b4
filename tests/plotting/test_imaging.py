import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest

from pmed_utils.imaging import augmentation_layers
from pmed_utils.plotting import (
    plot_augmented_views,
    plot_examples_per_class,
    plot_training_history,
)


def test_examples_per_class_shows_images_of_that_class():
    # every image of class c is filled with the value 100 * c: each row must show only its class
    labels = np.r_[np.zeros(5), np.ones(7)].astype(int)
    images = (labels[:, None, None] * 100 * np.ones((1, 28, 28))).astype(np.uint8)
    fig = plot_examples_per_class(images, labels, {0: "no lesion", 1: "lesion"}, n_per_class=4)
    axes = np.array(fig.axes).reshape(2, 4)
    for c, row in enumerate(axes):
        for ax in row:
            shown = ax.get_images()[0].get_array()
            assert shown.shape == (28, 28) and np.all(shown == 100 * c)
    assert [row[0].get_ylabel() for row in axes] == ["no lesion", "lesion"]


def test_examples_per_class_with_too_few_images_leaves_blank_panels():
    fig = plot_examples_per_class(np.zeros((3, 8, 8), np.uint8), [0, 0, 1], {0: "a", 1: "b"}, n_per_class=2)
    assert sum(bool(ax.get_images()) for ax in fig.axes) == 3


def test_augmented_views_show_the_original_and_the_augmented_copies():
    image = np.random.default_rng(0).random((28, 28, 1)).astype("float32")
    fig = plot_augmented_views(image, augmentation_layers(random_state=5), n_views=3)
    shown = [ax.get_images()[0].get_array() for ax in fig.axes]
    np.testing.assert_allclose(shown[0], image[..., 0])
    expected = augmentation_layers(random_state=5)(np.repeat(image[None], 3, axis=0), training=True).numpy()
    for view, exp in zip(shown[1:], expected, strict=True):
        np.testing.assert_allclose(view, exp[..., 0].clip(0, 1), atol=1e-6)
    assert not np.allclose(shown[1], shown[0])


def _history(best_epoch=2):
    from pmed_utils.models import TrainingHistory

    table = pd.DataFrame(
        {"loss": [0.7, 0.5, 0.4], "val_loss": [0.69, 0.6, 0.65], "auc": [0.6, 0.8, 0.9], "val_auc": [0.55, 0.75, 0.7]},
        index=pd.RangeIndex(1, 4, name="epoch"),
    )
    return TrainingHistory(table, best_epoch=best_epoch, stopped_early=True, max_epochs=10, patience=1, seed=1)


def test_training_history_plots_both_curves_and_marks_best_epoch():
    ax = plot_training_history(_history(), label="cnn")
    train, val = ax.get_lines()
    assert train.get_ydata().tolist() == [0.6, 0.8, 0.9] and val.get_xdata().tolist() == [1, 2, 3]
    assert ax.collections[0].get_offsets().tolist() == [[2.0, 0.75]]
    assert ax.get_xlabel() == "Epoch" and ax.get_ylabel() == "AUC"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cnn training", "cnn validation"]
    ax = plot_training_history(_history(), metric="loss")
    assert ax.get_lines()[1].get_ydata().tolist() == [0.69, 0.6, 0.65]
    assert ax.collections[0].get_offsets().tolist() == [[2.0, 0.6]]


def test_training_history_needs_a_history_and_a_metric_with_a_validation_twin():
    with pytest.raises(
        ValueError, match=r"'metric' parameter of plot_training_history .*missing \['precision', 'val_precision'\]"
    ):
        plot_training_history(_history(), metric="precision")
    with pytest.raises(
        TypeError,
        match="'history' parameter of plot_training_history must be an instance of TrainingHistory; got DataFrame",
    ):
        plot_training_history(_history().table)


def test_image_plots_refuse_bad_images():
    with pytest.raises(ValueError, match="Inconsistent lengths in plot_examples_per_class"):
        plot_examples_per_class(np.zeros((3, 8, 8), np.uint8), [0, 1], {0: "a", 1: "b"})
    with pytest.raises(ValueError, match="'image' parameter of plot_augmented_views must be one image"):
        plot_augmented_views(np.zeros((2, 8, 8, 1), "float32"), augmentation_layers())
