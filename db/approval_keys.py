"""Approval keys: the per-person HMAC keys that prove an approval made on a terminal while
its server was away (app.approval_proof). Kept on the server only: a terminal's copy has
``staff.approval_kdf`` (how to derive the key from the PIN) but never a row of this table,
and these functions refuse to write one into a copy."""

from __future__ import annotations

from db.connection import Database


def _not_a_copy(db: Database) -> None:
    from db.failover import is_copy

    if is_copy(db):
        raise RuntimeError("approval keys are never written to a terminal's copy")


def replace_key(db: Database, store_id: int, staff_id: int, kdf: str, key_hex: str,
                now_iso: str) -> None:
    """A new PIN: its key becomes the person's key; the earlier ones are replaced now
    (they still prove approvals made before ``now_iso``). Inside the caller's transaction."""
    _not_a_copy(db)
    db.execute(f"UPDATE approval_keys SET replaced_at = ?, replaced_epoch = {db.NOW_EPOCH} "
               "WHERE store_id = ? AND staff_id = ? AND replaced_at IS NULL",
               [now_iso, store_id, staff_id])
    db.execute("INSERT INTO approval_keys (store_id, staff_id, kdf, approval_key, made_at) "
               "VALUES (?, ?, ?, ?, ?)", [store_id, staff_id, kdf, key_hex, now_iso])
    db.execute("UPDATE staff SET approval_kdf = ? WHERE store_id = ? AND id = ?",
               [kdf, store_id, staff_id])


def add_first_key(db: Database, store_id: int, staff_id: int, pin_hash: str, kdf: str,
                  key_hex: str, now_iso: str) -> bool:
    """The first key of someone whose PIN predates approval keys, made when their PIN
    (still ``pin_hash``) was checked on the server. False when another terminal made one
    meanwhile or the PIN changed (nothing written)."""
    _not_a_copy(db)
    with db.atomic():
        cursor = db.execute(
            "UPDATE staff SET approval_kdf = ? WHERE store_id = ? AND id = ? "
            "AND approval_kdf IS NULL AND pin_hash = ?", [kdf, store_id, staff_id, pin_hash])
        if cursor.rowcount != 1:
            return False
        db.execute("INSERT INTO approval_keys (store_id, staff_id, kdf, approval_key, "
                   "made_at) VALUES (?, ?, ?, ?, ?)",
                   [store_id, staff_id, kdf, key_hex, now_iso])
    return True


def key_for(db: Database, store_id: int, staff_id: int, kdf: str) -> dict | None:
    """The key ``staff_id`` had with ``kdf`` (its ``approval_key`` hex, ``replaced_at``), and
    ``replaced_for``: how many seconds ago a new PIN replaced it by the database's own clock
    (None while it is the person's key)."""
    rows = list(db.query(
        f"SELECT approval_key, made_at, replaced_at, {db.NOW_EPOCH} - replaced_epoch "
        "AS replaced_for FROM approval_keys WHERE store_id = ? AND staff_id = ? AND kdf = ?",
        [store_id, staff_id, kdf]))
    return rows[0] if rows else None
