"""The import's faster paths give exactly what the slower ones they replace gave."""

from __future__ import annotations

import sqlite3

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
