"""The handle every service takes: the database, the clock and the store."""

from __future__ import annotations

from pathlib import Path

from app import settings as settings_mod
from app.clock import Clock, SystemClock
from db.connection import Database, open_database


class Context:
    """The database, the clock (``SystemClock`` unless a test passes one), the store and
    the name of this terminal (the host name unless set: ``--terminal``, first-run setup)."""

    def __init__(self, db: Database, clock: Clock | None = None, store_id: int = 1,
                 terminal: str | None = None) -> None:
        self.db = db
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.store_id = store_id
        self._terminal: str | None = None
        if terminal is not None:
            self.terminal = terminal
        self._terminal_id: tuple[int, str, int] | None = None  # (store, name, id)

    @property
    def terminal(self) -> str:
        """This terminal's name: what incidents, approvals and audit entries record."""
        if not self._terminal:
            from app.terminals import default_name

            self._terminal = default_name()
        return self._terminal

    @terminal.setter
    def terminal(self, name: str | None) -> None:
        from app.terminals import check_name

        self._terminal = check_name(name) if name is not None else None
        self._terminal_id = None

    def terminal_id(self) -> int:
        """The id of this terminal's row, made on its first write. Remembered once the row
        is committed: inside a transaction that may still roll back it is looked up again
        next time (one indexed probe)."""
        key = (self.store_id, self.terminal)
        if self._terminal_id is not None and self._terminal_id[:2] == key:
            return self._terminal_id[2]
        from db.terminals import ensure_terminal

        found = ensure_terminal(self.db, self.store_id, self.terminal, self.now_iso())
        if not self.db.conn.in_transaction:
            self._terminal_id = (*key, found)
        return found

    def __repr__(self) -> str:
        return f"Context(store_id={self.store_id}, clock={self.clock!r})"

    def settings(self) -> settings_mod.StoreSettings:
        return settings_mod.load(self.db, self.store_id)

    def now_iso(self) -> str:
        from app.clock import to_iso

        return to_iso(self.clock.now())


def open_context(path: str | Path | None, clock: Clock | None = None) -> Context:
    """Open (creating if needed) the database at ``path``, for the terminal's store
    (``app.stores``); a file or server that cannot be used raises the
    ``app.errors.DatabaseProblem`` for its state.

    A file that holds one store is that store unless ``--store``/COMEBACK_STORE say
    otherwise, as for the commands (app.cli._context): terminal.json, which finding
    imports platformdirs (~25 M instructions, ~4 % of the counter's first paint), is read
    only for a server or a file of several stores (or none yet)."""
    from app.stores import chosen_store_id
    from db.connection import is_server_url
    from db.health import DatabaseFileError, DatabaseServerError

    store_id = chosen_store_id(explicit_only=True)
    try:
        if is_server_url(path):  # a terminal: keeps logging while the server is away
            from app.offline import open_terminal

            return open_terminal(str(path), clock, store_id=store_id if store_id is not None
                                 else chosen_store_id())
        database = open_database(path)
    except (DatabaseFileError, DatabaseServerError) as error:
        from app.dbfile import problem

        raise problem(error) from None
    if store_id is None:
        store_id = _the_one_store(database) or chosen_store_id()
    return Context(db=database, clock=clock or SystemClock(), store_id=store_id)


def _the_one_store(database: Database) -> int | None:
    """The number of the file's only store; None when it holds none or several (or cannot
    be read now: the first read after opening explains that)."""
    import sqlite3

    from db.store import store_ids

    try:
        held = store_ids(database)
    except sqlite3.DatabaseError:
        return None
    return held[0] if len(held) == 1 else None
