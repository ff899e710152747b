"""Who is on it: a manager opened "Record how it went" for a guest on some terminal.

While a follow-up is *taken* (for :data:`TAKE_MINUTES` at most), every other terminal shows
"Marco is on it" instead of asking for someone, stops ringing for that guest and does not
escalate it. The take ends when the outcome is recorded, when the dialog is cancelled
(:func:`release`), or by itself after :data:`TAKE_MINUTES` (a tablet that went flat in a
manager's pocket holds nothing for long). Taking never stops anyone from recording: if two
record at once, the guarded UPDATE lets one win (``WHERE done_at IS NULL``) and the other is
told who did and what (:func:`closed_message`), with nothing of theirs written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app import audit
from app.clock import to_iso
from app.context import Context
from app.errors import StateError
from app.i18n import _
from app.incidents import get_followup
from app.models import Changes, FollowUp
from db import followups as followups_db
from db import staff as staff_db

TAKE_MINUTES = 5
TAKE_FOR = timedelta(minutes=TAKE_MINUTES)


def taken_until(followup: FollowUp) -> datetime | None:
    return followup.taken_at + TAKE_FOR if followup.taken_at is not None else None


def is_taken(followup: FollowUp, now: datetime) -> bool:
    """Someone opened its outcome step less than TAKE_MINUTES ago and it is still open."""
    until = taken_until(followup)
    return until is not None and now < until and followup.done_at is None


def row_taken_until(row: dict) -> str | None:
    """:func:`taken_until` of a database row, as stored text (for the follow-up rules)."""
    taken = row.get("taken_at")
    if not taken:
        return None
    from app.clock import from_iso

    return to_iso(from_iso(taken) + TAKE_FOR)


def staff_name(ctx: Context, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    member = staff_db.staff_member(ctx.db, ctx.store_id, staff_id)
    return member["name"] if member else None


def closed_message(ctx: Context, followup: FollowUp) -> str:
    """Why a follow-up can no longer be recorded, naming who closed it and how:
    "Marco recorded it at 12:04: delighted"."""
    if followup.missed_at is not None and followup.done_at is None:
        return _("This follow-up was left open at closing and counts as missed.")
    if followup.outcome is None or followup.done_at is None:
        return _("This follow-up was already closed.")
    from app.formatting import short_time

    settings = ctx.settings()
    time = short_time(followup.done_at, settings.timezone, settings.locale)
    name = staff_name(ctx, _done_by(ctx, followup.id))
    if name:
        return _("{name} recorded it at {time}: {outcome}").format(
            name=name, time=time, outcome=followup.outcome.label())
    return _("Someone recorded it at {time}: {outcome}").format(
        time=time, outcome=followup.outcome.label())


def _done_by(ctx: Context, followup_id: int) -> int | None:
    row = followups_db.followup(ctx.db, followup_id)
    return row["done_by"] if row else None


def already_closed(ctx: Context, followup_id: int) -> StateError:
    """The error for a follow-up someone else closed first (see :func:`closed_message`)."""
    return StateError(closed_message(ctx, get_followup(ctx, followup_id)))


def take(ctx: Context, followup_id: int, staff_id: int | None) -> FollowUp:
    """``staff_id`` (None: whoever is at a counter nobody signed in to) is checking on the
    guest now; audited. Raises StateError naming who recorded it when it is closed."""
    at = ctx.now_iso()
    with ctx.db.atomic():
        if not followups_db.take(ctx.db, followup_id, staff_id, at):
            raise already_closed(ctx, followup_id)
        audit.record(ctx, staff_id, "followup.taken", "followup", followup_id)
    return get_followup(ctx, followup_id)


def release(ctx: Context, followup: FollowUp, staff_id: int | None) -> Changes:
    """The outcome step was left without recording: the guest is free for anyone again
    (only this take is released: a later take by someone else stays)."""
    if followup.taken_at is None:
        return Changes()
    with ctx.db.atomic():
        if not followups_db.release(ctx.db, followup.id, to_iso(followup.taken_at)):
            return Changes()
        audit.record(ctx, staff_id, "followup.released", "followup", followup.id)
    return Changes(followups=True, followup_id=followup.id)


def taken_by_text(name: str | None) -> str:
    """"Marco is on it" (or "Someone is on it" when nobody was signed in)."""
    return _("{name} is on it").format(name=name) if name else _("Someone is on it")
