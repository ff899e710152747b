"""The counter screen, driven like a cashier: two taps log an incident; undo, several
remedies, details before and after, flags, live catalog changes, language switch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from app import catalog, i18n, incidents, summary
from app.formatting import money
from app.models import Changes, RemedyRequest
from db import catalog as catalog_db
from db import followups as followups_db
from db.incidents import count_incidents
from ui import counter_tiles
from ui.counter import CATEGORIES, REMEDIES

pytestmark = pytest.mark.gui


@pytest.fixture
def page(window):
    return window.page("counter")


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.LeftButton)


def two_taps(qtbot, page, category: str, remedy: str) -> None:
    tap(qtbot, page.category_tile(category))
    tap(qtbot, page.remedy_step.tile_for(remedy))


def incident_rows(ctx) -> list[dict]:
    return list(ctx.db["incidents"].rows_where(order_by="id"))


def given_rows(ctx, incident_id: int) -> list[dict]:
    return list(ctx.db["incident_remedies"].rows_where("incident_id = ?", [incident_id],
                                                       order_by="id"))


def test_main_window_opens_on_the_counter_with_a_tile_per_category(window, page, ctx):
    assert window.current_page() == "counter"
    labels = [tile.title() for tile in page.category_tiles()]
    assert labels == [c.label for c in catalog.categories(ctx)]
    assert "Cold food" in labels and page.step == CATEGORIES


def test_two_taps_log_the_incident_with_category_remedy_value_staff_and_time(
        qtbot, page, ctx, people):
    two_taps(qtbot, page, "cold_food", "remake")

    [row] = incident_rows(ctx)
    assert row["category_label"] == "Cold food"
    assert row["staff_id"] == people["Sam"]
    assert row["occurred_at"] == "2026-11-16T11:00:00+00:00"
    assert row["voided_at"] is None
    assert [(g["label"], g["amount_minor"]) for g in given_rows(ctx, row["id"])] == [
        ("Remake", 12000)]
    [followup] = followups_db.followups_for_incident(ctx.db, row["id"])
    assert followup["due_at"] == "2026-11-16T11:05:00+00:00"
    bar = page.confirm_bar
    assert bar.isVisible() and not bar.is_flagged()
    assert "Cold food — Remake" in bar.title_label.text()
    assert "120,00" in bar.line_label.text() and "12:05" in bar.line_label.text()
    assert page.step == CATEGORIES


def test_remedy_step_says_the_apology_line_and_shows_the_suggested_remedy_first(
        qtbot, page, ctx):
    tap(qtbot, page.category_tile("cold_food"))

    assert page.step == REMEDIES
    apology = catalog.category_by_code(ctx, "cold_food").apology
    assert page.remedy_step.say_label.text() == f"Say this: “{apology}”"
    assert page.remedy_step.say_label.isVisible()
    first = page.remedy_step.tiles()[0]
    shown = {key: piece.text for key, piece in first.pieces().items()}
    assert shown == {"number": "1", "badge": "Suggested", "title": "Remake",
                     "sub": money(12000, "NOK", "nb_NO")}
    refund = page.remedy_step.tile_for("refund")
    assert refund.pieces()["lock"].text == "PIN" and "PIN" in refund.accessibleDescription()
    assert count_incidents(ctx.db, ctx.store_id) == 0


def test_back_returns_to_the_failure_tiles_and_saves_nothing(qtbot, page, ctx):
    tap(qtbot, page.category_tile("long_wait"))
    tap(qtbot, page.back_button)

    assert page.step == CATEGORIES
    assert count_incidents(ctx.db, ctx.store_id, include_voided=True) == 0


def test_undo_takes_the_incident_out_of_every_figure(qtbot, page, ctx, clock):
    two_taps(qtbot, page, "wrong_order", "remake")
    [row] = incident_rows(ctx)
    clock.advance(seconds=20)

    tap(qtbot, page.confirm_bar.undo_button)

    assert ctx.db["incidents"].get(row["id"])["voided_at"] == "2026-11-16T11:00:20+00:00"
    assert count_incidents(ctx.db, ctx.store_id) == 0
    assert summary.weekly_summary(ctx, "2026-W47").this.incidents == 0
    assert not page.confirm_bar.isVisible()
    assert "Undone" in page.status()


def test_undo_counts_down_once_a_second_then_the_incident_is_final(qtbot, page, ctx, clock):
    two_taps(qtbot, page, "cold_food", "free_drink")
    bar = page.confirm_bar
    assert bar.timer.interval() == 1000 and bar.timer.isActive()
    assert bar.undo_button.text() == "Undo (60 s)"

    clock.advance(seconds=45)
    bar.timer.timeout.emit()
    assert bar.undo_button.text() == "Undo (15 s)" and bar.isVisible()

    clock.advance(seconds=15)
    bar.timer.timeout.emit()
    assert not bar.isVisible() and not bar.timer.isActive()
    assert count_incidents(ctx.db, ctx.store_id) == 1  # final: still counted


def test_plus_collects_several_remedies_and_done_logs_them_together(qtbot, page, ctx):
    tap(qtbot, page.category_tile("cold_food"))
    step = page.remedy_step
    tap(qtbot, step.tile_for("remake").add_button)
    tap(qtbot, step.tile_for("free_dessert").add_button)
    assert count_incidents(ctx.db, ctx.store_id) == 0
    assert step.pending_bar.isVisible()
    assert "Remake + Free dessert" in step.pending_label.text()
    assert "185,00" in step.pending_label.text()

    tap(qtbot, step.done_button)

    [row] = incident_rows(ctx)
    assert [(g["label"], g["amount_minor"]) for g in given_rows(ctx, row["id"])] == [
        ("Remake", 12000), ("Free dessert", 6500)]
    assert "185,00" in page.confirm_bar.line_label.text()


def test_a_tap_while_collecting_adds_or_removes_instead_of_logging(qtbot, page, ctx):
    tap(qtbot, page.category_tile("long_wait"))
    step = page.remedy_step
    tap(qtbot, step.tile_for("free_drink").add_button)
    tap(qtbot, step.tile_for("apology"))
    tap(qtbot, step.tile_for("free_drink"))

    assert [r.code for r in step.pending] == ["apology"]
    assert step.tile_for("apology").is_picked() and not step.tile_for("free_drink").is_picked()
    assert count_incidents(ctx.db, ctx.store_id) == 0


def test_long_press_on_a_remedy_adds_it_to_the_list(qtbot, page, ctx, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(counter_tiles, "monotonic", lambda: now[0])
    tap(qtbot, page.category_tile("cold_food"))
    tile = page.remedy_step.tile_for("free_dessert")
    centre = QPoint(tile.width() // 2, tile.height() // 2)

    qtbot.mousePress(tile, Qt.LeftButton, pos=centre)
    now[0] += 0.8
    qtbot.mouseRelease(tile, Qt.LeftButton, pos=centre)

    assert [r.code for r in page.remedy_step.pending] == ["free_dessert"]
    assert count_incidents(ctx.db, ctx.store_id) == 0


def test_details_filled_before_the_taps_go_with_the_next_incident(qtbot, page, ctx):
    tap(qtbot, page.details_toggle)
    panel = page.details
    qtbot.keyClicks(panel.table_edit, "7")
    qtbot.keyClicks(panel.guest_edit, "Kari Nordmann")
    qtbot.keyClicks(panel.note_edit, "Soup was lukewarm")

    two_taps(qtbot, page, "cold_food", "remake")

    [row] = incident_rows(ctx)
    assert (row["table_ref"], row["guest_name"], row["note"]) == (
        "7", "Kari Nordmann", "Soup was lukewarm")
    assert panel.mode == "last" and panel.incident_id == row["id"]


def test_details_right_after_the_taps_edit_the_incident_just_logged(qtbot, page, ctx, clock):
    two_taps(qtbot, page, "missing_item", "apology")
    [row] = incident_rows(ctx)
    tap(qtbot, page.confirm_bar.details_button)
    panel = page.details
    assert panel.isVisible() and panel.mode == "last"
    clock.advance(minutes=3)

    qtbot.keyClicks(panel.table_edit, "12")
    qtbot.keyClicks(panel.contact_edit, "+47 912 34 567")
    tap(qtbot, panel.save_button)

    saved = ctx.db["incidents"].get(row["id"])
    assert (saved["table_ref"], saved["guest_contact"]) == ("12", "+47 912 34 567")
    assert panel.message() == "Details saved."


def test_details_after_the_edit_window_are_refused_with_a_clear_message(
        qtbot, page, ctx, clock):
    two_taps(qtbot, page, "dirty_table", "apology")
    [row] = incident_rows(ctx)
    tap(qtbot, page.details_toggle)
    clock.advance(minutes=16)
    qtbot.keyClicks(page.details.table_edit, "3")
    tap(qtbot, page.details.save_button)

    assert ctx.db["incidents"].get(row["id"])["table_ref"] is None
    assert "final" in page.details.message()


def test_severe_incident_shows_call_the_manager_now_and_is_due_at_once(qtbot, page, ctx):
    tap(qtbot, page.details_toggle)
    tap(qtbot, page.details.severity_buttons["high"])
    two_taps(qtbot, page, "cold_food", "remake")

    [row] = incident_rows(ctx)
    assert row["severity"] == "high"
    [followup] = followups_db.followups_for_incident(ctx.db, row["id"])
    assert followup["due_at"] == row["occurred_at"]
    bar = page.confirm_bar
    assert bar.is_flagged() and bar.flag_label.isVisible()
    assert bar.flag_label.text() == "Call the manager now — severe failure"


def test_repeat_guest_shows_call_the_manager_now(qtbot, page, ctx, clock, people):
    earlier = catalog.category_by_code(ctx, "long_wait")
    incidents.log_incident(ctx, category_id=earlier.id, staff_id=people["Sam"],
                           remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "apology").id)],
                           guest_contact="ana@example.com", severity="low")
    clock.advance(days=3)
    tap(qtbot, page.details_toggle)
    qtbot.keyClicks(page.details.contact_edit, "ana@example.com")
    two_taps(qtbot, page, "cold_food", "remake")

    row = incident_rows(ctx)[-1]
    assert row["repeat_guest"] == 1
    assert page.confirm_bar.is_flagged()
    assert "repeat guest" in page.confirm_bar.flag_label.text()
    assert "30 days" in page.confirm_bar.flag_label.text()


def test_a_guest_named_right_after_the_taps_can_turn_it_into_a_flag(
        qtbot, page, ctx, clock, people):
    incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "long_wait").id,
                           remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "apology").id)],
                           staff_id=people["Sam"], guest_name="Jana Novakova", severity="low")
    clock.advance(hours=2)
    two_taps(qtbot, page, "cold_food", "remake")
    assert not page.confirm_bar.is_flagged()
    tap(qtbot, page.confirm_bar.details_button)
    qtbot.keyClicks(page.details.guest_edit, "Jana Novakova")
    tap(qtbot, page.details.save_button)

    assert page.confirm_bar.is_flagged()
    assert "repeat guest" in page.confirm_bar.flag_label.text()


def test_a_catalog_change_rebuilds_the_tiles_without_a_restart(qtbot, window, page, ctx):
    catalog_db.insert_category(ctx.db, ctx.store_id, {
        "code": "no_cutlery", "label": "No cutlery", "icon": "other",
        "apology": "I'm sorry, here you go.", "followup_minutes": 5,
        "default_severity": "low", "position": 99})
    window.controller.announce(Changes(catalog=True))

    assert page.category_tiles()[-1].title() == "No cutlery"
    tap(qtbot, page.category_tiles()[-1])
    tap(qtbot, page.remedy_step.tile_for("apology"))
    assert incident_rows(ctx)[-1]["category_label"] == "No cutlery"


class _Shouting:
    """A stand-in catalog that marks every translated string, to see what re-translates."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


