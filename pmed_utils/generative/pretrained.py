"""The generators shipped with pmed: trained by ``tools/train_generators.py``, checked when loaded."""

from __future__ import annotations

import json

from pmed_utils.datasets._base import packaged_data_path
from pmed_utils.generative.diffusion import DIFFUSION_CODE_VERSION, DiffusionModel, load_diffusion
from pmed_utils.validation import Options, validate_params

__all__ = ["SHIPPED_GENERATORS", "load_pretrained_generator", "pretrained_generator_info"]

#: (dataset, kind) pairs with weights in ``pmed_utils/data/generators``.
SHIPPED_GENERATORS = (("breastmnist", "diffusion"), ("pneumoniamnist", "diffusion"))
_DATASETS = {d for d, _ in SHIPPED_GENERATORS}
_KINDS = {k for _, k in SHIPPED_GENERATORS}


def _check_info(info: dict, dataset: str, kind: str, func: str) -> None:
    if info.get("dataset") != dataset:
        raise ValueError(
            f"The 'dataset' parameter of {func} is {dataset!r}, but the shipped record names {info.get('dataset')!r}; "
            "the weights file belongs to another dataset (rerun tools/train_generators.py)."
        )
    if info.get("kind") != kind:
        raise ValueError(f"The 'kind' parameter of {func} is {kind!r}, but the record is for {info.get('kind')!r}.")
    if info.get("code_version") != DIFFUSION_CODE_VERSION:
        raise ValueError(
            f"The 'dataset' parameter of {func}: the shipped {dataset} weights were written by code version "
            f"{info.get('code_version')}, this is version {DIFFUSION_CODE_VERSION}; rerun "
            f"`python tools/train_generators.py --dataset {dataset}`."
        )


@validate_params({"dataset": [Options(_DATASETS)], "kind": [Options(_KINDS)]})
def pretrained_generator_info(dataset: str, kind: str = "diffusion") -> dict:
    """The record stored beside a shipped generator: command, seed, data MD5, steps, wall time, versions, quality.

    Parameters
    ----------
    dataset : {"breastmnist", "pneumoniamnist"}
        The MedMNIST dataset the generator was trained on.
    kind : {"diffusion"}, default "diffusion"
        The generator.

    Returns
    -------
    dict
        The JSON record (``"quality"`` holds the FD, precision/recall, TSTR and
        TRTR AUC reached by its samples).

    Examples
    --------
    >>> info = pretrained_generator_info("breastmnist")
    >>> info["dataset"], info["split"], info["data_md5"] == info["data_md5_expected"]
    ('breastmnist', 'train', True)
    """
    path = packaged_data_path("generators", f"{dataset}_{kind}.json")
    info = json.loads(path.read_text(encoding="utf-8"))
    _check_info(info, dataset, kind, "pretrained_generator_info")
    return info


@validate_params({"dataset": [Options(_DATASETS)], "kind": [Options(_KINDS)]})
def load_pretrained_generator(dataset: str, kind: str = "diffusion") -> DiffusionModel:
    """Load a shipped generator, checking that its weights match the dataset and this code version.

    Parameters
    ----------
    dataset : {"breastmnist", "pneumoniamnist"}
        The MedMNIST dataset.
    kind : {"diffusion"}, default "diffusion"
        The generator.

    Returns
    -------
    DiffusionModel
        Ready to ``sample``.

    Examples
    --------
    >>> model = load_pretrained_generator("pneumoniamnist")
    >>> model.dataset, model.sample(2, label=1, steps=5, random_state=0).shape
    ('pneumoniamnist', (2, 28, 28, 1))
    """
    func = "load_pretrained_generator"
    info = json.loads(packaged_data_path("generators", f"{dataset}_{kind}.json").read_text(encoding="utf-8"))
    _check_info(info, dataset, kind, func)
    path = packaged_data_path("generators", info["file"])
    try:
        return load_diffusion(path, dataset=dataset)
    except ValueError as exc:
        raise ValueError(f"The 'dataset' parameter of {func} is {dataset!r}: {exc}") from None


def _check_statistics(model: DiffusionModel, images, n_per_class: int = 200, seed: int = 0, steps: int = 25) -> dict:
    """Cheap, deterministic quality numbers of a generator, stored with the shipped weights and re-checked by a test.

    Fréchet distance between samples and the training images in the first 20
    principal components of the training pixels, and the mean pixel value of
    each class's samples.
    """
    import numpy as np
    from scipy import linalg

    def frechet_distance(a, b):  # as pmed_utils.evaluation.frechet_distance (a higher layer)
        sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
        d = a.mean(0) - b.mean(0)
        return float(d @ d + np.trace(sa) + np.trace(sb) - 2 * np.trace(np.real(linalg.sqrtm(sa @ sb))))

    real = np.asarray(images, dtype=np.float64).reshape(len(images), -1) / 255.0
    mean = real.mean(0)
    _, _, vt = np.linalg.svd(real - mean, full_matrices=False)
    basis = vt[:20].T
    samples = [model.sample(n_per_class, label=c, steps=steps, random_state=seed + c) for c in range(model.num_classes)]
    fake = np.concatenate(samples).reshape(n_per_class * model.num_classes, -1).astype(np.float64)
    return {
        "n_per_class": n_per_class,
        "seed": seed,
        "steps": steps,
        "fd_pixel_pcs": round(frechet_distance((real - mean) @ basis, (fake - mean) @ basis), 4),
        "mean_pixel": [round(float(s.mean()), 4) for s in samples],
    }
