"""Manager approval of remedies above their threshold, with a lockout after wrong PINs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app import audit
from app.clock import from_iso
from app.context import Context
from app.errors import ApprovalLocked, PinRejected
from app.i18n import ngettext
from app.staff import pin_matches
from db import audit as audit_db
from db import staff as staff_db

MAX_WRONG_PINS = 5
LOCKOUT = timedelta(seconds=60)
APPROVAL_VALID = timedelta(minutes=2)

_FAILED, _OK, _LOCKED = "approval.pin_failed", "approval.pin_ok", "approval.locked"


@dataclass(frozen=True)
class Approval:
    """Proof that a manager or owner typed their PIN at ``at``; pass it to the service."""

    staff_id: int
    staff_name: str
    at: datetime

    def valid_at(self, now: datetime) -> bool:
        return timedelta(0) <= now - self.at <= APPROVAL_VALID


def locked_until(ctx: Context) -> datetime | None:
    lock = audit_db.last_of(ctx.db, ctx.store_id, [_LOCKED])
    if lock is None:
        return None
    until = from_iso(lock["at"]) + LOCKOUT
    return until if until > ctx.clock.now() else None


def _failures_in_a_row(ctx: Context) -> int:
    last_reset = audit_db.last_of(ctx.db, ctx.store_id, [_OK, _LOCKED])
    return audit_db.count_after_id(ctx.db, ctx.store_id, _FAILED,
                                   last_reset["id"] if last_reset else 0)


def authorize(ctx: Context, pin: str, for_what: str = "") -> Approval:
    """Check a manager's or owner's PIN; every attempt goes to the audit log."""
    until = locked_until(ctx)
    if until is not None:
        seconds = max(1, int((until - ctx.clock.now()).total_seconds()))
        raise ApprovalLocked(ngettext(
            "Too many wrong PINs. Approval is locked for {n} more second.",
            "Too many wrong PINs. Approval is locked for {n} more seconds.", seconds,
        ).format(n=seconds), until)
    pin = str(pin or "").strip()
    for row in staff_db.approvers_with_pin(ctx.db, ctx.store_id):
        if pin and pin_matches(row, pin):
            with ctx.db.atomic():
                audit.record(ctx, row["id"], _OK, for_what=for_what)
            return Approval(row["id"], row["name"], ctx.clock.now())
    with ctx.db.atomic():
        audit.record(ctx, None, _FAILED, for_what=for_what)
        failures = _failures_in_a_row(ctx)
        if failures >= MAX_WRONG_PINS:
            audit.record(ctx, None, _LOCKED, seconds=int(LOCKOUT.total_seconds()))
    if failures >= MAX_WRONG_PINS:
        seconds = int(LOCKOUT.total_seconds())
        raise ApprovalLocked(ngettext(
            "Too many wrong PINs. Approval is locked for {n} second.",
            "Too many wrong PINs. Approval is locked for {n} seconds.", seconds,
        ).format(n=seconds), ctx.clock.now() + LOCKOUT)
    left = MAX_WRONG_PINS - failures
    raise PinRejected(ngettext(
        "That PIN is not a manager's or owner's PIN. {n} try left.",
        "That PIN is not a manager's or owner's PIN. {n} tries left.", left).format(n=left),
        left)
