"""A PostgreSQL terminal that keeps working while its server is away.

:class:`Failover` is the database handle of a terminal on a ``postgresql://`` store. It
holds the server's connection (a :class:`db.pg.PgDatabase`) and the terminal's **copy**: a
small SQLite database of the same schema in the user's data folder, named for the server,
the database and the store (``offline/<host>-<port>-<db>-store<N>.db``, 0600), with the
store's settings, staff (PIN hashes, never PINs), categories, remedies and suggestion rules
as the server had them at the last connect, and the incidents logged on this terminal while
the server was away that are not sent yet (so their reminders ring here). Its outbox lies
next to it (``….db-outbox``, :mod:`db.outbox`), as a SQLite store's does.

While the server answers, everything goes to it. When it cannot be reached or drops the
connection (:class:`db.health.DatabaseServerError` UNREACHABLE or LOST), the handle
*remembers that the server is away*: from then on (the read that found out too) a read
outside a transaction is answered from the copy - except inside :meth:`server_only`, where
a tap is written and read back - and a write fails at once
with the same error, without waiting for a connect timeout, until :meth:`reconnect` finds
the server again. Reconnecting is never done behind a caller's back (a dead host would
hold the caller for the connect timeout): the GUI calls :meth:`reconnect` from a worker
thread on a backoff timer, the CLI when a command starts. :meth:`due` says whether the
backoff (1 s, 2 s, 4 s … 30 s, on an injected monotonic clock) allows another try.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from db.connection import Database, open_database
from db.health import DatabaseServerError, ServerProblem

BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
#: Reconnect tries wait this long for a server that does not answer (the app's own
#: connects wait db.pg.CONNECT_TIMEOUT_S); they run off the GUI thread all the same.
PROBE_TIMEOUT_S = 3
FOLDER = "offline"
#: What the copy holds of the server (the store's rows), in an order foreign keys accept.
REFERENCE_TABLES = ("stores", "settings", "staff", "categories", "remedies", "remedy_rules")
_PASSING = (ServerProblem.UNREACHABLE, ServerProblem.LOST)
_READ = re.compile(r"\s*(select|with)\b", re.IGNORECASE)


_COPIES: weakref.WeakSet = weakref.WeakSet()


def open_copy(path: Path) -> Database:
    """Open (creating if needed) the terminal's copy at ``path`` (``copy_path``)."""
    from db.health import make_private_folder

    make_private_folder(path.parent)
    copy = open_database(path)
    _COPIES.add(copy)
    # The copy is a cache (the taps' durability is the outbox's): no fsync per write.
    copy.conn.execute("PRAGMA synchronous=NORMAL")
    return copy


def is_copy(db: Any) -> bool:
    """Whether ``db`` is a terminal's copy (what is never written there: approval keys)."""
    try:
        return db in _COPIES
    except TypeError:
        return False


def is_away_error(error: BaseException) -> bool:
    """The server cannot be reached or dropped the connection (a passing problem)."""
    return isinstance(error, DatabaseServerError) and error.problem in _PASSING


def terminal_name(url: str, store_id: int, info: dict | None = None) -> str:
    """A file name for the server + database + store of ``url`` (no user, no password)."""
    if info is None:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(url)
    host = str(info.get("host") or "localhost")
    host = "local" if host.startswith("/") else host
    name = f"{host}-{info.get('port') or 5432}-{info.get('dbname') or 'postgres'}-store{store_id}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def copy_path(data_dir: Path, url: str, store_id: int = 1) -> Path:
    """Where the terminal's copy of ``url``'s store lives (its outbox: + ``-outbox``)."""
    from psycopg.conninfo import conninfo_to_dict

    return _copy_path(data_dir, url, store_id, conninfo_to_dict(url))


def _copy_path(data_dir: Path, url: str, store_id: int, info: dict) -> Path:
    host = str(info.get("host") or "")
    name = terminal_name(url, store_id, info)
    if host.startswith("/"):  # a Unix socket folder: its path tells servers apart
        import hashlib

        name += "-" + hashlib.sha256(host.encode()).hexdigest()[:8]
    return Path(data_dir) / FOLDER / f"{name}.db"


