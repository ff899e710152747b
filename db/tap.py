"""A tap's writes, all at once: the incident (its summary columns already counted), the
remedies given on it with their vouchers, its first follow-up and its audit entry.

The caller (app.incidents.log_incident) has checked everything and decided everything
before: the approval rule, the voucher codes, the audit entry's text. What is left is
writing it, inside the caller's transaction, and the new rows' ids.

The incident is inserted with the summary columns that ``db.summary_columns.remedy_added``
and ``followup_added`` would give it once its remedies and its follow-up are written
(:func:`counted`): two UPDATEs of the incident fewer per tap. Each such UPDATE rewrote
every index entry of the incident (``idx_incidents_summary`` holds those columns) and ran
the summary rollup's triggers again (take the old row's share off, add the new one's):
on PostgreSQL they were a third of a tap's time on the server.

A database handle with a ``write_tap`` method (PostgreSQL: ``db.pg_tap``, one server-side
function for the whole write, one statement: one round trip) writes it its own way;
any other writes it here, statement by statement, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

from db import audit as audit_db
from db import incidents as incidents_db
from db import vouchers as vouchers_db
from db._sql import insert_row
from db.connection import Database
from db.pg_tap import ReadsChanged as ReadsChanged  # what a server's tap write may raise


class Tap(NamedTuple):
    """What one tap writes. ``incident``: the incidents columns (``uid`` set);
    ``remedies``: incident_remedies columns (no ``incident_id``), each with an optional
    ``"voucher"`` (vouchers columns without ``incident_id``/``incident_remedy_id``);
    ``followup``: followups columns (no ``incident_id``); ``audit``: the arguments of
    :func:`db.audit.append` (``entity_id`` is the new incident's id); ``guest_since``: the
    time from which the guest's earlier failures were looked for (``repeat_guest`` is
    what was found; a server's write checks it), None when the incident has no guest."""

    incident: dict
    remedies: list[dict]
    followup: dict
    audit: dict
    guest_since: str | None = None


class Written(NamedTuple):
    """The new rows' ids; ``incident_id`` None: an incident with the tap's ``uid`` was in
    the database already (written by another process meanwhile) and nothing was written."""

    incident_id: int | None
    given_ids: tuple[int, ...] = ()
    followup_id: int | None = None


def _own(db: Database, name: str):
    """A server handle's own way of doing it (db.pg), or None. A SQLite handle is not asked
    (an attribute it does not have builds sqlite-utils, which a tap never needs)."""
    if getattr(db, "backend", "sqlite") == "sqlite":
        return None
    return getattr(db, name, None)


def _seconds(iso: str) -> int:
    """Seconds since 1970 of a stored UTC time (what summary_columns.epoch_seconds makes of
    it in SQL: app.clock.to_iso writes whole seconds with +00:00)."""
    return int(datetime.fromisoformat(iso).timestamp())


def counted(occurred_at: str, remedies: list[dict], due_at: str) -> dict:
    """The summary columns of a new incident once ``remedies`` and its first follow-up
    (due at ``due_at``) are written: what remedy_added and followup_added would make."""
    return {"remedy_count": len(remedies),
            "cost_minor": sum(r["amount_minor"] for r in remedies),
            "followup_due_s": _seconds(due_at) - _seconds(occurred_at),
            "followup_done_s": None, "followup_missed": 0}


def write(db: Database, tap: Tap) -> Written:
    """Write ``tap`` inside the caller's transaction. On PostgreSQL the ids are read when
    first asked for (after the transaction, which the write goes out with)."""
    server = _own(db, "write_tap")
    if server is not None:
        written = server(tap)
        if tap.guest_since is not None:
            _remember_guest(server.__self__, tap.incident)
        return written
    incident_id = incidents_db.insert_incident(db, tap.incident)
    if incident_id is None:
        return Written(None)
    given_ids = []
    for remedy in tap.remedies:
        columns = {k: v for k, v in remedy.items() if k != "voucher"}
        given_id = incidents_db.insert_given(db, {"incident_id": incident_id, **columns})
        given_ids.append(given_id)
        if remedy.get("voucher") is not None:
            vouchers_db.insert_voucher(db, {**remedy["voucher"], "incident_id": incident_id,
                                            "incident_remedy_id": given_id})
    followup_id = insert_row(db, "followups", {"incident_id": incident_id, **tap.followup})
    audit_db.append(db, **{**tap.audit, "entity_id": incident_id})
    return Written(incident_id, tuple(given_ids), followup_id)


#: Reads a tap's write checks itself on a server (db.pg_tap): a voucher code taken meanwhile
#: raises ReadsChanged. Answered "no row" when nothing else has to be read first.
CHECKED_BY_WRITE = frozenset({vouchers_db.CODE_TAKEN})
#: The guests whose failures a terminal remembers writing (db.pg's ``guests_written``) at
#: most; then it starts again (a guest it does not remember is taken for a new one, and the
#: write says when that was wrong).
GUESTS_REMEMBERED = 5000


def _remember_guest(server, incident: dict) -> None:
    """Remember the guest of an incident this terminal writes, and when: its next failure
    within the store's window is answered "an earlier one" without asking the server."""
    written = server.guests_written
    if len(written) >= GUESTS_REMEMBERED:
        written.clear()
    key = (incident["store_id"], incident["guest_key"])
    written[key] = max(written.get(key, ""), incident["occurred_at"])


def _guess_guest(server, parameters: tuple) -> list[tuple] | None:
    """The answer to a tap's guest read (db.incidents.guest_read) from what this terminal
    wrote: an earlier failure since the read's time if it wrote one, else none — a guest it
    never wrote a failure for is mostly a new one. The write checks the guess (the read's
    time goes with it: Tap.guest_since); None: not the tap's read (another incident
    excluded)."""
    store_id, key, since, exclude = parameters
    if exclude is not None:
        return None
    return [(1,)] if server.guests_written.get((store_id, key), "") >= since else []


@contextmanager
def reading_ahead(db: Database, store_id: int, category_id: int, remedy_ids: Iterable[int],
                  staff_ids: Iterable[int | None],
                  more: Callable[[], list[tuple[str, tuple]]] | None = None, *,
                  earlier: bool = True) -> Iterator[bool]:
    """Inside the block, what a tap checks before it writes — its category, remedies, staff
    (the one who gives, the one who approves), the store's settings and what ``more()``
    returns (reads the caller expects to make: statement, parameters; asked only when
    reading ahead) — is read from the server in one round trip at its start (a handle with
    ``read_ahead``: db.pg), not one each when asked; a SQLite file is read as it is asked.
    A read asked with other parameters than read ahead is simply read then.

    On a server the category, remedies, staff and settings are kept from tap to tap with
    the store's stamp (read whole, a store's categories, remedies and staff are tens of
    rows: a tap of another category has nothing to read either), and the guest's earlier
    failures and whether a voucher code is free are guessed (:func:`_guess_guest`; free),
    all of which the tap's write checks (db.pg_tap): nothing is sent before the write.
    The block's value: True when its reads were answered so, from earlier reads (a refusal
    decided from them is to be decided again from fresh reads, as is a write that raised
    :class:`ReadsChanged`: ``earlier=False`` reads them now)."""
    ahead = _own(db, "read_ahead")
    if ahead is None:
        yield False
        return
    from db import catalog, staff, store

    keep = [(catalog.CATEGORY, (store_id, category_id))]
    keep += [(catalog.REMEDY, (store_id, remedy)) for remedy in dict.fromkeys(remedy_ids)]
    keep += [(staff.MEMBER, (store_id, member)) for member in dict.fromkeys(staff_ids)
             if member is not None]
    keep.append((store.SETTINGS, (store_id,)))
    whole = [(one, f"SELECT * FROM {table} WHERE store_id = ?")
             for one, table in ((catalog.CATEGORY, "categories"), (catalog.REMEDY, "remedies"),
                                (staff.MEMBER, "staff"))]
    server = ahead.__self__
    guest_sql = incidents_db.guest_read(store_id, "", "")[0]
    assume, asked = [], []
    for sql, parameters in more() if more is not None else []:
        guess = ([] if sql in CHECKED_BY_WRITE else
                 _guess_guest(server, parameters) if sql == guest_sql else None)
        if guess is None:
            asked.append((sql, parameters))
        else:
            assume.append((sql, parameters, guess))
    from_earlier = ahead(store_id, asked, keep=keep, assume=assume, whole=whole,
                         earlier=earlier)
    try:
        yield from_earlier
    finally:
        server.forget_read_ahead()  # the server's (a terminal's handle may be away)
