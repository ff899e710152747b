"""The vouchers a terminal's copy holds, to redeem them while its server is away.

The copy (:mod:`db.failover`) is a SQLite file of the store's schema; its ``vouchers``
table is left to the incidents logged offline. The store's redeemable vouchers live in a
table of their own, ``copy_vouchers`` (code, amount, validity, the incident's time and
category), replaced at every refresh of the copy; ``copy_redeemed`` holds what this terminal
redeemed offline (the code and the outbox entry's uid), so the same terminal cannot redeem
a voucher twice. A mark stays while its outbox entry waits; a refresh drops the others (the
server's answer is in the fresh rows by then). SQLite only: the copy always is.
"""

from __future__ import annotations

from typing import Any

#: Vouchers that expired up to this many days before a refresh are still copied, so that a
#: guest with one hears "expired" rather than "not known" while the server is away.
KEEP_EXPIRED_DAYS = 30


def expired_after() -> str:
    """The oldest expiry a refresh copies (UTC ISO-8601, from the computer's clock)."""
    from datetime import datetime, timedelta, timezone

    cutoff = datetime.now(timezone.utc) - timedelta(days=KEEP_EXPIRED_DAYS)
    return cutoff.replace(microsecond=0).isoformat()


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS copy_vouchers (code TEXT PRIMARY KEY, id INTEGER NOT NULL, "
    "incident_id INTEGER NOT NULL, amount_minor INTEGER NOT NULL, issued_at TEXT NOT NULL, "
    "expires_at TEXT NOT NULL, occurred_at TEXT NOT NULL, category_label TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS copy_redeemed (code TEXT PRIMARY KEY, uid TEXT NOT NULL, "
    "redeemed_at TEXT NOT NULL, staff_id INTEGER)",
)
_COLUMNS = ("code", "id", "incident_id", "amount_minor", "issued_at", "expires_at",
            "occurred_at", "category_label")


def ensure_tables(copy: Any) -> None:
    for statement in _SCHEMA:
        copy.execute(statement)


def replace(copy: Any, rows: list[dict], waiting: set[str]) -> None:
    """The store's redeemable vouchers are ``rows`` now; marks whose uid is not in
    ``waiting`` (sent or refused) go."""
    ensure_tables(copy)
    with copy.atomic():
        copy.execute("DELETE FROM copy_vouchers")
        copy.conn.executemany(
            f"INSERT INTO copy_vouchers ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_COLUMNS))})",
            [[row[name] for name in _COLUMNS] for row in rows])
        for code, uid in copy.execute("SELECT code, uid FROM copy_redeemed").fetchall():
            if uid not in waiting:
                copy.execute("DELETE FROM copy_redeemed WHERE code = ?", [code])


def find(copy: Any, code: str) -> dict | None:
    """The voucher ``code`` as the copy knows it, with this terminal's offline redemption
    (``local_uid``, ``local_at``, ``local_staff_id``: None when not redeemed here)."""
    ensure_tables(copy)
    rows = list(copy.query(
        "SELECT v.*, r.uid AS local_uid, r.redeemed_at AS local_at, "
        "r.staff_id AS local_staff_id FROM copy_vouchers v "
        "LEFT JOIN copy_redeemed r ON r.code = v.code WHERE v.code = ?", [code]))
    return rows[0] if rows else None


def mark_redeemed(copy: Any, code: str, uid: str, at: str, staff_id: int | None) -> bool:
    """False when this terminal redeemed ``code`` already."""
    ensure_tables(copy)
    cursor = copy.execute("INSERT OR IGNORE INTO copy_redeemed (code, uid, redeemed_at, "
                          "staff_id) VALUES (?, ?, ?, ?)", [code, uid, at, staff_id])
    return cursor.rowcount == 1


def unmark(copy: Any, uid: str) -> None:
    ensure_tables(copy)
    copy.execute("DELETE FROM copy_redeemed WHERE uid = ?", [uid])


def forget(copy: Any, codes: list[str], incident_ids: list[int]) -> None:
    """Vouchers redeemed (``codes``) or cancelled (their ``incident_ids`` undone) since the
    copy was made: no longer redeemable here."""
    ensure_tables(copy)
    with copy.atomic():
        for code in codes:
            copy.execute("DELETE FROM copy_vouchers WHERE code = ?", [code])
        for incident_id in incident_ids:
            copy.execute("DELETE FROM copy_vouchers WHERE incident_id = ?", [incident_id])
