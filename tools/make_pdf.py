"""Print the whole book as one PDF with headless Chromium: ``_build/pdf/pmed-book-<version>.pdf``.

Jupyter Book's ``singlehtml`` builder writes the book as one page
(``_build/singlehtml/index.html``; ``make pdf`` runs it first, from the same execution
cache as ``make book``). This script opens that page in headless Chromium through
Playwright, waits until MathJax has typeset the math and Mermaid has drawn its diagrams,
opens the collapsed dropdowns (solutions) so that they print, and prints it to PDF (A4,
with backgrounds, so figures keep their colours). Without Playwright it falls back to
``chromium --headless --print-to-pdf``, which gives scripts a fixed time budget instead::

    python tools/make_pdf.py                          # _build/singlehtml -> _build/pdf
    python tools/make_pdf.py --html PAGE.html --out book.pdf
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def current_version(root: Path = REPO_ROOT) -> str:
    text = (root / "pmed_utils" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.M).group(1)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def follow_redirect(html: Path) -> Path:
    """The page itself: Jupyter Book's ``index.html`` only redirects to the root page."""
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', html.read_text(encoding="utf-8"), flags=re.I)
    return (html.parent / match.group(1)).resolve() if match else html


def page_at_root(index: Path) -> Path:
    """The single page, placed where its links expect it.

    The ``singlehtml`` builder writes the page under the root document's name
    (``book/intro.html``) but makes every link relative to the output folder
    (``_static/...``, ``_images/...``); a copy next to ``index.html`` resolves them.
    """
    page = follow_redirect(index)
    if page.parent == index.parent.resolve():
        return page
    copy = index.parent / "_print.html"
    copy.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def print_with_playwright(html: Path, pdf: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
        if page.locator("div.math, span.math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=60000)
            page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        if page.locator("pre.mermaid, div.mermaid").count():
            page.wait_for_selector(".mermaid svg", state="attached", timeout=30000)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.emulate_media(media="print")
        page.pdf(
            path=str(pdf),
            format="A4",
            print_background=True,
            margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
        )
        browser.close()


def print_with_cli(html: Path, pdf: Path, chromium: str) -> None:
    subprocess.run(
        [
            chromium,
            "--headless",
            *CHROMIUM_ARGS,
            "--virtual-time-budget=30000",
            "--run-all-compositor-stages-before-draw",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=REPO_ROOT / "_build" / "singlehtml" / "index.html")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or REPO_ROOT / "_build" / "pdf" / f"pmed-book-{current_version()}.pdf"
    chromium = chromium_path()
    if chromium is None:
        print("Chromium is not installed (Debian: apt-get install chromium).", file=sys.stderr)
        return 1
    if not args.html.is_file():
        print(f"No single-page build at {args.html} (run `make pdf`).", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    html = page_at_root(args.html)
    try:
        import playwright  # noqa: F401
    except ImportError:
        print_with_cli(html, out, chromium)
    else:
        print_with_playwright(html, out, chromium)
    print(f"PDF written to {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