def copy_path_without_psycopg(data_dir: Path, url: str, store_id: int = 1) -> Path | None:
    """:func:`copy_path` for a plain ``postgresql://user@host:port/dbname?host=…&port=…``
    URL, read without psycopg (which a start loads only once the counter is on screen);
    None for anything libpq might read otherwise (several hosts, IPv6, a service file):
    those take :func:`copy_path`. The caller checks with :func:`copy_path` once psycopg
    is loaded."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("postgresql", "postgres"):
        return None
    where = parts.netloc.rpartition("@")[2]
    if any(mark in where for mark in ",[]%") or "/" in parts.path[1:]:
        return None
    host, _colon, port = where.partition(":")
    info = {"host": host, "port": port, "dbname": unquote(parts.path[1:])}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in ("service", "servicefile") or "," in value:
            return None
        if key in info:
            info[key] = value
    return _copy_path(data_dir, url, store_id, info)


def _default_connect(url: str):
    from db.pg import open_pg

    return open_pg(url)


class Failover:
    """The handle (see the module docstring): ``execute``, ``query``, ``atomic`` and the
    lock methods of :class:`db.pg.PgDatabase`, answered by the copy while ``away``."""

    backend = "postgresql"
    read_only = False
    path = None
    is_full = True

    @property
    def server(self) -> Any:
        return self._server

    @server.setter
    def server(self, value: Any) -> None:
        # The handle decides when to try the server again (with backoff, answering from the
        # copy meanwhile): its connection must not quietly connect again by itself.
        conn = getattr(value, "conn", None)
        if conn is not None and hasattr(conn, "_url"):
            conn._url = None
        self._server = value

    def __init__(self, url: str, copy: Database, *, store_id: int = 1, server: Any = None,
                 connect: Callable[[str], Any] = _default_connect,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.url, self.copy, self.store_id = url, copy, store_id
        self.server = server
        self._connect, self._monotonic = connect, monotonic
        self._depth = 0  # atomic() blocks open on the server
        self._strict = 0  # server_only() blocks open
        self._step = 0
        self._next_try = 0.0
        self._lock = threading.Lock()  # reconnect() may run in a worker thread
        self.last_error: DatabaseServerError | None = None
        #: Called (no arguments) each time the server is found away; maybe from a worker
        #: thread (a reconnect whose copy refresh failed).
        self.listeners: list[Callable[[], None]] = []

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, data_dir: Path, *, store_id: int = 1,
             connect: Callable[[str], Any] = _default_connect,
             monotonic: Callable[[], float] = time.monotonic) -> Failover:
        """Connect to ``url``; when the server is away, open away on the copy (raises the
        server's error when this terminal never had a copy: nothing to work with)."""
        path = copy_path(data_dir, url, store_id)
        server, error = None, None
        try:
            server = connect(url)
        except DatabaseServerError as away:
            if not is_away_error(away) or not path.exists():
                raise
            error = away
        copy = open_copy(path)
        handle = cls(url, copy, store_id=store_id, server=server, connect=connect,
                     monotonic=monotonic)
        if server is None:
            handle._went_away(error)
        else:
            handle.refresh_copy()
        return handle

    # -- state ----------------------------------------------------------------------------
    @property
    def away(self) -> bool:
        return self.server is None

    @property
    def outbox_file(self) -> Path | None:
        """The outbox next to the copy (see db.outbox)."""
        from db.outbox import outbox_path

        return outbox_path(self.copy.path)

    @property
    def where(self) -> str:
        if self.server is not None:
            return self.server.where
        if self.last_error is not None and self.last_error.where:
            return self.last_error.where  # "comeback on kafe-server:5432", as when it went
        from db.pg import redact

        return redact(self.url)

    def offline_error(self) -> DatabaseServerError:
        error = self.last_error
        return DatabaseServerError(ServerProblem.UNREACHABLE, self.where,
                                   error.detail if error is not None else "")

    def _went_away(self, error: BaseException | None) -> None:
        server, self.server = self.server, None
        self._depth = 0
        if isinstance(error, DatabaseServerError):
            self.last_error = error
        if server is not None:
            with suppress(Exception):  # a broken connection may fail to close
                server.close()
        if not self._next_try:
            self._step = 0
            self._next_try = self._monotonic() + BACKOFF_S[0]
        for listener in list(self.listeners):
            listener()

    def due(self) -> bool:
        """Whether the backoff allows another reconnect try now."""
        return self.away and self._monotonic() >= self._next_try

    def seconds_to_next_try(self) -> float:
        return max(0.0, self._next_try - self._monotonic())

    def reconnect(self) -> bool:
        """Try the server once (True: it is back, the copy is refreshed). A failure moves the
        backoff on; anything but an away server raises. Blocks up to the connect timeout:
        the GUI runs :meth:`try_connect` in a worker thread and :meth:`adopt` on its own."""
        if not self.away:
            return True
        server = self.try_connect()
        return server is not None and self.adopt(server)

    def try_connect(self):
        """One connect to the server (any thread: it touches neither the copy nor the
        handle's connection): the new connection, or None when the server is still away
        (the backoff moves on)."""
        with self._lock:
            try:
                return self._connect(self.url)
            except DatabaseServerError as error:
                if not is_away_error(error):
                    raise
                self.last_error = error
                self._step += 1
                self._next_try = self._monotonic() + BACKOFF_S[min(self._step,
                                                                   len(BACKOFF_S) - 1)]
                return None

    def adopt(self, server, *, fresh: bool = False) -> bool:
        """Take ``server`` (from :meth:`try_connect`) as the connection, after refreshing
        the copy from it (on the thread that uses the handle; ``fresh``: a worker did that
        already, see ui.copy_refresh). False when it went away again meanwhile."""
        if not self.away:
            with suppress(Exception):
                server.close()
            return True
        try:
            if not fresh:
                self.refresh_copy(server)
        except DatabaseServerError as error:
            if not is_away_error(error):
                raise
            with suppress(Exception):
                server.close()
            self.last_error = error
            return False
        self.server, self._step, self._next_try = server, 0, 0.0
        return True

    # -- the copy -------------------------------------------------------------------------
    def refresh_copy(self, server=None) -> None:
        """Copy the store's reference rows and its redeemable vouchers (db.voucher_copy)
        from the server (one read transaction there); incidents logged and vouchers
        redeemed here that still wait in the outbox stay in the copy, the others go."""
        server = server or self.server
        if server is None:
            return
        self.write_to_copy(self.copy, self.read_for_copy(server))

    def read_for_copy(self, server) -> tuple[dict[str, list[dict]], list[dict]]:
        """What :meth:`refresh_copy` copies, read from ``server`` in one read transaction:
        (table → reference rows, redeemable vouchers). Touches neither the copy nor the
        handle: a worker thread runs it on a connection of its own (ui.copy_refresh)."""
        from db.voucher_copy import expired_after
        from db.vouchers import for_terminal_copy

        rows: dict[str, list[dict]] = {}
        with server.atomic():
            for table in REFERENCE_TABLES:
                where = "id = ?" if table == "stores" else "store_id = ?"
                rows[table] = list(server.query(f"SELECT * FROM {table} WHERE {where}",
                                                [self.store_id]))
            vouchers = for_terminal_copy(server, self.store_id,  # to redeem while away
                                         expired_after())
        return rows, vouchers

    def write_to_copy(self, copy: Database, read: tuple[dict[str, list[dict]], list[dict]]
                      ) -> None:
        """Write what :meth:`read_for_copy` read into ``copy`` (the copy's handle, or a
        connection of a worker's own to the same file) in one transaction, which holds the
        copy's write lock before it asks the outbox which taps wait: a tap kept meanwhile
        is either in that answer or written to the copy after this commit."""
        from db.voucher_copy import replace as replace_vouchers

        rows, vouchers = read
        conn = copy.conn
        conn.execute("PRAGMA foreign_keys=OFF")  # (outside the transaction, or it is a no-op)
        try:
            with copy.write_lock():
                waiting = self.waiting_uids()
                write_copy(copy, rows, waiting)
                replace_vouchers(copy, vouchers, waiting)
        finally:
            conn.execute("PRAGMA foreign_keys=ON")

    def waiting_uids(self) -> set[str]:
        """The uids of the taps in this terminal's outbox (sent or not yet)."""
        from db.outbox import Outbox

        path = self.outbox_file
        if path is None or not path.exists():
            return set()
        outbox = Outbox(path)
        try:
            return {e["uid"] for e in outbox.entries()}
        finally:
            outbox.close()

    # -- the handle -----------------------------------------------------------------------
    def _call(self, sql: str, run: Callable[[Any], Any]) -> Any:
        read = bool(_READ.match(sql))
        if self.server is None:
            if read and not self._depth and not self._strict:
                return run(self.copy)
            raise self.offline_error()
        try:
            return run(self.server)
        except DatabaseServerError as error:
            if not is_away_error(error):
                raise
            inside = self._depth
            self._went_away(error)
            if read and not inside and not self._strict:
                return run(self.copy)
            raise

    @contextmanager
    def server_only(self) -> Iterator[None]:
        """Inside the block nothing is read from the copy: a write and the reads of what it
        wrote (a tap being saved) fail as one when the server goes away meanwhile."""
        self._strict += 1
        try:
            yield
        finally:
            self._strict -= 1

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None):
        return self._call(sql, lambda db: db.execute(sql, parameters))

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None
              ) -> Iterator[dict]:
        return self._call(sql, lambda db: list(db.query(sql, params)).__iter__())

    @contextmanager
    def atomic(self) -> Iterator[Failover]:
        with self._on_server(lambda server: server.atomic()):
            yield self

    def write_lock(self):
        return self._on_server(lambda server: server.write_lock())

    def polled_write(self, wait_s: float, poll_s: float):
        """A tap's transaction on the server (see db.pg); fails at once while away."""
        return self._on_server(lambda server: server.polled_write(wait_s, poll_s))

    def tap_write(self, wait_s: float, poll_s: float):
        """A tap's block on the server (see db.pg); fails at once while away."""
        return self._on_server(lambda server: server.tap_write(wait_s, poll_s))

    def chain_lock(self, store_id: int):
        return self._on_server(lambda server: server.chain_lock(store_id))

    def locked(self, *key: int):
        return self._on_server(lambda server: server.locked(*key))

    @contextmanager
    def lock_wait(self, ms: int) -> Iterator[None]:
        if self.server is None:
            yield  # nothing will wait for a lock: every write fails at once
            return
        try:
            with self.server.lock_wait(ms):
                yield
        except DatabaseServerError as error:
            if is_away_error(error) and self.server is not None:
                self._went_away(error)
            raise

    @contextmanager
    def _on_server(self, block: Callable[[Any], Any]) -> Iterator[None]:
        server = self.server
        if server is None:
            raise self.offline_error()
        self._depth += 1
        try:
            with block(server):
                yield
        except DatabaseServerError as error:
            if is_away_error(error) and self.server is server:
                self._went_away(error)
            raise
        finally:
            self._depth = max(0, self._depth - 1)

    @property
    def memo(self) -> dict | None:
        """The server's settings memo (db.pg); None while away (the copy is read)."""
        server = self.server
        return None if server is None else getattr(server, "memo", None)

    def data_mark(self, store_id: int | None = None) -> object:
        server = self.server
        return object() if server is None else server.data_mark(store_id)

    @property
    def conn(self):
        if self.server is None:
            raise self.offline_error()
        return self.server.conn

    @property
    def full(self) -> Failover:
        return self

    def __getattr__(self, name: str):
        """Any other attribute of the server's handle (a snapshot for an export, the
        schema's tables, the settings memo…): the server's; none while it is away (callers
        that ask ``getattr(db, name, default)`` get their default)."""
        server = self.__dict__.get("_server")
        if name.startswith("_") or server is None:
            raise AttributeError(name)
        return getattr(server, name)

    def __getitem__(self, table: str):
        if self.server is None:
            raise self.offline_error()
        return self.server[table]

    def close(self, *, refresh_statistics: bool = False) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.copy.close()


