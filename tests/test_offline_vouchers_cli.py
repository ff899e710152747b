"""``comeback redeem`` while the server is really away (stopped), and ``comeback sync``
listing a redemption the server could not apply (real PostgreSQL, real processes)."""

from __future__ import annotations

import pytest

from app import staff, vouchers
from app.context import Context
from db.connection import open_database
from tests.test_offline_outage import _cli, cluster, server  # noqa: F401 - fixtures
from tests.test_offline_vouchers import give_voucher, make_store

pytestmark = pytest.mark.postgresql
HERE = ("--terminal", "Counter 2")  # the tests' environment names its terminals "Bar"


@pytest.fixture
def store(server) -> str:  # noqa: F811 - the outage tests' server fixture
    url = server.new_database()
    ctx = make_store(Context(open_database(url), terminal="Bar"))
    ctx.db.close()
    return url


def test_redeem_while_the_server_is_away_is_kept_and_sync_names_who_was_first(
        server, store, tmp_path):  # noqa: F811
    bar = Context(open_database(store), terminal="Bar")
    try:
        code = give_voucher(bar)
    finally:
        bar.db.close()
    first = _cli(store, tmp_path, *HERE, "sync")  # online: this terminal's copy is made
    assert first.returncode == 0 and "Nothing waiting to send." in first.stdout
    server.stop()
    away = _cli(store, tmp_path, *HERE, "redeem", code, "--staff", "Sam")
    assert away.returncode == 0, away.stderr
    assert away.stdout.startswith("Redeemed — will be confirmed when the server is back. "
                                  f"Voucher {code} for ")
    twice = _cli(store, tmp_path, *HERE, "redeem", code)
    assert twice.returncode == 2 and "already redeemed on this counter" in twice.stderr
    assert "Traceback" not in twice.stderr
    server.restart_server()
    bar = Context(open_database(store), terminal="Bar")
    try:
        vouchers.redeem(bar, code, staff.find_by_name(bar, "Marco").id)  # at the bar, online
        sent = _cli(store, tmp_path, *HERE, "sync")
        assert sent.returncode == 0, sent.stderr
        assert "Could not apply 1 voucher redeemed on this terminal" in sent.stdout
        assert f"Sam redeemed voucher {code}" in sent.stdout and "on Counter 2 on" in sent.stdout
        assert "It was not applied: Marco had already redeemed it on" in sent.stdout
        assert "(Bar)" in sent.stdout
        rows = list(bar.db.query("SELECT outcome FROM offline_redemptions"))
        assert [r["outcome"] for r in rows] == ["refused"]
    finally:
        bar.db.close()
    again = _cli(store, tmp_path, *HERE, "sync")
    assert again.returncode == 0 and "Nothing waiting to send." in again.stdout
