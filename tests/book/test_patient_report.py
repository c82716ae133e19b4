"""The personal risk report page: its numbers are the computation's, in both languages, and it is self-contained."""

from __future__ import annotations

import re

import numpy as np
import pytest
from bs4 import BeautifulSoup
from personal_fixture import ToyModel, make_people

from pmed_utils.book.patient_report import report_fields, write_patient_report
from pmed_utils.evaluation import personal_risk


@pytest.fixture(scope="module")
def cohort():
    people, images = make_people()
    return people, images, ToyModel(people, images)


@pytest.fixture(scope="module")
def risk(cohort):
    people, images, model = cohort
    pid = people.loc[(people.bmi > 28) & (people.smoking == 1), "person_id"].iloc[0]
    return personal_risk(model, people, pid, images=images, random_state=0)


def _page(r, tmp_path, name="p.html"):
    path = write_patient_report(r, tmp_path / name)
    text = path.read_text(encoding="utf-8")
    return text, BeautifulSoup(text, "html.parser")


def _field(soup, name):
    return soup.find(attrs={"data-field": name}).get_text(strip=True)


def _shown_pct(text):
    """A printed percentage and half its last digit's unit: '11.3%' → (0.113, 0.0005)."""
    number = text.rstrip("%")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number) / 100, 0.5 * 10.0 ** (-decimals) / 100 + 1e-12


def _assert_pct(text, value):
    if text == ">99.9%":
        assert value >= 0.9995
        return
    shown, tol = _shown_pct(text)
    assert abs(shown - value) <= tol, (text, value)
    assert value >= 0.01 or text.count(".") == 0 or len(text.rstrip("%").split(".")[1]) == 2, text


def test_numbers_on_the_page_are_the_computations(risk, tmp_path):
    text, soup = _page(risk, tmp_path)
    _assert_pct(_field(soup, "risk"), risk.risk.value)
    _assert_pct(_field(soup, "risk_low"), risk.risk.low)
    _assert_pct(_field(soup, "risk_high"), risk.risk.high)
    _assert_pct(_field(soup, "threshold"), risk.threshold)
    _assert_pct(_field(soup, "sensitivity"), risk.sensitivity.value)
    _assert_pct(_field(soup, "ppv"), risk.ppv.value)
    assert _field(soup, "prs") == f"{risk.prs:+.2f}"
    assert _field(soup, "prs_percentile") == f"{risk.prs_percentile:.0f}"
    assert _field(soup, "log_odds") == f"{risk.log_odds:+.2f}"
    for term, value in risk.contributions.items():
        assert _field(soup, f"contribution-{term}") == f"{value:+.2f}"
    for i, value in enumerate(risk.what_if["risk"]):
        _assert_pct(_field(soup, f"whatif_{i}"), value)


def test_small_risks_keep_two_decimals():
    from pmed_utils.book.patient_report import _pct

    assert _pct(0.0007) == "0.07%" and _pct(0.113) == "11.3%" and _pct(float("nan")) == "n/a"
    assert _pct(0.99999) == ">99.9%" and _pct(0.999) == "99.9%"


def test_both_paragraphs_carry_the_same_numbers(risk, tmp_path):
    _, soup = _page(risk, tmp_path)
    en, zh = _field(soup, "paragraph-en"), _field(soup, "paragraph-zh")
    f = report_fields(risk)
    for key in ("risk", "risk_low", "risk_high", "threshold", "prs_percentile", "sensitivity", "ppv", "n_evaluation"):
        assert f[key] in en and f[key] in zh, key
    numbers = lambda s: sorted(re.findall(r"\d+(?:\.\d+)?%?", s))  # noqa: E731
    assert numbers(en) == numbers(zh)
    assert re.search(r"[\u4e00-\u9fff]", zh) and "模拟" in zh and "simulated" in en


def test_page_is_self_contained_and_says_simulated(risk, tmp_path):
    text, soup = _page(risk, tmp_path)
    assert not re.search(r"https?://", text)
    assert not soup.find_all(["script", "link"])
    assert all(img["src"].startswith("data:image/png;base64,") for img in soup.find_all("img"))
    assert all(img.get("alt") for img in soup.find_all("img"))
    assert "SIMULATED" in _field(soup, "simulated")
    assert "@media print" in text and "size:A4" in text
    # No identifying data: only the pseudonymous id.
    assert not re.search(r"name|address|birth|phone", soup.get_text(), re.IGNORECASE)


def test_saliency_placeholder_and_overlay(cohort, risk, tmp_path):
    _, soup = _page(risk, tmp_path)
    assert "Placeholder" in _field(soup, "saliency-note")
    people, images, model = cohort
    sal = personal_risk(
        model, people, risk.person_id, images=images, saliency=np.random.default_rng(0).random((28, 28))
    )
    _, soup = _page(sal, tmp_path, "s.html")
    assert "moved the image model" in _field(soup, "saliency-note")


def test_the_cli_shows_the_image_models_grad_cam(cohort):
    from types import SimpleNamespace

    from pmed_utils.book.patient_report import _image_saliency
    from pmed_utils.interpret import grad_cam
    from pmed_utils.models import small_cnn

    _, images, toy = cohort
    assert _image_saliency(toy, images[0]) is None  # a model without a CNN keeps the placeholder
    cnn = small_cnn((28, 28, 1), filters=(2,))
    fused = SimpleNamespace(model=SimpleNamespace(cnn=cnn))  # as _build_patient_model returns it
    image = np.random.default_rng(1).random((28, 28)).astype("float32")
    sal = _image_saliency(fused, image)
    assert sal.shape == (28, 28)
    np.testing.assert_allclose(sal, grad_cam(cnn, image.reshape(1, 28, 28, 1))[0], rtol=1e-5, atol=1e-6)
    assert _image_saliency(fused, np.full((28, 28), np.nan)) is None  # a missing image has no map


