"""Failure categories, remedies and the remedy suggestion rules of a store."""

from __future__ import annotations

from db._sql import insert_row, update_row
from db.connection import Database

CATEGORY_FIELDS = ("code", "label", "icon", "apology", "followup_minutes", "default_severity",
                   "position", "hidden")
REMEDY_FIELDS = ("code", "label", "icon", "kind", "value_minor", "percent",
                 "approval_above_minor", "position", "hidden")


def categories(db: Database, store_id: int, include_hidden: bool = False) -> list[dict]:
    where = "" if include_hidden else " AND hidden = 0"
    return list(db.query(
        f"SELECT * FROM categories WHERE store_id = ?{where} ORDER BY position, id", [store_id]))


#: One category (store, id) and one remedy (store, id): what a tap checks (db.tap reads
#: them ahead on a server).
CATEGORY = "SELECT * FROM categories WHERE store_id = ? AND id = ?"
REMEDY = "SELECT * FROM remedies WHERE store_id = ? AND id = ?"


def category(db: Database, store_id: int, category_id: int) -> dict | None:
    rows = list(db.query(CATEGORY, [store_id, category_id]))
    return rows[0] if rows else None


def category_by_code(db: Database, store_id: int, code: str) -> dict | None:
    rows = list(db.query("SELECT * FROM categories WHERE store_id = ? AND code = ?",
                         [store_id, code]))
    return rows[0] if rows else None


def category_with_label(db: Database, store_id: int, label: str) -> dict | None:
    rows = list(db.query(
        "SELECT * FROM categories WHERE store_id = ? AND lower(trim(label)) = lower(trim(?))",
        [store_id, label]))
    return rows[0] if rows else None


def insert_category(db: Database, store_id: int, values: dict) -> int:
    return insert_row(db, "categories", {"store_id": store_id, **values})


def update_category(db: Database, store_id: int, category_id: int, values: dict) -> None:
    update_row(db, "categories", {"store_id": store_id, "id": category_id}, values)


def remedies(db: Database, store_id: int, include_hidden: bool = False) -> list[dict]:
    where = "" if include_hidden else " AND hidden = 0"
    return list(db.query(
        f"SELECT * FROM remedies WHERE store_id = ?{where} ORDER BY position, id", [store_id]))


def remedy(db: Database, store_id: int, remedy_id: int) -> dict | None:
    rows = list(db.query(REMEDY, [store_id, remedy_id]))
    return rows[0] if rows else None


def remedy_by_code(db: Database, store_id: int, code: str) -> dict | None:
    rows = list(db.query("SELECT * FROM remedies WHERE store_id = ? AND code = ?",
                         [store_id, code]))
    return rows[0] if rows else None


def insert_remedy(db: Database, store_id: int, values: dict) -> int:
    return insert_row(db, "remedies", {"store_id": store_id, **values})


def update_remedy(db: Database, store_id: int, remedy_id: int, values: dict) -> None:
    update_row(db, "remedies", {"store_id": store_id, "id": remedy_id}, values)


def rules(db: Database, store_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM remedy_rules WHERE store_id = ? ORDER BY id", [store_id]))


def insert_rule(db: Database, store_id: int, category_id: int, severity: str | None,
                remedy_id: int) -> int:
    cursor = db.execute(
        "INSERT INTO remedy_rules (store_id, category_id, severity, remedy_id) VALUES (?, ?, ?, ?)",
        [store_id, category_id, severity, remedy_id])
    return cursor.lastrowid


def delete_rule(db: Database, store_id: int, rule_id: int) -> None:
    db.execute("DELETE FROM remedy_rules WHERE store_id = ? AND id = ?", [store_id, rule_id])


def max_position(db: Database, table: str, store_id: int) -> int:
    if table not in ("categories", "remedies"):
        raise ValueError(table)
    return db.execute(f"SELECT coalesce(max(position), -1) FROM {table} WHERE store_id = ?",
                      [store_id]).fetchone()[0]
