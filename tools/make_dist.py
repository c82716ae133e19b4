"""Zip a built HTML site into an offline copy: ``_build/dist/pmed-book-<version>-html.zip``.

The zip holds one folder, ``pmed-book-<version>/``, with the site and an ``index.html``
that opens the book. Before writing it, the site is checked for anything a page would
fetch from the network (scripts, style sheets, images, fonts with an ``http(s)://`` or
``//`` address): the book vendors MathJax, Mermaid and its fonts, so there should be none.
Links (``<a href>``) may point anywhere::

    python tools/make_dist.py                       # _build/html -> _build/dist/...zip
    python tools/make_dist.py --site DIR --out DIR
"""

from __future__ import annotations

import argparse
import re
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# Attributes through which a page loads something (not <a href>, which the reader clicks).
_FETCH = re.compile(
    r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=[\"'](?P<src>(?:https?:)?//[^\"']+)"
    r"|<link\b(?=[^>]*\brel=[\"'](?:stylesheet|preload|modulepreload|icon)[\"'])[^>]*\bhref=[\"'](?P<href>(?:https?:)?//[^\"']+)"
    r"|url\(\s*[\"']?(?P<url>(?:https?:)?//[^)\"']+)",
    flags=re.I,
)


def current_version(root: Path = REPO_ROOT) -> str:
    text = (root / "pmed_utils" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.M).group(1)


def network_fetches(site: Path) -> list[str]:
    """``file: address`` for every resource a page or style sheet of ``site`` would download."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css"} or not path.is_file():
            continue
        for match in _FETCH.finditer(path.read_text(encoding="utf-8", errors="ignore")):
            found.append(f"{path.relative_to(site)}: {match.group('src') or match.group('href') or match.group('url')}")
    return found


def make_zip(site: Path, out_dir: Path, version: str) -> Path:
    """Write the zip of ``site`` and return its path."""
    name = f"pmed-book-{version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}-html.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(site.rglob("*")):
            if path.is_file() and ".buildinfo" not in path.name:
                zf.write(path, f"{name}/{path.relative_to(site).as_posix()}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO_ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "_build" / "dist")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"No built site at {args.site} (run `make book` first).", file=sys.stderr)
        return 1
    fetches = network_fetches(args.site)
    if fetches:
        print("The site would not open offline; it fetches:\n  " + "\n  ".join(fetches), file=sys.stderr)
        return 1
    target = make_zip(args.site, args.out, current_version())
    print(f"Offline copy written to {target} (unzip it and open index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
