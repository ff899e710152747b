"""Consistent copies of the database made by SQLite itself (the online backup API), and
the checks a copy must pass before it counts as a backup or is restored.

Never a file copy: a copy of the file without its -wal loses what is only in the WAL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from db.connection import MIGRATION_COUNT, MIGRATION_SET, NEWEST_MIGRATION, Database
from db.health import DatabaseFileError, Problem, problem_of, schema_state

#: Pages copied per step (-1: all in one step, under one read transaction). With fewer,
#: ``PROGRESS`` is called between steps (tests use it to slow a backup down).
PAGES_PER_STEP = -1
PROGRESS: Callable[[int, int, int], object] | None = None


def copy_to(source: Database | sqlite3.Connection, target: Path) -> None:
    """Copy the open database into the (empty) file ``target`` as one self-contained file
    (rollback journal, no -wal), then run ``integrity_check`` on the copy."""
    conn = source.conn if isinstance(source, Database) else source
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest, pages=PAGES_PER_STEP, progress=PROGRESS)
        dest.execute("PRAGMA journal_mode=DELETE")
        integrity_check(dest, target)
    except sqlite3.Error as error:
        raise problem_of(error, target) or error from None
    finally:
        dest.close()


def copy_file_to(path: Path, target: Path) -> None:
    """``copy_to`` through a connection of its own to the database file ``path``, for a
    worker thread (the app's connection stays with its thread). The copy is one snapshot:
    a read transaction is held from the first page to the last, so the counter's writes
    meanwhile (WAL) neither wait for it nor restart it; they go in the next backup."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot
        copy_to(conn, target)
    except sqlite3.Error as error:
        raise problem_of(error, path) or error from None
    finally:
        conn.close()


def write_marker(db) -> tuple[int, int] | None:
    """What moves whenever anything is written to the open SQLite database ``db``: the rows
    its connection changed (``total_changes``) and ``data_version``, which moves when any
    other connection commits. None for a server's database."""
    conn = getattr(db, "conn", None)
    if getattr(db, "backend", "sqlite") != "sqlite" or not isinstance(conn, sqlite3.Connection):
        return None
    return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


def integrity_check(conn: sqlite3.Connection, path: Path | str) -> None:
    rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        raise DatabaseFileError(Problem.DAMAGED, path, "; ".join(str(r[0]) for r in rows))


def check_backup(path: Path) -> bool:
    """Open ``path`` read-only and check it can be restored: a whole SQLite file that
    passes ``integrity_check``, not from a newer Comeback. Returns whether it holds a store.
    Raises DatabaseFileError naming what is wrong."""
    from db.health import inspect

    inspect(path, create=False)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        integrity_check(conn, path)
        schema_state(conn, path, MIGRATION_SET, NEWEST_MIGRATION, MIGRATION_COUNT)
        try:
            return conn.execute("SELECT count(*) FROM stores").fetchone()[0] > 0
        except sqlite3.OperationalError:
            return False
    except sqlite3.Error as error:
        raise problem_of(error, path) or error from None
    finally:
        conn.close()


def restore_into(backup: Path, target: sqlite3.Connection) -> None:
    """Replace every page of the open database ``target`` with the backup's, through
    SQLite (so other connections to it, such as a running app, see the new content)."""
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(target)
    finally:
        source.close()
