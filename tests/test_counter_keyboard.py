"""The counter with a keyboard (or a keyboard wedge): digits pick tiles, Enter confirms,
Esc goes back; the tiles show their numbers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import catalog
from db.incidents import count_incidents
from tests.conftest import MANAGER_PIN
from ui.counter import CATEGORIES, PIN, REMEDIES

pytestmark = pytest.mark.gui


@pytest.fixture
def page(window):
    counter = window.page("counter")
    counter.setFocus()
    return counter


def keys(qtbot, page, *presses) -> None:
    for key in presses:
        qtbot.keyClick(page.focusWidget() or page, key)


def test_tiles_show_the_digit_that_picks_them(page):
    shown = [tile.pieces().get("number") for tile in page.category_tiles()]
    numbers = [piece.text if piece else None for piece in shown]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"][:len(numbers)]


def test_two_digits_log_an_incident(qtbot, page, ctx, people):
    second = catalog.categories(ctx)[1]
    keys(qtbot, page, "2")
    assert page.step == REMEDIES and page.remedy_step.category.id == second.id
    first_remedy = catalog.remedies_for(ctx, second.id, second.default_severity)[0]

    keys(qtbot, page, "1")

    [row] = list(ctx.db["incidents"].rows)
    assert (row["category_id"], row["staff_id"]) == (second.id, people["Sam"])
    [given] = list(ctx.db["incident_remedies"].rows)
    assert given["remedy_id"] == first_remedy.id
    assert page.step == CATEGORIES


def test_zero_picks_the_tenth_tile(qtbot, page, ctx):
    keys(qtbot, page, "0")
    assert page.remedy_step.category.id == catalog.categories(ctx)[9].id


def test_escape_goes_back_without_saving(qtbot, page, ctx):
    keys(qtbot, page, "3", Qt.Key_Escape)
    assert page.step == CATEGORIES
    assert count_incidents(ctx.db, ctx.store_id, include_voided=True) == 0


def test_enter_confirms_a_list_of_remedies(qtbot, page, ctx):
    keys(qtbot, page, "2")
    for code in ("remake", "free_dessert"):
        qtbot.mouseClick(page.remedy_step.tile_for(code).add_button, Qt.LeftButton)
    keys(qtbot, page, Qt.Key_Return)

    assert sorted(g["label"] for g in ctx.db["incident_remedies"].rows) == [
        "Free dessert", "Remake"]


def test_the_pin_pad_takes_digits_enter_and_escape(qtbot, page, ctx, people):
    keys(qtbot, page, "1")
    qtbot.mouseClick(page.remedy_step.tile_for("refund"), Qt.LeftButton)
    assert page.step == PIN
    keys(qtbot, page, "1", Qt.Key_Escape)
    assert page.step == REMEDIES and count_incidents(ctx.db, ctx.store_id) == 0

    qtbot.mouseClick(page.remedy_step.tile_for("refund"), Qt.LeftButton)
    keys(qtbot, page, *MANAGER_PIN, Qt.Key_Enter)

    [given] = list(ctx.db["incident_remedies"].rows)
    assert given["approved_by"] == people["Marco"]
    assert count_incidents(ctx.db, ctx.store_id) == 1  # one submit, one incident


def test_digits_typed_into_a_details_field_stay_there(qtbot, page, ctx):
    qtbot.mouseClick(page.details_toggle, Qt.LeftButton)
    page.details.table_edit.setFocus()
    qtbot.keyClicks(page.details.table_edit, "12")

    assert page.details.table_edit.text() == "12" and page.step == CATEGORIES
