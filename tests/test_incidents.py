"""Logging, voiding and editing incidents: happy paths and refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import approval, catalog, incidents
from app.errors import ApprovalRequired, NotFound, ValidationError, WindowClosed
from app.models import RemedyKind, RemedyRequest, Severity
from db import followups as followups_db
from tests.conftest import MANAGER_PIN


def _cat(ctx, code="cold_food"):
    return catalog.category_by_code(ctx, code)


def _rem(ctx, code):
    return catalog.remedy_by_code(ctx, code)


def test_logging_writes_incident_remedies_followup_and_audit_in_one_go(ctx, clock, people):
    logged = incidents.log_incident(
        ctx, category_id=_cat(ctx).id, staff_id=people["Sam"], table_ref="7",
        remedies=[RemedyRequest(_rem(ctx, "remake").id),
                  RemedyRequest(_rem(ctx, "free_dessert").id)])
    row = ctx.db["incidents"].get(logged.incident.id)
    assert row["category_label"] == "Cold food"
    assert row["staff_id"] == people["Sam"]
    assert row["occurred_at"] == "2026-11-16T11:00:00+00:00"
    assert row["table_ref"] == "7"
    given = list(ctx.db["incident_remedies"].rows_where("incident_id = ?", [row["id"]]))
    assert [(g["label"], g["amount_minor"]) for g in given] == [("Remake", 12000),
                                                                ("Free dessert", 6500)]
    followup = followups_db.followups_for_incident(ctx.db, row["id"])[0]
    assert followup["due_at"] == "2026-11-16T11:05:00+00:00"  # cold food: 5 minutes
    audit = list(ctx.db["audit_log"].rows_where("action = 'incident.logged'"))
    assert audit[0]["entity_id"] == row["id"] and audit[0]["staff_id"] == people["Sam"]
    assert logged.changes.incidents and logged.changes.followups
    assert logged.incident.total_minor == 18500


def test_followup_due_time_follows_the_category(ctx, people):
    allergen = _cat(ctx, "foreign_object")
    logged = incidents.log_incident(ctx, category_id=allergen.id, severity="medium",
                                    remedies=[RemedyRequest(_rem(ctx, "apology").id)],
                                    staff_id=people["Sam"])
    assert logged.followup.due_at - logged.incident.occurred_at == timedelta(
        minutes=allergen.followup_minutes)


def test_severe_incident_is_flagged_and_due_at_once(ctx, people):
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, severity=Severity.HIGH,
                                    remedies=[RemedyRequest(_rem(ctx, "remake").id)],
                                    staff_id=people["Sam"])
    assert logged.incident.flagged
    assert logged.followup.due_at == logged.incident.occurred_at


def test_guest_with_a_failure_in_the_last_30_days_is_a_repeat_guest(ctx, clock, people):
    kwargs = dict(category_id=_cat(ctx).id, remedies=[RemedyRequest(_rem(ctx, "remake").id)],
                  staff_id=people["Sam"], severity="low")
    first = incidents.log_incident(ctx, guest_contact="+47 912 34 567", **kwargs)
    assert not first.incident.repeat_guest
    clock.advance(days=29)
    again = incidents.log_incident(ctx, guest_contact="91234567", **kwargs)
    assert again.incident.repeat_guest and again.incident.flagged
    assert again.followup.due_at == again.incident.occurred_at
    clock.advance(days=31)
    much_later = incidents.log_incident(ctx, guest_contact="912 34 567", **kwargs)
    assert not much_later.incident.repeat_guest


def test_amount_can_be_given_per_remedy(ctx, people):
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                                    remedies=[RemedyRequest(_rem(ctx, "comp_item").id, 9900)])
    assert logged.incident.remedies[0].amount_minor == 9900


def test_voucher_remedy_issues_a_code(ctx, people):
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                                    remedies=[RemedyRequest(_rem(ctx, "voucher").id)])
    assert len(logged.voucher_codes) == 1
    voucher = ctx.db["vouchers"].get(1)
    assert voucher["code"] == logged.voucher_codes[0]
    assert voucher["expires_at"] == "2027-02-14T11:00:00+00:00"  # 90 days


@pytest.mark.parametrize("kwargs, field", [
    ({"category_id": 999}, "category"),
    ({"remedies": [RemedyRequest(999)]}, "remedy"),
    ({"remedies": []}, "remedies"),
    ({"remedies": "negative"}, "remedies[0].amount"),
    ({"remedies": "text"}, "remedies[0].amount"),
    ({"note": "x" * 501}, "note"),
    ({"table_ref": "T" * 21}, "table_ref"),
    ({"severity": "catastrophic"}, "severity"),
    ({"staff_id": 999}, "staff"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(ctx, people, kwargs,
                                                                      field):
    remake = _rem(ctx, "remake").id
    base = dict(category_id=_cat(ctx).id, remedies=[RemedyRequest(remake)],
                staff_id=people["Sam"])
    if kwargs.get("remedies") == "negative":
        kwargs = {"remedies": [RemedyRequest(remake, -5)]}
    elif kwargs.get("remedies") == "text":
        kwargs = {"remedies": [RemedyRequest(remake, "12.50")]}
    with pytest.raises((ValidationError, NotFound)) as caught:
        incidents.log_incident(ctx, **{**base, **kwargs})
    assert caught.value.field == field
    assert str(caught.value)
    assert ctx.db["incidents"].count == 0 and ctx.db["incident_remedies"].count == 0
    assert ctx.db["followups"].count == 0


def test_note_message_names_the_field_and_the_limit(ctx, people):
    with pytest.raises(ValidationError, match="Note can be at most 500 characters"):
        incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                               remedies=[RemedyRequest(_rem(ctx, "remake").id)], note="n" * 501)


def test_remedy_over_threshold_needs_a_manager_pin(ctx, people):
    refund = _rem(ctx, "refund")
    assert refund.kind is RemedyKind.REFUND and refund.needs_approval(refund.value_minor)
    with pytest.raises(ApprovalRequired) as caught:
        incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                               remedies=[RemedyRequest(refund.id)])
    assert caught.value.remedy_codes == ["refund"]
    assert ctx.db["incidents"].count == 0
    grant = approval.authorize(ctx, MANAGER_PIN)
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                                    remedies=[RemedyRequest(refund.id)], approval=grant)
    assert logged.incident.remedies[0].approved_by == people["Marco"]


def test_value_exactly_at_the_threshold_needs_no_pin(ctx, people):
    voucher = _rem(ctx, "voucher")
    assert voucher.value_minor == voucher.approval_above_minor
    incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                           remedies=[RemedyRequest(voucher.id)])
    with pytest.raises(ApprovalRequired):
        incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                               remedies=[RemedyRequest(voucher.id, voucher.value_minor + 1)])


def test_an_approval_goes_stale_after_two_minutes(ctx, clock, people):
    grant = approval.authorize(ctx, MANAGER_PIN)
    clock.advance(minutes=3)
    with pytest.raises(ApprovalRequired):
        incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                               remedies=[RemedyRequest(_rem(ctx, "refund").id)], approval=grant)


def test_void_within_the_undo_window_excludes_it_and_keeps_the_audit(ctx, clock, people):
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                                    remedies=[RemedyRequest(_rem(ctx, "remake").id)])
    clock.advance(seconds=30)
    incidents.void_incident(ctx, logged.incident.id, people["Sam"])
    assert ctx.db["incidents"].get(logged.incident.id)["voided_at"] == "2026-11-16T11:00:30+00:00"
    assert incidents.recent(ctx) == []
    assert followups_db.open_followups(ctx.db, ctx.store_id) == []
    actions = [r["action"] for r in ctx.db["audit_log"].rows]
    assert "incident.logged" in actions and "incident.voided" in actions


def test_void_after_the_undo_window_is_refused(ctx, clock, people):
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                                    remedies=[RemedyRequest(_rem(ctx, "remake").id)])
    clock.advance(seconds=61)
    with pytest.raises(WindowClosed, match="within 60 seconds"):
        incidents.void_incident(ctx, logged.incident.id, people["Sam"])
    assert ctx.db["incidents"].get(logged.incident.id)["voided_at"] is None


def test_details_added_after_logging_can_make_it_a_repeat_guest(ctx, clock, people):
    kwargs = dict(category_id=_cat(ctx).id, remedies=[RemedyRequest(_rem(ctx, "remake").id)],
                  staff_id=people["Sam"])
    incidents.log_incident(ctx, guest_name="Jana Nováková", **kwargs)
    clock.advance(days=3)
    second = incidents.log_incident(ctx, **kwargs)
    assert not second.incident.flagged
    clock.advance(seconds=40)
    changes = incidents.update_details(ctx, second.incident.id, people["Sam"],
                                       guest_name="  jana  nováková ", note="Polévka vychladla")
    updated = incidents.get_incident(ctx, second.incident.id)
    assert updated.repeat_guest and updated.note == "Polévka vychladla"
    assert changes.followups
    due = incidents.get_followup(ctx, second.followup.id).due_at
    assert due == clock.now()


def test_details_cannot_change_after_the_edit_window(ctx, clock, people):
    logged = incidents.log_incident(ctx, category_id=_cat(ctx).id, staff_id=people["Sam"],
                                    remedies=[RemedyRequest(_rem(ctx, "remake").id)])
    clock.advance(minutes=16)
    with pytest.raises(WindowClosed):
        incidents.update_details(ctx, logged.incident.id, people["Sam"], table_ref="4")
