"""Open the Comeback SQLite database: WAL, foreign keys on, synchronous=FULL, migrated.

This package is the only code that speaks SQL. Everything above it calls the small,
named functions in the sibling modules, so a second backend can be added later.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from db.migrations import migrations

BUSY_TIMEOUT_MS = 5000


def _configure(database: Database, *, wal: bool) -> None:
    conn = database.conn
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    if wal:
        database.enable_wal()
    # FULL: a committed incident survives a power cut, also in WAL mode.
    conn.execute("PRAGMA synchronous=FULL")


def open_database(path: str | Path | None) -> Database:
    """Open (creating if needed) and migrate the database at ``path``; None = in memory."""
    if path is None or str(path) == ":memory:":
        database = Database(memory=True, execute_plugins=False)
        _configure(database, wal=False)
    else:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        database = Database(sqlite3.connect(str(path)), execute_plugins=False)
        _configure(database, wal=True)
    migrations.apply(database)
    return database


def pragma(database: Database, name: str) -> object:
    """Read one PRAGMA value (used by tests and diagnostics)."""
    return database.execute(f"PRAGMA {name}").fetchone()[0]


def pending_migrations(database: Database) -> list[str]:
    return [m.name for m in migrations.pending(database)]
