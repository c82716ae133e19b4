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


def test_numbers_on_the_page_are_the_computations(risk, tmp_path):
    text, soup = _page(risk, tmp_path)
    assert _field(soup, "risk") == f"{100 * risk.risk.value:.1f}%"
    assert _field(soup, "risk_low") == f"{100 * risk.risk.low:.1f}%"
    assert _field(soup, "risk_high") == f"{100 * risk.risk.high:.1f}%"
    assert _field(soup, "prs") == f"{risk.prs:+.2f}"
    assert _field(soup, "prs_percentile") == f"{risk.prs_percentile:.0f}"
    assert _field(soup, "threshold") == f"{100 * risk.threshold:.1f}%"
    assert _field(soup, "sensitivity") == f"{100 * risk.sensitivity.value:.1f}%"
    assert _field(soup, "ppv") == f"{100 * risk.ppv.value:.1f}%"
    assert _field(soup, "log_odds") == f"{risk.log_odds:+.2f}"
    for term, value in risk.contributions.items():
        assert _field(soup, f"contribution-{term}") == f"{value:+.2f}"
    for i, value in enumerate(risk.what_if["risk"]):
        assert _field(soup, f"whatif_{i}") == f"{100 * value:.1f}%"


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


def test_missing_image_and_scarce_group_are_said(cohort, tmp_path):
    people, images, model = cohort
    pid = people.loc[people.population == "CHB", "person_id"].iloc[0]
    r = personal_risk(model, people, pid, images=images, drop_image=True, missing="fallback")
    _, soup = _page(r, tmp_path)
    assert "No image" in _field(soup, "no-image")
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
