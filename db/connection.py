"""Open the Comeback SQLite database: WAL, foreign keys on, synchronous=FULL, migrated.

This package is the only code that speaks SQL. Everything above it calls the small,
named functions in the sibling modules, so a second backend can be added later.

The handle everyone passes around is a :class:`Database`: the sqlite3 connection, with
sqlite-utils' ``query``/``execute``/``atomic`` done directly on it (a SELECT without
sqlite-utils' SAVEPOINT around it, a write outside a transaction committed, ``atomic`` as
BEGIN … COMMIT or a savepoint). Importing sqlite-utils costs more than the whole counter
screen takes to build (click, dateutil and pluggy come with it), and the app itself needs
nothing else of it: it is loaded only for what is sqlite-utils' own (migrating a file,
``db["table"]`` in tests and scripts, any other attribute), on the same connection.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000
# The migration set, its newest migration and how many it has (db/migrations.py; a test
# keeps them equal). A file that has the newest applied and as many as this Comeback knows
# needs no migration (one that skipped a migration landed out of number order does), and
# that check needs no sqlite-utils.
MIGRATION_SET = "comeback"
NEWEST_MIGRATION = "0031_pg_read_stamps"
MIGRATION_COUNT = 23

_SELECT = re.compile(r"\s*select\b", re.IGNORECASE)
_CONTROL = re.compile(r"\s*(begin|commit|end|rollback|savepoint|release)\b", re.IGNORECASE)


class Database:
    """The app's database handle; see the module docstring. ``conn`` is the sqlite3
    connection; every attribute not defined here is sqlite-utils' (which builds it)."""

    #: The file (None in memory) and whether it opened read-only (see open_database).
    path: Path | None = None
    read_only: bool = False
    #: When every page of the file was last found sound (``db.sound_stamp``); None when
    #: this process has not checked it (nor found a stamp that matched).
    sound_since: float | None = None
    backend = "sqlite"
    away = False  # a file is never away (a server can be: db.failover)
    #: SQL for the database's own clock, whole seconds since 1970 (UTC): on a server it is
    #: the server's clock, which no terminal sets (db.approval_keys).
    NOW_EPOCH = "CAST(strftime('%s', 'now') AS INTEGER)"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: sqlite_utils.Database | None = None
        self._savepoints = 0
        #: Values read often and seldom changed (the store's settings), each kept with the
        #: ``data_mark`` it was read at (see app.settings.load).
        self.memo: dict = {}

    @property
    def full(self) -> sqlite_utils.Database:
        """sqlite-utils' Database on this connection, built (and imported) the first time."""
        if self._full is None:
            from sqlite_utils import Database as FullDatabase

            self._full = FullDatabase(self.conn, execute_plugins=False)
        return self._full

    @property
    def is_full(self) -> bool:
        return self._full is not None

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None
              ) -> Iterator[dict]:
        """Rows as dicts, as sqlite-utils' ``query``."""
        if _SELECT.match(sql):
            cursor = self.conn.execute(sql, () if params is None else params)
            keys = [column[0] for column in cursor.description]
            if len(set(keys)) == len(keys):  # sqlite-utils renames repeated column names
                return (dict(zip(keys, row, strict=True)) for row in cursor)
            cursor.close()
        return self.full.query(sql, params)

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None
                ) -> sqlite3.Cursor:
        """A cursor, as sqlite-utils' ``execute``: a write outside a transaction commits
        (and one that fails leaves no transaction open)."""
        conn = self.conn
        if _SELECT.match(sql):
            return conn.execute(sql, () if parameters is None else parameters)
        was_open = conn.in_transaction
        try:
            cursor = conn.execute(sql, () if parameters is None else parameters)
        except Exception:
            if not was_open and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if not was_open and conn.in_transaction and cursor.description is None \
                and not _CONTROL.match(sql):
            conn.execute("COMMIT")
        return cursor

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction (BEGIN … COMMIT; a savepoint inside an open one), rolled back
        when the block raises: sqlite-utils' ``atomic``, without loading sqlite-utils."""
        conn = self.conn
        if conn.in_transaction:
            self._savepoints += 1
            name = f"comeback_{self._savepoints}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:  # a RAISE(ROLLBACK) may have ended it all
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        conn.execute("BEGIN")
        try:
            yield self
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @property
    def where(self) -> str:
        return str(self.path) if self.path is not None else ":memory:"

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: the write lock is taken *before* the first
        read, so no other process can read the same state and act on it in between. Inside
        an open transaction it only joins it."""
        conn = self.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def lock_wait(self, ms: int) -> Iterator[None]:
        """See :func:`busy_timeout`: SQLite's ``busy_timeout`` for the block."""
        conn = self.conn
        before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout={int(ms)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(before)}")

    def tap_write(self, wait_s: float, poll_s: float):
        """A tap's block (:func:`tap_write`): on a file, :meth:`polled_write` around it
        all, the write lock taken before its reads."""
        return self.polled_write(wait_s, poll_s)

    @contextmanager
    def polled_write(self, wait_s: float, poll_s: float) -> Iterator[None]:
        """The block in one write transaction, taking the write lock first: tried every
        ``poll_s`` for up to ``wait_s`` (then "database is locked"), instead of SQLite's own
        wait, which sleeps 1, 2, 5, then 10 ms and more between its tries and would mostly
        miss the short pauses a big import leaves between its slices (app.import_switch).
        Commits when the block ends, rolls back when it raises (``BEGIN IMMEDIATE``)."""
        import time

        conn = self.conn
        if conn.in_transaction:
            conn.commit()
        deadline = time.monotonic() + wait_s
        before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() >= deadline:
                        raise
                time.sleep(poll_s)
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(before)}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        if conn.in_transaction:
            conn.commit()

    def snapshot_cursors(self, queries: Sequence[str], params: Sequence, *,
                         cache_kb: int = 2000) -> tuple[sqlite3.Cursor, ...]:
        """One cursor per query, all reading the same snapshot (a read transaction, ended
        by :meth:`end_snapshot`), streaming rather than loading (a bigger page cache
        meanwhile)."""
        conn = self.conn
        conn.execute(f"PRAGMA cache_size = -{int(cache_kb)}")
        if not conn.in_transaction:
            conn.execute("BEGIN")
        cursors = []
        for sql in queries:
            cursor = conn.cursor()
            cursor.arraysize = 1000
            cursors.append(cursor.execute(sql, list(params)))
        return tuple(cursors)

    def end_snapshot(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()  # only read
        self.conn.execute("PRAGMA cache_size = -2000")  # SQLite's default

    def staging_cache(self, kb: int | None) -> None:
        """While an import stages rows in TEMP tables (db.csv_import): those on disk, not in
        memory, and a page cache of ``kb``; None gives SQLite's default cache back."""
        if kb is None:
            self.conn.execute("PRAGMA cache_size = -2000")
            return
        self.conn.execute("PRAGMA temp_store = FILE")
        self.conn.execute(f"PRAGMA cache_size = -{int(kb)}")

    def insert_rows(self, table: str, insert: str, rows: Sequence[tuple]) -> None:
        """Add many rows to ``table`` in one transaction: ``insert`` (an ``INSERT … VALUES
        (?, …)`` of every column) for each row."""
        conn = self.conn
        if conn.in_transaction:
            conn.commit()
        conn.executemany(insert, rows)
        conn.commit()

    def refresh_statistics(self) -> None:
        """Fresh planner statistics after a big write (``optimize``: bounded, best effort)."""
        optimize(self.conn)

    def flush_erased(self) -> None:
        """Copy the WAL into the database file and cut the WAL to zero bytes, so
        overwritten pages (``secure_delete`` zeroed them) are gone from both files."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def table_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def index_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")]

    @contextmanager
    def chain_lock(self, store_id: int) -> Iterator[None]:
        """Nothing to do on SQLite: reading a chain's head and appending to it is one
        statement, and one statement runs under the file's write lock."""
        yield

    def close(self, *, refresh_statistics: bool = False) -> None:
        """Close; with ``refresh_statistics`` first refresh the planner's statistics where
        they are stale (cheap: a bounded sample per index, see ``optimize``), and after
        closing record that the file, as this process leaves it, is sound since the last
        full check (``db.sound_stamp``; only when this process found it sound). The app
        asks for it when it quits and after a command that succeeded; anything else
        leaves the file as it found it."""
        sound = optimize(self.conn) if refresh_statistics else False
        self.conn.close()
        if sound and self.sound_since is not None and self.path is not None \
                and not self.read_only:
            from db import sound_stamp

            sound_stamp.write(self.path, self.sound_since)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full, name)

    def __getitem__(self, table: str) -> Any:
        return self.full[table]


