"""The import's faster paths give exactly what the slower ones they replace gave."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from app.clock import to_iso
from app.csv_rows import epoch
from db.audit_chain import digest_cursor
from db.csv_import import digest_rows


def test_batched_digest_is_the_audit_chains_digest():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b, c)")
    rows = [(i, None if i % 3 else f"Kåre «{i}» \"x\"\n", i * 1.5 if i % 7 == 0 else -i)
            for i in range(2503)]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    for limit in (0, 1, 999, 1000, 1001, 2503):
        sql = f"SELECT * FROM t ORDER BY a LIMIT {limit}"
        assert digest_rows(conn.execute(sql)) == digest_cursor(conn.execute(sql))


def test_epoch_is_the_summary_columns_seconds():
    conn = sqlite3.connect(":memory:")
    from db.summary_columns import epoch_seconds

    for text in ("1970-01-01T00:00:00+00:00", "2026-11-16T11:00:05+00:00",
                 "2024-02-29T23:59:59+00:00", "2000-03-01T00:00:00+00:00",
                 "1999-12-31T12:34:56+00:00", "2100-02-28T01:02:03+00:00"):
        assert epoch(text) == conn.execute(f"SELECT {epoch_seconds(':t')}",
                                           {"t": text}).fetchone()[0], text


# -- the store's answers per batch, not per row ------------------------------------------------

def _statements(ctx, monkeypatch) -> list[str]:
    """Every statement the import's connection runs (SQLite's trace; PostgreSQL: execute)."""
    seen: list[str] = []
    if getattr(ctx.db, "backend", "sqlite") == "sqlite":
        ctx.db.conn.set_trace_callback(seen.append)
    else:
        conn = ctx.db.conn
        execute = conn.execute

        def traced(sql, *args, **kwargs):
            seen.append(sql)
            return execute(sql, *args, **kwargs)

        monkeypatch.setattr(conn, "execute", traced)
    return seen


def test_rows_already_in_the_store_and_taken_voucher_codes_are_refused_by_their_lines(
        ctx, monkeypatch):
    from app import catalog, incidents
    from app.csv_import import import_csv
    from app.csvio import ImportRefused
    from app.models import RemedyRequest
    from tests.conftest import OWNER_PIN
    from tests.test_csv import counts, stream
    from tests.test_csv_owner import csv_text, row

    voucher = catalog.remedy_by_code(ctx, "voucher")
    logged = incidents.log_incident(ctx, category_id=catalog.category_by_code(
        ctx, "cold_food").id, remedies=[RemedyRequest(voucher.id)], staff_id=None)
    code = logged.voucher_codes[0]
    here = ctx.db.execute("SELECT occurred_at FROM incidents WHERE id = ?",
                          [logged.incident.id]).fetchone()[0]
    first = datetime(2026, 11, 2, tzinfo=timezone.utc)
    rows = [row(occurred_at=to_iso(first + timedelta(minutes=n))) for n in range(1200)]
    rows[7] = row(occurred_at=here)  # the logged incident again (no staff: the same)
    rows[900] = row(occurred_at="2026-11-08T12:00:00+00:00", remedies="voucher",
                    voucher_codes=code)
    rows[1100] = row(category="nonsense")
    before = counts(ctx)
    seen = _statements(ctx, monkeypatch)
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, stream(csv_text(*rows)), pin=OWNER_PIN)
    if ctx.db.backend == "sqlite":
        ctx.db.conn.set_trace_callback(None)
    problems = refused.value.problems
    assert [line for line, _reason in problems] == [9, 902, 1102]
    assert "already in the database" in problems[0][1]
    assert problems[1][1] == f"voucher code {code} already exists in this database."
    assert counts(ctx) == before
    # asked in a few queries for the whole file, not once per row
    asked = [s for s in seen if "occurred_at IN" in s or "code IN" in s]
    assert 1 <= len(asked) <= 6
