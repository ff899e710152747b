"""SVG icons from ``assets/icons``, rendered once per (name, size, colour) and cached.

The bundled icons are line drawings stroked in the theme's text colour; ``colour`` swaps
that stroke for another one (a red warning, a muted lock). An unknown name falls back to
``other`` so a category with a typo'd icon still gets a tile.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPixmap

ICON_DIR = Path(__file__).resolve().parent.parent / "assets" / "icons"
FALLBACK = "other"
STROKE = "#E8EDF2"


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
    from PySide6.QtSvg import QSvgRenderer  # loaded with the first icon, not at import

    data = svg_bytes(name)
    if colour:
        data = data.replace(STROKE.encode(), colour.encode())
    renderer = QSvgRenderer(QByteArray(data))
    side = max(1, round(size * ratio))
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def pixmap(name: str, size: int = 48, colour: str | None = None) -> QPixmap:
    """The icon ``name`` as a crisp pixmap of ``size`` logical pixels."""
    return _render(name or FALLBACK, int(size), colour, _device_ratio())


def icon(name: str, size: int = 48, colour: str | None = None) -> QIcon:
    return QIcon(pixmap(name, size, colour))
