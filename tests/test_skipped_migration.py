"""A database that has the newest migration but skipped one below it (a migration that
landed out of number order while the database was being used) is migrated at the next
start, not taken as up to date: on a file and on a server."""
from __future__ import annotations

import sqlite3

from db.connection import MIGRATION_COUNT, open_database

SKIPPED = "0003_vouchers_redeemed_index"


def _has_index(database, name: str) -> bool:
    if getattr(database, "backend", "sqlite") == "postgresql":
        sql = "SELECT count(*) FROM pg_indexes WHERE indexname = ?"
    else:
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
    return database.execute(sql, [name]).fetchone()[0] == 1


def test_a_file_that_skipped_a_migration_gets_it_at_the_next_start(tmp_path):
    path = tmp_path / "store.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [SKIPPED])
        conn.execute("DROP INDEX idx_vouchers_redeemed")
    conn.close()
    database = open_database(path)
    try:
        assert _has_index(database, "idx_vouchers_redeemed")
        names = [row[0] for row in database.execute("SELECT name FROM _sqlite_migrations")]
        assert SKIPPED in names and len(names) == MIGRATION_COUNT
    finally:
        database.close()


def test_a_server_that_skipped_a_migration_gets_it_at_the_next_start(pg_url):
    database = open_database(pg_url)
    database.execute("DELETE FROM _comeback_migrations WHERE name = ?", [SKIPPED])
    database.execute("DROP INDEX idx_vouchers_redeemed")
    database.close()
    database = open_database(pg_url)
    try:
        assert _has_index(database, "idx_vouchers_redeemed")
        names = [row[0] for row in database.execute("SELECT name FROM _comeback_migrations")]
        assert SKIPPED in names and len(names) == MIGRATION_COUNT
    finally:
        database.close()
