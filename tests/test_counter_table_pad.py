"""Reminders say who logged it, and the optional third tap puts a table on it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import incidents

pytestmark = pytest.mark.gui


def log(page, category="cold_food", remedy="remake"):
    page.category_tile(category).click()
    page.remedy_step.tile_for(remedy).click()
    return page.confirm_bar.incident_id()


def test_a_two_tap_log_reads_logged_when_and_by_whom_in_the_queue(qtbot, window, clock):
    page = window.page("counter")
    log(page)
    window.show_page("followups")
    qtbot.wait(0)
    queue = window.page("followups")
    text = "\n".join(row.headline_label.text() for row in queue.rows)
    assert "Logged 12:00 by Sam — Cold food" in text
    assert "No table or name given" not in text


def test_the_table_pad_fills_the_table_from_a_recent_one_in_one_tap(qtbot, window, ctx):
    page = window.page("counter")
    first = log(page)
    page.confirm_bar.table_button.click()
    pad = page.table_pad
    for digit in "12":
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.LeftButton)
    assert pad.entry_label.text() == "12"
    qtbot.mouseClick(pad.ok_button, Qt.LeftButton)
    assert not pad.isVisible()
    assert incidents.get_incident(ctx, first).table_ref == "12"
    assert page.confirm_bar.table_button.text() == "Table 12"
    assert not (page._details is not None and page._details.isVisible())

    second = log(page, "long_wait", "free_drink")
    assert page.confirm_bar.table_button.text() == "Table…"
    page.confirm_bar.table_button.click()
    assert [b.text() for b in pad.recent_buttons] == ["12"]
    qtbot.mouseClick(pad.recent_buttons[0], Qt.LeftButton)
    assert incidents.get_incident(ctx, second).table_ref == "12"


def test_the_table_pad_takes_the_keyboard_and_leaves_the_tiles_in_place(qtbot, window, ctx):
    page = window.page("counter")
    incident_id = log(page)
    qtbot.wait(0)
    before = [t.geometry() for t in page.category_grid.tiles()]
    page.confirm_bar.table_button.click()
    qtbot.keyClicks(page, "7")
    qtbot.keyClick(page, Qt.Key_Return)
    assert incidents.get_incident(ctx, incident_id).table_ref == "7"
    assert [t.geometry() for t in page.category_grid.tiles()] == before
    page.confirm_bar.table_button.click()
    qtbot.keyClick(page, Qt.Key_Escape)
    assert not page.table_pad.isVisible() and page.step == "categories"
