"""A terminal on a PostgreSQL server paints its counter from its copy, then connects.

A terminal keeps a copy of its store (``db.failover``: the settings, staff, categories and
remedies as the server had them at the last connect). Importing psycopg and connecting
take about as long as the whole rest of a start, so a terminal that has a copy opens on it
(:func:`open_from_copy`: no psycopg, no server yet), paints the counter from it, and
connects in the first step after that paint (:func:`connect`), before anything else is
loaded. Until then the handle is as while the server is away: a read comes from the copy,
and a write fails at once, so a tap that lands before the connection is up is kept in
the outbox and sent with it (``app.offline``) - never lost.

After the connect, whatever the copy showed and the server says otherwise (a category
renamed on another terminal meanwhile) is announced as changed, so each screen redraws.
A server that is away goes on as a terminal that opened away; any other trouble (a wrong
password, a database from a newer Comeback) raises, and the start shows its explaining
window.

A terminal without a copy (its first start) connects before the paint (the counter needs
the store's settings and menus, which only the server has), but does not build its copy
first: making the copy's file (its schema) and filling it took a third of that start. The
counter paints from the server (:func:`open_server_first`: a plain server connection), and
the first step after the paint makes the copy and puts the terminal's handle in place
(:func:`fill_copy`), before the taps' retry, the outbox and the live feed are set up on it.
A tap in between is written to the server directly.

Both the connect after the paint and the making of the first copy run in a worker thread
(``ui.copy_refresh``: its own server connection, its own connection to the copy's file),
the rest of the start's steps waiting for it (``ui.app``): a store with 5,000 redeemable
vouchers took ~340 ms to copy, and the counter would not take a tap meanwhile.
"""

from __future__ import annotations

from app.context import Context

#: What :func:`connect` found.
CONNECTED, CHANGED, AWAY, START_AGAIN = "connected", "changed", "away", "start again"


def open_from_copy(url: str) -> Context | None:
    """The store as this terminal's copy has it, the server not connected yet; None when
    there is no usable copy (then the start connects first)."""
    from app.offline import data_folder
    from app.stores import chosen_store_id
    from db.connection import open_database
    from db.failover import Failover, copy_path_without_psycopg

    store_id = chosen_store_id()
    path = copy_path_without_psycopg(data_folder(), url, store_id)
    if path is None or not path.exists():
        return None
    try:
        copy = open_database(path, create=False)
    except Exception:  # noqa: BLE001 - a copy it cannot use: the start connects first
        return None
    copy.conn.execute("PRAGMA synchronous=NORMAL")  # as Failover.open: a cache
    handle = Failover(url, copy, store_id=store_id)
    handle.connecting = True
    ctx = Context(db=handle, store_id=store_id)
    from app.setup import is_initialised

    try:
        if is_initialised(ctx):
            return ctx
    except Exception:  # noqa: BLE001 - a copy it cannot read: the start connects first
        pass
    handle.close()
    return None


def connecting(ctx: Context) -> bool:
    return bool(vars(ctx.db).get("connecting", False))  # no __getattr__: sqlite-utils


def connect(ctx: Context) -> str:
    """Connect the handle :func:`open_from_copy` made: CONNECTED (the copy was right),
    CHANGED (the server had other settings, staff or menus: the copy is refreshed), AWAY
    (the server cannot be reached: the terminal works on the copy, as when it opens
    away) or START_AGAIN (the copy was not this server's store after all: start as a
    terminal without a copy would). Other trouble raises, as opening would. All on the
    calling thread; the app runs the middle part (:func:`connect_in_worker`) in a worker
    thread (``ui.app``)."""
    before = begin_connect(ctx)
    if before is START_AGAIN:
        return START_AGAIN
    return finish_connect(ctx, before, connect_in_worker(ctx.db, fresh_copy=False))


