"""The counter in every language at 1024×768: tiles keep their whole label, nothing is cut."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from app import i18n
from app.i18n import _
from app.setup import init_store
from ui.app import build_main_window

STORES = {"en": ("GBP", "en_GB", "Europe/London"), "nb": ("NOK", "nb_NO", "Europe/Oslo"),
          "es": ("EUR", "es_ES", "Europe/Madrid"), "nl": ("EUR", "nl_NL", "Europe/Amsterdam"),
          "cs": ("CZK", "cs_CZ", "Europe/Prague")}


def _clipped(label: QLabel) -> str | None:
    """Why ``label``'s text does not fit its box, or None when every word and line fits."""
    room = label.contentsRect()
    metrics = QFontMetrics(label.font())
    text = label.text()
    widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
    if widest > room.width():
        return f"{text!r}: a word needs {widest} px, the label has {room.width()}"
    flags = int(label.alignment()) | (int(Qt.TextWordWrap) if label.wordWrap() else 0)
    needed = metrics.boundingRect(QRect(0, 0, room.width(), 10_000), flags, text)
    if needed.height() > room.height() + 1 or (
            not label.wordWrap() and needed.width() > room.width()):
        return f"{text!r}: needs {needed.width()}×{needed.height()}, has {room.width()}×" \
               f"{room.height()}"
    return None


@pytest.fixture(params=sorted(STORES))
def window(request, qtbot, bare_ctx):
    currency, locale, tz = STORES[request.param]
    init_store(bare_ctx, store_name="Store", preset="restaurant", currency=currency,
               locale=locale, language=request.param, timezone=tz)
    win = build_main_window(bare_ctx)
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    i18n.set_language("en")


def _tile_problems(tiles) -> list[str]:
    QApplication.sendPostedEvents()  # pending layout requests: tiles at their real size
    QApplication.processEvents()
    problems = []
    for tile in tiles:
        if tile.height() < 64:
            problems.append(f"{tile.title()!r}: tile only {tile.height()} px high")
        problem = _clipped(tile.title_label)
        if problem:
            problems.append(problem)
    return problems


def test_category_tiles_show_their_whole_label(window):
    page = window.page("counter")
    assert page.category_grid.tiles()
    assert _tile_problems(page.category_grid.tiles()) == []


def test_remedy_tiles_show_their_whole_label(qtbot, window):
    page = window.page("counter")
    qtbot.mouseClick(page.category_grid.tiles()[0], Qt.LeftButton)
    tiles = page.remedy_step.grid.tiles()
    assert tiles and all(tile.isVisible() for tile in tiles)
    assert _tile_problems(tiles) == []


def test_the_counter_speaks_the_store_language(window):
    language = i18n.language()
    nav = window.findChild(QPushButton, "nav_counter")
    first_tile = window.page("counter").category_grid.tiles()[0].title()
    assert nav.text() == _("Counter")
    assert first_tile == _("Wrong order")
    if language != "en":
        assert (nav.text(), first_tile) != ("Counter", "Wrong order")
        assert first_tile != "Wrong order"
