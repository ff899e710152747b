"""Follow-up rules: what is due, outcomes, snooze, escalation, service hours."""

from __future__ import annotations

from app import audit
from app.clock import to_iso
from app.context import Context
from app.errors import StateError, ValidationError
from app.i18n import _
from app.incidents import get_followup, get_incident
from app.models import Changes, Outcome
from db import followups as followups_db

OUTCOME_NOTE_MAX = 500


def record_outcome(ctx: Context, followup_id: int, outcome: Outcome | str,
                   staff_id: int | None, note: str | None = None) -> Changes:
    """The manager checked back on the guest: record how it ended."""
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise ValidationError("outcome", _(
            "Outcome must be delighted, satisfied, unhappy or left.")) from None
    note = (note or "").strip() or None
    if note and len(note) > OUTCOME_NOTE_MAX:
        raise ValidationError("note", _("Note can be at most {n} characters.").format(
            n=OUTCOME_NOTE_MAX))
    followup = get_followup(ctx, followup_id)
    if followup.done_at is not None:
        raise StateError(_("This follow-up was already closed."))
    incident = get_incident(ctx, followup.incident_id)
    if incident.voided_at is not None:
        raise StateError(_("This incident was undone; there is nothing to follow up."))
    with ctx.db.atomic():
        followups_db.update_followup(ctx.db, followup_id, {
            "done_at": ctx.now_iso(), "done_by": staff_id, "outcome": outcome.value,
            "outcome_note": note})
        audit.record(ctx, staff_id, "followup.outcome", "followup", followup_id,
                     outcome=outcome.value)
    return Changes(followups=True, incident_id=incident.id, followup_id=followup_id)


def mark_missed(ctx: Context, followup_id: int) -> None:
    followups_db.update_followup(ctx.db, followup_id, {"missed_at": to_iso(ctx.clock.now())})
