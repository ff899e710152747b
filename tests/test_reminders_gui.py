"""The banner, the outcome step, the queue and the voucher field, driven like a manager would,
with fake timers fired by hand and a fixed clock; checked on screen and in the database."""

from __future__ import annotations

import gettext
import sys
import types
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app import catalog, followups, i18n, incidents, staff
from app.context import Context
from app.models import RemedyRequest
from app.setup import init_store
from db.connection import open_database
from tests.conftest import MANAGER_PIN, OWNER_PIN
from ui import alerts as alerts_mod
from ui.alerts import Alerter
from ui.controller import Controller
from ui.main_window import MainWindow
from ui.outcome import CHOOSE, DONE, MORE, PIN, WHO, OutcomeDialog
from ui.reminders import install_reminders

pytestmark = pytest.mark.gui


def quiet_alerter() -> Alerter:
    return Alerter(multimedia=lambda: None, tray_available=lambda: False)


@pytest.fixture
def window(ctx, qtbot, fake_timers, people):
    controller = Controller(ctx)
    controller.set_current_staff(staff.get_staff(ctx, people["Marco"]))
    win = MainWindow(controller)
    win.add_page("counter", QLabel("counter"), lambda: "Counter")
    win.reminders = install_reminders(win, timer_factory=fake_timers, alerter=quiet_alerter())
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    return win


def _log(window, people, code="cold_food", remedies=("remake",), **extra):
    ctx = window.controller.ctx
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, c).id) for c in remedies],
        **extra)
    window.controller.announce(logged.changes)
    return logged


def _fire(window):
    window.reminders.scheduler.timer.fire()