#: Rows ANALYZE samples per index when the statistics are refreshed: enough for the
#: planner, a few ms even at 1,000,000 incidents.
ANALYSIS_LIMIT = 400


def optimize(conn: sqlite3.Connection) -> bool:
    """``PRAGMA optimize`` with a bounded ``analysis_limit``; on close and after imports.
    Best effort: a read-only or busy file keeps its old statistics. False when it met a
    damaged page (then no stamp says the file is sound, see ``Database.close``)."""
    try:
        conn.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        conn.execute("PRAGMA optimize")
        _note_empty_indexes(conn)
    except sqlite3.DatabaseError as error:
        code = getattr(error, "sqlite_errorcode", 0) or 0
        return (code & 0xFF) != 11 and "malformed" not in str(error)  # 11: SQLITE_CORRUPT
    except sqlite3.Error:
        pass
    return True


# An index of an analysed table that ANALYZE gave no row: it holds no entry (a partial index
# such as idx_followups_open when nothing is open).
_EMPTY_INDEXES = (
    "SELECT m.tbl_name, m.name FROM sqlite_master m WHERE m.type = 'index' "
    "AND EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = m.tbl_name) "
    "AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = m.name)")


def _note_empty_indexes(conn: sqlite3.Connection) -> None:
    """Give each empty index of an analysed table a statistics row ("0 rows"). Without one,
    ``PRAGMA optimize`` counts its table as never analysed and runs ANALYZE on it again at
    every close that read it: 10-20 ms of each command at a store with no open follow-up."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() \
            is None:
        return
    empty = conn.execute(_EMPTY_INDEXES).fetchall()
    if empty:
        with conn:
            conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, '0 0')",
                             empty)


def _configure(conn: sqlite3.Connection, *, wal: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Deleted and overwritten content (erased guest details) is zeroed, not left in free
    # pages; app.privacy checkpoints the WAL after an erase.
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA foreign_keys=ON")
    # Each page is checked for malformed cells as it is read, so a damaged page a command
    # reads fails it ("malformed") before anything is written (see db.sound_stamp).
    conn.execute("PRAGMA cell_size_check=ON")
    # As sqlite-utils sets it on every connection it wraps (the app's writes no longer
    # need sqlite-utils: see Database).
    conn.execute("PRAGMA recursive_triggers=ON")
    if wal:
        conn.execute("PRAGMA journal_mode=wal")
    # FULL: a committed incident survives a power cut, also in WAL mode.
    conn.execute("PRAGMA synchronous=FULL")
    from db.audit_chain import register

    register(conn)  # the audit log's hash chain is computed inside its INSERT


def is_server_url(target: object) -> bool:
    """A PostgreSQL URL (``postgresql://…``) rather than a file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_database(path: str | Path | None, *, create: bool = True,
                  check: bool = False, sound_since: float | None = None) -> Database:
    """Open and migrate the database at ``path``; None = in memory.

    ``create=False`` refuses a missing file instead of creating it (commands that only
    read). ``check`` makes sure the file is sound first: ``PRAGMA quick_check`` unless
    its stamp says it was found sound since it last changed (``db.sound_stamp``), or the
    caller has just checked it (``sound_since``: when). Every bad state of the file raises
    ``db.health.DatabaseFileError`` with its kind; a new file (and its folders) is made
    0600 in folders 0700, and removed again when it cannot be set up. A file that is not
    writable opens read-only (``Database.read_only``); it can only be read.
    """
    if is_server_url(path):
        from db.pg import open_pg

        return open_pg(str(path))
    from db import health

    if path is None or str(path) == ":memory:":
        conn = sqlite3.connect(":memory:")
        _configure(conn, wal=False)
        database = Database(conn)
        if not health.schema_state(conn, Path(":memory:"), MIGRATION_SET, NEWEST_MIGRATION,
                                   MIGRATION_COUNT):
            _migrate(database, Path(":memory:"))
        return database
    path = Path(path)
    writable, created = health.inspect(path, create=create)
    conn = None
    try:
        conn = health.connect(path, writable, BUSY_TIMEOUT_MS)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Checked before anything is written (WAL mode is a write to the header).
        if check and sound_since is None:
            sound_since = health.sound_since(conn, path)
        up_to_date = health.schema_state(conn, path, MIGRATION_SET, NEWEST_MIGRATION,
                                          MIGRATION_COUNT)
        if not up_to_date:
            from db.migrations import migrations

            health.refuse_unknown(conn, path, MIGRATION_SET,
                                  [m.name for m in migrations._migrations])
        try:
            _configure(conn, wal=writable)
        except sqlite3.Error as error:
            raise health.problem_of(error, path) or error from None
        database = Database(conn)
        database.path, database.read_only = path, not writable
        database.sound_since = sound_since
        if not up_to_date:
            if not writable:
                raise health.DatabaseFileError(health.Problem.READ_ONLY, path, "upgrade")
            _migrate(database, path)
    except BaseException as error:
        if conn is not None:
            conn.close()
        health.remove_created(created)
        if isinstance(error, health.DatabaseFileError) and \
                error.problem is health.Problem.NOT_DATABASE:
            raise health.not_a_database(path) from None
        raise
    if writable and not created:
        health.tighten(path)
    return database


