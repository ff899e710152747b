"""A tap is never lost: the database locked by another writer for longer than the tap may
wait, or the disk full, while the cashier taps in the real counter widget (fake timers).

The bar says "Not saved yet — trying again", the tap is kept in the outbox next to the
database, and the retry timer (fired by hand) saves it exactly once; a restart with a
kept tap saves it once; the event loop never waits on the database for 100 ms.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from typing import NamedTuple

import pytest
from PySide6.QtCore import Qt

from app import approval, catalog, staff
from app.context import open_context
from app.models import Role
from app.setup import init_store
from db.outbox import Outbox, outbox_path
from tests.conftest import MANAGER_PIN, OWNER_PIN
from ui.controller import Controller
from ui.counter import CounterPage

pytestmark = pytest.mark.gui
# The tap handler may hold the event loop this long. Wall time on a machine busy with other
# work (2 cores, several test runs) is the handler's own time plus whatever preemption hits
# it: each tap must stay far below the old 5 s freeze (NO_FREEZE_MS), and the best of the
# locked taps in a test - the handler's own time - within 100 ms, or within 3x the best
# plain first tap (failure tile -> remedy tiles, no write) when even that is slow.
STALL_MS = 100
NO_FREEZE_MS = 1000  # far below the 5 s the counter used to freeze, on any machine


@pytest.fixture
def path(tmp_path):
    return tmp_path / "store.db"


def file_store(path, clock):
    """The Fjord Kafé store of conftest's ``ctx``, in a database file at ``path``."""
    ctx = open_context(path, clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo",
               owner_name="Ingrid", owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    return ctx


@pytest.fixture
def file_ctx(path, clock):
    ctx = file_store(path, clock)
    yield ctx
    ctx.db.close()


def counter(qtbot, ctx, timers) -> CounterPage:
    controller = Controller(ctx)
    controller.set_current_staff(controller.default_staff())
    page = CounterPage(controller, timers)
    page.start_retry()  # as the app does right after the counter's first paint
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def timed_tap(qtbot, widget) -> float:
    """Click ``widget``; the ms the click's handler held the event loop."""
    start = time.monotonic()
    qtbot.mouseClick(widget, Qt.LeftButton)
    return (time.monotonic() - start) * 1000


class Taps(NamedTuple):
    first: float   # ms: failure tile -> remedy tiles (no database write: the floor)
    second: float  # ms: remedy tile -> saved or kept (the handler that writes)


def held_the_loop(taps: list[Taps]) -> str:
    """"" when the locked ``taps`` kept to the budget (see STALL_MS), else why not; the
    100 ms budget needs three taps at least (one sample says little on a busy machine)."""
    worst = max(t.second for t in taps)
    if worst >= NO_FREEZE_MS:
        return f"a tap held the event loop for {worst:.0f} ms"
    if len(taps) < 3:
        return ""
    best, floor = min(t.second for t in taps), min(t.first for t in taps)
    budget = max(STALL_MS, 3 * floor)
    if best < budget:
        return ""
    return (f"the tap held the event loop for {best:.0f} ms at best (budget {budget:.0f} "
            f"ms: {STALL_MS} ms, or 3x the first tap's {floor:.0f} ms on a busy machine)")


def two_taps(qtbot, page, category: str, remedy: str) -> Taps:
    first = timed_tap(qtbot, page.category_tile(category))
    return Taps(first, timed_tap(qtbot, page.remedy_step.tile_for(remedy)))


class WriteLock:
    """Another program holding the database's write lock (a long import)."""

    def __init__(self, path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def drain(timer) -> None:
    """Fire the retry timer by hand until it stops: a long queue takes a few turns."""
    for _turn in range(20):
        timer.fire()
        if not timer.isActive() or timer.interval() != 0:
            return


def rows(ctx) -> list[dict]:
    return list(ctx.db.query("SELECT id, uid, category_label, occurred_at FROM incidents "
                             "ORDER BY id"))


def outbox(path) -> Outbox:
    return Outbox(outbox_path(path))


def test_a_tap_while_another_writer_holds_the_lock_is_kept_then_saved_exactly_once(
        qtbot, file_ctx, path, clock, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    two_taps(qtbot, page, "long_wait", "free_drink")
    assert page.confirm_bar.isVisible()  # the previous tap: "Logged"
    tapped_at = clock.now()

    lock = WriteLock(path)
    taps = two_taps(qtbot, page, "cold_food", "remake")

    assert not held_the_loop([taps]), held_the_loop([taps])
    bar = page.pending_bar
    assert bar.isVisible() and bar.title_label.text() == "Not saved yet — trying again"
    assert "Cold food — Remake" in bar.line_label.text()
    assert "busy with another program" in bar.reason_label.text()
    assert not page.confirm_bar.isVisible(), "the last tap's Logged bar is still up"
    assert page.step == "categories"
    assert [r["category_label"] for r in rows(file_ctx)] == ["Long wait"]
    [kept] = outbox(path).entries()
    timer = page.taps.timer
    assert timer.isActive() and timer.single_shot and timer.interval() >= 1000

    clock.advance(seconds=3)
    timer.fire()  # still locked: kept, and the next try waits longer
    assert bar.isVisible() and len(rows(file_ctx)) == 1
    assert timer.isActive() and timer.interval() > 1000

    lock.release()
    clock.advance(seconds=5)
    timer.fire()

    saved = rows(file_ctx)
    assert [r["category_label"] for r in saved] == ["Long wait", "Cold food"]
    assert saved[1]["uid"] == kept["uid"]
    assert saved[1]["occurred_at"] == tapped_at.isoformat()  # the tap's time, not the retry's
    assert not bar.isVisible()
    assert "Cold food — Remake" in page.confirm_bar.title_label.text()
    assert page.status() == "Saved now: Cold food — Remake, tapped at 12:00."
    assert outbox(path).entries() == [] and not timer.isActive()
    page.taps.retry_now()  # once more: nothing is written twice
    assert len(rows(file_ctx)) == 2


def test_every_tap_while_locked_waits_in_order_and_each_is_saved_once(
        qtbot, file_ctx, path, clock, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    lock = WriteLock(path)
    taps = []
    for category, remedy in (("cold_food", "remake"), ("long_wait", "free_drink"),
                             ("wrong_order", "remake")):
        taps.append(two_taps(qtbot, page, category, remedy))
        clock.advance(seconds=20)
    assert not held_the_loop(taps), held_the_loop(taps)
    assert "3 taps waiting" in page.pending_bar.line_label.text()
    assert "Wrong order — Remake" in page.pending_bar.line_label.text()
    lock.release()
    drain(page.taps.timer)
    assert [r["category_label"] for r in rows(file_ctx)] == [
        "Cold food", "Long wait", "Wrong order"]
    assert len({r["uid"] for r in rows(file_ctx)}) == 3
    assert not page.pending_bar.isVisible()
    assert page.status() == ("Saved now: Cold food — Remake, tapped at 12:00; Long wait — "
                             "Free drink, tapped at 12:00; Wrong order — Remake, tapped at "
                             "12:00.")
    assert "Wrong order — Remake" in page.confirm_bar.title_label.text()


def test_a_restart_with_a_kept_tap_saves_it_once(qtbot, path, clock, fake_timers):
    ctx = file_store(path, clock)
    page = counter(qtbot, ctx, fake_timers)
    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    two_taps(qtbot, page, "long_wait", "free_drink")
    [first, second] = outbox(path).entries()
    page.close()
    ctx.db.close()  # the app is closed (or killed) while the taps wait
    lock.release()

    from app.pending import TapSaver, apply

    # The first one reached the database just before the old process died: the outbox
    # still has it, and it must not be written twice.
    crashed = open_context(path, clock)
    saver = TapSaver.for_database(crashed)
    apply(crashed, saver.waiting()[0])
    crashed.db.close()

    clock.advance(minutes=10)
    ctx = open_context(path, clock)
    page = counter(qtbot, ctx, fake_timers)
    assert page.pending_bar.isVisible()
    assert "2 taps waiting" in page.pending_bar.line_label.text()
    timer = page.taps.timer
    assert timer.isActive() and timer.interval() == 0  # tried as soon as the counter is up
    drain(timer)

    saved = rows(ctx)
    assert [r["uid"] for r in saved] == [first["uid"], second["uid"]]
    assert outbox(path).entries() == [] and not page.pending_bar.isVisible()
    ctx.db.close()
    again = open_context(path, clock)
    page = counter(qtbot, again, fake_timers)
    assert not page.taps.timer.isActive() and len(rows(again)) == 2
    again.db.close()


def test_disk_full_says_so_keeps_the_tap_and_saves_it_when_there_is_room(
        qtbot, file_ctx, path, clock, fake_timers):
    from app import incidents
    from app.models import RemedyRequest

    page = counter(qtbot, file_ctx, fake_timers)
    conn = file_ctx.db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")  # the disk is full at this size
    cold, remake = (catalog.category_by_code(file_ctx, "cold_food"),
                    catalog.remedy_by_code(file_ctx, "remake"))
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for _i in range(10_000):  # fill what room the last pages have
            incidents.log_incident(file_ctx, category_id=cold.id,
                                   remedies=[RemedyRequest(remake.id)], staff_id=None)
    before = len(rows(file_ctx))

    taps = [two_taps(qtbot, page, "cold_food", "remake") for _tap in range(3)]
    assert not held_the_loop(taps), held_the_loop(taps)

    bar = page.pending_bar
    assert bar.isVisible() and bar.title_label.text() == "Not saved yet — trying again"
    assert bar.reason_label.text().startswith(
        "The disk is full. Tell the manager to free some space on this computer")
    kept = outbox(path).entries()
    assert len(kept) == 3 and len(rows(file_ctx)) == before

    conn.execute("PRAGMA max_page_count=1073741823")  # room again
    drain(page.taps.timer)
    assert [r["uid"] for r in rows(file_ctx)[before:]] == [k["uid"] for k in kept]
    assert not bar.isVisible()


def test_a_tap_kept_only_in_memory_says_keep_the_app_open(
        qtbot, file_ctx, path, clock, fake_timers, monkeypatch):
    page = counter(qtbot, file_ctx, fake_timers)

    def no_room(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(page.taps.saver.outbox, "add", no_room)
    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    assert "kept only in this app's memory" in page.pending_bar.reason_label.text()
    lock.release()
    page.taps.timer.fire()
    assert [r["category_label"] for r in rows(file_ctx)] == ["Cold food"]
    assert not page.pending_bar.isVisible()


def test_an_approval_given_at_the_tap_still_counts_when_the_retry_is_much_later(
        qtbot, file_ctx, path, clock, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    marco = staff.find_by_name(file_ctx, "Marco")
    grant = approval.authorize(file_ctx, MANAGER_PIN)
    qtbot.mouseClick(page.category_tile("cold_food"), Qt.LeftButton)
    refund = page.remedy_step.tile_for("refund")  # above its threshold: needs the PIN
    lock = WriteLock(path)
    page.give([catalog.remedy_by_code(file_ctx, "refund")], grant)
    assert refund is not None and page.pending_bar.isVisible()

    clock.advance(minutes=30)  # far past the approval's validity
    lock.release()
    page.taps.timer.fire()
    [row] = list(file_ctx.db.query(
        "SELECT r.approved_by, i.occurred_at FROM incident_remedies r "
        "JOIN incidents i ON i.id = r.incident_id"))
    assert row["approved_by"] == marco.id
    assert row["occurred_at"] == (clock.now() - timedelta(minutes=30)).isoformat()
    assert not page.pending_bar.isVisible() and "Refund" in page.status()


def test_the_pin_pad_says_when_the_pin_could_not_be_checked(
        qtbot, file_ctx, path, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    taps = two_taps(qtbot, page, "cold_food", "refund")
    assert page.step == "pin"
    lock = WriteLock(path)
    page.pinpad.entry.setText(MANAGER_PIN)
    check = Taps(taps.first, timed_tap(qtbot, page.pinpad.ok_button))
    assert not held_the_loop([check]), held_the_loop([check])
    assert "The PIN was not checked" in page.pinpad.message_label.text()
    lock.release()
    page.pinpad.entry.setText(MANAGER_PIN)
    page.pinpad.submit()
    assert [r["category_label"] for r in rows(file_ctx)] == ["Cold food"]


def test_undo_while_locked_says_tap_undo_again(qtbot, file_ctx, path, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    two_taps(qtbot, page, "cold_food", "remake")
    lock = WriteLock(path)
    qtbot.mouseClick(page.confirm_bar.undo_button, Qt.LeftButton)
    assert "Not undone yet: tap Undo again" in page.status()
    assert page.confirm_bar.isVisible()
    lock.release()
    qtbot.mouseClick(page.confirm_bar.undo_button, Qt.LeftButton)
    assert page.status().startswith("Undone")


def test_an_idle_counter_has_no_retry_timer(qtbot, file_ctx, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    assert not page.taps.timer.isActive()
    assert not (outbox_path(file_ctx.db.conn.execute("PRAGMA database_list").fetchone()[2])
                ).exists(), "no outbox file until a tap needs it"


def test_an_outcome_or_a_voucher_while_locked_says_not_saved_at_once(
        qtbot, file_ctx, path, clock, fake_timers):
    from app import incidents
    from app.models import Outcome, RemedyRequest
    from ui.outcome import OutcomeDialog
    from ui.voucher_redeem import VoucherRedeem

    logged = incidents.log_incident(
        file_ctx, category_id=catalog.category_by_code(file_ctx, "long_wait").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(file_ctx, "voucher").id)],
        staff_id=None)
    controller = Controller(file_ctx)
    dialog = OutcomeDialog(controller, logged.followup.id)
    field = VoucherRedeem(controller)
    qtbot.addWidget(dialog)
    qtbot.addWidget(field)
    from ui.outcome import CHOOSE, WHO

    if dialog.stack.currentIndex() == WHO:  # who checked back: Marco, with his PIN
        dialog.who_switch.tile_for("Marco").click()
        dialog.pinpad.entry.setText(MANAGER_PIN)
        dialog.pinpad.ok_button.click()
    assert dialog.stack.currentIndex() == CHOOSE
    lock = WriteLock(path)

    start = time.monotonic()
    dialog.choose(Outcome.DELIGHTED)
    field.code_edit.setText(logged.voucher_codes[0])
    field.redeem()
    assert (time.monotonic() - start) * 1000 < NO_FREEZE_MS

    busy = ("The database is busy with another program (an import or a backup). Nothing was "
            "saved: try again in a moment.")
    assert dialog.message_label.text() == busy and field.message() == busy
    lock.release()
    row = next(iter(file_ctx.db.query("SELECT outcome FROM followups")))
    assert row["outcome"] is None
    dialog.choose(Outcome.DELIGHTED)
    assert next(iter(file_ctx.db.query("SELECT outcome FROM followups")))["outcome"] == (
        "delighted")


def test_details_typed_before_a_kept_tap_go_with_it(qtbot, file_ctx, path, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    page.details_toggle.click()
    page.details.table_edit.setText("7")
    page.details.guest_edit.setText("Kari Nordmann")
    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    assert page.details.table_edit.text() == "" and page.details.mode == "next"
    lock.release()
    page.taps.timer.fire()
    [row] = list(file_ctx.db.query("SELECT table_ref, guest_name FROM incidents"))
    assert row == {"table_ref": "7", "guest_name": "Kari Nordmann"}


def test_a_restart_with_many_kept_taps_saves_them_a_few_per_turn(
        qtbot, file_ctx, path, clock, fake_timers):
    from app import pending
    from app.models import RemedyRequest

    saver = pending.TapSaver.for_database(file_ctx)
    cold, remake = (catalog.category_by_code(file_ctx, "cold_food"),
                    catalog.remedy_by_code(file_ctx, "remake"))
    for _i in range(30):
        saver._keep(pending.incident_tap(file_ctx, category_id=cold.id, staff_id=None,
                                         remedies=[RemedyRequest(remake.id)]), pending.BUSY)
        clock.advance(seconds=10)
    saver.close()

    page = counter(qtbot, file_ctx, fake_timers)
    timer = page.taps.timer
    saved = 0
    while timer.isActive():
        assert timer.interval() == 0  # the next turn, not a backoff: nothing failed
        start = time.monotonic()
        timer.fire()
        assert (time.monotonic() - start) * 1000 < NO_FREEZE_MS
        assert len(rows(file_ctx)) > saved
        saved = len(rows(file_ctx))
    assert saved == 30 and len({r["uid"] for r in rows(file_ctx)}) == 30
    assert not page.pending_bar.isVisible()


def test_the_retry_timer_is_never_faster_than_once_a_second_and_stops_when_saved(
        qtbot, file_ctx, path):
    from PySide6.QtCore import QTimer

    from tests.conftest import shown_main_window

    window = shown_main_window(qtbot, file_ctx)  # real QTimers
    page = window.page("counter")

    def active() -> list[QTimer]:
        return [t for t in window.findChildren(QTimer) if t.isActive()]

    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    assert page.taps.timer in active()
    assert all(t.interval() >= 1000 for t in active())
    lock.release()
    page.taps.retry_now()
    assert page.taps.timer not in active() and len(rows(file_ctx)) == 1
    assert all(t.interval() >= 1000 for t in active())


def test_the_app_started_on_a_database_with_a_kept_tap_saves_it_once(tmp_path, path, clock):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from app import pending
    from app.models import RemedyRequest

    ctx = file_store(path, clock)
    saver = pending.TapSaver.for_database(ctx)
    tap = pending.incident_tap(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id, staff_id=None,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    saver._keep(tap, pending.BUSY)
    saver.close()
    ctx.db.close()
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, COMEBACK_BENCH_READY="1", QT_QPA_PLATFORM="offscreen")
    for _run in range(2):  # the real app, started twice; it quits once ready
        done = subprocess.run([sys.executable, "-m", "ui.entry", "--db", str(path)],
                              capture_output=True, text=True, env=env, cwd=root, timeout=60)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT uid, occurred_at FROM incidents").fetchall() == [
        (tap.uid, clock.now().isoformat())]
    conn.close()
    assert outbox(path).entries() == []


def test_undo_on_the_amber_bar_takes_a_waiting_tap_back(qtbot, file_ctx, path, clock,
                                                        fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    clock.advance(seconds=20)
    two_taps(qtbot, page, "long_wait", "free_drink")  # the wrong one
    bar = page.pending_bar
    assert "Long wait — Free drink" in bar.line_label.text() and bar.undo_button.isVisible()

    qtbot.mouseClick(bar.undo_button, Qt.LeftButton)

    assert page.status() == "Undone: Long wait — Free drink is not saved."
    assert "Cold food — Remake" in bar.line_label.text() and "waiting" not in (
        bar.line_label.text())
    lock.release()
    page.taps.timer.fire()
    assert [r["category_label"] for r in rows(file_ctx)] == ["Cold food"]
    assert outbox(path).entries() == [] and not bar.isVisible()


def test_a_severe_failure_says_call_the_manager_now_even_when_not_saved_yet(
        qtbot, file_ctx, path, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    assert not page.pending_bar.flag_label.isVisible()
    two_taps(qtbot, page, "foreign_object", "comp_item")  # severe by default
    bar = page.pending_bar
    assert bar.flag_label.isVisible()
    assert bar.flag_label.text() == "Call the manager now — severe failure"
    lock.release()


def test_the_reminder_check_while_locked_does_not_freeze_and_tries_again(
        qtbot, file_ctx, path, clock, fake_timers):
    from app import incidents
    from app.models import RemedyRequest
    from ui.scheduler import ReminderScheduler

    controller = Controller(file_ctx)
    scheduler = ReminderScheduler(controller, timer_factory=fake_timers)
    incidents.log_incident(
        file_ctx, category_id=catalog.category_by_code(file_ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(file_ctx, "remake").id)],
        staff_id=None)
    clock.advance(minutes=6)
    due, errors = [], []
    scheduler.due.connect(due.append)
    controller.error.connect(errors.append)
    lock = WriteLock(path)
    start = time.monotonic()
    scheduler.start()
    assert (time.monotonic() - start) * 1000 < NO_FREEZE_MS
    assert due == [] and "busy with another program" in errors[0]
    assert scheduler.timer.isActive() and scheduler.timer.interval() >= 1000
    lock.release()
    scheduler.timer.fire()
    assert len(due) == 1


def test_the_amber_bar_follows_a_language_switch(qtbot, file_ctx, path, fake_timers):
    page = counter(qtbot, file_ctx, fake_timers)
    lock = WriteLock(path)
    two_taps(qtbot, page, "cold_food", "remake")
    page.controller.set_language("nb")
    assert page.pending_bar.title_label.text() == "Ikke lagret ennå – prøver igjen"
    assert page.pending_bar.undo_button.text() == "Angre"
    lock.release()
