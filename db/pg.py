"""PostgreSQL behind the same ``db/`` functions (psycopg 3, imported only for a
``postgresql://`` URL, so a SQLite start never pays for it).

Every module in ``db/`` writes its SQL once, in the common subset both engines run. What
differs lives here and in :mod:`db.dialect`, nowhere else:

* parameters: ``?`` and ``:name`` become psycopg's ``%s`` and ``%(name)s`` (a literal
  ``%`` is doubled), string literals and comments left alone;
* SQLite's planner hints (``INDEXED BY``, ``CROSS JOIN … ON``) are dropped: PostgreSQL plans
  with its own statistics, which autovacuum keeps; ``x COLLATE NOCASE`` is ``lower(x)``;
* ``lastrowid``: an ``INSERT`` into a table with an ``id`` gets ``RETURNING id``;
* Python ``bool`` parameters are sent as integers (the schema's flags are INTEGER, as in
  SQLite) and ``numeric`` results (``sum`` of a bigint) come back as ``int`` when whole;
* errors come back as the DB-API classes of :mod:`sqlite3` (``IntegrityError``,
  ``OperationalError``…) with psycopg's error as ``__cause__``, so callers catch one set;
  a lost or refused connection is a :class:`db.health.DatabaseServerError`.

Transactions: the connection runs in autocommit (a statement outside ``atomic`` commits
itself, as sqlite-utils' ``execute`` does); ``atomic`` is ``BEGIN``/``COMMIT`` with
savepoints when nested, at READ COMMITTED. Where a read-check-write step must not
interleave with another terminal (a PIN check and its lockout count, the audit chain's
head), ``db.locking`` takes a transaction-level advisory lock.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader
from psycopg.pq import ExecStatus, TransactionStatus

from db import health
from db.import_staging import visible
from db.pg_tap import READS_CHANGED, STAMP, ReadsChanged

# Tables whose rows have an ``id`` the caller may want back (``cursor.lastrowid``).
_ID_TABLES = frozenset({"stores", "staff", "categories", "remedies", "remedy_rules",
                        "incidents", "incident_remedies", "followups", "vouchers",
                        "audit_log", "terminals", "changes"})

_TOKEN = re.compile(r"'(?:[^']|'')*'|--[^\n]*|::|\?|:([A-Za-z_]\w*)|%")
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE)
_CROSS_JOIN = re.compile(r"\bCROSS\s+JOIN\b(?=[^;]*?\bON\b)", re.IGNORECASE)
_NOCASE = re.compile(r"([\w.]+)\s+COLLATE\s+NOCASE", re.IGNORECASE)
# Writes that may wait for the next statement inside a transaction (PgConnection.execute):
# an UPDATE or DELETE (its rowcount is read when asked for) and the audit log's append (its
# own lock, never expected to fail alone), and a tap's whole write (db.pg_tap: its ids are
# read after the transaction). An INSERT elsewhere goes at once: a caller may catch its
# IntegrityError right there.
_WAITS = re.compile(r"\s*(UPDATE|DELETE)\b|\s*INSERT\s+INTO\s+audit_log\b"
                    r"|\s*SELECT \* FROM comeback_log_tap\(", re.IGNORECASE)
_INSERT = re.compile(r"\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
# SQLite's schema names: its TEMP tables (PostgreSQL's are in pg_temp) and the file's own
_TEMP = re.compile(r"(?<![\w.])temp\.(?=\w)", re.IGNORECASE)
_MAIN = re.compile(r"(?<![\w.])main\.(?=\w)", re.IGNORECASE)
# An incident "not in an import still being copied" (db.import_staging.visible) as one
# condition the planner cannot split: PostgreSQL rewrites ``id NOT BETWEEN a AND b`` into
# ``id < a OR id > b``, and where ``id`` is a column of the index that a read ranges over
# (idx_incidents_noted, the checks', the guests') a generic plan took the two halves as two
# index conditions: a BitmapOr of two scans of the same range and a heap page read for each
# row (a week's notes: ~100 table pages), instead of one index-only range filtered on its
# entries. ``(id BETWEEN a AND b) IS NOT TRUE`` is the same for an id (never NULL; the
# bounds are never NULL either).
_VISIBLE = re.compile(r"([\w.]+)" + re.escape(visible("")))
_VISIBLE_AS = (r"(\1 BETWEEN " + visible("").removeprefix(" NOT BETWEEN ").replace("\\", "\\\\")
               + ") IS NOT TRUE")
_TUPLES_OK = ExecStatus.TUPLES_OK
CONNECT_TIMEOUT_S = 5
LOCK_TIMEOUT_MS = 5000  # as SQLite's busy_timeout: wait this long for another's lock
WRITE_LOCK, CHAIN_LOCK = 0x436F6D01, 0x436F6D02  # advisory lock keys
#: Set for the app's own connection (its queries only; the server's configuration is the
#: store's): no JIT compilation — it costs 10-100 ms and the planner asks for it when a
#: table's statistics are missing or stale (right after an import), for queries that run in
#: 1-20 ms; and no parallel workers — starting them costs more than the app's short reads
#: (a week's rollup as a Parallel Append took 20-35 ms instead of ~1 ms, db.reports), and on
#: a store's server they would take cores from the other terminals.
SESSION_SETTINGS = (("jit", "off"), ("max_parallel_workers_per_gather", "0"))
#: The reads sent ahead together (PgDatabase.read_ahead: the weekly summary's ten, a tap's
#: checks) are prepared at their first use and run by their generic plan, planned once per
#: connection. With the server's default (``auto``) each statement was planned afresh for
#: its first ten calls (psycopg prepares it at its sixth, the server tries five custom
#: plans) and for good where the estimates favour a custom plan (the eight weeks' rollup):
#: ~5 ms of a week's ~15 ms on the server while planning, ~1 ms per summary after. Each of
#: them reads one store's range of an index whatever the values: its generic plan reads the
#: same index ranges as the custom plans (a tiny table hashed instead of looked up, an index
#: scan for a bitmap one), and runs no slower (docs/summary-on-postgresql.md). Only for
#: those reads: the setting is put back in the same round trip, the app's other statements
#: keep the server's.
_GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"
_PLANS_AS_BEFORE = "RESET plan_cache_mode"
#: What a big import writes (db.csv_import.optimize: refresh_statistics), the rollup tables
#: its triggers fill included.
REFRESHED_TABLES = ("incidents", "incident_remedies", "vouchers", "followups",
                    "summary_hours", "summary_staff", "summary_totals", "summary_remedies",
                    "summary_paper")


def _token(match: re.Match) -> str:
    text = match.group(0)
    if text[0] in "'-":
        return text.replace("%", "%%")  # psycopg reads % everywhere in the text
    if text == "::":
        return text
    if text == "?":
        return "%s"
    if text == "%":
        return "%%"
    return f"%({match.group(1)})s"


@lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, bool]:
    """The statement as psycopg runs it, and whether it returns the new row's id."""
    sql = _INDEXED_BY.sub("", sql)
    sql = _CROSS_JOIN.sub("JOIN", sql)
    sql = _NOCASE.sub(r"lower(\1)", sql)
    sql = _VISIBLE.sub(_VISIBLE_AS, sql)
    sql = _MAIN.sub("", _TEMP.sub("pg_temp.", sql))
    sql = _TOKEN.sub(_token, sql)
    insert = _INSERT.match(sql)
    returning = bool(insert and insert.group(1).lower() in _ID_TABLES
                     and not _RETURNING.search(sql))
    if returning:
        sql = sql.rstrip().rstrip(";") + " RETURNING id"
    return sql, returning


