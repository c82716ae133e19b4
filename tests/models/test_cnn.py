"""The two architectures, and saving and loading them."""

import numpy as np
import pytest

from pmed_utils.models import (
    load_model,
    predict_scores,
    save_model,
    seed_cnn,
    small_cnn,
)


def test_seed_cnn_is_exactly_the_seed_architecture():
    m = seed_cnn()
    conv, pool, _flat, dense, out = m.layers
    assert m.input_shape == (None, 64, 64, 3)
    assert conv.filters == 32 and conv.kernel_size == (3, 3) and conv.activation.__name__ == "relu"
    assert pool.pool_size == (2, 2)
    assert dense.units == 128 and dense.activation.__name__ == "relu" and dense.name == "features"
    assert out.units == 1 and out.activation.__name__ == "sigmoid"
    assert m.optimizer.__class__.__name__ == "Adam" and m.loss == "binary_crossentropy"
    # 3x3x3x32 + 32 conv, 31*31*32*128 + 128 dense, 129 output (the exercise of chapter 21)
    assert m.count_params() == 896 + 3_936_384 + 129


def test_small_cnn_has_batchnorm_dropout_and_global_pooling():
    m = small_cnn((16, 16, 1), filters=(4, 8), dropout=0.2, batch_norm_momentum=0.8)
    kinds = {layer.__class__.__name__ for layer in m.layers}
    assert {"BatchNormalization", "Dropout", "GlobalAveragePooling2D"} <= kinds
    assert m.get_layer("features").output.shape[-1] == 8 and m.output_shape == (None, 1)
    assert m.get_layer("dropout").rate == 0.2 and m.get_layer("block0_bn0").momentum == 0.8
    assert [layer.name for layer in m.layers if "Pool" in layer.__class__.__name__] == ["block0_pool", "features"]


def test_architectures_refuse_impossible_shapes():
    with pytest.raises(
        ValueError,
        match=r"'input_shape' parameter of small_cnn must be \(height, width, channels\) "
        r"with sides of at least 4 pixels",
    ):
        small_cnn((2, 2, 1), filters=(4, 8, 16))
    with pytest.raises(ValueError, match="1 or 3 channels; got \\(8, 8, 2\\)"):
        seed_cnn((8, 8, 2))
    with pytest.raises(ValueError, match="'filters' parameter of small_cnn must be a non-empty tuple of positive ints"):
        small_cnn((8, 8, 1), filters=(4, 0))
    with pytest.raises(ValueError, match=r"'dropout' parameter of small_cnn must be a float in \[0, 1\)"):
        small_cnn(dropout=1.0)


def test_a_saved_model_reloads_with_the_same_predictions(tmp_path, build_tiny_cnn):
    model = build_tiny_cnn()
    x = np.random.default_rng(0).random((5, 8, 8, 1)).astype("float32")
    path = save_model(model, tmp_path / "model.keras")
    assert path == str(tmp_path / "model.keras")
    np.testing.assert_allclose(predict_scores(load_model(path), x), predict_scores(model, x), rtol=1e-6)


def test_save_and_load_errors(tmp_path, build_tiny_cnn):
    with pytest.raises(ValueError, match="must end with '.keras'"):
        save_model(build_tiny_cnn(), tmp_path / "model.h5")
    with pytest.raises(FileNotFoundError, match="missing folder"):
        save_model(build_tiny_cnn(), tmp_path / "no" / "model.keras")
    with pytest.raises(TypeError, match="'model' parameter of save_model must be a keras.Model"):
        save_model(len, tmp_path / "model.keras")
    with pytest.raises(FileNotFoundError, match="No model file"):
        load_model(tmp_path / "missing.keras")