def begin_connect(ctx: Context):
    """The GUI thread's part before the connect: START_AGAIN, or the copy's reference rows
    as the counter was painted from them (for :func:`finish_connect`)."""
    from app.offline import data_folder
    from db.failover import copy_path, reference_rows

    handle = ctx.db
    handle.connecting = False
    if copy_path(data_folder(), handle.url, handle.store_id) != handle.copy.path:
        return START_AGAIN
    return reference_rows(handle.copy)


def connect_in_worker(handle, *, fresh_copy: bool = True) -> tuple:
    """The connect (and, with ``fresh_copy``, the copy's refresh: ``ui.copy_refresh``),
    on whatever thread runs it: (the new connection or None, whether the copy is fresh, a
    database error to raise on the GUI thread or None)."""
    from db.health import DatabaseFileError

    try:
        if fresh_copy:
            from ui.copy_refresh import connect_and_refresh

            return (*connect_and_refresh(handle), None)
        return handle.try_connect(), False, None
    except DatabaseFileError as error:  # a database from a newer Comeback, say
        return None, False, error


def drop_connection(found: tuple) -> None:
    """Close the connection :func:`connect_in_worker` made, when nobody will adopt it."""
    from contextlib import suppress

    server = found[0]
    if server is not None:
        with suppress(Exception):
            server.close()


def finish_connect(ctx: Context, before, found: tuple) -> str:
    """The GUI thread's part after :func:`connect_in_worker`: adopt the connection (the
    copy refreshed unless the worker did), and say what was found."""
    from db.failover import reference_rows

    handle = ctx.db
    server, fresh, error = found
    if error is not None:
        from app.dbfile import problem

        raise problem(error) from None
    if server is None or not handle.adopt(server, fresh=fresh):
        handle._went_away(handle.last_error)  # as Failover.open on an away server
        return AWAY
    from app.setup import is_initialised

    if not is_initialised(ctx):
        return START_AGAIN
    return CONNECTED if reference_rows(handle.copy) == before else CHANGED


def open_server_first(url: str) -> Context | None:
    """A terminal's first start: the store on its server, the copy not made yet (see
    :func:`fill_copy`); None when the server has no store yet (then the start goes the
    usual way, through the first-run setup). Raises ``app.errors.DatabaseProblem`` for a
    server that cannot be used, as ``app.context.open_context`` does."""
    from app.stores import chosen_store_id
    from db.failover import _default_connect
    from db.health import DatabaseFileError, DatabaseServerError

    store_id = chosen_store_id()
    try:
        server = _default_connect(url)
    except (DatabaseFileError, DatabaseServerError) as error:
        from app.dbfile import problem

        raise problem(error) from None
    ctx = Context(db=server, store_id=store_id)
    from app.setup import is_initialised

    try:
        if is_initialised(ctx):
            ctx.copy_after_paint = url
            return ctx
    except Exception:  # noqa: BLE001 - the usual way says what is wrong
        pass
    server.close()
    return None


def copy_after_paint(ctx: Context) -> bool:
    return bool(vars(ctx).get("copy_after_paint"))


def fill_copy(ctx: Context, made: bool = False) -> None:
    """After the first paint of a terminal's first start: make its copy from the server
    and give the context the terminal's handle (``db.failover.Failover``). ``made``: a
    worker made and filled the copy already (:func:`copy_to_make`, ``ui.copy_refresh``)."""
    from db.failover import Failover, open_copy

    url = vars(ctx).pop("copy_after_paint")
    server = ctx.db
    copy = open_copy(copy_to_make(ctx, url))
    handle = Failover(url, copy, store_id=ctx.store_id, server=server)
    if not made:
        handle.refresh_copy()
    handle.sound_since = getattr(server, "sound_since", None)
    ctx.db = handle


def copy_to_make(ctx: Context, url: str | None = None):
    """Where the copy of a terminal's first start goes (its file in the data folder)."""
    from app.offline import data_folder
    from db.failover import copy_path

    return copy_path(data_folder(), url or vars(ctx)["copy_after_paint"], ctx.store_id)
