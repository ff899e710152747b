"""The remedy tiles are kept from one failure to the next (no widgets made per tap): each
failure still shows its own remedies in its own order, suggested first, and a tap on a tile
gives the remedy it shows, plus or long press included."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import catalog
from ui.counter_tiles import Tile

pytestmark = pytest.mark.gui


def _given(ctx) -> list[str]:
    return [row[0] for row in ctx.db.execute(
        "SELECT r.label FROM incident_remedies g JOIN remedies r ON r.id = g.remedy_id "
        "ORDER BY g.id").fetchall()]


def _shown(step) -> list[tuple[str, str, bool]]:
    return [(tile.title(), tile.icon_name, bool(tile.property("suggested")))
            for tile in step.tiles()]


def test_each_failure_shows_its_remedies_on_the_same_tiles_and_a_tap_gives_the_one_shown(
        qtbot, window, ctx):
    page = window.page("counter")
    step = page.remedy_step
    seen = set()
    for code in ("cold_food", "long_wait", "wrong_order", "cold_food"):
        category = catalog.category_by_code(ctx, code)
        qtbot.mouseClick(page.category_tile(code), Qt.LeftButton)
        remedies = catalog.remedies_for(ctx, category.id, category.default_severity)
        suggested = set(catalog.suggested_remedies(ctx, category.id,
                                                   category.default_severity))
        assert _shown(step) == [(r.label, r.icon, r.id in suggested) for r in remedies]
        assert not any(tile.is_picked() for tile in step.tiles())
        seen.update(id(tile) for tile in step.tiles())
        last = step.tiles()[-2]
        label = last.title()
        qtbot.mouseClick(last, Qt.LeftButton)
        assert _given(ctx)[-1] == label  # the remedy the tile showed
    assert len(seen) == len(step.tiles())  # the same tiles every time
    assert len(step.grid.findChildren(Tile)) == len(step.tiles())  # and no others


def test_plus_on_a_kept_tile_collects_the_remedy_it_shows_now(qtbot, window, ctx):
    page = window.page("counter")
    step = page.remedy_step
    qtbot.mouseClick(page.category_tile("cold_food"), Qt.LeftButton)
    qtbot.mouseClick(step.tile_for("remake"), Qt.LeftButton)
    qtbot.mouseClick(page.category_tile("long_wait"), Qt.LeftButton)
    first, second = step.tiles()[0], step.tiles()[1]
    qtbot.mouseClick(first.add_button, Qt.LeftButton)
    qtbot.mouseClick(second.add_button, Qt.LeftButton)
    assert [r.label for r in step.pending] == [first.title(), second.title()]
    step.done_button.click()
    assert _given(ctx)[-2:] == [first.title(), second.title()]
