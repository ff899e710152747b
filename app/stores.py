"""Several stores in one database (a chain on PostgreSQL): which store a terminal works
for, and the stores the database holds.

Every row of a store carries its ``store_id``; a :class:`app.context.Context` works for one
store. The terminal's store comes from ``comeback --store ID`` or the ``COMEBACK_STORE``
environment variable, else it is store 1 (a database with one store, as before).
``comeback init`` on a database that already holds stores adds the next one.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from app.errors import ComebackError, StateError
from app.i18n import _
from db import store as store_db

ENV = "COMEBACK_STORE"
DEFAULT_STORE = 1

#: What ``comeback --store`` chose for this process (None: the environment, else store 1).
_chosen: int | None = None


class StoreInfo(NamedTuple):
    """A store as the chain report names it."""

    id: int
    name: str
    currency: str
    locale: str
    timezone: str
    grace_minutes: int = 5  # the follow-ups' escalation grace (on time: within it)


def parse_store_id(text: str, where: str = "--store {value}") -> int:
    """A store number as typed (``2``); anything else is a ComebackError naming ``where``."""
    value = text.strip()
    if not value.isdigit() or int(value) < 1:
        raise ComebackError(_("{setting}: give a store number, 1 or more (comeback report "
                              "--chain lists the stores).").format(
            setting=where.format(value=text)))
    return int(value)


def choose(store_id: int | None) -> None:
    """The store this process works for (the CLI's ``--store``); None forgets it."""
    global _chosen
    _chosen = store_id


def chosen_store_id(explicit_only: bool = False) -> int | None:
    """``--store``, else ``COMEBACK_STORE``, else the store first-run setup saved for
    this terminal (``terminal.json``), else store 1 (None with ``explicit_only``)."""
    if _chosen is not None:
        return _chosen
    text = os.environ.get(ENV, "").strip()
    if text:
        return parse_store_id(text, ENV + "={value}")
    if explicit_only:
        return None
    from app import terminal_config

    saved = terminal_config.load()
    return saved.store_id if saved is not None else DEFAULT_STORE


def store_ids(db) -> list[int]:
    return store_db.store_ids(db)


def next_store_id(db) -> int:
    """The number a new store gets: one above the highest (1 in an empty database)."""
    ids = store_db.store_ids(db)
    return (max(ids) + 1) if ids else DEFAULT_STORE


def list_stores(db) -> list[StoreInfo]:
    """Every store of the database, by number, with its name, currency, locale and zone."""
    from app import settings as settings_mod

    return [StoreInfo(store_id, values.store_name, values.currency, values.locale,
                      values.timezone, values.followup_grace_minutes)
            for store_id, values in settings_mod.load_every_store(db).items()]


def missing_store(db, store_id: int, where: str) -> StateError:
    """What to say when ``store_id`` is not in the database at ``where`` but others are."""
    names = ", ".join(f"{s.id} {s.name}" for s in list_stores(db))
    return StateError(_("There is no store {id} in {where}; it holds: {stores}. Pick one "
                        "with --store ID.").format(id=store_id, where=where, stores=names))


def add_store(ctx, *, explicit: bool, **fields):
    """``app.setup.init_store`` for ``ctx.store_id`` when ``explicit``, else for the next
    free number (``ctx.store_id`` is set to it): the number is picked under the write lock,
    so two terminals adding a store at once get two numbers."""
    from app.setup import init_store

    with ctx.db.write_lock():
        if not explicit:
            ctx.store_id = next_store_id(ctx.db)
        return init_store(ctx, **fields)