def test_a_language_switch_re_words_the_visible_texts(qtbot, window, page, monkeypatch):
    two_taps(qtbot, page, "cold_food", "remake")
    tap(qtbot, page.category_tile("long_wait"))
    monkeypatch.setattr(i18n, "_translations", _Shouting())

    window.controller.language_changed.emit("xx")

    assert page.heading.text() == "«{category}: what are you giving?»".format(
        category="«Long wait»")
    assert page.back_button.text() == "«Back»"
    assert page.remedy_step.tile_for("remake").title() == "«Remake»"
    assert page.remedy_step.say_label.text().startswith("«Say this")
    assert page.confirm_bar.undo_button.text().startswith("«Undo")
    assert page.details_toggle.text() == "«Details»"


def test_the_logged_time_follows_the_injected_clock(qtbot, page, ctx, clock):
    clock.advance(hours=7, minutes=12)
    two_taps(qtbot, page, "billing_error", "apology")
    row = incident_rows(ctx)[-1]
    assert row["occurred_at"] == "2026-11-16T18:12:00+00:00"
    assert timedelta(minutes=5) == timedelta(minutes=catalog.category_by_code(
        ctx, "billing_error").followup_minutes)
    assert "19:17" in page.confirm_bar.line_label.text()  # Oslo time of the follow-up
