"""A tap on PostgreSQL in one round trip: ``comeback_log_tap``, a PL/pgSQL function (made by
migration 0021) that writes what :mod:`db.tap` writes statement by statement elsewhere.

Statement by statement, a tap was nine round trips to the server; the incident's new id is
needed by every row after it, so the writes could not go out together. The function takes
the whole tap (each table's columns as JSON) and writes, in the same order and with the
same statements as db.tap: the incident (``ON CONFLICT (uid) DO NOTHING``: a retried tap
writes nothing), each remedy and its voucher, the follow-up, then — under the chain lock
(``db.pg.CHAIN_LOCK``, held to COMMIT) — the audit entry chained to the store's head, as
``db.audit._APPEND`` does. It decides nothing: the approval rule, the voucher codes and the
audit entry's text are the caller's (app.incidents), checked before, as on SQLite.

Since migration 0031 it also checks, before it writes anything, the facts its caller
decided from, which the caller may have kept from earlier taps or guessed (db.tap
``reading_ahead``): the store's read stamp (:data:`STAMP_TABLE`), the guest's earlier
failures since the window's start, and that each voucher code is free. One that does not
hold raises :data:`READS_CHANGED` and nothing is written; the caller decides again.

The call waits in ``db.pg`` until the transaction ends (its ids are read afterwards); a
transaction that is this call alone goes out as that one statement, which is a transaction
of its own (no BEGIN and COMMIT around it): one round trip.

The function names every column it writes; a key it does not know, or a column left out,
raises (a column added to the tap in Python but not here must fail the tests, not be
dropped without a word; a missing key would be NULL here, the column's default there).
Its statements are planned once per connection (PL/pgSQL keeps their plans).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

INCIDENT = ("store_id", "category_id", "category_label", "staff_id", "occurred_at",
            "severity", "table_ref", "guest_name", "guest_contact", "guest_key", "note",
            "repeat_guest", "uid", "terminal_id", "noted", "remedy_count", "cost_minor",
            "followup_due_s", "followup_done_s", "followup_missed")
REMEDY = ("remedy_id", "kind", "label", "amount_minor", "percent", "approved_by", "given_at",
          "terminal_id", "voucher")
VOUCHER = ("code", "amount_minor", "issued_at", "expires_at")
FOLLOWUP = ("created_at", "original_due_at", "due_at")
AUDIT = ("store_id", "at", "staff_id", "action", "entity", "detail", "terminal_id")

#: Migration 0031: a stamp per store that every change to what a tap reads before it
#: decides (its category, remedies, staff and the store's settings: db.tap.reading_ahead)
#: moves on, in the same transaction (row triggers on those tables). A terminal keeps those
#: reads from tap to tap with the stamp they were read under, and its tap's write checks
#: the stamp: a tap decided from reads that changed meanwhile writes nothing and raises
#: :class:`ReadsChanged`, and the caller decides again from fresh reads. A bookkeeping table
#: of the server's own (its name starts with ``_``: never copied, db.store_copy).
STAMP_TABLE = "_comeback_read_stamps"
STAMPED = ("categories", "remedies", "staff", "settings")
#: The stamp of a store's reads (0 before its first change since migration 0031).
STAMP = f"SELECT coalesce(max(stamp), 0) AS stamp FROM {STAMP_TABLE} WHERE store_id = ?"
#: The SQLSTATE the tap's function raises when what its caller read changed (its own
#: class, not one of PostgreSQL's).
READS_CHANGED = "CB001"


class ReadsChanged(sqlite3.DatabaseError):
    """The tap was decided from reads that changed before it was written (another
    terminal changed the store's catalog, staff or settings, or took its voucher code):
    nothing was written; decide it again from fresh reads."""


_STAMP_TABLE = (f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (store_id INTEGER PRIMARY KEY, "
                "stamp BIGINT NOT NULL)")
_STAMP_ONE = (f"INSERT INTO {STAMP_TABLE} AS s (store_id, stamp) VALUES (%s, 1) "
              "ON CONFLICT (store_id) DO UPDATE SET stamp = s.stamp + 1; ")
_STAMP_FUNCTION = (
    "CREATE OR REPLACE FUNCTION comeback_read_stamp() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN " + _STAMP_ONE % "OLD.store_id" + "END IF; "
    "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.store_id IS DISTINCT FROM OLD.store_id) "
    "THEN " + _STAMP_ONE % "NEW.store_id" + "END IF; "
    "RETURN NULL; END $$")


def _list(names: tuple[str, ...], record: str | None = None) -> str:
    names = tuple(n for n in names if n != "voucher")
    return ", ".join(f"{record}.{n}" if record else n for n in names)


def _known(var: str, names: tuple[str, ...], what: str) -> str:
    """PL/pgSQL: raise unless the keys of ``var`` are the columns ``names`` (``voucher``
    may be left out): a key it does not write, or a column left out (its default would not
    be what the statements of db.tap give it), is a mistake to be told."""
    quoted = ", ".join(f"'{n}'" for n in names)
    needed = ", ".join(f"'{n}'" for n in names if n != "voucher")
    return (f"SELECT string_agg(k, ', ') INTO extra FROM ("
            f"SELECT k FROM jsonb_object_keys({var}) AS k WHERE k <> ALL (ARRAY[{quoted}]) "
            f"UNION ALL SELECT k FROM unnest(ARRAY[{needed}]) AS k "
            f"WHERE NOT jsonb_exists({var}, k)) AS wrong; "
            f"IF extra IS NOT NULL THEN RAISE EXCEPTION "
            f"'comeback_log_tap: % (not the columns it writes of {what})', extra; END IF; ")


def _function(known, stamped: bool = False) -> str:
    """The function's text, with ``known`` the check of one argument's keys; ``stamped``
    (migration 0031): it takes the stamp its caller's reads were made under and the time
    from which it looked for the guest's earlier failures (NULL: no guest), and raises
    :data:`READS_CHANGED` when the stamp moved on, when the guest's earlier failures are
    not what ``repeat_guest`` says, or when a voucher code was taken meanwhile."""
    stamp = (
        "IF p_stamp IS NOT NULL AND p_stamp <> coalesce((SELECT s.stamp FROM "
        f"{STAMP_TABLE} s WHERE s.store_id = i.store_id), 0) THEN RAISE EXCEPTION "
        "'comeback_log_tap: the store''s categories, remedies, staff or settings changed "
        f"since they were read' USING ERRCODE = '{READS_CHANGED}'; END IF; "
        f"IF p_guest_since IS NOT NULL AND ({_guest_check()}) "
        "IS DISTINCT FROM (i.repeat_guest = 1) THEN RAISE EXCEPTION "
        "'comeback_log_tap: the guest''s earlier failures changed since they were read' "
        f"USING ERRCODE = '{READS_CHANGED}'; END IF; ") if stamped else ""
    voucher_taken = (
        " ON CONFLICT (code) DO NOTHING; IF NOT FOUND THEN RAISE EXCEPTION "
        "'comeback_log_tap: the voucher code % is taken', v.code "
        f"USING ERRCODE = '{READS_CHANGED}'; END IF; ") if stamped else "; "
    return (
        "CREATE OR REPLACE FUNCTION comeback_log_tap(p_incident jsonb, p_remedies jsonb, "
        "p_followup jsonb, p_audit jsonb, p_chain_lock bigint, p_genesis text, "
        + ("p_stamp bigint, p_guest_since text, " if stamped else "")
        + "OUT new_incident integer, OUT new_given integer[], OUT new_followup integer) "
        "LANGUAGE plpgsql AS $$ DECLARE "
        "i incidents; r incident_remedies; v vouchers; f followups; a audit_log; "
        "item jsonb; given integer; extra text; "
        "BEGIN "
        + known("p_incident", INCIDENT, "incidents")
        + "i := jsonb_populate_record(NULL::incidents, p_incident); "
        + stamp
        + f"INSERT INTO incidents ({_list(INCIDENT)}) VALUES ({_list(INCIDENT, 'i')}) "
        "ON CONFLICT (uid) DO NOTHING RETURNING id INTO new_incident; "
        "IF new_incident IS NULL THEN RETURN; END IF; "
        "new_given := '{}'; "
        "FOR item IN SELECT value FROM jsonb_array_elements(p_remedies) "
        "WITH ORDINALITY AS e(value, n) ORDER BY n LOOP "
        + known("item", REMEDY, "incident_remedies")
        + "r := jsonb_populate_record(NULL::incident_remedies, item); "
        f"INSERT INTO incident_remedies (incident_id, {_list(REMEDY)}) "
        f"VALUES (new_incident, {_list(REMEDY, 'r')}) RETURNING id INTO given; "
        "new_given := new_given || given; "
        "IF jsonb_typeof(item -> 'voucher') = 'object' THEN "
        + known("item -> 'voucher'", VOUCHER, "vouchers")
        + "v := jsonb_populate_record(NULL::vouchers, item -> 'voucher'); "
        f"INSERT INTO vouchers (incident_id, incident_remedy_id, {_list(VOUCHER)}) "
        f"VALUES (new_incident, given, {_list(VOUCHER, 'v')})"
        + voucher_taken
        + "END IF; END LOOP; "
        + known("p_followup", FOLLOWUP, "followups")
        + "f := jsonb_populate_record(NULL::followups, p_followup); "
        f"INSERT INTO followups (incident_id, {_list(FOLLOWUP)}) "
        f"VALUES (new_incident, {_list(FOLLOWUP, 'f')}) RETURNING id INTO new_followup; "
        + known("p_audit", AUDIT, "audit_log")
        + "a := jsonb_populate_record(NULL::audit_log, p_audit); "
        "PERFORM pg_advisory_xact_lock(p_chain_lock); "
        # db.audit._APPEND: the store's head and the log's next id, read under the chain lock
        "INSERT INTO audit_log (id, store_id, at, staff_id, action, entity, entity_id, detail, "
        "prev_hash, hash, terminal_id) "
        "SELECT n.id, a.store_id, a.at, a.staff_id, a.action, a.entity, new_incident, a.detail, "
        "n.prev, comeback_audit_hash(n.prev, n.id, a.store_id, a.at, a.staff_id, a.action, "
        "a.entity, new_incident, a.detail), a.terminal_id "
        "FROM (SELECT (SELECT coalesce(max(l.id), 0) + 1 FROM audit_log l) AS id, "
        "coalesce((SELECT l.hash FROM audit_log l WHERE l.store_id = a.store_id "
        "ORDER BY l.id DESC LIMIT 1), p_genesis) AS prev OFFSET 0) AS n; "
        "END $$")


def _guest_check() -> str:
    """Whether the new incident's guest had a failure since ``p_guest_since``: the read
    the caller decided ``repeat_guest`` from (db.incidents.guest_read), the same text with
    the function's values for its parameters."""
    import re

    from db.incidents import guest_read

    text, _parameters = guest_read(0, "", "")
    text = re.sub(r"\s+INDEXED\s+BY\s+\w+", "", text)  # SQLite's hint (as db.pg drops it)
    values = iter(("i.store_id", "i.guest_key", "p_guest_since", "NULL"))
    return "EXISTS (" + re.sub(r"\?", lambda _m: next(values), text) + ")"


def _known_fast(var: str, names: tuple[str, ...], what: str) -> str:
    """:func:`_known` asked first as two expressions on the argument (every column it
    needs there, ``jsonb_exists_all``: the ``?&`` operator, whose ``?`` db.pg would take
    for a parameter; nothing left once the columns it writes are taken away, ``-``): each a
    plain expression that PL/pgSQL runs without the executor, where the query that names
    the wrong keys cost ~20-40 µs a check, four a tap. That query runs only when one
    fails, to say which."""
    written = ", ".join(f"'{n}'" for n in names)
    needed = ", ".join(f"'{n}'" for n in names if n != "voucher")
    return (f"IF NOT jsonb_exists_all({var}, ARRAY[{needed}]) "
            f"OR (({var}) - ARRAY[{written}]) <> '{{}}' "
            f"THEN {_known(var, names, what)} END IF; ")


#: Migration 0021's function (the statements of db.tap, each argument's keys checked).
FUNCTION = _function(_known)
#: Migration 0025's: the same, the keys checked by :func:`_known_fast`.
FUNCTION_0025 = _function(_known_fast)


def function_0031() -> str:
    """Migration 0031's: the same, with its caller's reads checked (made when migrating: it
    holds the text of db.incidents' guest read)."""
    return _function(_known_fast, stamped=True)


#: Reading a store's chain head (the tap's audit append, ``db.audit.last_entry``) and the
#: newest entry of an action (``db.audit.last_of``) ask for the highest id among the
#: store's entries. SQLite's index on ``(store_id)`` holds the rowid after it, so those are
#: one probe there; PostgreSQL's holds no such order: it read every entry of the store
#: and sorted them, on every tap. The same indexes with ``id`` at their end.
INDEXES = (
    "DROP INDEX IF EXISTS idx_audit_store",
    "CREATE INDEX idx_audit_store ON audit_log (store_id, id)",
    "DROP INDEX IF EXISTS idx_audit_store_action",
    "CREATE INDEX idx_audit_store_action ON audit_log (store_id, action, id)",
)

CALL = "SELECT * FROM comeback_log_tap(?, ?, ?, ?, ?, ?, ?, ?)"


def migrate(db) -> None:
    """Migration 0021 on PostgreSQL: the audit indexes and the function."""
    for statement in INDEXES:
        db.execute(statement)
    db.execute(FUNCTION)


def migrate_0025(db) -> None:
    """Migration 0025 on PostgreSQL: the function with its cheaper checks."""
    db.execute(FUNCTION_0025)


def migrate_0031(db) -> None:
    """Migration 0031 on PostgreSQL: the stamps, their triggers and the function that
    checks them (in place of 0025's, which had no stamp)."""
    db.execute(_STAMP_TABLE)
    db.execute(_STAMP_FUNCTION)
    for table in STAMPED:
        db.execute(f"CREATE TRIGGER comeback_read_stamp AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH ROW EXECUTE FUNCTION comeback_read_stamp()")
    db.execute("DROP FUNCTION IF EXISTS comeback_log_tap(jsonb, jsonb, jsonb, jsonb, bigint, "
               "text)")
    db.execute(function_0031())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Written:
    """The ids of a tap sent when its transaction ended (:class:`db.tap.Written`'s
    fields), read from the function's row when first asked for."""

    def __init__(self, cursor) -> None:
        self._cursor = cursor
        self._row: tuple | None = None

    def _read(self) -> tuple:
        if self._row is None:
            self._row = self._cursor.fetchone() or (None, None, None)
        return self._row

    @property
    def incident_id(self) -> int | None:
        return self._read()[0]

    @property
    def given_ids(self) -> list[int]:
        return list(self._read()[1] or [])

    @property
    def followup_id(self) -> int | None:
        return self._read()[2]


def write(database, tap, stamp: int | None) -> Written:
    """:func:`db.tap.write` on PostgreSQL (inside the caller's transaction); ``stamp``: the
    one the tap's reads were made under (None: read as they were asked, just before)."""
    from db.audit_chain import GENESIS
    from db.pg import CHAIN_LOCK

    cursor = database.execute(CALL, [
        _json(tap.incident), _json(tap.remedies), _json(tap.followup), _json(tap.audit),
        CHAIN_LOCK, GENESIS, stamp, tap.guest_since])
    return Written(cursor)
