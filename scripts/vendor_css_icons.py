"""Move the inline SVG icons (``url("data:image/svg+xml,...")``) of a vendored
stylesheet into one sprite file next to it, and point the stylesheet at it.

Vern's Content Security Policy allows images only from the site itself
(``img-src 'self'``), so the browser refuses ``data:`` icons. Serving them as
a file keeps that policy strict. Each icon is named by a hash of its SVG, so
re-running gives the same names, and an icon used in several rules is one icon.
All of them go into ``icons/sprite.svg``, side by side, each with a ``<view>``
named after it: the stylesheet asks for ``icons/sprite.svg#icon-<hash>``, so a
page that shows several icons makes one request for them, not one per icon.

Usage: python3 scripts/vendor_css_icons.py path/to/designsystemet.css
(called by scripts/vendor.sh; standard library only).
"""

from __future__ import annotations

import hashlib
import re
import sys
import xml.etree.ElementTree as ET
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


SPRITE = "sprite.svg"
ICON_FILE = re.compile(rf'url\("{ICON_DIR}/(?P<name>icon-[0-9a-f]{{12}})\.svg"\)')
SVG_NS = "http://www.w3.org/2000/svg"
CELL = 24  # the design system's icons are drawn on a 24 x 24 grid


def _inner(svg_text: str) -> tuple[str, str, str]:
    """An icon's viewBox, its root's fill and its children as markup."""
    ET.register_namespace("", SVG_NS)
    root = ET.fromstring(svg_text)  # noqa: S314 (our own files, from the pinned package)
    view_box = root.get("viewBox") or f"0 0 {root.get('width', CELL)} {root.get('height', CELL)}"
    children = "".join(ET.tostring(child, encoding="unicode") for child in root)
    children = children.replace(f' xmlns="{SVG_NS}"', "")
    return view_box, root.get("fill", ""), children


def sprite(css_path: Path) -> int:
    """Put the icon files the stylesheet names into one sprite and point it there."""
    css = css_path.read_text(encoding="utf-8")
    icon_dir = css_path.parent / ICON_DIR
    names = sorted(set(ICON_FILE.findall(css)))
    if not names:
        return 0
    parts = []
    for position, name in enumerate(names):
        view_box, fill, children = _inner((icon_dir / f"{name}.svg").read_text(encoding="utf-8"))
        x = position * CELL
        fill_attr = f' fill="{fill}"' if fill else ""
        parts.append(f'<view id="{name}" viewBox="{x} 0 {CELL} {CELL}"/>')
        parts.append(
            f'<svg x="{x}" y="0" width="{CELL}" height="{CELL}" viewBox="{view_box}"{fill_attr}>'
            f"{children}</svg>"
        )
    width = len(names) * CELL
    (icon_dir / SPRITE).write_text(
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {CELL}">' + "".join(parts) + "</svg>\n",
        encoding="utf-8",
    )
    for name in names:
        (icon_dir / f"{name}.svg").unlink()
    for stray in icon_dir.glob("icon-*.svg"):  # named by no rule
        stray.unlink()
    css_path.write_text(
        ICON_FILE.sub(lambda m: f'url("{ICON_DIR}/{SPRITE}#{m["name"]}")', css), encoding="utf-8"
    )
    return len(names)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        count = extract(Path(arg))
        print(f"{arg}: {count} icons moved into {ICON_DIR}/")
        count = sprite(Path(arg))
        print(f"{arg}: {count} icons put into {ICON_DIR}/{SPRITE}")
