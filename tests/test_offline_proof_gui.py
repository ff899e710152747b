"""The counter's PIN pad while the server is away, for approvals that must be proven
(app.approval_proof): a manager whose PIN was never typed since approval keys came is told
why they cannot approve here; another approver can. Real PostgreSQL, the real counter."""

from __future__ import annotations

import os

import pytest

from tests import test_offline_gui as base
from tests.conftest import MANAGER_PIN, OWNER_PIN
from tests.test_offline_gui import counter, cut, tap

pytestmark = [pytest.mark.gui, pytest.mark.postgresql]

network, server_ctx, terminal, in_this_thread = (
    base.network, base.server_ctx, base.terminal, base.in_this_thread)


@pytest.fixture
def marco_before_keys(server_ctx):
    """Marco's PIN was set before approval keys; the owner's was typed since."""
    marco = [r["id"] for r in server_ctx.db.query("SELECT id FROM staff WHERE name = 'Marco'")]
    server_ctx.db.execute("DELETE FROM approval_keys WHERE staff_id = ?", marco)
    server_ctx.db.execute("UPDATE staff SET approval_kdf = NULL WHERE id = ?", marco)
    return server_ctx


def test_a_manager_without_an_approval_key_is_told_why_at_the_pin_pad_while_away(
        qtbot, marco_before_keys, terminal, network, clock, fake_timers, in_this_thread):
    terminal.db.refresh_copy()
    page = counter(qtbot, terminal, fake_timers)
    cut(terminal, network)
    tap(qtbot, page, "wrong_order", "refund")
    assert page.step == "pin"
    page._pin_submitted(MANAGER_PIN)
    assert page.step == "pin" and page.taps.waiting() == 0
    assert page.pinpad.message().startswith("Marco cannot approve offline yet")
    label = page.pinpad.message_label
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))  # all read
    if os.environ.get("COMEBACK_SHOTS"):  # the picture in docs/offline.md
        page.grab().save(os.environ["COMEBACK_SHOTS"])
    page._pin_submitted(OWNER_PIN)  # the owner's PIN was set with a key: it approves
    assert page.step == "categories" and page.taps.waiting() == 1
