"""Vouchers handed out as a remedy, and their redemption (= the guest came back)."""

from __future__ import annotations

from db._sql import insert_row
from db.connection import Database
from db.import_staging import visible


def code_exists(db: Database, code: str) -> bool:
    return db.execute("SELECT 1 FROM vouchers WHERE code = ?", [code]).fetchone() is not None


def insert_voucher(db: Database, values: dict) -> int:
    return insert_row(db, "vouchers", values)


def voucher_by_code(db: Database, code: str) -> dict | None:
    rows = list(db.query(
        "SELECT v.*, i.store_id, i.voided_at AS incident_voided_at, "
        "s.name AS redeemed_by_name, t.name AS redeemed_terminal FROM vouchers v "
        "JOIN incidents i ON i.id = v.incident_id LEFT JOIN staff s ON s.id = v.redeemed_by "
        "LEFT JOIN terminals t ON t.id = v.redeemed_terminal_id "
        f"WHERE v.code = ? AND {visible()}", [code]))
    return rows[0] if rows else None


def vouchers_for_incident(db: Database, incident_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM vouchers WHERE incident_id = ? ORDER BY id",
                         [incident_id]))


def mark_redeemed(db: Database, voucher_id: int, at: str, staff_id: int | None,
                  terminal_id: int | None = None) -> bool:
    """Returns False when it was already redeemed (the guard is in the WHERE clause: on
    PostgreSQL a second terminal's UPDATE waits for the first one's row lock, then finds
    the guard false; on SQLite the write lock orders them)."""
    cursor = db.execute(
        "UPDATE vouchers SET redeemed_at = ?, redeemed_by = ?, redeemed_terminal_id = ? "
        "WHERE id = ? AND redeemed_at IS NULL", [at, staff_id, terminal_id, voucher_id])
    return cursor.rowcount == 1


def unredeemed(db: Database, store_id: int) -> list[dict]:
    return list(db.query(
        "SELECT v.* FROM vouchers v JOIN incidents i ON i.id = v.incident_id "
        "WHERE i.store_id = ? AND v.redeemed_at IS NULL AND i.voided_at IS NULL "
        f"AND {visible()} ORDER BY v.id",
        [store_id]))
