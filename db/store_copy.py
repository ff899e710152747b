"""Copy every row of one Comeback database into another, ids kept: SQLite → PostgreSQL
(``comeback migrate-to``) and PostgreSQL → SQLite (``comeback backup`` of a server's
database).

Both databases have the schema of the same migrations; tables are copied parents first
(the order of the SQLite side's foreign keys), each row with its own id, the audit log
with its hashes as they are (the chain is over the entries' content, so a copy that keeps
every value keeps the chain). What each engine does differently is in its side class
below, and only here:

* **SQLite**: rows are read in id order from any ``sqlite3`` connection (a read-only one
  for ``migrate-to``: the source file is not written, not even its header) and written
  with ``executemany``;
* **PostgreSQL**: rows are read through a server-side cursor (a big store is streamed, not
  held in memory) and written with ``COPY … FROM STDIN``; afterwards each identity column
  is set past the highest copied id, so the next row gets a new one.

The caller runs the whole copy in one transaction of the target: a failure leaves the
target as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

BATCH = 5000


class CopyFailed(Exception):
    """A table could not be copied (a row the target refuses…): ``table`` and ``reason``.
    The caller's transaction rolls back; a lost server stays a DatabaseServerError."""

    def __init__(self, table: str, reason: str) -> None:
        super().__init__(f"{table}: {reason}")
        self.table, self.reason = table, reason


def _skipped(name: str) -> bool:
    """Bookkeeping tables each side keeps for itself (migrations) and the summary's rollup
    (its triggers fill it in on the target as the incidents arrive), never copied."""
    from db.summary_rollup import DERIVED

    return name.startswith(("_", "sqlite_")) or name in DERIVED


class SqliteSide:
    """A SQLite database as the source or the target of a copy."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def tables(self) -> list[str]:
        """Every table, parents before the tables that refer to them."""
        names = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not _skipped(r[0])]
        parents = {name: {r[2] for r in self.conn.execute(
            f"PRAGMA foreign_key_list({_quote(name)})")} - {name} for name in names}
        ordered: list[str] = []
        while len(ordered) < len(names):
            ready = [n for n in names if n not in ordered
                     and parents[n] <= set(ordered) | (parents[n] - set(names))]
            if not ready:  # a cycle: take the rest as they come
                ready = [n for n in names if n not in ordered]
            ordered.extend(ready)
        return ordered

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({_quote(table)})")]

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]

    def rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        cursor = self.conn.execute(
            f"SELECT {_names(columns)} FROM {_quote(table)} ORDER BY {_order(columns)}")
        while batch := cursor.fetchmany(BATCH):
            yield from batch

    def write(self, table: str, columns: list[str], rows: Iterator[tuple]) -> int:
        sql = (f"INSERT INTO {_quote(table)} ({_names(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        written = 0
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.conn.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            self.conn.executemany(sql, batch)
            written += len(batch)
        return written

    def finish(self, table: str) -> None:
        """Nothing to do: SQLite's next rowid is always past the largest."""


