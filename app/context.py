"""The handle every service takes: the database, the clock and the store."""

from __future__ import annotations

from pathlib import Path

from app import settings as settings_mod
from app.clock import Clock, SystemClock
from db.connection import Database, open_database


class Context:
    """The database, the clock (``SystemClock`` unless a test passes one) and the store."""

    def __init__(self, db: Database, clock: Clock | None = None, store_id: int = 1) -> None:
        self.db = db
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.store_id = store_id

    def __repr__(self) -> str:
        return f"Context(store_id={self.store_id}, clock={self.clock!r})"

    def prepare_writes(self) -> None:
        """Build the database toolkit now instead of on the first write (see
        db.connection): the app calls this right after the counter's first paint."""
        self.db.full  # noqa: B018 - the property builds it

    def settings(self) -> settings_mod.StoreSettings:
        return settings_mod.load(self.db, self.store_id)

    def now_iso(self) -> str:
        from app.clock import to_iso

        return to_iso(self.clock.now())


def open_context(path: str | Path | None, clock: Clock | None = None) -> Context:
    """Open (creating if needed) the database at ``path``; a file that cannot be used
    raises the ``app.errors.DatabaseProblem`` for its state."""
    from db.health import DatabaseFileError, DatabaseServerError

    try:
        database = open_database(path)
    except (DatabaseFileError, DatabaseServerError) as error:
        from app.dbfile import problem

        raise problem(error) from None
    return Context(db=database, clock=clock or SystemClock())
