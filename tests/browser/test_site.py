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
    """Each tqdm update is its own stream output; merged with carriage returns applied, one line remains.

    A network loaded from pmed's stored runs prints one line in place of its bar.
    """
    page = built_site / "notebooks" / "21_cnn_lesion_detection.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    bars = [
        line
        for block in soup.select("div.output.stderr")
        for line in block.get_text().splitlines()
        if line.startswith(("seed_cnn:", "small_cnn:"))
    ]
    assert len(bars) == 2, f"expected one final line per training progress bar in {page.name}; got:\n" + "\n".join(bars)
    assert any("100%|" in line for line in bars), "the seed CNN trains here: its bar should end at 100%"


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


# --- How the site looks: header, colour modes, figures ------------------------------------

VIEWPORT = {"width": 1280, "height": 900}
LOOK_PAGES = ["book/intro.html", "notebooks/01_pipeline_at_a_glance.html", "notebooks/30_model_evaluation.html"]

# WCAG 2.1 contrast of each text element against the background it is drawn on, and of
# each figure's own background against black (the colour of matplotlib's labels).
CONTRAST_JS = """
() => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return rgba(getComputedStyle(document.body).backgroundColor);
  };
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                          return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const texts = [];
  const selector = 'article p, article li, article h1, article h2, article h3, article td, article pre, ' +
                   '.bd-sidebar-primary a, .bd-sidebar-secondary a, footer p';
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || !el.textContent.trim() || el.closest('.mermaid')) continue;
    const r = ratio(rgba(getComputedStyle(el).color), background(el));
    if (r < 4.5) texts.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}": ${r.toFixed(2)}`);
  }
  const figures = [];
  for (const img of document.querySelectorAll('.cell_output img')) {
    if (!img.naturalWidth) continue;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
    const [r, g, b, a] = ctx.getImageData(2, 2, 1, 1).data;
    const under = background(img);
    const alpha = a / 255;
    const seen = [0, 1, 2].map(i => alpha * [r, g, b][i] + (1 - alpha) * under[i]);
    const contrast = ratio(seen, [0, 0, 0]);
    if (contrast < 4.5) figures.push(`${img.src.split('/').pop().slice(0, 16)}: ${contrast.toFixed(2)}`);
  }
  return {texts, figures, mode: document.documentElement.dataset.theme};
}
"""


def test_header_has_one_search_box_and_the_logo_shows(browser, site_url: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(urljoin(site_url, "book/intro.html"), wait_until="networkidle")
    boxes = page.eval_on_selector_all(
        ".search-button-field, form.bd-search input[type=search]",
        "els => els.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&"
        " getComputedStyle(e).visibility !== 'hidden'; }).length",
    )
    logo = page.evaluate(
        """() => { const img = document.querySelector('.navbar-brand img.logo__image');
                   if (!img) return null;
                   const r = img.getBoundingClientRect();
                   const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                   return {loaded: img.complete && img.naturalWidth > 0, width: r.width, height: r.height,
                           uncovered: !!top && (top === img || img.contains(top) || top.contains(img))}; }"""
    )
    page.close()
    assert boxes == 1, f"expected one visible search box on the page; found {boxes}"
    assert logo is not None, "the page shows no logo"
    assert logo["loaded"] and logo["width"] >= 40 and logo["height"] >= 40, f"logo not shown: {logo}"
    assert logo["uncovered"], "something is drawn over the logo"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_text_and_figures_are_readable_in_each_colour_mode(browser, site_url: str, mode: str):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
    page = context.new_page()
    shots = REPO_ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for rel in LOOK_PAGES:
        page.goto(urljoin(site_url, rel), wait_until="networkidle")
        page.screenshot(path=str(shots / f"{mode}_{Path(rel).stem}.png"), full_page=False)
        seen = page.evaluate(CONTRAST_JS)
        assert seen["mode"] == mode, f"{rel}: the page did not switch to {mode} mode"
        problems += [f"{rel}: text contrast below 4.5: {t}" for t in seen["texts"]]
        problems += [f"{rel}: figure background too dark for black labels: {f}" for f in seen["figures"]]
    context.close()
    assert not problems, f"hard to read in {mode} mode:\n  " + "\n  ".join(problems[:40])


def _figures_without_text(site: Path) -> list[str]:
    missing = []
    for html in _pages(site):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for img in soup.select("article img"):
            alt = (img.get("alt") or "").strip()
            # myst-nb writes the image's own file name as alt text when the cell gives none.
            meaningful = alt and not alt.endswith(Path(img.get("src", "")).name)
            figure = img.find_parent("figure")
            caption = figure.find("figcaption") if figure else None
            if not meaningful and not (caption and caption.get_text(strip=True)):
                missing.append(f"{html.relative_to(site)}: {Path(img.get('src', '')).name[:16]}")
    return missing


def test_every_figure_has_alt_text_or_a_caption(built_site: Path):
    missing = _figures_without_text(built_site)
    assert not missing, "figures without alt text or caption:\n  " + "\n  ".join(missing)
