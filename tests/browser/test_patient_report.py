"""The personal risk report in headless Chromium: it renders cleanly offline and prints to one or two A4 pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from personal_fixture import ToyModel, make_people

from pmed_utils.book.patient_report import html_to_pdf, write_patient_report
from pmed_utils.evaluation import personal_risk

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _pdf_pages(path: Path) -> int:
    """Page objects in a PDF (Chromium writes them uncompressed): ``/Type /Page``, not ``/Pages``."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); skipping the browser test.")
    people, images = make_people()
    model = ToyModel(people, images)
    folder = tmp_path_factory.mktemp("patient")
    smoker = people.loc[(people.bmi > 28) & (people.smoking == 1), "person_id"].iloc[0]
    scarce = people.loc[people.population == "CHB", "person_id"].iloc[0]
    cases = {
        "full": personal_risk(model, people, smoker, images=images),
        "scarce_no_image": personal_risk(model, people, scarce, images=images, drop_image=True, missing="fallback"),
    }
    return {name: write_patient_report(r, folder / f"{name}.html") for name, r in cases.items()}


@pytest.fixture(scope="module")
def browser(reports):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", ["full", "scarce_no_image"])
def test_report_renders_offline_without_console_errors(browser, reports, name):
    page = browser.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(reports[name].as_uri(), wait_until="load")
    broken = page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt)"
    )
    text = page.inner_text("body")
    page.close()
    assert not problems, problems
    assert not broken, f"images not loaded: {broken}"
    assert all(url.startswith(("file:", "data:")) for url in requests), [u[:60] for u in requests]
    assert "SIMULATED" in text


@pytest.mark.parametrize("name", ["full", "scarce_no_image"])
def test_report_prints_to_one_or_two_pages(reports, name, tmp_path):
    pdf = html_to_pdf(reports[name], tmp_path / f"{name}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert 1 <= _pdf_pages(pdf) <= 2, f"{name}: {_pdf_pages(pdf)} pages"
