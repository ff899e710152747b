"""``comeback followups`` and ``comeback redeem CODE`` (the CLI runs on the real clock, so the
store here is open around the clock and past data is written with a fixed clock)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app import catalog, incidents, settings
from app.cli import main
from app.clock import FixedClock
from app.context import Context
from app.models import RemedyRequest
from db.connection import open_database
from tests.conftest import cli_init_store

ALL_DAY = dict.fromkeys(settings.WEEKDAYS, ["00:00", "24:00"])


@pytest.fixture
def store_db(cli_db):
    path = cli_db
    cli_init_store(path)
    database = open_database(path)
    with database.atomic():
        settings.write(database, 1, {"opening_hours": ALL_DAY})
    database.close()
    return path


def _log_at(path, when: datetime, code: str, remedy: str, **extra):
    ctx = Context(open_database(path), FixedClock(when))
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, code).id, staff_id=None,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, remedy).id)], **extra)
    ctx.db.close()
    return logged


def _yesterday_noon(now: datetime) -> datetime:
    oslo = ZoneInfo("Europe/Oslo")
    day = now.astimezone(oslo).date() - timedelta(days=1)
    return datetime.combine(day, time(12), oslo).astimezone(timezone.utc)


def test_followups_lists_open_ones_and_what_was_left_open(store_db, capsys, monkeypatch):
    # The commands' clock fixed too (late in the evening: the store is open all day), so
    # what is listed does not depend on when the suite runs.
    from app.clock import SystemClock

    clock = FixedClock(datetime(2026, 11, 24, 21, 50, tzinfo=timezone.utc))
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())
    capsys.readouterr()
    assert main(["log", "--db", str(store_db), "--category", "cold_food", "--remedy", "remake",
                 "--table", "7"]) == 0
    _log_at(store_db, _yesterday_noon(clock.now()), "long_wait", "free_drink", table_ref="12")
    clock.advance(seconds=20)
    capsys.readouterr()
    assert main(["followups", "--db", str(store_db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Open follow-ups: 1"
    assert "Table 7 — Cold food · Remake" in out[1] and "(due in 4:" in out[1]
    assert out[2].startswith("Left open at closing on ") and out[2].endswith(": 1")
    assert "Table 12 — Long wait · Free drink" in out[3]
    database = open_database(store_db)
    assert database["followups"].count_where("missed_at IS NOT NULL") == 1
    database.close()


def test_redeem_welcomes_the_guest_back_then_refuses_twice_and_unknown(store_db, capsys):
    logged = _log_at(store_db, datetime.now(timezone.utc) - timedelta(days=3), "long_wait",
                     "voucher")
    code = logged.voucher_codes[0]
    capsys.readouterr()
    assert main(["redeem", "--db", str(store_db), code.lower(), "--staff", "Ingrid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Voucher {code} for ") and "the guest came back" in out
    assert main(["redeem", "--db", str(store_db), code]) == 2
    assert "already redeemed on" in capsys.readouterr().err
    assert main(["redeem", "--db", str(store_db), "KKK-KKK"]) == 2
    assert "No voucher with code KKK-KKK" in capsys.readouterr().err
