"""The counter of a PostgreSQL terminal whose server goes away (real PostgreSQL, the real
counter widget, fake timers): the offline bar counts the waiting taps, nothing asks the
cashier for anything, taps never wait on a connect, the reminder of a kept tap rings here,
and the outbox is sent when the watch finds the server again."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from app import offline, staff
from app.context import Context
from app.models import Role
from app.setup import init_store
from db.connection import open_database
from db.failover import Failover
from db.health import DatabaseServerError, ServerProblem
from tests.conftest import MANAGER_PIN, OWNER_PIN
from ui.controller import Controller
from ui.counter import CounterPage
from ui.offline_bar import OfflineBar

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]
NO_FREEZE_MS = 1000


class Network:
    def __init__(self) -> None:
        self.up, self.connects, self.ticks = True, 0, 0.0

    def connect(self, url: str):
        from db.pg import open_pg

        self.connects += 1
        if not self.up:
            raise DatabaseServerError(ServerProblem.UNREACHABLE, "test", "no route to host")
        return open_pg(url)


@pytest.fixture
def network() -> Network:
    return Network()


@pytest.fixture
def server_ctx(pg_url, clock):
    ctx = Context(open_database(pg_url), clock)
    init_store(ctx, store_name="Fjord Kafé", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    staff.add_staff(ctx, "Marco", Role.MANAGER, MANAGER_PIN)
    staff.add_staff(ctx, "Sam", Role.CASHIER)
    yield ctx
    ctx.db.close()


@pytest.fixture
def terminal(server_ctx, pg_url, clock, tmp_path, network):
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    yield Context(handle, clock)
    handle.close()


@pytest.fixture
def in_this_thread(monkeypatch):
    """Reconnect tries run at once, in the test's thread (the app runs them in a worker)."""
    monkeypatch.setattr("ui.offline_bar.in_a_thread", lambda work: work())


def counter(qtbot, ctx, timers) -> CounterPage:
    controller = Controller(ctx)
    controller.set_current_staff(next(m for m in staff.list_staff(ctx) if m.name == "Sam"))
    page = CounterPage(controller, timers)
    page.start_retry()
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def tap(qtbot, page, category: str, remedy: str) -> float:
    qtbot.mouseClick(page.category_tile(category), Qt.LeftButton)
    start = time.monotonic()
    qtbot.mouseClick(page.remedy_step.tile_for(remedy), Qt.LeftButton)
    return (time.monotonic() - start) * 1000


def cut(terminal, network) -> None:
    network.up = False
    terminal.db.server.conn.raw.close()


def incidents(server_ctx) -> list[dict]:
    return list(server_ctx.db.query("SELECT uid, occurred_at, category_label FROM incidents "
                                    "ORDER BY id"))


def test_offline_bar_counts_waiting_taps_and_says_all_sent_when_the_server_is_back(
        qtbot, terminal, server_ctx, network, clock, fake_timers, in_this_thread):
    page = counter(qtbot, terminal, fake_timers)
    bar = page._offline.bar
    assert not bar.isVisible()
    tap(qtbot, page, "long_wait", "free_drink")  # online: saved, "Logged"
    assert page.confirm_bar.isVisible() and len(incidents(server_ctx)) == 1

    cut(terminal, network)
    held = []
    for category, remedy in (("cold_food", "remake"), ("wrong_order", "remake"),
                             ("long_wait", "apology")):
        clock.advance(seconds=30)
        held.append(tap(qtbot, page, category, remedy))
    qtbot.waitUntil(lambda: bar.isVisible())
    assert bar.title_label.text() == "Offline — 3 waiting to send"
    assert "sends it by itself when the server is back" in bar.line_label.text()
    assert page.step == "categories"  # ready for the next guest, nothing to answer
    pending = page.pending_bar
    assert pending.title_label.text() == "Kept on this counter — sent when the server is back"
    assert not pending.reason_label.isVisible()  # the offline bar says why, once
    assert network.connects == 1  # no connect (no 5 s connect timeout) for any tap
    assert max(held) < NO_FREEZE_MS
    assert len(incidents(server_ctx)) == 1

    watch = page._offline.watch
    qtbot.waitUntil(watch.timer.isActive)  # told on the event loop that the server went
    assert watch.timer.single_shot
    network.ticks += 1
    watch.timer.fire()  # the server is still away: try again later
    qtbot.waitUntil(lambda: not watch.trying and watch.timer.isActive())
    assert bar.title_label.text() == "Offline — 3 waiting to send"
    assert watch.timer.interval() >= 2000

    network.up = True
    network.ticks += 60
    with qtbot.waitSignal(watch.back):
        watch.timer.fire()
    for _turn in range(10):  # the outbox goes a batch per event-loop turn
        if not page.taps.waiting():
            break
        page.taps.timer.fire()
    assert bar.title_label.text() == "Back online — all sent"
    rows = incidents(server_ctx)
    assert [r["category_label"] for r in rows] == ["Long wait", "Cold food", "Wrong order",
                                                   "Long wait"]
    assert not pending.isVisible()
    tap(qtbot, page, "cold_food", "remake")  # the next tap: the bar has been read
    assert not bar.isVisible()
    assert len(incidents(server_ctx)) == 5


