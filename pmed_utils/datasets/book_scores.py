"""The risk scores of the book's two models, shipped so that chapter 30 can evaluate them.

Chapter 13's genomic risk model takes about three minutes to build and chapter 21's
image ensemble about a minute and a half; chapter 30 evaluates their scores without
rebuilding them. ``tools/make_book_scores.py`` made the file; ``book_scores.json``
beside it records the command, seed, parameters, package versions, the MedMNIST
file's MD5, the CSV's MD5 (checked on every load) and each model's AUC.
"""

from __future__ import annotations

import json

import pandas as pd

from pmed_utils.datasets._base import packaged_data_path, verify_md5
from pmed_utils.validation import validate_params

__all__ = ["load_book_scores", "book_scores_record"]

_FIX = "Restore pmed_utils/data/book_scores/ from the repository, or run `python tools/make_book_scores.py`."


@validate_params({})
def book_scores_record() -> dict:
    """How the shipped scores were made: command, seed, parameters, checksums, versions, AUCs.

    Returns
    -------
    dict
        The contents of ``pmed_utils/data/book_scores/book_scores.json``.

    Examples
    --------
    >>> record = book_scores_record()
    >>> record["seed"], sorted(record["auc"])[:2]
    (42, ['genomic risk / test', 'genomic risk / validation'])
    """
    return json.loads(packaged_data_path("book_scores", "book_scores.json").read_text())


@validate_params({})
def load_book_scores() -> pd.DataFrame:
    """Validation and test scores of the genomic risk model and the image ensemble.

    Both models were trained only on their training people or images. The
    validation scores are out-of-sample too: cross-fitted within the validation
    people (genomic risk model), out-of-fold on the development images (image
    ensemble). Use them to choose thresholds and to recalibrate; judge on test.

    Returns
    -------
    DataFrame
        One row per person or image: ``model`` ("genomic risk" or "image ensemble"),
        ``split`` ("validation" or "test"), ``group`` (the simulated person's ancestry,
        CEU/CHB/YRI; empty for images), ``label`` (int8, 1 = disease or lesion) and
        ``score`` (float64, the model's risk in [0, 1]).

    Raises
    ------
    pmed_utils.datasets.ChecksumError
        The CSV differs from the one the record describes.

    Examples
    --------
    >>> scores = load_book_scores()
    >>> scores.groupby(["model", "split"]).size().to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {('genomic risk', 'test'): 1200, ('genomic risk', 'validation'): 1199,
     ('image ensemble', 'test'): 156, ('image ensemble', 'validation'): 624}
    """
    path = packaged_data_path("book_scores", "book_scores.csv")
    verify_md5(path, book_scores_record()["csv_md5"], fix=_FIX)
    scores = pd.read_csv(path, dtype={"model": str, "split": str, "group": str}, keep_default_na=False)
    return scores.astype({"label": "int8", "score": "float64"})
