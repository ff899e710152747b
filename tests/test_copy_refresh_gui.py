"""A terminal whose server comes back refreshes its copy in the worker thread that connected
(ui.copy_refresh): the counter takes a tap while the refresh runs, and the cashier sees
what they saw before (real PostgreSQL, the real counter, fake timers)."""

from __future__ import annotations

import threading

import pytest

from app import incidents as incident_service
from app import staff
from app.context import Context
from db.connection import open_database
from db.failover import Failover
from tests import test_offline_gui as base
from tests.conftest import OWNER_PIN
from tests.test_offline_gui import counter, cut, incidents, tap

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]
VOUCHERS = 200
WAIT_S = 10


# The store on the server and the network: tests/test_offline_gui.py's fixtures.
network, server_ctx = base.network, base.server_ctx


def give_vouchers(server_ctx, n: int) -> None:
    from app import catalog
    from app.models import RemedyRequest

    sam = staff.find_by_name(server_ctx, "Sam")
    logged = incident_service.log_incident(
        server_ctx, category_id=catalog.category_by_code(server_ctx, "long_wait").id,
        staff_id=sam.id, remedies=[RemedyRequest(catalog.remedy_by_code(server_ctx,
                                                                        "voucher").id)])
    server_ctx.db.execute(  # the same voucher n - 1 times more, as a busy store's month
        "INSERT INTO vouchers (code, incident_id, incident_remedy_id, amount_minor, "
        "issued_at, expires_at) SELECT 'T' || g, v.incident_id, v.incident_remedy_id, "
        "v.amount_minor, v.issued_at, v.expires_at FROM vouchers v, generate_series(1, ?) g "
        "WHERE v.code = ?", [n - 1, logged.voucher_codes[0]])


def copy_vouchers(handle) -> int:
    return handle.copy.execute("SELECT count(*) FROM copy_vouchers").fetchone()[0]


def test_a_tap_is_saved_while_the_copy_is_refreshed_after_the_server_came_back(
        qtbot, server_ctx, pg_url, clock, tmp_path, network, fake_timers, monkeypatch):
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    terminal = Context(handle, clock)
    try:
        page = counter(qtbot, terminal, fake_timers)
        bar = page._offline.bar
        give_vouchers(server_ctx, VOUCHERS)  # meanwhile, on another terminal
        cut(terminal, network)
        tap(qtbot, page, "long_wait", "apology")  # finds out: kept
        qtbot.waitUntil(lambda: bar.isVisible())
        assert bar.title_label.text() == "Offline — 1 waiting to send"
        assert copy_vouchers(handle) == 0

        entered, release, threads = threading.Event(), threading.Event(), []
        read_for_copy, write_to_copy = Failover.read_for_copy, Failover.write_to_copy

        def slow_read(self, server):
            threads.append(("read", threading.current_thread()))
            entered.set()
            assert release.wait(WAIT_S)
            return read_for_copy(self, server)

        def write(self, copy, read):
            threads.append(("write", threading.current_thread()))
            return write_to_copy(self, copy, read)

        monkeypatch.setattr(Failover, "read_for_copy", slow_read)
        monkeypatch.setattr(Failover, "write_to_copy", write)
        watch = page._offline.watch
        network.up = True
        network.ticks += 60
        watch.timer.fire()  # the try runs in its worker thread
        assert entered.wait(WAIT_S)
        # The refresh is under way in the worker: the counter takes the next guest.
        clock.advance(seconds=20)
        held = tap(qtbot, page, "cold_food", "remake")
        assert held < 1000
        assert page.step == "categories" and page.taps.waiting() == 2  # kept: on disk
        assert bar.title_label.text() == "Offline — 2 waiting to send"  # as before

        with qtbot.waitSignal(watch.back, timeout=WAIT_S * 1000):
            release.set()
        main = threading.main_thread()
        assert [kind for kind, _t in threads] == ["read", "write"]
        assert all(thread is not main for _kind, thread in threads)
        assert copy_vouchers(handle) == VOUCHERS  # the copy is fresh: redeemable offline
        for _turn in range(10):  # the outbox goes a batch per event-loop turn
            if not page.taps.waiting():
                break
            page.taps.timer.fire()
        assert bar.title_label.text() == "Back online — all sent"
        assert [r["category_label"] for r in incidents(server_ctx)][-2:] == ["Long wait",
                                                                             "Cold food"]
    finally:
        handle.close()



def test_a_tap_is_saved_on_the_server_while_a_first_start_makes_the_copy(
        qtbot, pg_url, tmp_path, monkeypatch):
    """A terminal's first start makes its copy in a worker thread after the paint; the
    counter takes a tap meanwhile (saved on the server), and the handle is in place after."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtWidgets import QApplication

    from app.cli import main as cli_main
    from ui import app as ui_app
    from ui import copy_refresh

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli_main(["init", "--db", pg_url, "--store", "Fjord Kafé", "--currency", "NOK",
                     "--owner", "Ingrid", "--owner-pin", OWNER_PIN]) == 0
    entered, release, threads = threading.Event(), threading.Event(), []
    make = copy_refresh.make_copy_in_worker

    def slow_make(url, path, store_id):
        threads.append(threading.current_thread())
        entered.set()
        assert release.wait(WAIT_S)
        return make(url, path, store_id)

    monkeypatch.setattr(copy_refresh, "make_copy_in_worker", slow_make)
    window = ui_app.start(QApplication.instance(), pg_url)
    try:
        ctx = window.controller.ctx
        qtbot.waitUntil(entered.is_set, timeout=WAIT_S * 1000)  # the worker is making it
        window.controller.set_current_staff(staff.find_by_name(ctx, "Ingrid"))
        page = window.page("counter")
        qtbot.mouseClick(page.category_tile("cold_food"), Qt.LeftButton)
        qtbot.mouseClick(page.remedy_step.tile_for("remake"), Qt.LeftButton)
        assert page.confirm_bar.isVisible()  # saved, as on any start
        assert not isinstance(ctx.db, Failover)  # the copy is not made yet
        release.set()
        qtbot.waitUntil(lambda: hasattr(window, "backups"), timeout=15000)  # every step ran
        assert isinstance(ctx.db, Failover) and not ctx.db.away
        assert threads and threads[0] is not threading.main_thread()
        server = Context(open_database(pg_url))
        try:
            assert [r["category_label"] for r in server.db.query(
                "SELECT category_label FROM incidents")] == ["Cold food"]
        finally:
            server.db.close()
    finally:
        release.set()
        for shown in list(ui_app._WINDOWS):
            shown.close()
            shown.deleteLater()
        ui_app._WINDOWS.clear()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        ui_app._close_databases()