def write_copy(copy: Database, rows: dict[str, list[dict]], keep: set[str]) -> None:
    """Replace the copy's reference rows with ``rows`` (table → rows) and drop the incidents
    logged here whose uid is not in ``keep`` (sent, or taken back). SQLite only: the copy is
    always a SQLite file."""
    conn = copy.conn
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        # On the sqlite3 connection itself, one transaction: a terminal's start refreshes
        # its copy before the counter's first paint, and sqlite-utils is not loaded yet.
        with _transaction(conn):
            gone = [r[0] for r in conn.execute("SELECT id, uid FROM incidents").fetchall()
                    if r[1] not in keep]
            forget_incidents(conn, gone)
            for table in reversed(REFERENCE_TABLES):
                conn.execute(f"DELETE FROM {table}")
            for table in REFERENCE_TABLES:
                for row in rows.get(table, []):
                    names = list(row)
                    conn.execute(f"INSERT INTO {table} ({', '.join(names)}) "
                                 f"VALUES ({', '.join('?' * len(names))})",
                                 [row[name] for name in names])
    finally:
        conn.execute("PRAGMA foreign_keys=ON")


@contextmanager
def _transaction(conn) -> Iterator[None]:
    """BEGIN … COMMIT on a sqlite3 connection (a savepoint inside an open transaction);
    rolled back when the block raises."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT write_copy")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO SAVEPOINT write_copy")
                conn.execute("RELEASE SAVEPOINT write_copy")
            raise
        conn.execute("RELEASE SAVEPOINT write_copy")
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def reference_rows(copy: Database) -> list[list[tuple]]:
    """Every reference row of the copy (what the server's store was at the last refresh),
    to tell whether a refresh changed anything."""
    return [copy.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in REFERENCE_TABLES]


def forget_incidents(copy: Database, ids: list[int]) -> None:
    """Remove incidents (and their remedies, follow-ups, vouchers) from the copy (``copy``:
    the copy's handle or its sqlite3 connection)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for table in ("vouchers", "followups", "incident_remedies"):
            copy.execute(f"DELETE FROM {table} WHERE incident_id IN ({marks})", chunk)
        copy.execute(f"DELETE FROM incidents WHERE id IN ({marks})", chunk)


def forget_uid(copy: Database, uid: str) -> None:
    """The incident logged here with ``uid`` is on the server now (or was taken back)."""
    row = copy.execute("SELECT id FROM incidents WHERE uid = ?", [uid]).fetchone()
    if row is not None:
        with copy.atomic():
            forget_incidents(copy, [row[0]])