def _dialog(window, checker: str = "Marco", pin: str = MANAGER_PIN) -> OutcomeDialog:
    """The open outcome dialog, with ``checker`` (who checked back) past its name and PIN."""
    dialogs = [d for d in window.findChildren(OutcomeDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    if dialog.stack.currentIndex() == WHO:
        dialog.who_switch.tile_for(checker).click()
        dialog.pinpad.entry.setText(pin)
        dialog.pinpad.ok_button.click()
        assert dialog.stack.currentIndex() == CHOOSE, dialog.pinpad.message()
    return dialog


def _row(ctx, followup_id):
    return ctx.db["followups"].get(followup_id)


# -- the banner -----------------------------------------------------------------------------

def test_banner_appears_when_the_timer_fires(window, clock, people, qtbot):
    banner = window.reminders.banner
    _log(window, people, remedies=("remake", "free_dessert"), table_ref="7",
         guest_name="Kari Nordmann")
    assert not banner.isVisible()
    clock.advance(minutes=5)
    _fire(window)
    assert banner.isVisible()
    assert banner.headline_label.text() == "Table 7 · Kari Nordmann — Cold food"
    assert banner.given_label.text().startswith("Given: Remake (")
    assert "Free dessert" in banner.given_label.text()
    assert banner.ago_label.text() == "5 minutes ago"
    assert banner.say_label.text() == ("Say: “How is your new plate? Is it just right this "
                                       "time?”")
    assert window.reminders.alerter.announced == 1
    assert window.reminders.alerter.last_sound == "beep"


def test_escalated_banner_is_red_and_names_the_owner(window, clock, people):
    banner = window.reminders.banner
    _log(window, people, table_ref="4")
    clock.advance(minutes=5)
    _fire(window)
    assert banner.property("level") == "normal"
    clock.advance(minutes=window.controller.ctx.settings().followup_grace_minutes)
    _fire(window)
    assert banner.property("level") == "escalated"
    assert "for the owner (Ingrid)" in banner.tag_label.text()
    assert window.reminders.alerter.announced == 2


def test_banner_shows_the_most_urgent_and_how_many_more(window, clock, people):
    _log(window, people, table_ref="1")
    clock.advance(minutes=1)
    _log(window, people, table_ref="2")
    clock.advance(minutes=6)
    _fire(window)
    banner = window.reminders.banner
    assert banner.headline_label.text().startswith("Table 1")
    assert banner.more_button.isVisible() and banner.more_button.text() == "1 more waiting"
    banner.more_button.click()
    assert window.current_page() == "followups"


@pytest.mark.parametrize("minutes", [2, 5, 10])
def test_snooze_from_the_banner_moves_the_reminder(window, clock, people, qtbot, minutes):
    logged = _log(window, people)
    clock.advance(minutes=5)
    _fire(window)
    banner = window.reminders.banner
    qtbot.mouseClick(banner.snooze_buttons[minutes], Qt.LeftButton)
    row = _row(window.controller.ctx, logged.followup.id)
    assert row["snooze_count"] == 1
    assert row["due_at"] == (clock.now() + timedelta(minutes=minutes)).isoformat()
    assert not banner.isVisible()
    assert window.reminders.scheduler.timer.interval() == minutes * 60_000
    clock.advance(minutes=minutes)
    _fire(window)
    assert banner.isVisible()


# -- the outcome step -----------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["delighted", "satisfied", "left"])
def test_outcome_taps_write_the_right_row(window, clock, people, qtbot, outcome):
    from app.models import Outcome

    logged = _log(window, people, table_ref="7")
    clock.advance(minutes=6)
    _fire(window)
    qtbot.mouseClick(window.reminders.banner.outcome_button, Qt.LeftButton)
    dialog = _dialog(window)
    qtbot.keyClicks(dialog.note_edit, "Loved the new plate")
    qtbot.mouseClick(dialog.outcome_buttons[Outcome(outcome)], Qt.LeftButton)
    row = _row(window.controller.ctx, logged.followup.id)
    assert (row["outcome"], row["outcome_note"], row["done_by"]) == (
        outcome, "Loved the new plate", people["Marco"])
    assert row["done_at"] == clock.now().isoformat()
    assert not dialog.isVisible()
    assert not window.reminders.banner.isVisible()


def test_still_unhappy_leads_to_a_further_remedy_with_a_pin_and_a_new_followup(
        window, clock, people, qtbot):
    from app import settings
    from app.models import Outcome

    ctx = window.controller.ctx
    with ctx.db.atomic():  # Marco (who checked back) gives; above his limit: the owner's PIN
        settings.write(ctx.db, ctx.store_id, {"manager_limit": 20000})
    logged = _log(window, people)
    clock.advance(minutes=6)
    _fire(window)
    window.reminders.banner.outcome_button.click()
    dialog = _dialog(window)
    qtbot.mouseClick(dialog.outcome_buttons[Outcome.UNHAPPY], Qt.LeftButton)
    assert _row(ctx, logged.followup.id)["outcome"] == "unhappy"
    assert _row(ctx, logged.followup.id)["done_by"] == people["Marco"]
    assert dialog.stack.currentIndex() == MORE
    qtbot.mouseClick(dialog.remedy_buttons["refund"], Qt.LeftButton)
    assert dialog.stack.currentIndex() == PIN
    qtbot.keyClicks(dialog.pinpad.entry, "1111")
    qtbot.mouseClick(dialog.pinpad.ok_button, Qt.LeftButton)
    assert "not an owner's PIN" in dialog.pinpad.message()
    for digit in OWNER_PIN:
        qtbot.mouseClick(dialog.pinpad.digit_buttons[digit], Qt.LeftButton)
    qtbot.mouseClick(dialog.pinpad.ok_button, Qt.LeftButton)
    assert dialog.stack.currentIndex() == DONE
    given = list(ctx.db["incident_remedies"].rows_where(
        "incident_id = ?", [logged.incident.id], order_by="id"))
    assert [(g["label"], g["approved_by"]) for g in given] == [
        ("Remake", None), ("Refund", people["Ingrid"])]
    new = followups.open_followups(ctx)
    assert len(new) == 1 and new[0].incident_id == logged.incident.id
    assert new[0].due_at == clock.now() + timedelta(minutes=5)
    assert window.reminders.scheduler.timer.interval() == 5 * 60_000
    qtbot.mouseClick(dialog.done_button, Qt.LeftButton)
    assert not dialog.isVisible()


def test_cancelled_pin_gives_nothing_more(window, clock, people, qtbot):
    from app import settings
    from app.models import Outcome

    ctx = window.controller.ctx
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"manager_limit": 20000})
    logged = _log(window, people)
    clock.advance(minutes=6)
    _fire(window)
    window.reminders.banner.outcome_button.click()
    dialog = _dialog(window)
    dialog.outcome_buttons[Outcome.UNHAPPY].click()
    dialog.remedy_buttons["refund"].click()
    qtbot.mouseClick(dialog.pinpad.cancel_button, Qt.LeftButton)
    assert dialog.stack.currentIndex() == MORE
    assert "nothing more was given" in dialog.message_label.text()
    assert ctx.db["incident_remedies"].count_where("incident_id = ?", [logged.incident.id]) == 1
    qtbot.mouseClick(dialog.nothing_button, Qt.LeftButton)
    assert followups.open_followups(ctx) == []


