"""Vouchers handed out as a remedy, and their redemption (= the guest came back)."""

from __future__ import annotations

from db._sql import insert_row
from db.connection import Database
from db.import_staging import visible

#: Whether a code is taken (db.tap reads it ahead on a server).
CODE_TAKEN = "SELECT 1 FROM vouchers WHERE code = ?"


def code_exists(db: Database, code: str) -> bool:
    return db.execute(CODE_TAKEN, (code,)).fetchone() is not None


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


# -- redeemed while the server was away (migration 0019, app/offline_vouchers.py) -----------

def for_terminal_copy(db: Database, store_id: int, expired_after: str) -> list[dict]:
    """The store's vouchers a terminal may redeem while its server is away: not redeemed,
    not cancelled, not expired before ``expired_after`` (those expired since: the terminal
    says "expired" with its own clock); with their incident's time and category."""
    return list(db.query(
        "SELECT v.id, v.code, v.incident_id, v.amount_minor, v.issued_at, v.expires_at, "
        "i.occurred_at, c.label AS category_label FROM vouchers v "
        "JOIN incidents i ON i.id = v.incident_id "
        "JOIN categories c ON c.id = i.category_id "
        "WHERE i.store_id = ? AND v.redeemed_at IS NULL AND i.voided_at IS NULL "
        f"AND v.expires_at >= ? AND {visible()} ORDER BY v.id", [store_id, expired_after]))


def offline_redemption(db: Database, uid: str) -> dict | None:
    """The redemption sent with ``uid`` (None: not sent yet)."""
    rows = list(db.query("SELECT * FROM offline_redemptions WHERE uid = ?", [uid]))
    return rows[0] if rows else None


def insert_offline_redemption(db: Database, values: dict) -> int | None:
    """The new row's id; None when a redemption with this uid is there already. (Read back
    by uid: db.pg gives ``lastrowid`` only for the tables it lists.)"""
    cursor = db.execute(
        f"INSERT INTO offline_redemptions ({', '.join(values)}) "
        f"VALUES ({', '.join('?' * len(values))}) ON CONFLICT (uid) DO NOTHING",
        list(values.values()))
    if cursor.rowcount == 0:
        return None
    return db.execute("SELECT id FROM offline_redemptions WHERE uid = ?",
                      [values["uid"]]).fetchone()[0]


def settle_offline_redemption(db: Database, redemption_id: int, *, voucher_id: int | None,
                              outcome: str, detail: str | None) -> None:
    db.execute("UPDATE offline_redemptions SET voucher_id = ?, outcome = ?, detail = ? "
               "WHERE id = ?", [voucher_id, outcome, detail, redemption_id])


def refused_redemptions(db: Database, store_id: int) -> list[dict]:
    """Redemptions made offline that could not be applied and no manager has seen yet,
    oldest first, with who redeemed offline and on which terminal."""
    return list(db.query(
        "SELECT o.*, s.name AS redeemed_by_name, t.name AS terminal_name "
        "FROM offline_redemptions o LEFT JOIN staff s ON s.id = o.redeemed_by "
        "LEFT JOIN terminals t ON t.id = o.terminal_id "
        "WHERE o.store_id = ? AND o.outcome = 'refused' AND o.seen_at IS NULL "
        "ORDER BY o.id", [store_id]))


def mark_refusal_seen(db: Database, redemption_id: int, at: str,
                      staff_id: int | None) -> bool:
    cursor = db.execute("UPDATE offline_redemptions SET seen_at = ?, seen_by = ? "
                        "WHERE id = ? AND seen_at IS NULL", [at, staff_id, redemption_id])
    return cursor.rowcount == 1


def staff_name(db: Database, store_id: int, staff_id: object) -> str | None:
    """The name of the store's staff member ``staff_id`` (None: no such member)."""
    if not isinstance(staff_id, int):
        return None
    row = db.execute("SELECT name FROM staff WHERE id = ? AND store_id = ?",
                     [staff_id, store_id]).fetchone()
    return row[0] if row else None
