"""What a saved tap redraws: with the reminder banner up (it keeps small while the remedy
tiles are shown and grows back after the save), the failure tiles come back at the size
they had, without being laid out again, and the status line and the confirmation bar keep
their style (no re-polish per tap)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from tests.test_tap_banner_turn import banner_up
from ui.counter_parts import CATEGORIES

pytestmark = pytest.mark.gui


class _Resizes(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Resize:
            self.seen += 1
        return False


def _count(ctx) -> int:
    return ctx.db.execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_a_saved_tap_brings_the_failure_tiles_back_without_laying_them_out(
        qtbot, ctx, clock, people, monkeypatch):
    window, banner = banner_up(qtbot, ctx, clock, people)
    page = window.page("counter")
    qtbot.mouseClick(page.category_tile("long_wait"), Qt.LeftButton)  # one round first
    qtbot.mouseClick(page.remedy_step.tile_for("free_drink"), Qt.LeftButton)
    tiles = page.category_tiles()
    sizes = [t.size() for t in tiles]
    resizes = _Resizes()
    for tile in tiles:
        tile.installEventFilter(resizes)
    polished = []
    style = page.status_label.style()
    monkeypatch.setattr(type(style), "unpolish",
                        lambda self, widget: polished.append(widget.objectName()))
    before = _count(ctx)
    for code in ("cold_food", "long_wait", "wrong_order"):
        qtbot.mouseClick(page.category_tile(code), Qt.LeftButton)
        assert banner.is_compact()  # small while the remedy tiles are shown
        polished.clear()  # the remedy tiles were just made for this failure: styled
        qtbot.mouseClick(page.remedy_step.tile_for("remake"), Qt.LeftButton)
        assert polished == []  # the save re-styles nothing
        assert page.step == CATEGORIES and not banner.is_compact()
        assert page.confirm_bar.isVisible()
    assert _count(ctx) == before + 3
    assert [t.size() for t in tiles] == sizes and resizes.seen == 0
