"""load_book_scores: the shipped scores are the ones their record describes."""

import shutil

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from pmed_utils.datasets import ChecksumError, book_scores, book_scores_record, load_book_scores, md5_file
from pmed_utils.datasets._base import packaged_data_path


def test_scores_match_their_record():
    scores, record = load_book_scores(), book_scores_record()
    assert list(scores.columns) == ["model", "split", "group", "label", "score"]
    assert scores["label"].dtype == np.int8 and scores["score"].between(0, 1).all()
    assert set(scores["model"]) == {"genomic risk", "image ensemble"}
    assert set(scores["split"]) == {"validation", "test"}
    genomic = scores[scores["model"] == "genomic risk"]
    assert (
        set(genomic["group"]) == {"CEU", "CHB", "YRI"}
        and (scores.loc[scores.model == "image ensemble", "group"] == "").all()
    )
    for (model, split), part in scores.groupby(["model", "split"]):  # AUCs as recorded by the tool
        assert roc_auc_score(part["label"], part["score"]) == pytest.approx(
            record["auc"][f"{model} / {split}"], abs=1e-5
        )
    # the images scored are the shipped MedMNIST file's
    assert record["medmnist_md5"] == md5_file(packaged_data_path("medmnist", f"{record['imaging']['dataset']}.npz"))


def test_a_changed_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "book_scores"
    shutil.copytree(packaged_data_path("book_scores"), copy)
    csv = copy / "book_scores.csv"
    csv.write_text(csv.read_text().replace("0.", "0.9", 1))
    monkeypatch.setattr(book_scores, "packaged_data_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(ChecksumError, match="book_scores.csv is corrupt or incomplete.*make_book_scores.py"):
        load_book_scores()