def _migrate(database: Database, path: Path) -> None:
    from db import health
    from db.migrations import migrations

    try:
        migrations.apply(database.full)
    except sqlite3.Error as error:
        raise health.problem_of(error, path) or error from None


def data_mark(database: Database, store_id: int | None = None) -> object:
    """A value that changes whenever what the database holds (for ``store_id``) may have
    changed: this connection's own writes (``total_changes``, no statement) and every commit
    of another connection or process (``PRAGMA data_version``: no disk read); a server's
    handle has its own (db.pg: LISTEN/NOTIFY). Lets a caller keep a small, often-read table
    (the settings) until it changes."""
    if getattr(database, "backend", "sqlite") != "sqlite":  # (a class attribute here: a
        return database.data_mark(store_id)  # getattr of another name builds sqlite-utils)
    conn = database.conn
    return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


def pragma(database: Database, name: str) -> object:
    """Read one PRAGMA value (used by tests and diagnostics)."""
    return database.conn.execute(f"PRAGMA {name}").fetchone()[0]


def busy_timeout(database: Database, ms: int):
    """Wait at most ``ms`` for another writer's lock inside the block (then "database is
    locked"), instead of the connection's usual :data:`BUSY_TIMEOUT_MS`. The counter's tap
    uses a short one and keeps the tap for a retry rather than freeze the screen."""
    return database.lock_wait(ms)