def test_missing_image_and_scarce_group_are_said(cohort, tmp_path):
    people, images, model = cohort
    pid = people.loc[people.population == "CHB", "person_id"].iloc[0]
    r = personal_risk(model, people, pid, images=images, drop_image=True, missing="fallback")
    _, soup = _page(r, tmp_path)
    assert "No image" in _field(soup, "no-image")
    assert "no image for this person" in _field(soup, "paragraph-en") and "没有影像" in _field(soup, "paragraph-zh")
    assert "scarce" in _field(soup, "scarce-warning")
    assert report_fields(r)["group_share"] in _field(soup, "paragraph-en")
    assert report_fields(r)["group_share"] in _field(soup, "paragraph-zh")


def test_bad_output_paths(risk, tmp_path):
    with pytest.raises(ValueError, match="must be a .html file"):
        write_patient_report(risk, tmp_path / "p.txt")
    with pytest.raises(ValueError, match="does not exist"):
        write_patient_report(risk, tmp_path / "missing" / "p.html")
    with pytest.raises(ValueError, match="must be a .pdf file"):
        write_patient_report(risk, tmp_path / "p.html", pdf=tmp_path / "p.png")


def test_pdf_without_chromium_is_a_clear_error(risk, tmp_path, monkeypatch):
    from pmed_utils.book import patient_report

    monkeypatch.setattr(patient_report, "find_chromium", lambda: None)
    with pytest.raises(RuntimeError, match="needs Chromium"):
        write_patient_report(risk, tmp_path / "p.html", pdf=tmp_path / "p.pdf")
    assert (tmp_path / "p.html").is_file()


# --- pmed patient ---------------------------------------------------------------------


@pytest.fixture
def toy_build(monkeypatch, cohort):
    """The CLI's cohort and model replaced by the toy ones (the real build takes a minute)."""
    from pmed_utils.book import patient_report

    people, images, model = cohort
    calls = []

    def build(**kwargs):
        calls.append(kwargs)
        return people, images, model

    monkeypatch.setattr(patient_report, "_build_patient_model", build)
    return calls


def test_cli_writes_the_report(toy_build, tmp_path, capsys):
    from pmed_utils.book.cli import main

    out = tmp_path / "r.html"
    assert main(["patient", "--person-id", "P0007", "--out", str(out), "--seed", "3"]) == 0
    assert out.is_file() and "P0007" in out.read_text(encoding="utf-8")
    assert toy_build == [{"n_people": 1500, "image_dataset": "pneumoniamnist", "random_state": 3, "epochs": 4}]
    assert "Report written to" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{tmp}/r.txt"], "must be a .html file"),
        (["--out", "{tmp}/missing/r.html"], "does not exist"),
        (["--out", "{tmp}/r.html", "--pdf", "{tmp}/r.png"], "must be a .pdf file"),
        (["--out", "{tmp}/r.html", "--no-image"], "add --fallback"),
        (["--out", "{tmp}/r.html", "--threshold", "1.5"], r"--threshold must be in \(0, 1\)"),
        (["--out", "{tmp}/r.html", "--image", "{tmp}/none.npy"], "must be an existing .npy file"),
    ],
)
def test_cli_refuses_bad_input_before_building(toy_build, tmp_path, args, message):
    from pmed_utils.book.cli import main

    args = [a.format(tmp=tmp_path) for a in args]
    with pytest.raises(SystemExit, match=message):
        main(["patient", "--person-id", "P0007", *args])
    assert toy_build == []  # nothing was built


def test_cli_unknown_person_lists_the_ids(toy_build, tmp_path):
    from pmed_utils.book.cli import main

    with pytest.raises(SystemExit, match=r"No person 'P9999'.*600 ids are .*P0000 … "):
        main(["patient", "--person-id", "P9999", "--out", str(tmp_path / "r.html")])


def test_cli_image_of_the_wrong_shape(toy_build, tmp_path):
    from pmed_utils.book.cli import main

    np.save(tmp_path / "img.npy", np.zeros((32, 32)))
    with pytest.raises(SystemExit, match=r"--image must have the cohort's image shape \(28, 28\)"):
        main(
            ["patient", "--person-id", "P0007", "--out", str(tmp_path / "r.html"), "--image", str(tmp_path / "img.npy")]
        )
    np.save(tmp_path / "ok.npy", np.full((28, 28), 0.5))
    np.save(tmp_path / "sal.npy", np.ones((28, 28)))
    out = tmp_path / "ok.html"
    args = ["--image", str(tmp_path / "ok.npy"), "--saliency", str(tmp_path / "sal.npy")]
    assert main(["patient", "--person-id", "P0007", "--out", str(out), *args]) == 0
    assert "moved the image model" in out.read_text(encoding="utf-8")


def test_cli_missing_image_with_fallback(toy_build, tmp_path):
    from pmed_utils.book.cli import main

    out = tmp_path / "f.html"
    assert main(["patient", "--person-id", "P0007", "--out", str(out), "--no-image", "--fallback"]) == 0
    assert "No image for this person" in out.read_text(encoding="utf-8")