# -- the queue ------------------------------------------------------------------------------

def test_queue_counts_down_and_reorders(window, clock, people, qtbot):
    first = _log(window, people, table_ref="1")                        # due 12:05
    clock.advance(minutes=1)
    second = _log(window, people, "foreign_object", severity="medium",  # due 12:04
                  table_ref="2")
    window.show_page("followups")
    queue = window.reminders.queue
    assert queue.tick_timer.isActive() and queue.tick_timer.interval() == 1000
    assert queue.row_ids() == [second.followup.id, first.followup.id]
    assert queue.rows[0].countdown_label.text() == "due in 3:00"
    clock.advance(seconds=1)
    queue.tick_timer.fire()
    assert queue.rows[0].countdown_label.text() == "due in 2:59"
    assert queue.rows[1].countdown_label.text() == "due in 3:59"
    clock.advance(minutes=3)
    queue.tick_timer.fire()
    assert queue.rows[0].state == "overdue" and queue.rows[1].state == "waiting"
    assert queue.rows[0].countdown_label.text() == "0:01 overdue"
    assert queue.title_label.text() == "Follow-ups: 2 open, 1 due now"
    qtbot.mouseClick(queue.rows[0].snooze_button, Qt.LeftButton)   # 5 min on table 2
    assert queue.row_ids() == [first.followup.id, second.followup.id]
    queue.rows[0].outcome_button.click()
    _dialog(window).outcome_buttons[next(iter(_dialog(window).outcome_buttons))].click()
    assert queue.row_ids() == [second.followup.id]


def test_queue_ticks_only_while_on_screen(window, people):
    _log(window, people)
    queue = window.reminders.queue
    assert not queue.tick_timer.isActive()
    window.show_page("followups")
    assert queue.tick_timer.isActive()
    window.show_page("counter")
    assert not queue.tick_timer.isActive()
    # Idle, every timer of the feature fires at most once a second.
    for timer in (window.reminders.scheduler.backstop, window.reminders.banner.ago_timer):
        assert timer.interval() >= 1000


def test_queue_lists_what_was_left_open_yesterday(window, clock, people):
    _log(window, people, table_ref="9")
    clock.advance(hours=20)                 # Tuesday 08:00 in Oslo
    window.reminders.scheduler.backstop.fire()
    window.show_page("followups")
    queue = window.reminders.queue
    assert queue.row_ids() == []
    assert queue.missed_title.isVisible()
    assert queue.missed_title.text() == "Left open yesterday: 1, counted as missed"
    assert "Table 9 — Cold food" in queue.missed_rows[0].text()


# -- vouchers at the counter ------------------------------------------------------------------

def test_voucher_redeem_field_welcomes_the_guest_back_and_refuses_twice(
        window, clock, people, qtbot):
    logged = _log(window, people, "long_wait", remedies=("voucher",))
    code = logged.voucher_codes[0]
    window.show_page("followups")
    field = window.reminders.queue.voucher
    clock.advance(days=3)
    qtbot.keyClicks(field.code_edit, code.replace("-", "").lower())
    qtbot.keyClick(field.code_edit, Qt.Key_Return)
    assert field.message().startswith(f"Welcome back! Voucher {code}")
    row = next(window.controller.ctx.db["vouchers"].rows_where("code = ?", [code]))
    assert row["redeemed_by"] == people["Marco"]
    assert field.code_edit.text() == ""
    qtbot.keyClicks(field.code_edit, code)
    qtbot.mouseClick(field.redeem_button, Qt.LeftButton)
    assert "already redeemed on" in field.message()
    field.code_edit.clear()
    qtbot.keyClicks(field.code_edit, "KKK-KKK")
    qtbot.keyClick(field.code_edit, Qt.Key_Enter)
    assert field.message().startswith("No voucher with code KKK-KKK")


# -- restart --------------------------------------------------------------------------------