class _IntFromBool(Dumper):
    oid = psycopg.adapters.types["int4"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _NumericAsNumber(Loader):
    def load(self, data: bytes | bytearray | memoryview) -> int | float:
        from decimal import Decimal

        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


# The server shut down or crashed under the connection (class 08 is the connection's own).
_SERVER_GONE = frozenset({"57P01", "57P02", "57P03"})


def _as_sqlite_error(error: psycopg.Error) -> Exception:
    """The DB-API class of sqlite3 that callers already catch for this kind of error."""
    if error.sqlstate == READS_CHANGED:  # a tap decided from reads that changed (db.pg_tap)
        return ReadsChanged(error.diag.message_primary or str(error))
    if isinstance(error, psycopg.OperationalError) and (
            error.sqlstate is None or error.sqlstate[:2] == "08"
            or error.sqlstate in _SERVER_GONE):
        return health.DatabaseServerError.lost(error)
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return health.DatabaseServerError(health.ServerProblem.PERMISSION, "",
                                          error.diag.message_primary or str(error))
    if isinstance(error, pg_errors.AdminShutdown | pg_errors.CrashShutdown
                  | pg_errors.CannotConnectNow):
        return health.DatabaseServerError.lost(error)
    message = error.diag.message_primary or str(error)
    if isinstance(error, pg_errors.UniqueViolation):
        message = f"UNIQUE constraint failed: {error.diag.table_name}." \
                  f"{error.diag.constraint_name}"
        return sqlite3.IntegrityError(message)
    if isinstance(error, psycopg.IntegrityError | pg_errors.RaiseException):
        return sqlite3.IntegrityError(message)
    if isinstance(error, pg_errors.LockNotAvailable | pg_errors.DeadlockDetected
                  | pg_errors.SerializationFailure | pg_errors.QueryCanceled):
        return sqlite3.OperationalError(f"database is locked ({message})")
    if isinstance(error, pg_errors.DiskFull):
        return sqlite3.OperationalError(f"database or disk is full ({message})")
    if isinstance(error, psycopg.OperationalError | psycopg.ProgrammingError):
        return sqlite3.OperationalError(message)
    if isinstance(error, psycopg.DataError):
        return sqlite3.IntegrityError(message)
    return sqlite3.DatabaseError(message)


def _failed_inside() -> sqlite3.OperationalError:
    return sqlite3.OperationalError(
        "transaction rolled back: a statement in it failed and its error was not raised")


class PgCursor:
    """What the callers use of a sqlite3 cursor: fetch, iterate, rowcount, lastrowid.

    Whether the statement returned rows is asked of its result once: psycopg's
    ``description`` builds a Column object per column every time it is read (a tap's
    reads of catalog rows asked it for ~120 columns)."""

    def __init__(self, cursor: psycopg.Cursor, returning_id: bool) -> None:
        self._cursor = cursor
        self.lastrowid: int | None = None
        self.rowcount = cursor.rowcount
        self._rows = _returns_rows(cursor)
        self._description: Any = None
        if returning_id:
            row = cursor.fetchone()
            self.lastrowid = row[0] if row else None

    @property
    def description(self) -> Any:
        if self._description is None and self._rows:
            self._description = self._cursor.description
        return self._description

    def names(self) -> list[str]:
        """The result's column names (what a dict row is keyed by)."""
        return _column_names(self._cursor)

    def fetchone(self) -> tuple | None:
        if not self._rows:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        if not self._rows:
            return []
        return self._cursor.fetchall()

    def fetchmany(self, size: int = 1) -> list[tuple]:
        if not self._rows:
            return []
        return self._cursor.fetchmany(size)

    def __iter__(self) -> Iterator[tuple]:
        if not self._rows:
            return iter(())
        return iter(self._cursor)

    def close(self) -> None:
        self._cursor.close()


class _DeferredCursor:
    """The cursor of a write that waits to go out with the next statement (see
    :meth:`PgConnection.execute`): reading anything of it sends it (and what waits before
    it) at once."""

    def __init__(self, conn: PgConnection, returning_id: bool) -> None:
        self._conn, self.returning_id = conn, returning_id
        self._cursor: PgCursor | None = None

    def _sent(self) -> PgCursor:
        if self._cursor is None:
            self._conn.flush()
        if self._cursor is None:  # its transaction or savepoint was rolled back
            raise sqlite3.OperationalError("the statement was rolled back before it ran")
        return self._cursor

    @property
    def lastrowid(self) -> int | None:
        return self._sent().lastrowid

    @property
    def rowcount(self) -> int:
        return self._sent().rowcount

    @property
    def description(self) -> Any:
        return self._sent().description

    def fetchone(self) -> tuple | None:
        return self._sent().fetchone()

    def fetchall(self) -> list[tuple]:
        return self._sent().fetchall()

    def fetchmany(self, size: int = 1) -> list[tuple]:
        return self._sent().fetchmany(size)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._sent())

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()


