"""The built book as a reader sees it: every page in headless Chromium, and every link.

The book is built from the notebooks that the notebook tests already executed with
their CI parameters (``--executed-dir``); notebooks missing there are executed here.
Execution is turned off for this build, so nothing runs twice.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from notebook_utils import REPO_ROOT, execute_notebook, toc_notebooks

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def built_site(executed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = REPO_ROOT / "_build" / "ci_book_src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "book", src / "book", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "_toc.yml", src / "_toc.yml")
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (src / "notebooks").mkdir()
    for notebook in toc_notebooks():
        executed = executed_dir / notebook.name
        if not executed.exists() or executed.stat().st_mtime < notebook.stat().st_mtime:
            execute_notebook(notebook, executed, tmp_path_factory.mktemp("work"))
        shutil.copy(executed, src / "notebooks" / notebook.name)
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(src), "--warningiserror", "--keep-going"],
        capture_output=True,
        text=True,
        cwd=src,
    )
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return src / "_build" / "html"


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output readable
            pass

    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_internal_links_and_anchors_resolve(built_site: Path):
    ids: dict[Path, set[str]] = {}
    soups = {}
    for page in _pages(built_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        soups[page] = soup
        ids[page] = {tag["id"] for tag in soup.find_all(id=True)} | {
            a["name"] for a in soup.find_all("a", attrs={"name": True})
        }
    broken = []
    for page, soup in soups.items():
        for a in soup.find_all("a", href=True):
            href = a["href"]
            parsed = urlparse(href)
            if parsed.scheme or href.startswith(("mailto:", "javascript:", "//")):
                continue
            target = (page.parent / unquote(parsed.path)).resolve() if parsed.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)} → {href} (no such file)")
            elif parsed.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = {
                        t["id"]
                        for t in BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").find_all(id=True)
                    }
                if unquote(parsed.fragment) not in ids[target]:
                    broken.append(f"{page.relative_to(built_site)} → {href} (no such anchor)")
    assert not broken, "broken internal links:\n  " + "\n  ".join(broken)


def test_progress_bars_show_their_final_state_once(built_site: Path):
    """Each tqdm update is its own stream output; merged with carriage returns applied, one line remains."""
    page = built_site / "notebooks" / "21_cnn_lesion_detection.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    bars = [
        line
        for block in soup.select("div.output.stderr")
        for line in block.get_text().splitlines()
        if line.startswith(("seed_cnn:", "small_cnn:"))
    ]
    assert len(bars) == 2, f"expected one final line per training progress bar in {page.name}; got:\n" + "\n".join(bars)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); skipping the browser test.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_every_page_renders_without_errors(browser, built_site: Path, site_url: str):
    problems = []
    page = browser.new_page()
    errors: list[str] = []

    def on_console(msg) -> None:
        url = (msg.location or {}).get("url", "")
        # Chromium asks every site for /favicon.ico by itself (the bare redirect page index.html
        # has no <link rel="icon">); that request is the browser's, not the book's.
        if msg.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"console {msg.type}: {msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    page.on("response", lambda res: errors.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    for html in _pages(built_site):
        rel = html.relative_to(built_site).as_posix()
        errors.clear()
        page.goto(urljoin(site_url, rel), wait_until="load")
        source = html.read_text(encoding="utf-8")
        if page.locator("pre.mermaid, div.mermaid").count():
            try:
                page.wait_for_selector(".mermaid svg", timeout=15000)
            except Exception:
                problems.append(f"{rel}: mermaid diagram not drawn as SVG")
        if "math notranslate" in source:
            try:
                page.wait_for_selector(
                    "mjx-container", state="attached", timeout=15000
                )  # math in closed solutions is hidden
            except Exception:
                problems.append(f"{rel}: math not typeset by MathJax")
        page.wait_for_load_state("networkidle")
        broken_images = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        problems += [f"{rel}: image not loaded: {src}" for src in broken_images]
        problems += [f"{rel}: {e}" for e in errors]
        if rel == "book/intro.html":
            shots = REPO_ROOT / "_build" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "index.png"), full_page=False)
    page.close()
    assert not problems, "problems seen in the browser:\n  " + "\n  ".join(problems)


def test_search_finds_polygenic(browser, site_url: str):
    page = browser.new_page()
    page.goto(urljoin(site_url, "search.html?q=polygenic"), wait_until="load")
    page.wait_for_selector("#search-results ul li", timeout=20000)
    hits = page.eval_on_selector_all("#search-results ul li a", "links => links.map(a => a.textContent)")
    page.close()
    assert hits, "searching the book for 'polygenic' returned nothing"
