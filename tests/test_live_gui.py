"""Two counters on one store, each its own window and connection, on one fixed clock with
fake timers: a log on A rings on B when due, a manager on B is "on it" on A, recording on B
clears A's banner, two managers recording at once, and the live connection lost and back.
On SQLite (two windows on one file, woken by the file watcher) and on PostgreSQL (LISTEN on
a dedicated connection watched by the event loop)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from app import staff
from tests.conftest import MANAGER_PIN
from tests.live_helpers import SECOND_MANAGER_PIN, log, make_store, terminal
from ui.alerts import Alerter
from ui.controller import Controller
from ui.live import install_live
from ui.main_window import MainWindow
from ui.outcome import CHOOSE, WHO, OutcomeDialog
from ui.reminders import install_reminders

pytestmark = pytest.mark.gui
WAIT_MS = 20_000  # the longest a wake may take on a loaded machine (usually milliseconds)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "store.db")


def _counter(qtbot, ctx, timers, at_counter: str | None) -> MainWindow:
    controller = Controller(ctx)
    if at_counter:
        member = next(m for m in staff.list_staff(ctx) if m.name == at_counter)
        controller.set_current_staff(member)
    window = MainWindow(controller)
    window.add_page("counter", QLabel("counter"), lambda: "Counter")
    window.reminders = install_reminders(
        window, timer_factory=timers,
        alerter=Alerter(multimedia=lambda: None, tray_available=lambda: False))
    window.live = install_live(window, timer_factory=timers)
    qtbot.waitUntil(lambda: not window.live.connecting, timeout=WAIT_MS)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    return window


@pytest.fixture
def counters(qtbot, target, clock, fake_timers):
    """Counter A (Sam at it) and the manager's terminal B (Marco), same store."""
    a_ctx = make_store(target, clock)
    b_ctx = terminal(target, clock)
    a = _counter(qtbot, a_ctx, fake_timers, "Sam")
    b = _counter(qtbot, b_ctx, fake_timers, "Marco")
    yield a, b
    for window in (a, b):
        window.live.stop()
        window.close()
        window.controller.ctx.db.close()


def _woken(qtbot, window, reads_before: int) -> None:
    """Wait (on the event loop, not a clock) until the window has read the feed up to its
    newest entry (everything committed so far, by any terminal)."""
    from app.changes import newest_id

    ctx = window.controller.ctx
    newest = newest_id(ctx.db, ctx.store_id)
    qtbot.waitUntil(lambda: window.live.reads > reads_before
                    and window.live.last_id >= newest, timeout=WAIT_MS)


def _log_on(window, **extra):
    reads = {w: w.live.reads for w in window.others}
    logged = log(window.controller.ctx, **extra)
    window.controller.announce(logged.changes)
    return logged, reads


