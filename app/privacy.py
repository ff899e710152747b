"""Guest details are kept only as long as the store's retention setting allows."""

from __future__ import annotations

from datetime import timedelta

from app import audit
from app.clock import to_iso
from app.context import Context
from app.models import Changes
from db import incidents as incidents_db


def erase_expired_guest_details(ctx: Context) -> Changes:
    """Erase guest names and contacts older than ``guest_contact_retention_days``.

    Run at start-up and daily; the incidents themselves stay for the figures.
    """
    days = ctx.settings().guest_contact_retention_days
    cutoff = to_iso(ctx.clock.now() - timedelta(days=days))
    with ctx.db.atomic():
        erased = incidents_db.erase_guest_details_before(ctx.db, ctx.store_id, cutoff)
        if erased:
            audit.record(ctx, None, "privacy.guest_details_erased", None, None,
                         incidents=erased, before=cutoff)
    return Changes(incidents=bool(erased))
