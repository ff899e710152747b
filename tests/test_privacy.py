"""Guest contact retention: old names and contacts are erased, incidents stay."""

from __future__ import annotations

from app import catalog, incidents, privacy, settings
from app.models import RemedyRequest


def test_guest_details_older_than_the_retention_are_erased(ctx, clock, people):
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"guest_contact_retention_days": 30})
    kwargs = dict(category_id=catalog.category_by_code(ctx, "cold_food").id,
                  remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "remake").id)],
                  staff_id=people["Sam"])
    old = incidents.log_incident(ctx, guest_name="Lars Øvrebø", guest_contact="+47 900 11 222",
                                 **kwargs)
    clock.advance(days=20)
    recent = incidents.log_incident(ctx, guest_name="Ana García", **kwargs)
    clock.advance(days=11)
    changes = privacy.erase_expired_guest_details(ctx)
    assert changes.incidents
    erased = ctx.db["incidents"].get(old.incident.id)
    assert (erased["guest_name"], erased["guest_contact"], erased["guest_key"]) == (None,) * 3
    assert ctx.db["incidents"].get(recent.incident.id)["guest_name"] == "Ana García"
    assert ctx.db["incidents"].count == 2
    entry = list(ctx.db["audit_log"].rows_where("action = 'privacy.guest_details_erased'"))
    assert len(entry) == 1
    assert not privacy.erase_expired_guest_details(ctx).incidents  # nothing left to erase
