"""The outbox: taps the database could not take yet, kept in a small SQLite file of their
own next to the database (``comeback.db-outbox``), in the order they were tapped.

A tap that is in the outbox was acknowledged to the cashier ("not saved yet — trying
again") and is written to the database later, exactly once: every tap carries an id made at
the counter (``uid``, a UUID) that the database's ``incidents.uid`` is UNIQUE on. After a
successful write the entry is deleted; a crash between the two leaves an entry whose uid is
already in the database, and the next attempt recognises it.

The file is separate from the database so a long writer's lock on the database does not
lock it, and so a counter without its server (PostgreSQL, later) can use the same outbox.
It is opened on first need; a store that never had a failed tap has no such file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

SUFFIX = "-outbox"
BUSY_TIMEOUT_MS = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- the order of the taps
    uid TEXT NOT NULL UNIQUE,                -- made at the counter; incidents.uid
    kind TEXT NOT NULL,                      -- what to do, e.g. 'incident.log'
    store_id INTEGER NOT NULL,
    tapped_at TEXT NOT NULL,                 -- UTC ISO-8601, the time of the tap
    payload TEXT NOT NULL,                   -- JSON: the service's arguments
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed'))
)
"""
_COLUMNS = ("seq", "uid", "kind", "store_id", "tapped_at", "payload", "attempts",
            "last_error", "state")


def outbox_path(database_file: Path | None) -> Path | None:
    """Where the outbox of the database in ``database_file`` lives (None: in memory)."""
    return None if database_file is None else Path(f"{database_file}{SUFFIX}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Outbox:
    """The outbox file at ``path``; it is created on the first :meth:`add`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            if not create and not self.path.exists():
                return None
            new = not self.path.exists()
            if new:  # private from the start: taps carry guest names and contacts
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = sqlite3.connect(str(self.path), isolation_level=None,
                                   timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                # Made while a cashier waits on the first tap that needs it: SQLite's own
                # fsyncs of a new file in WAL mode cost ~40 ms here, one fsync of the file
                # ~5 ms; the first add's fsync of the WAL (and of the folder, SQLite does
                # that for a new WAL) makes the rest durable before add() returns.
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute("PRAGMA journal_mode=wal")  # one fsync per tap kept
                conn.execute(_SCHEMA)
                conn.execute("PRAGMA synchronous=FULL")
                if new:
                    _fsync(self.path)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def add(self, *, uid: str, kind: str, store_id: int, tapped_at: str,
            payload: dict, last_error: str | None = None) -> None:
        """Keep one tap (durable when this returns); adding a uid twice keeps the first."""
        conn = self._connect(create=True)
        conn.execute("INSERT OR IGNORE INTO outbox (uid, kind, store_id, tapped_at, payload, "
                     "last_error) VALUES (?, ?, ?, ?, ?, ?)",
                     [uid, kind, store_id, tapped_at,
                      json.dumps(payload, ensure_ascii=False, sort_keys=True), last_error])

    def entries(self, state: str = "pending", limit: int | None = None) -> list[dict]:
        """The entries in ``state``, oldest tap first (the first ``limit``); ``payload``
        decoded."""
        conn = self._connect(create=False)
        if conn is None:
            return []
        rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM outbox WHERE state = ? "
                            "ORDER BY seq LIMIT ?", [state, -1 if limit is None else limit]
                            ).fetchall()
        entries = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
        for entry in entries:
            entry["payload"] = json.loads(entry["payload"])
        return entries

    def newest_error(self) -> str | None:
        """``last_error`` of the newest pending entry (why the taps wait), None if none."""
        conn = self._connect(create=False)
        if conn is None:
            return None
        row = conn.execute("SELECT last_error FROM outbox WHERE state = 'pending' "
                           "ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def count(self, state: str = "pending") -> int:
        conn = self._connect(create=False)
        if conn is None:
            return 0
        return conn.execute("SELECT count(*) FROM outbox WHERE state = ?",
                            [state]).fetchone()[0]

    def remove(self, uid: str) -> None:
        """The tap is in the database now. Not fsync'd (the next add is): a power cut may
        bring the entry back, and its uid is recognised when it is sent again."""
        conn = self._connect(create=False)
        if conn is not None:
            conn.execute("PRAGMA synchronous=NORMAL")
            try:
                conn.execute("DELETE FROM outbox WHERE uid = ?", [uid])
            finally:
                conn.execute("PRAGMA synchronous=FULL")

    def attempted(self, uid: str, error: str) -> None:
        conn = self._connect(create=False)
        if conn is not None:
            conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                         "WHERE uid = ?", [error, uid])

    def failed(self, uid: str, error: str) -> None:
        """The tap cannot be applied (e.g. its category was deleted meanwhile): kept aside,
        with why, for the manager; never retried."""
        conn = self._connect(create=False)
        if conn is not None:
            conn.execute("UPDATE outbox SET state = 'failed', last_error = ? WHERE uid = ?",
                         [error, uid])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
