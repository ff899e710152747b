"""A saved tap with follow-ups due: the tap's own turn of the event loop is the save and the
counter's answer; the reminder banner reads what is due right after it, before anything
is painted, so the first frame after the tap already shows the new state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from app import catalog, incidents
from app.models import RemedyRequest
from tests.conftest import shown_main_window
from ui.counter_parts import CATEGORIES

pytestmark = pytest.mark.gui


class _Paints(QObject):
    """Each paint of the banner's "N more waiting" button, with what it says, in ``seen``."""

    def __init__(self, button, seen: list) -> None:
        super().__init__()
        self.button, self.seen = button, seen

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Paint:
            self.seen.append(("painted", self.button.text()))
        return False


def banner_up(qtbot, ctx, clock, people):
    """The main window with one reminder due (Table 7, cold food) in the banner."""
    window = shown_main_window(qtbot, ctx)
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        staff_id=people["Sam"], table_ref="7",
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    clock.advance(minutes=6)
    window.controller.announce(logged.changes)
    banner = window.reminders.banner
    assert banner.isVisible() and banner.headline_label.text().startswith("Table 7")
    assert not banner.more_button.isVisible()
    return window, banner


def test_a_severe_failure_saved_with_the_banner_up_shows_in_the_first_frame_after_the_tap(
        qtbot, qapp, ctx, clock, people):
    window, banner = banner_up(qtbot, ctx, clock, people)
    page = window.page("counter")
    seen: list = []
    real_refresh = banner.refresh
    banner.refresh = lambda: (seen.append(("read", None)), real_refresh())
    qtbot.mouseClick(page.category_tile("undercooked"), Qt.LeftButton)  # severe: due now
    assert banner.is_compact()
    paints = _Paints(banner.more_button, seen)
    banner.more_button.installEventFilter(paints)
    qtbot.mouseClick(page.remedy_step.tile_for("remake"), Qt.LeftButton)
    # Saved, the failure tiles back; what is due not read inside the tap.
    assert page.step == CATEGORIES and page.confirm_bar.isVisible()
    assert seen == []
    qapp.processEvents()  # the next turn of the event loop: read first
    assert seen[0] == ("read", None)
    for _turn in range(3):  # then painted
        qapp.processEvents()
    assert ("painted", "1 more waiting") in seen  # never painted with a stale state
    assert {text for what, text in seen if what == "painted"} == {"1 more waiting"}
    assert banner.more_button.isVisible()


def test_an_outcome_or_a_snooze_outside_a_tap_shows_at_once(qtbot, ctx, clock, people):
    window, banner = banner_up(qtbot, ctx, clock, people)
    assert not banner.is_compact()
    banner.snooze(5)  # the banner's own button: read and redrawn in the same call
    assert not banner.isVisible()
