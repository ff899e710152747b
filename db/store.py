"""Stores and their settings (values are JSON text)."""

from __future__ import annotations

from db.connection import Database


def store_exists(db: Database, store_id: int) -> bool:
    return db.execute("SELECT 1 FROM stores WHERE id = ?", [store_id]).fetchone() is not None


def insert_store(db: Database, store_id: int, created_at: str) -> None:
    db.execute("INSERT INTO stores (id, created_at) VALUES (?, ?)", [store_id, created_at])


#: The store's settings (db.tap reads them ahead on a server).
SETTINGS = "SELECT name, value FROM settings WHERE store_id = ?"


def settings_values(db: Database, store_id: int) -> dict[str, str]:
    rows = db.execute(SETTINGS, [store_id])
    return {name: value for name, value in rows}


def settings_of_every_store(db: Database) -> dict[int, dict[str, str]]:
    """store id → its stored settings (name → JSON text), for every store: one query."""
    found: dict[int, dict[str, str]] = {store_id: {} for store_id in store_ids(db)}
    for store_id, name, value in db.execute("SELECT store_id, name, value FROM settings"):
        if store_id in found:
            found[store_id][name] = value
    return found


def put_setting(db: Database, store_id: int, name: str, value_json: str) -> None:
    db.execute(
        "INSERT INTO settings (store_id, name, value) VALUES (?, ?, ?) "
        "ON CONFLICT (store_id, name) DO UPDATE SET value = excluded.value",
        [store_id, name, value_json],
    )


def store_ids(db: Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM stores ORDER BY id").fetchall()]
