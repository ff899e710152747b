"""``comeback watch``: each change of a store as one JSON line, the moment it happens.

For kitchen screens, scripts and other systems. Reads the same change feed as the counters
(the store's audit log, :mod:`app.changes`), so it has their guarantee: every change after
``--since ID`` is printed, in order, none twice, also those made while the watch was cut
off from the server (it reconnects and carries on from the last id it printed).

PostgreSQL: LISTEN on one connection, a line as soon as the change commits. SQLite has no
notifications: the feed is read once a second. Ctrl-C ends it (exit 0).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from app import changes
from app.errors import ComebackError
from app.i18n import _

#: SQLite: how often the feed is read.
POLL_S = 1.0
#: PostgreSQL: the longest a blocking wait lasts (the loop then simply waits again).
WAIT_S = 30.0
#: Reconnect delays after the server went away: doubling up to this.
FIRST_RETRY_S, MAX_RETRY_S = 0.5, 10.0


def add_parsers(sub) -> None:
    """Register ``watch`` on ``comeback``'s subparsers."""
    watch = sub.add_parser(
        "watch", help=_("print each change of the store as one JSON line as it happens"),
        description=_(
            "Prints each change of the store (incident logged or undone, follow-up due, "
            "taken, snoozed, recorded or escalated, voucher redeemed, menus, staff, "
            "settings) as one JSON line: id, at, kind, entity, entity_id, staff and what a "
            "script needs. On PostgreSQL a line comes the moment the change is saved; on "
            "a SQLite file the store is looked at once a second. Changes made while the "
            "server was away are printed when it is back, in order, none twice. Ctrl-C "
            "stops it."))
    watch.add_argument("--since", type=int, default=None, metavar="ID",
                       help=_("print the changes after this id first (0: the whole "
                              "history); default: only changes from now on"))


def opened(open_context):
    """The store to watch; a server that cannot be reached is an error (exit 2) that says
    which server and why, like a file that cannot be used."""
    from db.health import DatabaseServerError

    try:
        return open_context()
    except DatabaseServerError as error:
        raise ComebackError(_("Cannot use the database server {where} ({problem}): "
                              "{detail}").format(where=error.where,
                                                 problem=error.problem.value,
                                                 detail=error.detail.strip())) from None


def cmd_watch(args: argparse.Namespace, ctx) -> int:
    from db import changes as changes_db

    if args.since is not None and args.since < 0:
        raise ComebackError(_("--since {value}: use a change id, 0 or more.").format(
            value=args.since))
    store_id = ctx.store_id  # the global --store / COMEBACK_STORE
    if not changes_db.store_exists(ctx.db, store_id):
        raise ComebackError(_("--store {value}: there is no store with that number.")
                            .format(value=store_id))
    last = args.since if args.since is not None else changes.newest_id(ctx.db, store_id)
    # Ctrl-C (SIGINT) stops it even when it was started with SIGINT ignored (a background
    # job of a script, a supervisor): it says so and a script relies on it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(_("comeback watch: store {store}, changes after {id}; Ctrl-C stops.").format(
        store=store_id, id=last), file=sys.stderr, flush=True)
    try:
        listener = changes_db.listener(ctx.db, store_id)
        if listener is None:
            _poll(ctx.db, store_id, last)
        else:
            ctx.db.close()  # the listening connection reads the feed itself
            _listen(listener, last)
    except (KeyboardInterrupt, BrokenPipeError):
        return 0
    return 0


def _print(found: list[changes.Change]) -> int | None:
    for change in found:
        print(changes.as_json(change), flush=True)
    return found[-1].id if found else None


def _poll(db, store_id: int, last: int) -> None:
    while True:
        last = _print(changes.since(db, store_id, last)) or last
        time.sleep(POLL_S)


def _listen(listener, last: int) -> None:
    from db.health import DatabaseServerError

    delay, lost = FIRST_RETRY_S, False
    while True:
        try:
            if not listener.connected:
                listener.connect()  # LISTEN first, then read: nothing falls in between
                if lost:
                    print(_("comeback watch: the server is back; catching up."),
                          file=sys.stderr, flush=True)
                delay, lost = FIRST_RETRY_S, False
            while True:
                last = _print(changes.read_all(listener.read, last)) or last
                listener.wait(WAIT_S)
        except DatabaseServerError as error:
            if not lost:
                print(_("comeback watch: lost the server ({problem}); reconnecting…").format(
                    problem=error.problem.value), file=sys.stderr, flush=True)
            lost = True
            listener.close()
            time.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_S)