class PgSide:
    """A PostgreSQL database (``db.pg.PgDatabase``) as the source or target of a copy;
    psycopg's errors come out as the sqlite3 classes, as everywhere in ``db/``."""

    def __init__(self, database: Any) -> None:
        self.database = database
        self.raw = database.conn.raw

    @contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        flush = getattr(self.database.conn, "flush", None)  # a BEGIN waiting to go ahead
        try:
            if flush is not None:
                flush()
            yield
        except psycopg.Error as error:
            raise self.database.conn._error(error) from error

    def tables(self) -> list[str]:
        return [r[0] for r in self.raw.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
            if not _skipped(r[0])]

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = %s ORDER BY ordinal_position", [table])]

    def count(self, table: str) -> int:
        return self.raw.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]

    def rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        with self._errors(), self.raw.cursor(name=f"comeback_copy_{table}") as cursor:
            cursor.itersize = BATCH
            cursor.execute(f"SELECT {_names(columns)} FROM {_quote(table)} "
                           f"ORDER BY {_order(columns)}")
            yield from cursor

    def write(self, table: str, columns: list[str], rows: Iterator[tuple]) -> int:
        written = 0
        with self._errors(), self.raw.cursor() as cursor, cursor.copy(
                f"COPY {_quote(table)} ({_names(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written

    def finish(self, table: str) -> None:
        """Set the table's identity column past the largest id copied."""
        if "id" not in self.columns(table):
            return
        with self._errors():
            self._set_identity(table)

    def _set_identity(self, table: str) -> None:
        sequence = self.raw.execute("SELECT pg_get_serial_sequence(%s, 'id')",
                                    [table]).fetchone()[0]
        if sequence:
            self.raw.execute(
                f"SELECT setval(%s, coalesce((SELECT max(id) FROM {_quote(table)}), 0) + 1, "
                "false)", [sequence])


def copy_all(source: SqliteSide | PgSide, target: SqliteSide | PgSide,
             order_from: SqliteSide, progress: Callable[[str, int], object] | None = None
             ) -> dict[str, int]:
    """Copy every table ``source`` and ``target`` both have (the columns they share), in
    ``order_from``'s foreign-key order; returns the rows copied per table. The caller holds
    the target's transaction (and the source's snapshot)."""
    have = set(target.tables())
    source_tables = set(source.tables())
    counts: dict[str, int] = {}
    for table in order_from.tables():
        if table not in have or table not in source_tables:
            continue
        wanted = set(target.columns(table))
        columns = [c for c in source.columns(table) if c in wanted]
        try:
            counts[table] = target.write(table, columns, source.rows(table, columns))
            target.finish(table)
        except sqlite3.Error as error:
            from db.health import DatabaseServerError

            if isinstance(error, DatabaseServerError):
                raise
            raise CopyFailed(table, str(error).strip().splitlines()[0]) from error
        if progress is not None:
            progress(table, counts[table])
    return counts


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _names(columns: list[str]) -> str:
    return ", ".join(_quote(c) for c in columns)


def _order(columns: list[str]) -> str:
    return '"id"' if "id" in columns else "1"


def open_read_only(path) -> tuple[sqlite3.Connection, bool]:
    """A read-only connection to the SQLite file ``path`` that writes nothing to it (not
    the WAL mode in its header, not a checkpoint), and whether its schema is this
    Comeback's newest (False: older, it needs opening once by this Comeback). Raises
    ``DatabaseFileError`` for a missing, unreadable, foreign or newer file."""
    from pathlib import Path

    from db import health
    from db.connection import MIGRATION_COUNT, MIGRATION_SET, NEWEST_MIGRATION

    path = Path(path)
    health.inspect(path, create=False)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA query_only=ON")
        current = health.schema_state(conn, path, MIGRATION_SET, NEWEST_MIGRATION,
                                       MIGRATION_COUNT)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise health.problem_of(error, path) or health.not_a_database(path) from None
    except BaseException:
        conn.close()
        raise
    return conn, current


def store_names(database: Any) -> list[tuple[int, str]]:
    """The stores a database (either engine) holds: (id, name); the name is the JSON text
    of the ``store_name`` setting ('' when it has none)."""
    import json

    rows = database.execute(
        "SELECT stores.id, settings.value FROM stores LEFT JOIN settings ON "
        "settings.store_id = stores.id AND settings.name = 'store_name' "
        "ORDER BY stores.id").fetchall()
    names = []
    for store_id, value in rows:
        try:
            name = json.loads(value) if value is not None else ""
        except ValueError:
            name = value
        names.append((store_id, str(name)))
    return names


def audit_entries(database: Any) -> int:
    return database.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction on a SQLite connection: every table is read as it was when
    the first one was (WAL keeps that snapshot while others write)."""
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")


def server_to_file(database: Any, target) -> dict[str, int]:
    """Copy the PostgreSQL ``database`` into the new, empty SQLite file ``target``:
    migrated, filled in one transaction from one REPEATABLE READ snapshot of the server,
    made a self-contained file (rollback journal, no -wal) and checked with
    ``integrity_check``. Rows per table."""
    from db.backup import integrity_check
    from db.connection import open_database
    from db.health import problem_of

    copy = open_database(target)
    try:
        side = SqliteSide(copy.full.conn)
        with database.snapshot(), copy.atomic():
            counts = copy_all(PgSide(database), side, side)
        copy.conn.execute("PRAGMA journal_mode=DELETE")
        integrity_check(copy.conn, target)
    except sqlite3.Error as error:
        raise problem_of(error, target) or error from None
    finally:
        copy.close()
    return counts
