"""Staff members. PINs are stored only as scrypt hashes with their salt."""

from __future__ import annotations

from db._sql import update_row
from db.connection import Database


def staff_members(db: Database, store_id: int, include_inactive: bool = False) -> list[dict]:
    where = "" if include_inactive else " AND active = 1"
    return list(db.query(
        f"SELECT * FROM staff WHERE store_id = ?{where} ORDER BY "
        "CASE role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, name COLLATE NOCASE",
        [store_id]))


#: One staff member (store, id) (db.tap reads it ahead on a server).
MEMBER = "SELECT * FROM staff WHERE store_id = ? AND id = ?"


def staff_member(db: Database, store_id: int, staff_id: int) -> dict | None:
    rows = list(db.query(MEMBER, [store_id, staff_id]))
    return rows[0] if rows else None


def approvers_with_pin(db: Database, store_id: int) -> list[dict]:
    return list(db.query(
        "SELECT * FROM staff WHERE store_id = ? AND active = 1 AND pin_hash IS NOT NULL "
        "AND role IN ('manager', 'owner') ORDER BY id", [store_id]))


def staff_with_pin(db: Database, store_id: int) -> list[dict]:
    return list(db.query(
        "SELECT * FROM staff WHERE store_id = ? AND active = 1 AND pin_hash IS NOT NULL "
        "ORDER BY id", [store_id]))


def insert_staff(db: Database, store_id: int, name: str, role: str, created_at: str) -> int:
    cursor = db.execute(
        "INSERT INTO staff (store_id, name, role, created_at) VALUES (?, ?, ?, ?)",
        [store_id, name, role, created_at])
    return cursor.lastrowid


def update_staff(db: Database, store_id: int, staff_id: int, values: dict) -> None:
    update_row(db, "staff", {"store_id": store_id, "id": staff_id}, values)
