"""MedMNIST v2 medical images: two datasets shipped, the others fetched with checksums.

Label convention: pmed models always predict **1 = lesion / disease present**.
MedMNIST's BreastMNIST codes 0 = malignant and 1 = normal or benign, so its
labels are flipped (``lesion = 1 - label``); PneumoniaMNIST already codes
1 = pneumonia. The mapping is stated in each dataset card
(``positive_label``) and applied by :func:`load_medmnist`.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils.datasets._base import (
    RemoteFile,
    fetch_file,
    packaged_data_path,
    verify_md5,
)
from pmed_utils.validation import Options, check_choice, validate_params

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MEDMNIST_CITATION",
    "DatasetCard",
    "MedMNISTData",
    "binary_target",
    "load_medmnist",
    "medmnist_benchmark",
    "medmnist_files",
]

MEDMNIST_CITATION = (
    "Yang J, Shi R, Wei D, Liu Z, Zhao L, Ke B, Pfister H, Ni B. MedMNIST v2 - A large-scale "
    "lightweight benchmark for 2D and 3D biomedical image classification. Scientific Data 10, 41 "
    "(2023). doi:10.1038/s41597-022-01721-8"
)
SHIPPED = {("breastmnist", 28), ("pneumoniamnist", 28)}
# Which original label means "lesion / disease present" for the binary datasets we use.
POSITIVE_LABEL = {"breastmnist": 0, "pneumoniamnist": 1}
SOURCE_CITATIONS = {
    "breastmnist": "Al-Dhabyani W, Gomaa M, Khaled H, Fahmy A. Dataset of breast ultrasound images. "
    "Data in Brief 28, 104863 (2020). doi:10.1016/j.dib.2019.104863",
    "pneumoniamnist": "Kermany DS et al. Identifying medical diagnoses and treatable diseases by image-based "
    "deep learning. Cell 172(5), 1122-1131 (2018). doi:10.1016/j.cell.2018.02.010",
}


@validate_params({})
def medmnist_files() -> dict[tuple[str, int], RemoteFile]:
    """The table of every 2D MedMNIST file: ``{(dataset, size): RemoteFile(filename, url, md5)}``.

    Returns
    -------
    dict of (str, int) to RemoteFile
        One entry per dataset name and image size (28, 64, 128, 224).

    Examples
    --------
    >>> medmnist_files()[("breastmnist", 28)].md5
    '750601b1f35ba3300ea97c75c52ff8f6'
    """
    return dict(_files())


@lru_cache(maxsize=1)
def _files() -> dict[tuple[str, int], RemoteFile]:
    with open(packaged_data_path("medmnist", "medmnist_files.csv"), newline="") as fh:
        return {
            (r["dataset"], int(r["size"])): RemoteFile(r["filename"], r["url"], r["md5"]) for r in csv.DictReader(fh)
        }


@lru_cache(maxsize=1)
def _info() -> dict:
    return json.loads(packaged_data_path("medmnist", "medmnist_info.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DatasetCard:
    """What a reader needs to know about a MedMNIST dataset before using it.

    Examples
    --------
    :func:`load_medmnist` fills it in; for BreastMNIST, pmed's label 1 is
    MedMNIST's label 0:

    >>> card = load_medmnist("breastmnist").card
    >>> card.task, card.licence
    ('binary-class', 'CC BY 4.0')
    >>> card.class_names
    {0: 'malignant', 1: 'normal, benign'}
    >>> card.positive_label, card.positive_meaning
    (0, 'malignant')
    >>> card.split_sizes
    {'train': 546, 'val': 78, 'test': 156}
    >>> print(card.notes[0])
    pmed label 1 = MedMNIST label 0 (malignant); pmed label 0 = the other class.
    """

    name: str
    size: int
    description: str
    task: str
    class_names: dict[int, str]
    split_sizes: dict[str, int]
    licence: str
    citation: str
    source_citation: str
    positive_label: int | None = None
    positive_meaning: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MedMNISTData:
    """Images and labels per split, plus the dataset card.

    Attributes
    ----------
    images : dict of str to ndarray of uint8
        ``{"train", "val", "test"}`` → shape (n, size, size) for grey images or
        (n, size, size, 3) for colour ones.
    labels : dict of str to ndarray
        For binary tasks: int8 of shape (n,), **1 = lesion / disease** (see the
        module docstring). Otherwise MedMNIST's labels as shipped.
    card : DatasetCard

    Examples
    --------
    >>> data = load_medmnist("breastmnist")
    >>> {split: images.shape for split, images in data.images.items()}
    {'train': (546, 28, 28), 'val': (78, 28, 28), 'test': (156, 28, 28)}
    >>> data.labels["train"].dtype, np.bincount(data.labels["train"]).tolist()  # [no lesion, lesion]
    (dtype('int8'), [399, 147])
    >>> data.card.name, data.card.positive_meaning
    ('breastmnist', 'malignant')
    """

    images: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    card: DatasetCard


@validate_params(
    {
        "name": ["str"],
        "size": [Options({28, 64, 128, 224})],
        "data_home": ["path", None],
        "download_if_missing": ["boolean"],
    }
)
def load_medmnist(
    name: str,
    size: int = 28,
    data_home: str | os.PathLike | None = None,
    download_if_missing: bool = True,
) -> MedMNISTData:
    """Load a 2D MedMNIST dataset: shipped files offline, others via a checksummed download.

    Parameters
    ----------
    name : str
        Lower-case dataset name, e.g. ``"breastmnist"``, ``"pneumoniamnist"``,
        ``"dermamnist"`` (the error for an unknown name lists all of them).
    size : {28, 64, 128, 224}, default 28
        Image side in pixels. Only size 28 of BreastMNIST and PneumoniaMNIST
        ships with pmed; everything else is downloaded once into the data
        folder (``data_home``, else ``$PMED_DATA``, else ``~/pmed_data``).
    data_home : str or os.PathLike, optional
        The data folder (see above).
    download_if_missing : bool, default True
        With False, a file that is not cached raises instead of downloading.

    Returns
    -------
    MedMNISTData
        Images and labels per split and the dataset card.

    Raises
    ------
    ValueError
        Unknown name or size.
    pmed_utils.datasets.DataNotAvailableError
        Not cached and cannot be downloaded (offline); the message names the
        file, its URL and where to put it by hand.
    pmed_utils.datasets.ChecksumError
        A shipped or cached file does not match its published MD5.

    Examples
    --------
    >>> data = load_medmnist("breastmnist")
    >>> data.images["train"].shape, data.images["train"].dtype
    ((546, 28, 28), dtype('uint8'))
    >>> data.card.positive_meaning
    'malignant'
    >>> int(data.labels["test"].sum())  # 42 malignant test images
    42
    """
    names = sorted(_info())
    check_choice(name, "name", names, func="load_medmnist")
    files = medmnist_files()
    sizes = sorted(s for (n, s) in files if n == name)
    check_choice(size, "size", sizes, func="load_medmnist")
    remote = files[(name, size)]
    if (name, size) in SHIPPED:
        path = verify_md5(
            packaged_data_path("medmnist", remote.filename),
            remote.md5,
            fix="The copy shipped with pmed is damaged: reinstall pmed from a clean checkout.",
        )
    else:
        path = fetch_file(remote, data_home, download_if_missing=download_if_missing, subdir="medmnist")
    info = _info()[name]
    with np.load(path) as npz:
        missing = [
            f"{split}_{kind}"
            for split in ("train", "val", "test")
            for kind in ("images", "labels")
            if f"{split}_{kind}" not in npz.files
        ]
        if missing:
            raise ValueError(f"{path} is not a MedMNIST file: it lacks the array(s) {missing}.")
        images = {split: npz[f"{split}_images"] for split in ("train", "val", "test")}
        raw = {split: npz[f"{split}_labels"] for split in ("train", "val", "test")}
    class_names = {int(k): v for k, v in info["label"].items()}
    binary = info["task"] == "binary-class"
    positive = POSITIVE_LABEL.get(name, 1) if binary else None
    if positive is not None:
        notes = [f"pmed label 1 = MedMNIST label {positive} ({class_names[positive]}); pmed label 0 = the other class."]
    else:
        notes = ["Not a binary task: labels are MedMNIST's as shipped."]
    card = DatasetCard(
        name=name,
        size=size,
        description=info["description"],
        task=info["task"],
        class_names=class_names,
        split_sizes={s: len(images[s]) for s in images},
        licence=info["license"],
        citation=MEDMNIST_CITATION,
        source_citation=SOURCE_CITATIONS.get(name, "See the MedMNIST v2 paper for the source data."),
        positive_label=positive,
        positive_meaning=class_names[positive] if positive is not None else None,
        notes=notes,
    )
    labels = {s: binary_target(raw[s], card) for s in raw} if binary else raw
    return MedMNISTData(images, labels, card)


@validate_params({"labels": ["array-like"], "card": [DatasetCard]})
def binary_target(labels: ArrayLike, card: DatasetCard) -> np.ndarray:
    """MedMNIST labels of a binary dataset → pmed's target, **1 = lesion / disease present**.

    ``card.positive_label`` says which MedMNIST label means the lesion (0 =
    malignant for BreastMNIST, 1 = pneumonia for PneumoniaMNIST); that label
    becomes 1 and the other one 0. :func:`load_medmnist` already applies this;
    use it on labels read from a MedMNIST file by other means.

    Parameters
    ----------
    labels : array-like of int, shape (n,) or (n, 1)
        MedMNIST's labels, 0 or 1.
    card : DatasetCard
        The card of a binary dataset (``card.positive_label`` set).

    Returns
    -------
    ndarray of int8, shape (n,)
        1 = lesion / disease present.

    Examples
    --------
    >>> card = load_medmnist("breastmnist").card
    >>> binary_target([[0], [1], [1]], card)  # 0 = malignant in MedMNIST
    array([1, 0, 0], dtype=int8)
    """
    if card.positive_label is None:
        raise ValueError(
            f"binary_target needs a binary dataset; {card.name} is a {card.task!r} task "
            "(its card has no positive_label)."
        )
    raw = np.asarray(labels)
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.ndim != 1:
        raise ValueError(f"The 'labels' parameter of binary_target must have shape (n,) or (n, 1); got {raw.shape}.")
    found = set(np.unique(raw).tolist())
    if not found <= set(card.class_names):
        raise ValueError(
            f"The 'labels' parameter of binary_target must contain only {sorted(card.class_names)} "
            f"({card.name}); got values {sorted(found)[:10]}."
        )
    return (raw == card.positive_label).astype(np.int8)


# Published test AUC / ACC of MedMNIST v2 (Yang et al. 2023, Table 3), 28x28 inputs where stated.
_BENCHMARK = {
    "breastmnist": [
        ("ResNet-18 (28)", 0.901, 0.863),
        ("ResNet-50 (28)", 0.857, 0.812),
        ("auto-sklearn", 0.836, 0.803),
        ("AutoKeras", 0.871, 0.831),
        ("Google AutoML Vision", 0.919, 0.861),
    ],
    "pneumoniamnist": [
        ("ResNet-18 (28)", 0.944, 0.854),
        ("ResNet-50 (28)", 0.948, 0.854),
        ("auto-sklearn", 0.942, 0.855),
        ("AutoKeras", 0.947, 0.878),
        ("Google AutoML Vision", 0.991, 0.946),
    ],
}


@validate_params({"name": ["str"]})
def medmnist_benchmark(name: str) -> pd.DataFrame:
    """The published MedMNIST v2 test AUC and accuracy for a dataset, as a DataFrame.

    MedMNIST computes binary accuracy at a 0.5 threshold on the positive-class score.

    Parameters
    ----------
    name : {"breastmnist", "pneumoniamnist"}
        The dataset.

    Returns
    -------
    DataFrame
        Indexed by model; columns ``test_auc``, ``test_acc`` (float) and ``source``.

    Examples
    --------
    >>> float(medmnist_benchmark("breastmnist").loc["ResNet-18 (28)", "test_auc"])
    0.901
    """
    import pandas as pd

    check_choice(name, "name", sorted(_BENCHMARK), func="medmnist_benchmark")
    table = pd.DataFrame(_BENCHMARK[name], columns=["model", "test_auc", "test_acc"]).set_index("model")
    table["source"] = "MedMNIST v2 (published)"
    return table