def test_a_counter_started_while_the_server_is_away_says_offline_and_keeps_taps(
        qtbot, server_ctx, pg_url, clock, tmp_path, network, fake_timers, in_this_thread):
    Failover.open(pg_url, tmp_path).close()  # an earlier run made the copy
    network.up = False
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    ctx = Context(handle, clock)
    try:
        page = counter(qtbot, ctx, fake_timers)
        bar = page._offline.bar
        qtbot.waitUntil(lambda: bar.isVisible())
        assert bar.title_label.text() == "Offline"
        tap(qtbot, page, "cold_food", "remake")
        assert bar.title_label.text() == "Offline — 1 waiting to send"
    finally:
        handle.close()


def test_the_reminder_of_a_tap_kept_while_away_rings_on_this_counter(
        qtbot, terminal, network, clock, fake_timers, in_this_thread):
    from ui.scheduler import ReminderScheduler

    page = counter(qtbot, terminal, fake_timers)
    cut(terminal, network)
    tap(qtbot, page, "cold_food", "remake")
    scheduler = ReminderScheduler(page.controller, timer_factory=fake_timers, clock=clock)
    scheduler.start()
    clock.advance(minutes=6)
    with qtbot.waitSignal(scheduler.due) as rang:
        scheduler.check()
    [item] = rang.args[0]
    assert item.incident.category_label == "Cold food"
    scheduler.stop()


def test_a_pin_at_the_counter_while_away_is_checked_on_this_terminal(
        qtbot, terminal, server_ctx, network, clock, fake_timers, in_this_thread):
    page = counter(qtbot, terminal, fake_timers)
    cut(terminal, network)
    tap(qtbot, page, "wrong_order", "refund")
    assert page.step == "pin"  # the approval rule ran on the copy
    page.pinpad.entry.setText("0000")
    page._pin_submitted("0000")
    assert page.step == "pin"
    page._pin_submitted(MANAGER_PIN)
    assert page.step == "categories"
    assert page.taps.waiting() == 1
    assert offline.is_away(terminal)
    network.up = True
    network.ticks += 60
    assert terminal.db.reconnect()
    page.taps.retry_now()
    rows = list(server_ctx.db.query(
        "SELECT s.name FROM incident_remedies r JOIN staff s ON s.id = r.approved_by"))
    assert [r["name"] for r in rows] == ["Marco"]


def test_offline_bar_speaks_the_store_language(qtbot):
    from app import i18n

    bar = OfflineBar()
    qtbot.addWidget(bar)
    bar.show_state(OfflineBar.OFFLINE, 3)
    i18n.set_language("nb")
    bar.on_language_changed("nb")
    assert bar.title_label.text() != "Offline — 3 waiting to send"
    assert "3" in bar.title_label.text()
