"""The counter fits 1024×768 and 1920×1080 in every step, with tiles a thumb can hit, and
an idle window runs no timer faster than once a second."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetrics

pytestmark = pytest.mark.gui
MIN_TILE_PX = 64


def settle(qtbot) -> None:
    qtbot.wait(0)


def visible_tiles(page):
    grid = {"categories": page.category_grid, "remedies": page.remedy_step.grid,
            "staff": page.staff_switch.grid}.get(page.step)
    return grid.tiles() if grid else []


def check_fits(qtbot, window, size) -> None:
    settle(qtbot)
    assert window.size().toTuple() == size, "the window had to grow to show this step"
    page = window.page("counter")
    for tile in visible_tiles(page):
        assert tile.height() >= MIN_TILE_PX and tile.width() >= 2 * MIN_TILE_PX
        inside = tile.geometry().bottom() <= tile.parentWidget().height()
        assert inside, f"{tile.title()} is cut off at the bottom"
        title = tile.pieces()["title"]
        widest = max(QFontMetrics(title.font).horizontalAdvance(w) for w in title.text.split())
        assert widest <= title.rect.width(), f"{tile.title()} does not fit its tile"


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_every_step_fits_the_screen_with_thumb_sized_tiles(qtbot, window, size):
    window.resize(*size)
    page = window.page("counter")
    check_fits(qtbot, window, size)
    page.category_tile("cold_food").click()
    check_fits(qtbot, window, size)
    page.remedy_step.tile_for("refund").click()  # the PIN pad
    check_fits(qtbot, window, size)
    page.pinpad.cancel()
    page.go_back()
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()  # the confirmation bar
    page.details_toggle.click()  # and the details panel
    check_fits(qtbot, window, size)
    page.category_tile("foreign_object").click()
    check_fits(qtbot, window, size)
    page.go_back()
    page.open_staff_switch()
    check_fits(qtbot, window, size)


def test_tiles_use_balanced_columns(window, qtbot):
    page = window.page("counter")
    settle(qtbot)
    assert page.category_grid.columns() == 4  # 10 failures: 4 + 4 + 2 at 1024 wide
    window.resize(1920, 1080)
    settle(qtbot)
    assert page.category_grid.columns() == 5  # 5 + 5


def active_timers(window) -> list[QTimer]:
    return [t for t in window.findChildren(QTimer) if t.isActive()]


def test_an_idle_window_runs_no_timer_faster_than_once_a_second(qtbot, window):
    settle(qtbot)
    assert all(t.interval() >= 1000 for t in active_timers(window)), [
        (t.objectName(), t.interval()) for t in active_timers(window)]


def test_the_undo_countdown_ticks_once_a_second_and_only_while_shown(qtbot, window, clock):
    page = window.page("counter")
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()
    settle(qtbot)
    timers = active_timers(window)
    assert page.confirm_bar.timer in timers
    assert all(t.interval() >= 1000 for t in timers)

    clock.advance(seconds=61)
    page.confirm_bar.timer.timeout.emit()
    assert page.confirm_bar.timer not in active_timers(window)
