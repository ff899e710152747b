"""The weekly summary's reads sent to a server together (PostgreSQL).

Once a whole-hour week's bounds are known, every read of its summary is known too
(app.summary._reads). On PostgreSQL they go to the server in one pipeline — one round trip
instead of ten — through db.pg's ``read_ahead``, and each query function of db.reports is
then answered from their rows (matched by statement and positional parameters, for as long
as nothing may have changed). The reads are listed by calling those same functions on a
:class:`Noted` handle, which only notes each statement: the list cannot drift from what the
summary asks. A SQLite file is read as it is asked: nothing is done here for it.
"""

from __future__ import annotations

from db.connection import Database


class Noted:
    """Stands for the database while the summary's reads are listed: each statement and
    its parameters are noted, nothing is run (every read answers no rows; one asked for a
    single row, such as a count, zeros)."""

    backend = "noted"

    def __init__(self) -> None:
        self.reads: list[tuple[str, tuple]] = []

    def execute(self, sql: str, params=()) -> Noted:
        self.reads.append((sql, tuple(params)))
        return self

    def query(self, sql: str, params=()):
        self.reads.append((sql, tuple(params)))
        return iter(())

    def fetchall(self) -> list:
        return []

    def fetchone(self) -> tuple:
        return (0,) * 64

    def __iter__(self):
        return iter(())


def send_ahead(db: Database, store_id: int, reads) -> bool:
    """On a server (db.pg's ``read_ahead``): the statements ``reads(handle)`` makes —
    calls of db.reports' functions (or another module's) on ``handle`` — sent together in
    one round trip, each answered from its rows when the same call is made on ``db`` (until
    :func:`forget_ahead`, or until anything may have changed). A SQLite file is read as it
    is asked: nothing is done.
    Returns whether the reads were sent."""
    if getattr(db, "backend", "sqlite") == "sqlite":
        return False
    ahead = getattr(db, "read_ahead", None)
    if ahead is None:
        return False
    noted = Noted()
    reads(noted)
    ahead(store_id, noted.reads)
    return True


def forget_ahead(db: Database) -> None:
    """The rows :func:`send_ahead` kept, let go (a server's; nothing on SQLite)."""
    if getattr(db, "backend", "sqlite") != "sqlite":
        forget = getattr(db, "forget_read_ahead", None)
        if forget is not None:
            forget()
