"""One dedicated PostgreSQL connection that LISTENs to a store's change channel.

Imported only for a ``postgresql://`` database (it imports psycopg). The connection is
its own (``application_name`` ``comeback-listen``), in autocommit, with TCP keepalives so
a server that vanished without closing the socket is noticed within ~30 s. It also reads
the feed (:mod:`db.changes` through :attr:`PgListener.db`), so a terminal catches up even
while its main connection is busy or being re-established.

Nothing here blocks unless asked to: :meth:`PgListener.drain` takes what has arrived
(``notifies(timeout=0)``), for a GUI whose event loop watches :meth:`fileno`;
:meth:`PgListener.wait` blocks up to a timeout, for ``comeback watch``.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress

import psycopg

from db import changes, health, pg

APPLICATION = "comeback-listen"
CONNECT_TIMEOUT_S = 3
# Seconds: idle before the first probe, between probes, probes lost before giving up.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
              "keepalives_count": 3}


class PgListener:
    """LISTEN ``comeback_store_<id>``; ``db`` reads the feed on the same connection."""

    def __init__(self, url: str, store_id: int) -> None:
        self.url, self.store_id = url, store_id
        self.raw: psycopg.Connection | None = None
        self.db: pg.PgDatabase | None = None

    @property
    def connected(self) -> bool:
        return self.raw is not None and not self.raw.closed

    def connect(self) -> PgListener:
        """Connect and LISTEN (raises :class:`db.health.DatabaseServerError`)."""
        self.close()
        try:
            raw = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                  application_name=APPLICATION, **KEEPALIVES)
        except psycopg.Error as error:
            raise health.DatabaseServerError.on_connect(pg.redact(self.url), error) from None
        try:
            raw.execute(f"LISTEN {changes.channel(self.store_id)}")
        except psycopg.Error as error:
            raw.close()
            raise health.DatabaseServerError.lost(error, pg.redact(self.url)) from None
        raw.adapters.register_dumper(bool, pg._IntFromBool)
        raw.adapters.register_loader("numeric", pg._NumericAsNumber)
        self.raw = raw
        self.db = pg.PgDatabase(pg.PgConnection(raw, pg.describe(raw)), self.url)
        return self

    def fileno(self) -> int:
        """The connection's socket, for the event loop to watch."""
        return self.raw.pgconn.socket

    def drain(self) -> int:
        """Take every notification that has arrived, without waiting; how many. Raises
        :class:`db.health.DatabaseServerError` (LOST) when the connection is gone."""
        return self._take(0, None)

    def wait(self, timeout_s: float) -> int:
        """Block until at least one notification arrives or ``timeout_s`` passes."""
        return self._take(timeout_s, 1)

    def _take(self, timeout_s: float, stop_after: int | None) -> int:
        if self.raw is None:
            raise health.DatabaseServerError(health.ServerProblem.LOST, pg.redact(self.url))
        try:
            return sum(1 for _n in self.raw.notifies(timeout=timeout_s, stop_after=stop_after))
        except psycopg.Error as error:
            self.close()
            raise health.DatabaseServerError.lost(error, pg.redact(self.url)) from None

    def read(self, after_id: int, limit: int = changes.PAGE) -> list[dict]:
        """The feed after ``after_id`` on this connection (raises LOST like :meth:`drain`)."""
        try:
            return changes.entries_after(self.db, self.store_id, after_id, limit)
        except sqlite3.Error as error:  # the DB-API classes db.pg maps psycopg's errors to
            if isinstance(error, health.DatabaseServerError) or self.raw is None \
                    or self.raw.closed or self.raw.broken:
                self.close()
                raise health.DatabaseServerError.lost(error, pg.redact(self.url)) from None
            raise

    def close(self) -> None:
        if self.raw is not None:
            with suppress(psycopg.Error):
                self.raw.close()
        self.raw = self.db = None
