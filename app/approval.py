"""Every PIN check — an approval, a sign-in, the back office — and the one lockout they share.

A check and its lockout count are one atomic step across processes and terminals: the write
lock is taken (``BEGIN IMMEDIATE``; on PostgreSQL an advisory lock) before the lock state is
read, so however many attempts arrive at once, at most ``MAX_WRONG_PINS`` wrong ones are
counted before the lock, and a right PIN during a lock is refused (its hash, computed before
the lock was taken, is not used). The lock is a row in the audit log, so it holds after
a restart. Every attempt, right, wrong or refused while locked, is written there.

No message tells whose PIN was typed: PINs are not unique (nothing says "already used"), an
approver is found among the people allowed to approve (or named: ``staff_id``), and a
sign-in checks only the PIN of the person who tapped their name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app import audit
from app.clock import from_iso
from app.context import Context
from app.errors import ApprovalLocked, PinRejected
from app.i18n import _, ngettext
from app.models import Role
from app.staff import pin_matches
from db import audit as audit_db
from db import staff as staff_db
from db.locking import exclusive

MAX_WRONG_PINS = 5
LOCKOUT = timedelta(seconds=60)
APPROVAL_VALID = timedelta(minutes=2)

_FAILED, _OK, _LOCKED = "approval.pin_failed", "approval.pin_ok", "approval.locked"
_REFUSED = "approval.pin_refused_locked"


@dataclass(frozen=True)
class Approval:
    """Proof that a manager or owner typed their PIN at ``at``; pass it to the service.

    Services read the approver's role from the database, never from here. ``key``: on a
    terminal, the approver's approval key derived from the PIN just typed, to sign the one
    tap this approval is for (app.approval_proof); never stored, never compared."""

    staff_id: int
    staff_name: str
    at: datetime
    role: Role | None = None
    key: object | None = field(default=None, repr=False, compare=False)

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


def _locked(until: datetime, now: datetime) -> ApprovalLocked:
    seconds = max(1, int((until - now).total_seconds()))
    return ApprovalLocked(ngettext(
        "Too many wrong PINs. Approval is locked for {n} more second.",
        "Too many wrong PINs. Approval is locked for {n} more seconds.", seconds,
    ).format(n=seconds), until)


def check_pin(ctx: Context, pin: str, candidates: Callable[[], list[dict]], for_what: str,
              wrong: Callable[[int], str]) -> dict:
    """The one PIN check: the first of ``candidates()`` (staff rows) whose PIN is ``pin``.

    One atomic step with the lockout (see the module docstring). Raises ApprovalLocked
    while locked (nothing checked) or when this attempt locks; PinRejected with
    ``wrong(tries_left)`` as its message otherwise.
    """
    pin = str(pin or "").strip()
    now = ctx.clock.now()
    failures, until = 0, None
    # The slow part (scrypt, ~50 ms a hash, by design) before the lock: every terminal's
    # PIN check waits for this lock, so it is held only to read the lockout and write the
    # attempt. The result is used only if the lockout allows a check, and only while the
    # matched person's PIN is still the one hashed.
    match = next((row for row in candidates() if pin and pin_matches(row, pin)), None)
    with exclusive(ctx.db):
        until = locked_until(ctx)
        if until is not None:
            match = None
            audit.record(ctx, None, _REFUSED, for_what=for_what)
        else:
            if match is not None:
                now_row = staff_db.staff_member(ctx.db, ctx.store_id, match["id"])
                if now_row is None or not now_row["active"] \
                        or now_row["pin_hash"] != match["pin_hash"]:
                    match = None  # changed meanwhile: this attempt counts as wrong
            if match is not None:
                audit.record(ctx, match["id"], _OK, for_what=for_what)
            else:
                audit.record(ctx, None, _FAILED, for_what=for_what)
                failures = _failures_in_a_row(ctx)
                if failures >= MAX_WRONG_PINS:
                    audit.record(ctx, None, _LOCKED, seconds=int(LOCKOUT.total_seconds()))
    if until is not None:
        raise _locked(until, now)
    if match is not None:
        from app.approval_proof import first_key

        first_key(ctx, match, pin)  # a PIN from before approval keys, checked on the server
        return match
    if failures >= MAX_WRONG_PINS:
        seconds = int(LOCKOUT.total_seconds())
        raise ApprovalLocked(ngettext(
            "Too many wrong PINs. Approval is locked for {n} second.",
            "Too many wrong PINs. Approval is locked for {n} seconds.", seconds,
        ).format(n=seconds), now + LOCKOUT)
    left = MAX_WRONG_PINS - failures
    raise PinRejected(wrong(left), left)


def authorize(ctx: Context, pin: str, for_what: str = "", *, staff_id: int | None = None,
              min_role: Role = Role.MANAGER, exclude: int | None = None) -> Approval:
    """Check an approver's PIN: a manager's or owner's (``min_role=Role.OWNER``: an owner's).

    ``staff_id`` checks only that person's PIN (approver picked by name); ``exclude`` leaves
    one person out (four eyes: not the giver). Every attempt counts toward the lockout.
    """
    roles = ("owner",) if min_role is Role.OWNER else ("manager", "owner")

    def candidates() -> list[dict]:
        if exclude is not None:
            # The giver's own PIN never approves, even if another approver happens to have
            # the same one (PINs are not unique): that would also tell him so.
            own = staff_db.staff_member(ctx.db, ctx.store_id, exclude)
            if own is not None and pin and pin_matches(own, str(pin).strip()):
                return []
        return [row for row in staff_db.approvers_with_pin(ctx.db, ctx.store_id)
                if row["role"] in roles and row["id"] != exclude
                and (staff_id is None or row["id"] == staff_id)]

    def wrong(left: int) -> str:
        if min_role is Role.OWNER:
            return ngettext("That PIN is not an owner's PIN. {n} try left.",
                            "That PIN is not an owner's PIN. {n} tries left.", left).format(n=left)
        return ngettext(
            "That PIN is not a manager's or owner's PIN. {n} try left.",
            "That PIN is not a manager's or owner's PIN. {n} tries left.", left).format(n=left)

    row = check_pin(ctx, pin, candidates, for_what, wrong)
    return Approval(row["id"], row["name"], ctx.clock.now(), Role(row["role"]))


def sign_in_check(ctx: Context, staff_id: int, pin: str, for_what: str = "signin") -> dict:
    """Check the PIN of the one person who tapped their name (counts toward the lockout)."""
    member = staff_db.staff_member(ctx.db, ctx.store_id, staff_id)
    name = member["name"] if member else "?"

    def candidates() -> list[dict]:
        return [member] if member is not None and member["active"] else []

    def wrong(left: int) -> str:
        return ngettext("That is not {name}'s PIN. {n} try left.",
                        "That is not {name}'s PIN. {n} tries left.", left).format(
            name=name, n=left)

    return check_pin(ctx, pin, candidates, for_what, wrong)


def no_pin_message(name: str) -> str:
    return _("{name} has no PIN yet: a manager can set one in the back office.").format(
        name=name)
