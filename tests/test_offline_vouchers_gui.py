"""The cashier redeems a voucher while the server is away and reads that it will be
confirmed; the manager finds a redemption the server could not apply on the follow-up page,
with who redeemed it where and who was first, until they mark it seen (real PostgreSQL, the
real widgets)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import offline_vouchers, staff, vouchers
from app.context import Context
from db.connection import open_database
from db.failover import Failover
from tests.test_offline import Network, cut, restore
from tests.test_offline_vouchers import give_voucher, make_store, send
from ui.controller import Controller
from ui.followup_queue import FollowUpQueue
from ui.voucher_redeem import VoucherRedeem

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]


@pytest.fixture
def network() -> Network:
    return Network()


@pytest.fixture
def server_ctx(pg_url, clock):
    ctx = make_store(Context(open_database(pg_url), clock, terminal="Bar"))
    yield ctx
    ctx.db.close()


@pytest.fixture
def terminal(server_ctx, pg_url, clock, tmp_path, network):
    handle = Failover.open(pg_url, tmp_path, connect=network.connect,
                           monotonic=lambda: network.ticks)
    yield Context(handle, clock, terminal="Counter A")
    handle.close()


def as_staff(ctx: Context, name: str) -> Controller:
    controller = Controller(ctx)
    controller.set_current_staff(staff.find_by_name(ctx, name))
    return controller


def test_the_cashier_redeems_a_voucher_while_the_server_is_away(qtbot, server_ctx, terminal,
                                                                network):
    code = give_voucher(server_ctx)
    terminal.db.refresh_copy()
    box = VoucherRedeem(as_staff(terminal, "Sam"))
    qtbot.addWidget(box)
    box.show()
    cut(terminal, network, find_out=False)  # this redemption is what finds out
    qtbot.keyClicks(box.code_edit, code)
    qtbot.mouseClick(box.redeem_button, Qt.LeftButton)
    assert box.message().startswith("Redeemed — will be confirmed when the server is back. "
                                    f"Voucher {code} for 100,00\u00a0kr")
    assert box.message_label.property("kind") == "ok" and box.code_edit.text() == ""
    qtbot.keyClicks(box.code_edit, code)  # the same counter, a second time
    qtbot.mouseClick(box.redeem_button, Qt.LeftButton)
    assert "already redeemed on this counter" in box.message()
    assert box.message_label.property("kind") == "error"


def test_the_manager_sees_a_refused_offline_redemption_until_marked_seen(
        qtbot, server_ctx, terminal, network, fake_timers):
    code = give_voucher(server_ctx)
    terminal.db.refresh_copy()
    cut(terminal, network)
    vouchers.redeem(terminal, code, staff.find_by_name(server_ctx, "Sam").id)
    vouchers.redeem(server_ctx, code, staff.find_by_name(server_ctx, "Marco").id)
    restore(terminal, network)
    assert len(send(terminal).failed) == 1

    queue = FollowUpQueue(as_staff(server_ctx, "Marco"), timer_factory=fake_timers)
    qtbot.addWidget(queue)
    queue.resize(1024, 700)
    queue.show()
    qtbot.waitExposed(queue)
    box = queue.refusals
    assert box.isVisible()
    assert box.title_label.text() == ("For the manager: 1 voucher redeemed while the server "
                                      "was away could not be applied")
    [(text, seen)] = box.rows
    assert text.text().startswith(f"Sam redeemed voucher {code}")
    assert "Marco had already redeemed it" in text.text()
    qtbot.mouseClick(seen, Qt.LeftButton)
    assert not box.isVisible() and offline_vouchers.refused(server_ctx) == []


def test_a_voucher_scanned_on_the_counter_while_away_counts_on_the_offline_bar(
        qtbot, server_ctx, terminal, network, fake_timers, monkeypatch):
    from ui.counter import CounterPage

    monkeypatch.setattr("ui.offline_bar.in_a_thread", lambda work: work())
    code = give_voucher(server_ctx)
    terminal.db.refresh_copy()
    controller = as_staff(terminal, "Sam")
    page = CounterPage(controller, fake_timers)
    page.start_retry()
    qtbot.addWidget(page)
    page.show()
    box = VoucherRedeem(controller)  # the scan's box (ui.scan_redeem)
    qtbot.addWidget(box)
    cut(terminal, network)
    box.code_edit.setText(code)
    box.redeem()
    assert page._offline.bar.texts()[0] == "Offline — 1 waiting to send"


def test_back_online_the_counter_says_a_redemption_was_not_applied_and_asks_no_new_tap(
        qtbot, server_ctx, terminal, network, fake_timers, monkeypatch):
    from tests.test_offline import restore
    from ui.counter import CounterPage

    monkeypatch.setattr("ui.offline_bar.in_a_thread", lambda work: work())
    code = give_voucher(server_ctx)
    terminal.db.refresh_copy()
    controller = as_staff(terminal, "Sam")
    page = CounterPage(controller, fake_timers)
    page.start_retry()
    qtbot.addWidget(page)
    page.show()
    cut(terminal, network)
    vouchers.redeem(terminal, code, staff.find_by_name(server_ctx, "Sam").id)
    vouchers.redeem(server_ctx, code, staff.find_by_name(server_ctx, "Marco").id)
    restore(terminal, network)
    page._offline.came_back()
    page.taps.retry_now()
    status = page.status_label.text()
    assert status.startswith(f"Sam redeemed voucher {code}") and "Tap it again" not in status
    assert "Marco had already redeemed it" in status
    assert page._offline.bar.texts()[2] == ("1 kept tap could not be sent: a manager finds it "
                                            "in the audit log.")
