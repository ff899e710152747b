"""Guest data is kept only as long as it is needed, and really goes when it is erased.

* **Retention**: guest names and contacts (and, unless the owner turns it off, the notes of
  incidents and outcomes, which often name the guest) are erased once older than
  ``guest_contact_retention_days``. It runs in every process that opens the database to
  write (the app at start and daily, every CLI command on a store); with nothing to erase
  it costs one index probe per kind of data (see ``db.erasure``).
* **On request**: :func:`erase_guest` erases one guest's details, found by contact or name,
  from every incident that still holds them. The audit log says how many incidents were
  erased, never whose.

After anything was erased the WAL is checkpointed and truncated; with ``secure_delete`` on
(``db.connection``) the old bytes are overwritten with zeros, not left in free pages.
The incidents themselves stay: the weekly figures need them, and they name no guest.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from app import audit
from app.clock import to_iso
from app.context import Context
from app.errors import ValidationError
from app.i18n import _
from app.models import Changes
from db import erasure as erasure_db


def erase_expired_guest_details(ctx: Context) -> Changes:
    """Erase guest details (and notes, per setting) older than the retention period."""
    settings = ctx.settings()
    cutoff = to_iso(ctx.clock.now() - timedelta(days=settings.guest_contact_retention_days))
    if not erasure_db.anything_before(ctx.db, ctx.store_id, cutoff, settings.erase_old_notes):
        return Changes()
    with ctx.db.atomic():
        erased = erasure_db.erase_guest_details_before(ctx.db, ctx.store_id, cutoff)
        notes = 0
        if settings.erase_old_notes:
            notes = erasure_db.erase_notes_before(ctx.db, ctx.store_id, cutoff)
            notes += erasure_db.erase_outcome_notes_before(ctx.db, ctx.store_id, cutoff)
        if erased:
            audit.record(ctx, None, "privacy.guest_details_erased", None, None,
                         incidents=erased, before=cutoff)
        if notes:
            audit.record(ctx, None, "privacy.notes_erased", None, None, notes=notes,
                         before=cutoff)
    if erased or notes:
        erasure_db.checkpoint_truncate(ctx.db)
    return Changes(incidents=bool(erased or notes))


class GuestMatch(NamedTuple):
    """The incidents that still hold this guest's details (what an erase would change)."""

    incident_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.incident_ids)


def _normal_name(name: str | None) -> str | None:
    return " ".join(name.casefold().split()) if name and name.strip() else None


def find_guest(ctx: Context, *, contact: str | None = None,
               name: str | None = None) -> GuestMatch:
    """Incidents whose guest has this contact (phone digits or e-mail, written any way) or
    this name (case and spacing ignored). Give one of the two."""
    from app.incidents import guest_key  # (the tap's imports) not at every open

    contact = (contact or "").strip() or None
    name = _normal_name(name)
    if (contact is None) == (name is None):
        raise ValidationError("guest", _("Give the guest's contact or name (one of the two)."))
    wanted = guest_key(None, contact) if contact else None
    ids = []
    for row in erasure_db.incidents_with_guest_details(ctx.db, ctx.store_id):
        if wanted is not None:
            hit = (row["guest_key"] == wanted
                   or (row["guest_contact"] and guest_key(None, row["guest_contact"]) == wanted))
        else:
            hit = _normal_name(row["guest_name"]) == name
        if hit:
            ids.append(row["id"])
    return GuestMatch(tuple(sorted(ids)))


def erase_guest(ctx: Context, staff_id: int | None, *, contact: str | None = None,
                name: str | None = None) -> int:
    """Erase one guest's name, contact and the notes of their incidents; returns how many
    incidents were changed. Audited as a count only: the erased details are not kept."""
    match = find_guest(ctx, contact=contact, name=name)
    with ctx.db.atomic():
        erased = erasure_db.erase_incidents_guest_data(ctx.db, ctx.store_id,
                                                       list(match.incident_ids))
        audit.record(ctx, staff_id, "privacy.guest_erased", None, None, incidents=erased)
    erasure_db.checkpoint_truncate(ctx.db)
    return erased
