"""SVG icons from ``assets/icons``, rendered once per (name, size, colour) and cached.

The bundled icons are line drawings stroked in the theme's text colour; ``colour`` swaps
that stroke for another one (a red warning, a muted lock). An unknown name falls back to
``other`` so a category with a typo'd icon still gets a tile.

The app (not the tests) also sets :data:`DISK_CACHE` to a folder: rendered pixmaps are kept
there as PNG, named by the SVG's checksum and the pixel size, so the next start reads a
dozen small PNGs instead of loading QtSvg and rasterising (~4 ms of a cold start).
"""

from __future__ import annotations

import os
import zlib
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap

ICON_DIR = Path(__file__).resolve().parent.parent / "assets" / "icons"
FALLBACK = "other"
STROKE = "#E8EDF2"
#: Where rendered icons are kept between runs (None: not kept; see the module docstring).
DISK_CACHE: Path | None = None


def available() -> list[str]:
    """Names of the bundled icons (file names without ``.svg``)."""
    return sorted(p.stem for p in ICON_DIR.glob("*.svg"))


@lru_cache(maxsize=128)
def svg_bytes(name: str) -> bytes:
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        path = ICON_DIR / f"{FALLBACK}.svg"
    return path.read_bytes()


def _device_ratio() -> float:
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() else None
    return screen.devicePixelRatio() if screen is not None else 1.0


@lru_cache(maxsize=512)
def _render(name: str, size: int, colour: str | None, ratio: float) -> QPixmap:
    data = svg_bytes(name)
    if colour:
        data = data.replace(STROKE.encode(), colour.encode())
    side = max(1, round(size * ratio))
    kept = (DISK_CACHE / f"{name}-{side}-{zlib.crc32(data):08x}.png"
            if DISK_CACHE is not None else None)
    pixmap = QPixmap()
    if kept is None or not pixmap.load(str(kept), "PNG") or pixmap.width() != side:
        pixmap = _rasterise(data, side)
        if kept is not None:
            _keep(pixmap, kept)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _rasterise(data: bytes, side: int) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer  # loaded with the first icon drawn, not at import

    renderer = QSvgRenderer(QByteArray(data))
    pixmap = QPixmap(side, side)
    pixmap.fill(QColor(0, 0, 0, 0))  # Qt.transparent, without the Qt namespace (ui.qt_values)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    return pixmap


def _keep(pixmap: QPixmap, path: Path) -> None:
    """Save for the next start; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")  # two apps never share one
        if pixmap.save(str(partial), "PNG"):
            partial.replace(path)  # never a half-written PNG under the real name
    except OSError:
        pass


def pixmap(name: str, size: int = 48, colour: str | None = None) -> QPixmap:
    """The icon ``name`` as a crisp pixmap of ``size`` logical pixels."""
    return _render(name or FALLBACK, int(size), colour, _device_ratio())


def icon(name: str, size: int = 48, colour: str | None = None) -> QIcon:
    return QIcon(pixmap(name, size, colour))
