"""Remedies given on an incident: checking what was asked, the approval rule, writing it.

Shared by logging an incident and by a further remedy when the guest is still unhappy, so
both follow the same limits and the same manager-approval rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from app import approval_rule, catalog, vouchers
from app.context import Context
from app.errors import ValidationError
from app.i18n import _
from app.models import Remedy, RemedyKind, RemedyRequest
from db import incidents as incidents_db

if TYPE_CHECKING:
    from app.approval import Approval

AMOUNT_MAX = 10**9
REMEDIES_MAX = 6

Picked = list[tuple[Remedy, int]]


def _amount(value: object, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"remedies[{index}].amount", _(
            "Amount must be a whole number of minor units (cents, øre, haléřů), "
            "0 or more."))
    if value < 0 or value > AMOUNT_MAX:
        raise ValidationError(f"remedies[{index}].amount", _(
            "Amount must be between 0 and {max} minor units.").format(max=AMOUNT_MAX))
    return value


def check_requests(ctx: Context, remedies: Sequence[RemedyRequest]) -> Picked:
    """Each requested remedy with its amount (the remedy's default when none was given)."""
    if not remedies:
        raise ValidationError("remedies", _("Pick at least one remedy (Apology only counts)."))
    if len(remedies) > REMEDIES_MAX:
        raise ValidationError("remedies", _("At most {n} remedies on one incident.").format(
            n=REMEDIES_MAX))
    picked = []
    for index, request in enumerate(remedies):
        remedy = catalog.get_remedy(ctx, request.remedy_id)
        amount = remedy.value_minor if request.amount_minor is None else _amount(
            request.amount_minor, index)
        picked.append((remedy, amount))
    return picked


def approver_for(ctx: Context, picked: Picked, giver_id: int | None,
                 approval: Approval | None, now: datetime,
                 already_given: int = 0) -> tuple[int | None, tuple[int, ...]]:
    """The one approval rule (app.approval_rule): the approver's id (None when none is
    needed) and which remedies it covers; raises ApprovalRequired when one is needed and
    missing or not allowed."""
    return approval_rule.check(ctx, picked, giver_id, approval, now, already_given)


def approved_remedies(picked: Picked, approved: tuple[int | None, tuple[int, ...]],
                      approval: Approval | None) -> tuple[list[Remedy], Approval | None]:
    """The remedies the approval covers and the approval itself (None when none was
    needed), as the audit entry lists them (app.audit_payload)."""
    if approved[0] is None:
        return [], None
    return [picked[i][0] for i in approved[1]], approval


def write_given(ctx: Context, incident_id: int, picked: Picked,
                approved: tuple[int | None, tuple[int, ...]], given_at: str,
                voucher_days: int, given_ids: list[int] | None = None) -> list[str]:
    """Insert the remedies (and a voucher for each voucher remedy) inside the caller's
    transaction; returns the voucher codes (and puts the new rows' ids in ``given_ids``)."""
    codes = []
    for (remedy, amount), row in zip(picked, given_rows(ctx, picked, approved, given_at),
                                     strict=True):
        given_id = incidents_db.insert_incident_remedy(ctx.db, {"incident_id": incident_id,
                                                                **row})
        if given_ids is not None:
            given_ids.append(given_id)
        if remedy.kind is RemedyKind.VOUCHER:
            codes.append(vouchers.issue(ctx, incident_id, given_id, amount, voucher_days))
    return codes


def given_rows(ctx: Context, picked: Picked, approved: tuple[int | None, tuple[int, ...]],
               given_at: str) -> list[dict]:
    """The incident_remedies rows of ``picked`` (without ``incident_id``): who approved
    which (the one rule's answer, ``approved``), and where."""
    approver_id, covers = approved
    terminal_id = ctx.terminal_id() if picked else None
    return [{"remedy_id": remedy.id, "kind": remedy.kind.value, "label": remedy.label,
             "amount_minor": amount, "percent": remedy.percent,
             "approved_by": approver_id if index in covers else None,
             "given_at": given_at, "terminal_id": terminal_id}
            for index, (remedy, amount) in enumerate(picked)]