def _open_dialog(window) -> OutcomeDialog:
    window.reminders.banner.outcome_button.click()
    dialogs = [d for d in window.findChildren(OutcomeDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def _sign(dialog: OutcomeDialog, name: str, pin: str) -> None:
    assert dialog.stack.currentIndex() == WHO
    dialog.who_switch.tile_for(name).click()
    dialog.pinpad.entry.setText(pin)
    dialog.pinpad.ok_button.click()
    assert dialog.stack.currentIndex() == CHOOSE, dialog.pinpad.message()


def _banner_text(window) -> str:
    banner = window.reminders.banner
    return banner.tag_label.text() if banner.isVisible() else ""


def test_a_log_on_counter_a_rings_on_b_when_due_and_once_everywhere(qtbot, counters, clock):
    a, b = counters
    a.others, b.others = [b], [a]
    reads = b.live.reads
    logged = log(a.controller.ctx)
    a.controller.announce(logged.changes)
    _woken(qtbot, b, reads)
    # B knows of the guest at once: its reminder timer is armed for the due second.
    assert b.reminders.scheduler.timer.isActive()
    assert b.reminders.scheduler.timer.interval() == 5 * 60 * 1000
    assert not b.reminders.banner.isVisible()
    clock.advance(minutes=5)
    reads = a.live.reads
    b.reminders.scheduler.timer.fire()  # B's timer fires first
    assert b.reminders.alerter.announced == 1
    assert _banner_text(b) == "Time to check on the guest"
    # A hears of it from the feed and rings too; its own timer then finds it announced.
    _woken(qtbot, a, reads)
    qtbot.waitUntil(lambda: a.reminders.alerter.announced == 1, timeout=WAIT_MS)
    a.reminders.scheduler.timer.fire()
    assert a.reminders.alerter.announced == 1 and b.reminders.alerter.announced == 1
    assert _banner_text(a) == "Time to check on the guest"
    assert logged.followup.id in [i.id for i in a.reminders.banner.items]


def test_manager_on_b_is_on_it_on_a_and_recording_clears_as_banner(qtbot, counters, clock):
    a, b = counters
    logged = log(a.controller.ctx)
    a.controller.announce(logged.changes)
    clock.advance(minutes=5)
    reads = b.live.reads
    a.reminders.scheduler.timer.fire()
    _woken(qtbot, b, reads)
    qtbot.waitUntil(lambda: b.reminders.banner.isVisible(), timeout=WAIT_MS)
    b.reminders.scheduler.timer.fire()
    assert _banner_text(a) == _banner_text(b) == "Time to check on the guest"
    reads = a.live.reads
    dialog = _open_dialog(b)  # Marco taps "Record how it went" on his tablet
    _woken(qtbot, a, reads)
    qtbot.waitUntil(lambda: _banner_text(a) == "Marco is on it", timeout=WAIT_MS)
    assert a.reminders.banner.property("level") == "taken"
    assert not a.reminders.banner.snooze_buttons[5].isVisible()
    _sign(dialog, "Marco", MANAGER_PIN)
    reads = a.live.reads
    dialog.outcome_buttons[next(iter(dialog.outcome_buttons))].click()  # Delighted
    _woken(qtbot, a, reads)
    qtbot.waitUntil(lambda: not a.reminders.banner.isVisible(), timeout=WAIT_MS)
    assert not b.reminders.banner.isVisible()
    assert a.controller.ctx.db["followups"].get(logged.followup.id)["outcome"] == "delighted"


def test_leaving_the_step_without_recording_frees_the_guest_everywhere(qtbot, counters, clock):
    a, b = counters
    logged = log(a.controller.ctx)
    a.controller.announce(logged.changes)
    clock.advance(minutes=5)
    reads = b.live.reads
    a.reminders.scheduler.timer.fire()
    _woken(qtbot, b, reads)
    qtbot.waitUntil(lambda: b.reminders.banner.isVisible(), timeout=WAIT_MS)
    reads = a.live.reads
    dialog = _open_dialog(b)
    _woken(qtbot, a, reads)
    qtbot.waitUntil(lambda: _banner_text(a) == "Marco is on it", timeout=WAIT_MS)
    reads = a.live.reads
    dialog.who_cancel_button.click()  # "Not now"
    _woken(qtbot, a, reads)
    qtbot.waitUntil(lambda: _banner_text(a) == "Time to check on the guest", timeout=WAIT_MS)
    assert a.controller.ctx.db["followups"].get(logged.followup.id)["taken_at"] is None


def test_two_managers_recording_at_once_the_second_is_told_who_and_what(qtbot, counters,
                                                                        clock):
    a, b = counters
    logged = log(a.controller.ctx)
    a.controller.announce(logged.changes)
    clock.advance(minutes=5)
    reads = b.live.reads
    a.reminders.scheduler.timer.fire()
    _woken(qtbot, b, reads)
    qtbot.waitUntil(lambda: b.reminders.banner.isVisible(), timeout=WAIT_MS)
    b.reminders.scheduler.timer.fire()
    on_a = _open_dialog(a)
    _sign(on_a, "Anna", SECOND_MANAGER_PIN)
    on_b = _open_dialog(b)
    _sign(on_b, "Marco", MANAGER_PIN)
    reads = a.live.reads
    from app.models import Outcome

    on_b.outcome_buttons[Outcome.DELIGHTED].click()
    _woken(qtbot, a, reads)
    expected = "Marco recorded it at 12:05: Delighted"
    qtbot.waitUntil(lambda: on_a.message_label.text() == expected, timeout=WAIT_MS)
    assert not on_a.outcome_buttons[Outcome.UNHAPPY].isEnabled()
    # Anna taps anyway (the screen had not caught up): refused, told the same, nothing hers.
    on_a.choose(Outcome.UNHAPPY)
    assert on_a.message_label.text() == expected
    row = a.controller.ctx.db["followups"].get(logged.followup.id)
    assert (row["outcome"], row["outcome_note"]) == ("delighted", None)
    outcomes = [r for r in a.controller.ctx.db["audit_log"].rows_where(
        "action = ?", ["followup.outcome"])]
    assert len(outcomes) == 1


@pytest.fixture
def pg_counters(qtbot, pg_url, clock, fake_timers):
    a_ctx = make_store(pg_url, clock)
    b_ctx = terminal(pg_url, clock)
    a = _counter(qtbot, a_ctx, fake_timers, "Sam")
    b = _counter(qtbot, b_ctx, fake_timers, "Marco")
    yield a, b
    for window in (a, b):
        window.live.stop()
        window.close()
        window.controller.ctx.db.close()


def test_a_lost_live_connection_says_so_reconnects_with_backoff_and_misses_nothing(
        qtbot, pg_counters, clock, monkeypatch):
    from db.health import DatabaseServerError, ServerProblem

    a, b = pg_counters
    status = b.live_status
    assert not status.isVisible()
    pid = b.live.listener.raw.info.backend_pid
    a.controller.ctx.db.execute("SELECT pg_terminate_backend(?)", [pid])
    qtbot.waitUntil(lambda: b.live.paused, timeout=WAIT_MS)
    assert status.isVisible()
    assert status.text().startswith("Live updates paused — reconnecting…")
    assert b.live.retry_timer.interval() == 1000
    # Meanwhile counter A keeps logging.
    first = log(a.controller.ctx)
    second = log(a.controller.ctx, "long_wait", "free_drink", severity="high")
    # The first try fails (the server is still away): the next waits longer.
    real_connect = b.live.listener.connect

    def refused():
        raise DatabaseServerError(ServerProblem.UNREACHABLE, "test")

    monkeypatch.setattr(b.live.listener, "connect", refused)
    b.live.retry_timer.fire()
    qtbot.waitUntil(lambda: not b.live.connecting, timeout=WAIT_MS)
    assert b.live.paused and b.live.retry_timer.interval() == 2000
    monkeypatch.setattr(b.live.listener, "connect", real_connect)
    b.live.retry_timer.fire()
    qtbot.waitUntil(lambda: not b.live.connecting, timeout=WAIT_MS)
    assert not b.live.paused and not status.isVisible()
    # Back: everything made while away was read, in order, and is on screen.
    assert b.live.last_id == a.controller.ctx.db.execute(
        "SELECT max(id) FROM audit_log").fetchone()[0]
    assert b.reminders.banner.isVisible()  # the severe one is due at once
    assert [i.id for i in b.reminders.banner.items] == [second.followup.id]
    assert first.followup.id != second.followup.id
    # ...and it is live again.
    reads = b.live.reads
    third = log(a.controller.ctx, severity="high")
    a.controller.announce(third.changes)
    _woken(qtbot, b, reads)
    assert third.followup.id in [i.id for i in b.reminders.banner.items]


def test_a_server_that_does_not_answer_holds_the_worker_not_the_counter(
        qtbot, pg_counters, monkeypatch):
    """The live connection is made again in a worker thread: while the connect waits (a
    host that does not answer), the counter's event loop runs and its screens answer."""
    import threading

    from PySide6.QtCore import QTimer

    a, b = pg_counters
    pid = b.live.listener.raw.info.backend_pid
    a.controller.ctx.db.execute("SELECT pg_terminate_backend(?)", [pid])
    qtbot.waitUntil(lambda: b.live.paused, timeout=WAIT_MS)
    answer = threading.Event()
    real_connect = b.live.listener.connect

    def hanging():
        assert answer.wait(WAIT_MS / 1000)  # the host answers only when the test says so
        return real_connect()

    monkeypatch.setattr(b.live.listener, "connect", hanging)
    b.live.retry_timer.fire()  # returns at once: the connect is in the worker
    assert b.live.connecting and b.live.paused
    turned = []
    QTimer.singleShot(0, lambda: turned.append(True))
    qtbot.waitUntil(lambda: bool(turned), timeout=WAIT_MS)  # the event loop runs meanwhile
    assert b.live.catch_up() == []  # a read while connecting waits for the connection
    b.live.retry_timer.fire()  # a second try while one is under way starts nothing
    answer.set()
    qtbot.waitUntil(lambda: not b.live.connecting, timeout=WAIT_MS)
    assert not b.live.paused and b.live.listener.connected
    reads = b.live.reads
    logged = log(a.controller.ctx, severity="high")
    a.controller.announce(logged.changes)
    _woken(qtbot, b, reads)
    assert logged.followup.id in [i.id for i in b.reminders.banner.items]
