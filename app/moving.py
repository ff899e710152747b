"""Moving a store between engines, every row with its id (``db.store_copy``):

* :func:`migrate_to` — ``comeback migrate-to URL``: a SQLite file into an empty PostgreSQL
  database, in one transaction. The file is opened read-only and is not changed by a single
  byte; the copy's audit chain verifies (``comeback verify --db URL``), and one new entry
  in each store's chain records where it came from.
* :func:`copy_to_file` — a PostgreSQL database into a new SQLite file (``comeback backup``
  on a server): a file that ``comeback restore`` and ``migrate-to`` take back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from app.clock import Clock, SystemClock
from app.dbtarget import is_server
from app.errors import ComebackError
from app.i18n import _


class Copied(NamedTuple):
    source: str
    target: str  # where, as shown to the user
    counts: dict[str, int]  # rows per table


def migrate_to(source: Path | str, url: str, clock: Clock | None = None,
               progress: Callable[[str, int], object] | None = None) -> Copied:
    """Copy the store in the SQLite file ``source`` into the PostgreSQL database ``url``.

    Refuses (ComebackError, nothing written) a source that is not a current Comeback file
    with a store, and a target that already holds a store."""
    from app import audit
    from app.context import Context
    from app.dbfile import problem
    from db import store_copy
    from db.connection import open_database
    from db.health import DatabaseFileError, DatabaseServerError

    if is_server(source):
        raise ComebackError(_("migrate-to copies from a SQLite file: give that file with "
                              "--db FILE, not a server address."))
    if not is_server(url):
        raise ComebackError(_("{target} is not a PostgreSQL address: give one like "
                              "postgresql://USER@HOST/DATABASE.").format(target=url))
    source = Path(source)
    try:
        conn, current = store_copy.open_read_only(source)
    except DatabaseFileError as error:
        raise problem(error) from None
    try:
        if not current:
            raise ComebackError(_(
                "{path} was saved by an older Comeback. Open it once with this one (for "
                "example `comeback verify --db {path}`, which brings it up to date), then "
                "run migrate-to again.").format(path=source))
        sqlite_side = store_copy.SqliteSide(conn)
        stores = store_copy.store_names(conn)
        if not stores:
            raise ComebackError(_("{path} holds no store: there is nothing to copy.").format(
                path=source))
        try:
            target = open_database(url)
        except (DatabaseFileError, DatabaseServerError) as error:
            raise problem(error) from None
        try:
            ctx = Context(target, clock or SystemClock())
            with target.write_lock():  # one migrate-to (or first run) at a time
                _refuse_taken(target, stores)
                with store_copy.read_snapshot(conn):  # one snapshot for every table
                    try:
                        counts = store_copy.copy_all(sqlite_side, store_copy.PgSide(target),
                                                     sqlite_side, progress)
                    except store_copy.CopyFailed as failed:
                        raise ComebackError(_(
                            "Could not copy the table {table} into {where}: {reason}. "
                            "Nothing was copied.").format(
                            table=failed.table, where=target.where,
                            reason=failed.reason)) from None
                for store_id, _name in stores:
                    ctx.store_id = store_id
                    audit.record(ctx, None, "database.moved_in", None, None,
                                 file=source.name, incidents=counts.get("incidents", 0))
            return Copied(str(source), target.where, counts)
        finally:
            target.close()
    finally:
        conn.close()


def _refuse_taken(target, stores: list[tuple[int, str]]) -> None:
    from db import store_copy

    there = store_copy.store_names(target)
    if not there and not store_copy.audit_entries(target):
        return
    names = {name for _id, name in there}
    same = [name for _id, name in stores if name in names]
    if same:
        raise ComebackError(_(
            "{where} already holds the store {store}: it was copied before. Nothing was "
            "copied. To copy it again, start from an empty database.").format(
            where=target.where, store=same[0]))
    raise ComebackError(_(
        "{where} already holds another store ({store}). migrate-to keeps every id, so it "
        "copies only into an empty database: create a new one (createdb) and give its "
        "address. Nothing was copied.").format(
        where=target.where, store=", ".join(sorted(names)) or "?"))


def copy_to_file(database, target: Path) -> dict[str, int]:
    """Copy the PostgreSQL ``database`` into the new SQLite file ``target`` (see
    ``db.store_copy.server_to_file``); rows per table."""
    from db.store_copy import CopyFailed, server_to_file

    try:
        return server_to_file(database, target)
    except CopyFailed as failed:
        raise ComebackError(_("Could not copy the table {table} into {where}: {reason}. "
                              "Nothing was copied.").format(
            table=failed.table, where=target, reason=failed.reason)) from None
