"""Terminals: the named counters and tablets of a store (``terminals``), and the weekly
breakdown by terminal."""

from __future__ import annotations

from db.connection import Database


def terminal_id(db: Database, store_id: int, name: str) -> int | None:
    row = db.execute("SELECT id FROM terminals WHERE store_id = ? AND name = ?",
                     [store_id, name]).fetchone()
    return row[0] if row else None


def ensure_terminal(db: Database, store_id: int, name: str, at: str) -> int:
    """The id of the store's terminal called ``name``, made when it is new. Two terminals
    of the same name starting at once make one row (the UNIQUE key; ON CONFLICT DO NOTHING
    leaves a transaction usable on both engines)."""
    found = terminal_id(db, store_id, name)
    if found is not None:
        return found
    db.execute("INSERT INTO terminals (store_id, name, created_at) VALUES (?, ?, ?) "
               "ON CONFLICT (store_id, name) DO NOTHING", [store_id, name, at])
    return terminal_id(db, store_id, name)


def terminal_names(db: Database, store_id: int) -> dict[int, str]:
    return {row[0]: row[1] for row in db.execute(
        "SELECT id, name FROM terminals WHERE store_id = ? ORDER BY id", [store_id])}


def name_of(db: Database, terminal: int | None) -> str | None:
    if terminal is None:
        return None
    row = db.execute("SELECT name FROM terminals WHERE id = ?", [terminal]).fetchone()
    return row[0] if row else None


def count_terminals(db: Database, store_id: int) -> int:
    return db.execute("SELECT count(*) FROM terminals WHERE store_id = ?",
                      [store_id]).fetchone()[0]


def by_terminal(db: Database, store_id: int, start: str, end: str) -> list[dict]:
    """Live incidents with ``start <= occurred_at < end`` per terminal (None: logged before
    terminals had names, or imported without one): name, incidents and their cost."""
    return list(db.query(
        "SELECT t.name AS terminal, count(*) AS incidents, "
        "coalesce(sum(x.cost_minor), 0) AS cost_minor "
        "FROM (SELECT i.terminal_id, (SELECT coalesce(sum(r.amount_minor), 0) "
        "      FROM incident_remedies r WHERE r.incident_id = i.id) AS cost_minor "
        "      FROM incidents i WHERE i.store_id = ? AND i.occurred_at >= ? "
        "      AND i.occurred_at < ? AND i.voided_at IS NULL) AS x "
        "LEFT JOIN terminals t ON t.id = x.terminal_id "
        "GROUP BY x.terminal_id, t.name ORDER BY count(*) DESC, t.name",
        [store_id, start, end]))