def tap_transaction(database: Database, wait_s: float, poll_s: float):
    """Run the block in one write transaction, the lock waited for at most ``wait_s``
    (then "database is locked"); see :meth:`Database.polled_write`. The counter's tap."""
    return database.polled_write(wait_s, poll_s)


def tap_write(database: Database, wait_s: float, poll_s: float):
    """Run a tap that logs an incident (app.incidents.log_incident: its reads, then its one
    write), each lock waited for at most ``wait_s``. On a file, :func:`tap_transaction`
    around it all. On a server, no transaction around it (db.pg ``tap_write``): its write
    is one transaction of its own that checks what the tap was decided from, and its reads
    are kept from the tap before or sent ahead together, as outside a transaction."""
    return database.tap_write(wait_s, poll_s)


def database_file(database: Database) -> Path | None:
    """The file the database lives in; None for an in-memory database, and for a server's
    (PostgreSQL) database, which has no file here."""
    if getattr(database, "backend", "sqlite") != "sqlite":
        return None
    for row in database.conn.execute("PRAGMA database_list"):
        if row[1] == "main":
            return Path(row[2]) if row[2] else None
    return None


def pending_migrations(database: Database) -> list[str]:
    from db.migrations import migrations

    return [m.name for m in migrations.pending(database.full)]