class _NamedCursor:
    """A server-side cursor read like a sqlite3 one (``fetchmany``, iteration)."""

    def __init__(self, cursor: psycopg.ServerCursor) -> None:
        self._cursor = cursor
        self.arraysize = 1000

    def fetchmany(self, size: int | None = None) -> list[tuple]:
        return self._cursor.fetchmany(size or self.arraysize)

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._cursor)

    def close(self) -> None:
        self._cursor.close()


def _returns_rows(cursor: psycopg.Cursor) -> bool:
    """Whether the statement returned rows (asked of its result, not of ``description``)."""
    result = cursor.pgresult
    return result is not None and (result.nfields > 0 or result.status == _TUPLES_OK)


def _column_names(cursor: psycopg.Cursor) -> list[str]:
    """The result's column names, without building psycopg's Column objects."""
    result = cursor.pgresult
    encoding = cursor._encoding
    return [result.fname(i).decode(encoding) for i in range(result.nfields)]


class _ReadAhead:
    """The rows of a read sent ahead (:meth:`PgDatabase.read_ahead`), kept to be read back
    as often as it is asked for while nothing may have changed."""

    def __init__(self, returns: bool, keys: list[str], rows: list[tuple]) -> None:
        self.returns, self.keys, self.rows = returns, keys, rows

    @classmethod
    def of(cls, cursor: psycopg.Cursor) -> _ReadAhead:
        returns = _returns_rows(cursor)
        return cls(returns, _column_names(cursor) if returns else [],
                   cursor.fetchall() if returns else [])

    def cursor(self) -> _ReadBack:
        return _ReadBack(self)


#: The mark of reads answered from kept rows: held by their stamp, which the tap's write
#: checks, not by :meth:`PgDatabase.data_mark`.
_STAMPED = object()
#: Reads kept from tap to tap at most (a store's categories, remedies and staff are tens).
_KEPT_MAX = 2000

#: Result types whose values come back the same through JSON as psycopg reads them.
_AS_JSON = frozenset(psycopg.adapters.types[name].oid
                     for name in ("int2", "int4", "int8", "text", "varchar"))


def _json_shape(text: str, cursor: psycopg.Cursor) -> tuple[str, ...] | None:
    """The column names of a read's result when its rows can come back as JSON unchanged
    (every column an integer or text, no two of the same name, positional parameters);
    else None."""
    result = cursor.pgresult
    if result is None or result.status != _TUPLES_OK or "%(" in text:
        return None
    names = tuple(_column_names(cursor))
    if len(set(names)) != len(names) or any(
            result.ftype(i) not in _AS_JSON for i in range(result.nfields)):
        return None
    return names


