"""Move the inline SVG icons (``url("data:image/svg+xml,...")``) of a vendored
stylesheet into files next to it, and point the stylesheet at them.

Vern's Content Security Policy allows images only from the site itself
(``img-src 'self'``), so the browser refuses ``data:`` icons. Serving them as
files keeps that policy strict. Each icon is named by a hash of its SVG, so
re-running gives the same names, and an icon used in several rules is one file.

Usage: python3 scripts/vendor_css_icons.py path/to/designsystemet.css
(called by scripts/vendor.sh; standard library only).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from urllib.parse import unquote

ICON_DIR = "icons"
_PREFIX = r"data:image/svg\+xml(?:;charset=utf-8)?,"
# The URI in double quotes, single quotes (the SVG then holds double quotes
# unescaped) or no quotes.
DATA_SVG = re.compile(
    r"url\(\s*(?:"
    + rf'"{_PREFIX}(?P<double>[^"]*)"'
    + rf"|'{_PREFIX}(?P<single>[^']*)'"
    + rf"|{_PREFIX}(?P<bare>[^)\s]*)"
    + r")\s*\)"
)


def extract(css_path: Path) -> int:
    css = css_path.read_text(encoding="utf-8")
    icon_dir = css_path.parent / ICON_DIR
    written: set[str] = set()

    def to_file(match: re.Match) -> str:
        raw = next(group for group in match.group("double", "single", "bare") if group is not None)
        svg = unquote(raw)
        if not svg.lstrip().startswith("<svg"):
            raise SystemExit(f"{css_path}: a data: URI that is not an SVG: {svg[:60]!r}")
        name = "icon-" + hashlib.sha256(svg.encode()).hexdigest()[:12] + ".svg"
        if name not in written:
            icon_dir.mkdir(exist_ok=True)
            (icon_dir / name).write_text(svg + "\n", encoding="utf-8")
            written.add(name)
        return f'url("{ICON_DIR}/{name}")'

    css = DATA_SVG.sub(to_file, css)
    if "data:" in css:
        raise SystemExit(f"{css_path}: a data: URI is left that this script cannot move")
    css_path.write_text(css, encoding="utf-8")
    return len(written)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        count = extract(Path(arg))
        print(f"{arg}: {count} icons moved into {ICON_DIR}/")
