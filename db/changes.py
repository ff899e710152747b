"""The change feed: every entry of a store's audit log after an id, oldest first.

The audit log already is the feed a terminal needs (see migration ``0017_live_changes``):
append-only, written in the same transaction as every change another terminal shows, its
ids growing in commit order (the chain lock is held until commit, so an entry with a lower
id can never become visible after one with a higher id). A terminal remembers the last id
it has read and asks for what came after it; a notification only says "look now".

How a terminal is woken is the backend's: PostgreSQL sends ``NOTIFY comeback_store_<id>``
from a trigger (:func:`listener`: one dedicated connection, :mod:`db.pg_listen`); SQLite
has no notifications, so the UI watches the database file and its ``-wal``
(:func:`watched_files`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.connection import Database

#: Entries read per query while catching up (a terminal back after an hour reads in pages).
PAGE = 500

_AFTER = ("SELECT a.*, s.name AS staff_name FROM audit_log a "
          "LEFT JOIN staff s ON s.id = a.staff_id "
          "WHERE a.id > ? AND a.store_id = ? ORDER BY a.id LIMIT ?")


def channel(store_id: int) -> str:
    """The NOTIFY channel of a store (the trigger of migration 0017 names it the same)."""
    return f"comeback_store_{int(store_id)}"


def entries_after(db: Database | Any, store_id: int, after_id: int,
                  limit: int = PAGE) -> list[dict]:
    """The store's entries with an id above ``after_id``, oldest first, at most ``limit``,
    with the name of the staff member (``staff_name``)."""
    return list(db.query(_AFTER, [after_id, store_id, limit]))


def newest_id(db: Database | Any, store_id: int) -> int:
    """The id of the store's newest entry (0 when it has none): where "from now" starts."""
    return db.execute("SELECT coalesce(max(id), 0) FROM audit_log WHERE store_id = ?",
                      [store_id]).fetchone()[0]


def store_exists(db: Database | Any, store_id: int) -> bool:
    return db.execute("SELECT count(*) FROM stores WHERE id = ?", [store_id]).fetchone()[0] > 0


def listener(db: Database | Any, store_id: int):
    """A :class:`db.pg_listen.PgListener` for a PostgreSQL database (not connected yet:
    call ``connect()``); None for SQLite, whose terminals watch :func:`watched_files`."""
    if getattr(db, "backend", "sqlite") != "postgresql":
        return None
    from db.pg_listen import PgListener

    return PgListener(db.url, store_id)


def watched_files(db: Database | Any) -> list[Path]:
    """The files whose change means another process wrote (SQLite: the database and its
    write-ahead log); nothing for a database in memory or on a server."""
    path = getattr(db, "path", None)
    if path is None or getattr(db, "backend", "sqlite") != "sqlite":
        return []
    return [Path(path), Path(f"{path}-wal")]