@lru_cache(maxsize=256)
def _as_one_statement(reads: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Reads (statement, its column names) as one statement: one row, each read's rows as
    one JSON array of arrays (its values in the order of its columns)."""
    def rows(text: str, names: tuple[str, ...]) -> str:
        values = ", ".join(f"r.{_quoted(name)}" for name in names)
        return (f"(SELECT json_agg(json_build_array({values})) "
                f"FROM ({text.rstrip().rstrip(';')}) AS r)")

    return "SELECT " + ", ".join(rows(text, names) for text, names in reads)


def _quoted(name: str) -> str:
    """A column name as an identifier in a statement psycopg sends (``%`` doubled)."""
    return '"' + name.replace('"', '""').replace("%", "%%") + '"'


class _ReadBack:
    """A read answered from its :class:`_ReadAhead` rows (the sqlite3 cursor surface)."""

    lastrowid = None

    def __init__(self, ahead: _ReadAhead) -> None:
        self._rows, self._keys = ahead.returns, ahead.keys
        self._left = iter(ahead.rows)
        self.rowcount = len(ahead.rows)

    @property
    def description(self) -> Any:
        if not self._rows:
            return None
        return [(key, None, None, None, None, None, None) for key in self._keys]

    def names(self) -> list[str]:
        return list(self._keys)

    def fetchone(self) -> tuple | None:
        return next(self._left, None)

    def fetchall(self) -> list[tuple]:
        return list(self._left)

    def fetchmany(self, size: int = 1) -> list[tuple]:
        return list(itertools.islice(self._left, size))

    def __iter__(self) -> Iterator[tuple]:
        return self._left

    def close(self) -> None:
        self._left = iter(())


class PgConnection:
    """The part of a sqlite3 connection that ``db/`` modules use, on a psycopg one."""

    def __init__(self, conn: psycopg.Connection, where: str, url: str | None = None) -> None:
        self.raw = conn
        self.where = where  # the server and database, without a password (for messages)
        self._url = url  # to connect again after the connection broke (see execute)
        # BEGIN and advisory locks wait here and go out in one pipeline with the next
        # statement: one round trip instead of two or three (see send_ahead).
        self._ahead: list[tuple[str, Any, _DeferredCursor | None]] = []
        self.writes = 0  # statements that may have written (see PgDatabase.data_mark)
        #: Round trips to the server so far (each statement, or pipeline of them, sent and
        #: waited for): what bench.log_incidents prints per tap.
        self.round_trips = 0
        self.session = 0  # connections made again after a break (LISTENs are lost)

    @property
    def in_transaction(self) -> bool:
        # UNKNOWN: the connection broke; nothing of a transaction is left on the server.
        return bool(self._ahead) or self.raw.info.transaction_status not in (
            TransactionStatus.IDLE, TransactionStatus.UNKNOWN)

    def send_ahead(self, sql: str, parameters: Sequence = ()) -> None:
        """Run ``sql`` (BEGIN, an advisory lock) just before the next statement, in the
        same round trip. The server still runs them one after the other, so a lock is held
        before the next statement takes its snapshot."""
        self._ahead.append((translate(sql)[0], list(parameters), None))

    def flush(self) -> None:
        """Send what waits to go ahead now (before using ``raw`` directly, or when a
        waiting write's result is read)."""
        if self._ahead:
            self._send(None, None)

    def _send(self, text: str | None, parameters: Any) -> psycopg.Cursor | None:
        """What waits to go ahead, then ``text`` (if any): one pipeline, one round trip.
        Each waiting write's cursor gets its result; an error is the first statement's
        that failed (the ones after it were not run)."""
        ahead, self._ahead = self._ahead, []
        sent: list[tuple[psycopg.Cursor, _DeferredCursor]] = []
        cursor = None
        self.round_trips += 1
        try:
            if len(ahead) + (text is not None) == 1:
                before, values, waiting = ahead[0] if ahead else (text, parameters, None)
                cursor = self.raw.execute(before, values)
                if waiting is not None:
                    sent.append((cursor, waiting))
            else:
                with self.raw.pipeline():
                    for before, values, waiting in ahead:
                        done = self.raw.execute(before, values)
                        if waiting is not None:
                            sent.append((done, waiting))
                    if text is not None:
                        cursor = self.raw.execute(text, parameters)
        except psycopg.Error as error:
            raise self._error(error) from error
        for done, waiting in sent:
            waiting._cursor = PgCursor(done, waiting.returning_id)
        return cursor

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None
                ) -> PgCursor | _DeferredCursor:
        """Run ``sql``. Inside a transaction an ``UPDATE``/``DELETE`` or the audit log's
        append waits and goes out with the next statement (the tap's summary columns and
        its audit entry with its COMMIT: three round trips fewer): its cursor sends it as
        soon as anything of it is read (``rowcount``, ``lastrowid``, rows). An error of a
        waiting write is raised by the statement it went out with, inside the same
        transaction or savepoint (``atomic`` sends what waits before it ends), so the
        transaction is rolled back as if it had come at once. Other statements go at
        once."""
        text, returning = translate(sql)
        if self.raw.closed and self._url is not None:
            # The connection broke earlier (that statement said so: LOST, nothing of its
            # transaction kept); connect again, so a tap kept meanwhile is saved once the
            # server is back. Still down: DatabaseServerError as on the first start.
            self.raw = connect(self._url)
            self.session += 1
        values = () if parameters is None else parameters
        if _WAITS.match(text) and self.in_transaction:
            waiting = _DeferredCursor(self, returning)
            self._ahead.append((text, values, waiting))
            self.writes += 1
            return waiting
        if text.lstrip()[:6].upper() != "SELECT":
            self.writes += 1
        return PgCursor(self._send(text, values), returning)

    def _error(self, error: psycopg.Error) -> Exception:
        """The sqlite3-style error; a server problem names this server."""
        converted = _as_sqlite_error(error)
        if isinstance(converted, health.DatabaseServerError) and not converted.where:
            converted.where = self.where
        return converted

    def executemany(self, sql: str, rows: Any) -> None:
        text, _ = translate(sql)
        text = text.removesuffix(" RETURNING id")
        self.flush()
        self.writes += 1
        self.round_trips += 1
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(text, rows)
        except psycopg.Error as error:
            raise self._error(error) from error

    def commit(self) -> None:
        """COMMIT; a transaction in which a statement failed (its error caught and kept
        quiet) is rolled back and raises: PostgreSQL's COMMIT would roll it back without a
        word, where SQLite would have committed the statements that worked. Writes still
        waiting go out with the COMMIT (one round trip); if one fails, the transaction is
        rolled back and its error raised."""
        status = self.raw.info.transaction_status
        if status == TransactionStatus.INERROR:
            self.rollback()
            raise _failed_inside()
        if not any(waiting is not None for _t, _v, waiting in self._ahead) \
                and status == TransactionStatus.IDLE:
            self._ahead = []  # BEGIN was never sent: nothing to commit
            return
        if status == TransactionStatus.IDLE and len(self._ahead) == 2 \
                and self._ahead[0][0] == "BEGIN" and self._ahead[1][2] is not None:
            # The transaction is one write that waited (a tap's, db.pg_tap): sent alone
            # outside a transaction it is one of its own, all or nothing as well, without
            # the BEGIN and COMMIT around it.
            del self._ahead[0]
            self._send(None, None)
            return
        try:
            self.execute("COMMIT")
        except BaseException:
            with suppress(psycopg.Error, sqlite3.Error):
                self.rollback()
            raise

    def rollback(self) -> None:
        self._ahead = []
        if self.in_transaction:
            self.round_trips += 1
            try:
                self.raw.execute("ROLLBACK")
            except psycopg.Error as error:
                raise self._error(error) from error

    def close(self) -> None:
        self._url = None  # closed on purpose: never connected again behind the caller
        self.raw.close()


_SAVEPOINTS = itertools.count(1)


class PgDatabase:
    """The app's database handle on PostgreSQL: the same methods as
    :class:`db.connection.Database` (``execute``, ``query``, ``atomic``, ``close``)."""

    read_only = False
    path = None
    backend = "postgresql"
    is_full = True
    NOW_EPOCH = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) AS BIGINT)"  # the server's clock

    def __init__(self, conn: PgConnection, url: str) -> None:
        self.conn = conn
        self.url = url
        #: Small, often-read tables (the settings) with the :meth:`data_mark` they were
        #: read at (app.settings.load), as on SQLite.
        self.memo: dict = {}
        self._listening: set[tuple[int, int]] = set()  # (session, store) with a LISTEN
        self._heard = 0  # change notifications received (any store listened to)
        #: Reads sent ahead together (read_ahead): (store, data mark, {(sql, params): rows})
        self._read_ahead: tuple[int, object, dict] | None = None
        #: Each read sent ahead so far: its column names when its rows can come back as
        #: JSON unchanged, else None (see _read_as_one).
        self._json_shapes: dict[str, tuple[str, ...] | None] = {}
        #: Reads kept from tap to tap (read_ahead's ``keep``): (store, the stamp they were
        #: read under, {(sql, params): rows}); and the stamp of the reads being answered
        #: now (None: none kept, each read asked as it comes), which the tap's write checks.
        self._kept: tuple[int, int, dict] | None = None
        self._stamp: int | None = None
        #: (store, guest key): the newest failure of the guest this terminal wrote (db.tap)
        self.guests_written: dict[tuple[int, str], str] = {}
        #: Inside :meth:`tap_write`: each transaction's wait for a row lock, in ms.
        self._lock_ms: int | None = None

    def data_mark(self, store_id: int | None = None) -> object:
        """A value that changes whenever what the database holds for ``store_id`` may have
        changed (SQLite's ``data_version``, see db.connection.data_mark): this connection's
        own writes, and every change another terminal committed — each is audited in its
        transaction, and the audit log's trigger NOTIFYs ``comeback_store_<id>`` on commit
        (migration 0017). The connection LISTENs to the store's channel (once), and the
        notifications that arrived are read from its socket without a round trip. A mark
        that matches no other (a read every time) where that cannot be known: no store,
        inside a transaction before the LISTEN holds, a broken connection."""
        conn = self.conn
        if store_id is None or conn.raw.closed:
            return object()
        key = (conn.session, int(store_id))
        if key not in self._listening:
            if conn.in_transaction:
                return object()  # a LISTEN only holds from the transaction's COMMIT
            if not any(session == conn.session for session, _store in self._listening):
                conn.raw.add_notify_handler(self._heard_one)  # this connection's first
            conn.execute(f"LISTEN comeback_store_{int(store_id)}")
            self._listening.add(key)
        pgconn = conn.raw.pgconn
        try:
            pgconn.consume_input()  # what the socket holds already; never waits
            while (notice := pgconn.notifies()) is not None:
                if pgconn.notify_handler is not None:
                    pgconn.notify_handler(notice)
        except psycopg.Error:
            return object()
        if self._read_ahead is not None and self._read_ahead[1] is _STAMPED:
            # Answered from reads kept from earlier taps, which only the tap's write checks:
            # what is made of them (the settings' memo) holds for this tap alone.
            return (conn.session, conn.writes, self._heard, self._stamp)
        return (conn.session, conn.writes, self._heard)

    def _heard_one(self, notice) -> None:
        if notice.pid != self.conn.raw.info.backend_pid:  # this connection's own: its writes
            self._heard += 1

    @property
    def full(self) -> PgDatabase:
        return self

    @property
    def where(self) -> str:
        return self.conn.where

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None
                ) -> PgCursor:
        if self._read_ahead is not None:
            kept = self._read_back(sql, parameters)
            if kept is not None:
                return kept
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None
              ) -> Iterator[dict]:
        cursor = self.execute(sql, params)
        if isinstance(cursor, _DeferredCursor):
            cursor = cursor._sent()
        if not cursor._rows:
            return iter(())
        keys = cursor.names()
        return (dict(zip(keys, row, strict=True)) for row in cursor.fetchall())

    def read_ahead(self, store_id: int, reads: Sequence[tuple[str, Sequence]], *,
                   keep: Sequence[tuple[str, Sequence]] = (),
                   assume: Sequence[tuple[str, Sequence, list[tuple]]] = (),
                   whole: Sequence[tuple[str, str]] = (),
                   earlier: bool = True) -> bool:
        """Send ``reads`` (SELECTs with their parameters) to the server together, one round
        trip, and answer the same statements with the same parameters from their rows
        afterwards, for as long as :meth:`data_mark` says nothing may have changed since
        they were sent (no write here, no change notified by another terminal, outside a
        transaction) and until :meth:`forget_read_ahead`. What a tap checks before it
        writes (its category, remedies, staff, the settings) is five reads one after the
        other: one round trip instead of five. The first time a read is sent it goes in a
        pipeline of statements; once each of them is known to give integers and text,
        they go as one statement (:meth:`_read_as_one`). Best effort: when the reads
        cannot be sent, each is asked when its caller asks, as without this.

        A tap's (db.tap.reading_ahead): ``keep``, reads of the tables the store's stamp
        covers (db.pg_tap.STAMPED), are sent with the stamp in the same statement and kept
        from tap to tap with it; ``assume``, reads the tap's write checks itself (a voucher
        code is free, the guest's earlier failures) with the rows guessed for them, are
        answered so when nothing has to be sent (else they are sent with the rest). When
        every ``keep`` read is kept and there are no ``reads`` (and ``earlier``), nothing
        is sent: they are answered from the kept rows, and the tap's write checks their
        stamp (:meth:`write_tap`): one round trip a tap, the write. ``whole``: (a read of
        one row by ``(store_id, id)``, the read of all the store's rows of its table): when
        the reads are sent, the table's rows go with them and each is kept as that read's
        answer, so a tap of another category, remedy or member has nothing to send either.
        Returns whether they were answered so, from earlier reads."""
        self._read_ahead, self._stamp = None, None
        conn = self.conn
        if conn.in_transaction or conn.raw.closed:
            return False
        keys = [(translate(sql)[0], tuple(parameters)) for sql, parameters in keep]
        kept = self._kept if self._kept is not None and self._kept[0] == store_id else None
        if keep and earlier and not reads and kept is not None \
                and all(key in kept[2] for key in keys):
            answers = {key: kept[2][key] for key in keys}
            answers.update({(translate(sql)[0], tuple(parameters)): _ReadAhead(
                True, ["guessed"], rows) for sql, parameters, rows in assume})
            self._read_ahead, self._stamp = (store_id, _STAMPED, answers), kept[1]
            return True
        try:
            mark = self.data_mark(store_id)  # its first LISTEN may find the server gone
        except sqlite3.Error:
            return False  # each read is asked when its caller asks, and fails there
        if type(mark) is object:  # no mark to hold the rows to: read each when asked
            return False
        stamp_key = (translate(STAMP)[0], (store_id,))
        tables = [(translate(one)[0], (translate(every)[0], (store_id,)))
                  for one, every in whole] if keep else []
        texts = list(dict.fromkeys(
            [(translate(sql)[0], tuple(parameters)) for sql, parameters in reads]
            + [(translate(sql)[0], tuple(parameters)) for sql, parameters, _rows in assume]
            + keys + [every for _one, every in tables] + ([stamp_key] if keep else [])))
        conn.round_trips += 1
        try:
            answers = self._read_as_one(texts)
            if answers is None:
                with conn.raw.pipeline():
                    # Prepared at their first use, and run by their generic plan
                    # (_GENERIC_PLANS): planned once on this connection, not per call.
                    conn.raw.execute(_GENERIC_PLANS)
                    sent = [(key, conn.raw.execute(key[0], list(key[1]), prepare=True))
                            for key in texts]
                    conn.raw.execute(_PLANS_AS_BEFORE)
                answers = {}
                for key, cursor in sent:
                    self._json_shapes[key[0]] = _json_shape(key[0], cursor)
                    answers[key] = _ReadAhead.of(cursor)
        except psycopg.Error:
            if not conn.raw.closed:  # a read failed before the setting was put back
                with suppress(psycopg.Error):
                    conn.raw.execute(_PLANS_AS_BEFORE)
            return False  # each read is asked again when its caller asks, and fails there
        self._read_ahead = (store_id, mark, answers)
        if keep:
            stamp = answers.pop(stamp_key).rows[0][0]
            fresh = {key: answers[key] for key in keys}
            for one, every in tables:
                rows = answers.pop(every)
                at = rows.keys.index("id")
                fresh.update({(one, (store_id, row[at])): _ReadAhead(True, rows.keys, [row])
                              for row in rows.rows})
            if kept is not None and kept[1] == stamp and len(kept[2]) < _KEPT_MAX:
                fresh = {**kept[2], **fresh}  # other categories, remedies, staff read before
            self._kept, self._stamp = (store_id, stamp, fresh), stamp
        return False

    def _read_as_one(self, texts: list[tuple[str, tuple]]
                     ) -> dict[tuple[str, tuple], _ReadAhead] | None:
        """The reads as one statement (their rows as JSON), once each was read as itself
        on this connection and its result was of integers and text: psycopg handles one
        statement instead of a pipeline of five or six (~0.2 ms of the client's CPU a tap,
        half the reads' time). None while one of them is not known so."""
        shapes = [self._json_shapes.get(text) for text, _params in texts]
        if not all(shapes):
            return None
        statement = _as_one_statement(tuple(
            (text, names) for (text, _params), names in zip(texts, shapes, strict=True)))
        row = self.conn.raw.execute(
            statement, [value for _text, params in texts for value in params]).fetchone()
        return {key: _ReadAhead(True, list(names), [tuple(values) for values in found or ()])
                for key, names, found in zip(texts, shapes, row, strict=True)}

    def forget_read_ahead(self) -> None:
        self._read_ahead, self._stamp = None, None

    def _read_back(self, sql: str, parameters: Any) -> _ReadBack | None:
        store_id, mark, kept = self._read_ahead
        if not isinstance(parameters, list | tuple):
            return None
        rows = kept.get((translate(sql)[0], tuple(parameters)))
        if rows is None:
            return None
        if self.conn.in_transaction or (
                mark is not _STAMPED and self.data_mark(store_id) != mark):
            self._read_ahead = None  # something may have changed: read it again
            return None
        return rows.cursor()

    @contextmanager
    def atomic(self) -> Iterator[PgDatabase]:
        conn = self.conn
        if conn.in_transaction:
            savepoint = f"comeback_{next(_SAVEPOINTS)}"
            conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
                conn.flush()  # a write of the block that fails fails inside it
            except BaseException:
                conn._ahead = []  # the block's writes not sent yet: never sent
                if conn.raw.info.transaction_status in (TransactionStatus.INTRANS,
                                                        TransactionStatus.INERROR):
                    with suppress(psycopg.Error):  # a lost connection: the first error counts
                        conn.raw.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                        conn.raw.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            if conn.raw.info.transaction_status == TransactionStatus.INERROR:
                conn.raw.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                conn.raw.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise _failed_inside()
            conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        conn.send_ahead("BEGIN")
        if self._lock_ms is not None:  # goes out with BEGIN, ends with the transaction
            conn.send_ahead(f"SET LOCAL lock_timeout = {self._lock_ms}")
        try:
            yield self
        except BaseException:
            with suppress(psycopg.Error, sqlite3.Error):  # the first error is the one to tell
                conn.rollback()
            raise
        conn.commit()

    @contextmanager
    def snapshot(self) -> Iterator[PgDatabase]:
        """A read-only REPEATABLE READ transaction: every query in it sees the database as
        it was when the first one ran (a backup's consistent copy)."""
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self
        finally:
            with suppress(psycopg.Error):
                self.conn.rollback()

    @contextmanager
    def locked(self, *key: int) -> Iterator[None]:
        """A transaction holding advisory lock ``key`` (or the open one, taking it there):
        every terminal that asks for the same key waits its turn, until the transaction
        ends."""
        sql = ("SELECT pg_advisory_xact_lock(?, ?)" if len(key) == 2
               else "SELECT pg_advisory_xact_lock(?)")
        if self.conn.in_transaction:
            self.conn.send_ahead(sql, list(key))
            yield
            return
        with self.atomic():
            self.conn.send_ahead(sql, list(key))
            yield

    @contextmanager
    def lock_wait(self, ms: int) -> Iterator[None]:
        """Wait at most ``ms`` for another terminal's lock in the block (``lock_timeout``;
        then "database is locked", as SQLite's busy timeout)."""
        self.conn.execute(f"SET lock_timeout = {int(ms)}")
        try:
            yield
        finally:
            with suppress(sqlite3.Error):
                self.conn.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")

    @contextmanager
    def polled_write(self, wait_s: float, poll_s: float) -> Iterator[None]:
        """A tap's transaction (see the SQLite one): no file-wide lock to take first here,
        only row locks, waited for at most ``wait_s`` (``lock_timeout`` 0 would be none)."""
        with self.tap_write(wait_s, poll_s), self.atomic():
            yield

    @contextmanager
    def tap_write(self, wait_s: float, poll_s: float) -> Iterator[None]:
        """A tap's block (db.connection.tap_write): no transaction around it - its write is
        a transaction of its own, one statement that checks what the tap was decided from
        (db.pg_tap), and its reads are kept or sent ahead outside any transaction - and
        each transaction in it waits at most ``wait_s`` for a row lock (``SET LOCAL
        lock_timeout``, sent with its BEGIN: no round trip of its own, none to set it
        back)."""
        before, self._lock_ms = self._lock_ms, max(1, int(wait_s * 1000))
        try:
            yield
        finally:
            self._lock_ms = before

    def write_tap(self, tap):
        """A tap's writes (db.tap.write) in one call of the server's comeback_log_tap,
        sent when the transaction ends (db.pg_tap)."""
        from db.pg_tap import write

        return write(self, tap, self._stamp)

    def write_lock(self):
        """The step that SQLite runs under ``BEGIN IMMEDIATE`` (a PIN check and its lockout
        count, a voucher code's uniqueness…): one terminal at a time."""
        return self.locked(WRITE_LOCK)

    def chain_lock(self, store_id: int):
        """Reading a store's audit-chain head and appending to it, one terminal at a time
        (one key for every store: an entry's id is the log's next id, whatever its store)."""
        return self.locked(CHAIN_LOCK)

    def snapshot_cursors(self, queries: Sequence[str], params: Sequence, *,
                         cache_kb: int = 2000) -> tuple[_NamedCursor, ...]:
        """One server-side cursor per query, all in one REPEATABLE READ snapshot (ended by
        :meth:`end_snapshot`): rows stream in batches, never all in memory."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self.conn.flush()  # a BEGIN still waiting to go ahead (send_ahead) goes now
        cursors = []
        for n, sql in enumerate(queries):
            text, _ = translate(sql)
            cursor = self.conn.raw.cursor(name=f"comeback_snapshot_{n}")
            cursor.itersize = 1000
            try:
                cursor.execute(text, list(params))
            except psycopg.Error as error:
                raise _as_sqlite_error(error) from error
            cursors.append(_NamedCursor(cursor))
        self._snapshot = cursors
        return tuple(cursors)

    def end_snapshot(self) -> None:
        for cursor in getattr(self, "_snapshot", ()):
            with suppress(psycopg.Error):
                cursor.close()
        self._snapshot = []
        self.conn.rollback()

    def staging_cache(self, kb: int | None) -> None:
        """Nothing to set: temporary tables use the server's ``temp_buffers``."""

    def insert_rows(self, table: str, insert: str, rows: Sequence[tuple]) -> None:
        """Add many rows to ``table`` (every column, in order) with one ``COPY``: a round
        trip per batch, not per row (``insert`` is the statement SQLite runs instead)."""
        from db._sql import _name

        self.conn.commit()
        try:
            with self.conn.raw.transaction(), self.conn.raw.cursor() as cursor, \
                    cursor.copy(f"COPY {_name(table)} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise _as_sqlite_error(error) from error

    def refresh_statistics(self) -> None:
        """Fresh planner statistics and visibility map for the tables a big import fills,
        the rollup tables its triggers wrote included (best effort; autovacuum would get
        there too, later — until then the planner guesses, and every "index-only" scan of
        the summary reads the table's pages too: nothing is marked all-visible yet).
        ``VACUUM (ANALYZE)`` outside a transaction (it cannot run in one), ``ANALYZE``
        inside one. Readers and the counter's taps go on meanwhile (neither takes a lock
        that waits for the other)."""
        tables = ", ".join(REFRESHED_TABLES)
        with suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute(f"ANALYZE {tables}")
            else:
                self.conn.execute(f"VACUUM (ANALYZE) {tables}")

    def flush_erased(self) -> None:
        """After guest data was erased: ``VACUUM`` the tables erasure updates, so the old
        row versions holding the erased details are removed from them, not only hidden
        until autovacuum comes. VACUUM cannot run inside a transaction: there (and for a
        user that does not own the tables, which the server only notes) it is left to
        autovacuum. The server's WAL and backups are the server's to keep short."""
        if self.conn.in_transaction:
            return
        for table in ("incidents", "followups"):
            with suppress(sqlite3.Error):
                self.conn.execute(f"VACUUM {table}")

    def table_names(self) -> list[str]:
        return [r[0] for r in self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() ORDER BY table_name")]

    def index_names(self) -> list[str]:
        return [r[0] for r in self.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "ORDER BY indexname")]

    def __getitem__(self, table: str) -> PgTable:
        return PgTable(self, table)

    def close(self, *, refresh_statistics: bool = False) -> None:
        if getattr(self, "_snapshot", None):
            self.end_snapshot()
        with suppress(psycopg.Error):
            self.conn.close()


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def describe_url(url: str) -> str:
    """``dbname on host:port`` of a URL, before connecting (libpq's defaults filled in:
    PGHOST, PGPORT, PGDATABASE, the user's name); a socket folder is "localhost"."""
    import getpass
    import os

    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return redact(url)
    user = info.get("user") or os.environ.get("PGUSER") or getpass.getuser()
    dbname = info.get("dbname") or os.environ.get("PGDATABASE") or user
    host = str(info.get("host") or os.environ.get("PGHOST") or "localhost").split(",")[0]
    port = str(info.get("port") or os.environ.get("PGPORT") or 5432).split(",")[0]
    return f"{dbname} on {'localhost' if host.startswith('/') else host}:{port}"


def describe(conn: psycopg.Connection) -> str:
    info = conn.info
    host = info.host if info.host and not info.host.startswith("/") else "localhost"
    return f"{info.dbname} on {host}:{info.port}"


def connect(url: str) -> psycopg.Connection:
    """A psycopg connection in autocommit, set up for the app; connection problems raise
    :class:`db.health.DatabaseServerError` naming the server and what went wrong."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="comeback")
    except psycopg.Error as error:
        raise health.DatabaseServerError.on_connect(describe_url(url), error) from None
    try:
        # One statement, one round trip: the lock wait, and SESSION_SETTINGS.
        conn.execute("SELECT " + ", ".join(
            f"set_config('{name}', '{value}', false)"
            for name, value in (("lock_timeout", str(LOCK_TIMEOUT_MS)), *SESSION_SETTINGS)))
    except psycopg.Error as error:  # the server went down just after it let us in
        with suppress(psycopg.Error):
            conn.close()
        raise health.DatabaseServerError.on_connect(describe_url(url), error) from None
    conn.adapters.register_dumper(bool, _IntFromBool)
    conn.adapters.register_loader("numeric", _NumericAsNumber)
    return conn


def open_pg(url: str) -> PgDatabase:
    """Connect and migrate (once, under an advisory lock: several terminals may start at
    the same moment against an empty or older database)."""
    conn = connect(url)
    database = PgDatabase(PgConnection(conn, describe(conn), url), url)
    try:
        from db.pg_migrations import migrate

        migrate(database)
    except BaseException:
        database.close()
        raise
    return database


class PgTable:
    """The few of sqlite-utils' table methods that scripts and tests use to look at rows
    (``db["incidents"].get(1)``), on PostgreSQL."""

    def __init__(self, database: PgDatabase, name: str) -> None:
        from db._sql import _name

        self.db, self.name = database, _name(name)

    @property
    def count(self) -> int:
        return self.count_where()

    def count_where(self, where: str | None = None, params: Sequence = ()) -> int:
        sql = f"SELECT count(*) FROM {self.name}" + (f" WHERE {where}" if where else "")
        return self.db.execute(sql, list(params)).fetchone()[0]

    @property
    def rows(self) -> Iterator[dict]:
        return self.rows_where()

    def rows_where(self, where: str | None = None, params: Sequence = (),
                   order_by: str | None = None) -> Iterator[dict]:
        sql = f"SELECT * FROM {self.name}" + (f" WHERE {where}" if where else "")
        sql += f" ORDER BY {order_by}" if order_by else " ORDER BY 1"
        return self.db.query(sql, list(params))

    def get(self, pk: Any) -> dict:
        rows = list(self.db.query(f"SELECT * FROM {self.name} WHERE id = ?", [pk]))
        if not rows:
            raise KeyError(f"{self.name} has no row with id {pk!r}")
        return rows[0]

    def insert(self, values: dict) -> PgTable:
        from db._sql import insert_row

        insert_row(self.db, self.name, values)
        return self

    def update(self, pk: Any, values: dict) -> PgTable:
        from db._sql import update_row

        update_row(self.db, self.name, {"id": pk}, values)
        return self