def test_after_a_restart_every_overdue_followup_is_shown_at_once_and_announced_once(
        tmp_path, clock, qtbot):
    from ui.app import build_main_window

    path = tmp_path / "store.db"
    ctx = Context(open_database(path), clock)
    init_store(ctx, store_name="Kafé", preset="restaurant", currency="NOK", locale="nb_NO",
               language="en", timezone="Europe/Oslo", owner_name="Ingrid", owner_pin="4821")
    remake = catalog.remedy_by_code(ctx, "remake").id
    ids = [incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
                                  staff_id=None, remedies=[RemedyRequest(remake)],
                                  table_ref=str(n)).followup.id for n in range(1, 4)]
    ctx.db.close()
    clock.advance(minutes=20)
    seen = []
    for _run in range(2):  # start, "crash", start again
        ctx = Context(open_database(path), clock)
        window = build_main_window(ctx)
        qtbot.addWidget(window)
        reminders = window.reminders
        # Shown before the event loop runs: with the window's first paint.
        assert reminders.banner.isVisibleTo(window)
        assert reminders.banner.more_button.text() == "2 more waiting"
        window.show()
        window.show_page("followups")
        assert reminders.queue.row_ids() == ids
        seen.append(reminders.alerter.announced)
        reminders.scheduler.stop()
        window.close()
        ctx.db.close()
    assert seen == [2, 0]  # escalated + due announced on the first start; nothing again
    db = open_database(path)
    assert db["audit_log"].count_where("action = 'followup.alerted'") == 3
    db.close()


# -- sound and tray degrade quietly -------------------------------------------------------------

def test_without_qtmultimedia_or_a_tray_the_alert_beeps_and_shows_no_tray(qapp, monkeypatch):
    beeps = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import fails
    alerter = Alerter()
    assert alerter.play_sound() == "beep" and beeps == [1]
    assert alerter.notify("Check", "Table 7") is False  # offscreen: no system tray
    assert alerter.tray is None


def test_with_an_audio_device_a_chime_plays_and_a_tray_balloon_shows(qapp, tmp_path,
                                                                     monkeypatch):
    played, messages = [], []

    class FakeEffect:
        def __init__(self, parent):
            self.source = None

        def setSource(self, url):  # noqa: N802
            self.source = url

        def setVolume(self, value):  # noqa: N802
            pass

        def play(self):
            played.append(self.source.toLocalFile())

    class FakeTray:
        def show(self):
            pass

        def showMessage(self, title, body, icon, ms):  # noqa: N802
            messages.append((title, body))

    multimedia = types.SimpleNamespace(
        QMediaDevices=types.SimpleNamespace(audioOutputs=lambda: ["speaker"]),
        QSoundEffect=FakeEffect)
    monkeypatch.setattr(alerts_mod.tempfile, "gettempdir", lambda: str(tmp_path))
    alerter = Alerter(multimedia=lambda: multimedia, tray_available=lambda: True,
                      tray_factory=lambda parent: FakeTray())
    alerter._announce("Time to check on the guest", "Table 7: Cold food")
    assert alerter.last_sound == "chime"
    assert played and played[0].endswith("comeback-chime.wav")
    assert messages == [("Time to check on the guest", "Table 7: Cold food")]


def test_no_audio_output_falls_back_to_the_beep(qapp, monkeypatch):
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: None))
    multimedia = types.SimpleNamespace(
        QMediaDevices=types.SimpleNamespace(audioOutputs=lambda: []), QSoundEffect=None)
    assert Alerter(multimedia=lambda: multimedia).play_sound() == "beep"


# -- language switch ----------------------------------------------------------------------------

class _Marked(gettext.NullTranslations):
    def gettext(self, message):
        return f"«{message}»"


def test_banner_and_queue_retranslate_on_a_language_switch(window, clock, people, monkeypatch):
    _log(window, people, table_ref="7")
    clock.advance(minutes=5)
    _fire(window)
    window.show_page("followups")
    monkeypatch.setattr(i18n, "_translations", _Marked())
    window.controller.language_changed.emit("nb")
    banner, queue = window.reminders.banner, window.reminders.queue
    assert banner.outcome_button.text() == "«Record how it went»"
    assert banner.tag_label.text() == "«Time to check on the guest»"
    assert queue.voucher.redeem_button.text() == "«Redeem»"
    assert queue.rows[0].outcome_button.text() == "«How did it go?»"


def test_a_closed_outcome_step_is_gone_and_a_language_switch_after_it_is_harmless(
        window, clock, people, qtbot):
    _log(window, people)
    clock.advance(minutes=5)
    _fire(window)
    window.reminders.banner.outcome_button.click()
    dialog = _dialog(window)
    with qtbot.waitSignal(dialog.destroyed, timeout=1000):
        qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)  # WA_DeleteOnClose
    window.controller.set_language("en")
    assert window.findChildren(OutcomeDialog) == []
    assert window.reminders.banner.isVisible()
