"""A tap asks the database only what it needs: the store's settings are read once while
nothing changes (ten callers ask), SELECTs run without sqlite-utils' SAVEPOINT around each,
and a change of the settings by this connection or by any other process is seen at once."""

from __future__ import annotations

import sqlite3

from app import catalog, incidents, settings
from app.context import Context
from app.models import RemedyRequest
from db.connection import open_database
from tests.conftest import cli_init_store


def _traced(ctx) -> list[str]:
    seen: list[str] = []
    ctx.db.conn.set_trace_callback(seen.append)
    return seen


def test_settings_are_read_once_while_nothing_changes(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    ctx = Context(open_database(path))
    first = ctx.settings()
    seen = _traced(ctx)
    for _i in range(10):
        assert ctx.settings() is first
    assert not [s for s in seen if "FROM settings" in s]
    assert not [s for s in seen if "SAVEPOINT" in s]
    ctx.db.close()


def test_a_tap_reads_no_savepoint_and_the_settings_at_most_once(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    ctx = Context(open_database(path))
    ctx.settings()
    seen = _traced(ctx)
    incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
                           staff_id=None,
                           remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)])
    ctx.settings()
    assert not [s for s in seen if "SAVEPOINT" in s]
    assert len([s for s in seen if "FROM settings" in s]) <= 1  # after the tap's own write
    ctx.db.close()


def test_a_setting_changed_here_or_by_another_process_is_seen_at_once(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    ctx = Context(open_database(path))
    assert ctx.settings().cashier_limit != 1234
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"cashier_limit": 1234})
    assert ctx.settings().cashier_limit == 1234
    other = sqlite3.connect(path)  # the back office of another terminal, say
    with other:
        other.execute("UPDATE settings SET value = '4321' WHERE name = 'cashier_limit'")
    other.close()
    assert ctx.settings().cashier_limit == 4321
    ctx.db.close()
