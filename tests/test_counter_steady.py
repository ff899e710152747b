"""Tiles stay under the thumb: nothing that appears after a tap moves the tiles."""

from __future__ import annotations

import pytest

from tests.conftest import START

pytestmark = pytest.mark.gui


def geometry(grid) -> list[tuple[int, int, int, int]]:
    return [tile.geometry().getRect() for tile in grid.tiles()]


def global_geometry(grid) -> list[tuple[int, int, int, int]]:
    return [(tile.mapToGlobal(tile.rect().topLeft()).toTuple(), tile.size().toTuple())
            for tile in grid.tiles()]


def page_geometry(page) -> list[tuple[int, int, int, int]]:
    return [(tile.mapTo(page, tile.rect().topLeft()).toTuple(), tile.size().toTuple())
            for tile in page.category_grid.tiles()]


def test_the_undo_bar_and_undone_line_leave_the_failure_tiles_in_place(qtbot, window):
    page = window.page("counter")
    qtbot.wait(0)
    before = global_geometry(page.category_grid)
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()
    qtbot.wait(0)
    assert page.confirm_bar.isVisible()
    assert global_geometry(page.category_grid) == before
    page.confirm_bar.undo_button.click()
    qtbot.wait(0)
    assert page.status().startswith("Undone")
    assert global_geometry(page.category_grid) == before


@pytest.mark.parametrize(("category", "remedy"), [("undercooked", "remake"),
                                               ("cold_food", "voucher"),
                                               ("undercooked", "voucher")])
def test_a_flagged_bar_or_a_voucher_code_fits_the_room_kept_for_it(qtbot, window, category,
                                                                   remedy):
    from ui.counter_parts import BOTTOM_H

    page = window.page("counter")
    page.category_tile(category).click()
    page.remedy_step.tile_for(remedy).click()
    qtbot.wait(0)
    bar = page.confirm_bar
    assert bar.isVisible()
    # (the reminder banner above the page is meant to be seen: it may push the page down)
    assert page.bottom_strip.height() == BOTTOM_H
    assert bar.layout().heightForWidth(bar.width()) <= bar.height()


def test_the_first_plus_tap_leaves_the_remedy_tiles_and_plus_buttons_in_place(qtbot, window):
    page = window.page("counter")
    page.category_tile("cold_food").click()
    qtbot.wait(0)
    step = page.remedy_step
    before = global_geometry(step.grid)
    plus = step.tile_for("free_drink").add_button
    plus_before = plus.mapToGlobal(plus.rect().center())
    step.tile_for("free_dessert").add_button.click()
    qtbot.wait(0)
    assert step.pending_bar.isVisible()
    assert global_geometry(step.grid) == before
    assert plus.mapToGlobal(plus.rect().center()) == plus_before


def test_opening_details_keeps_the_columns_and_rows_of_the_tiles(qtbot, window):
    page = window.page("counter")
    qtbot.wait(0)
    grid = page.category_grid
    columns = grid.columns()
    rows = [(y, h) for (_x, y, _w, h) in geometry(grid)]
    page.details_toggle.click()
    qtbot.wait(0)
    assert page.details.isVisible()
    assert grid.columns() == columns
    assert [(y, h) for (_x, y, _w, h) in geometry(grid)] == rows
    first = grid.tiles()[0]
    assert first.mapToGlobal(first.rect().topLeft()).x() == page.mapToGlobal(
        page.rect().topLeft()).x() + 20
    assert START  # the fixed clock of the fixtures


def test_the_list_being_collected_takes_the_undo_bars_place_and_gives_it_back(qtbot, window):
    page = window.page("counter")
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()
    page.category_tile("long_wait").click()
    page.remedy_step.tile_for("free_drink").add_button.click()
    assert page.remedy_step.pending_bar.isVisible() and not page.confirm_bar.isVisible()
    page.remedy_step.clear_button.click()
    assert page.confirm_bar.isVisible() and not page.remedy_step.pending_bar.isVisible()
