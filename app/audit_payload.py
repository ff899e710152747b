"""What an audit entry about money holds, so ``comeback verify`` can hold the tables to it.

An incident's entry lists every remedy given, in the order its rows are written: the
remedy, its label, kind, value (amount and percent), who approved it and the voucher code it
made. Guest names, contacts and notes are never put in the log: they are erased later, and
the log cannot be.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.context import Context
from app.models import Remedy, RemedyKind
from db import audit_chain

if TYPE_CHECKING:
    from app.approval import Approval


def given(picked: Sequence[tuple[Remedy, int]], needing: Sequence[Remedy],
          approval: Approval | None, voucher_codes: Sequence[str]) -> list[dict]:
    """One dict per remedy written by ``remedies_given.write_given`` for the same input."""
    codes = iter(voucher_codes)
    items = []
    for remedy, amount in picked:
        item = {"remedy_id": remedy.id, "code": remedy.code, "label": remedy.label,
                "kind": remedy.kind.value, "amount_minor": amount, "percent": remedy.percent,
                "approved_by": approval.staff_id if approval and remedy in needing else None}
        if remedy.kind is RemedyKind.VOUCHER:
            item["voucher"] = next(codes, None)
        items.append(item)
    return items


def approver_names(approval: Approval | None, needing: Sequence[Remedy]) -> dict:
    """The approver's name as it was, for the audit tab's sentence (names can change)."""
    return {"approved_by_name": approval.staff_name} if approval and needing else {}


def coverage(ctx: Context, incident_ids: Sequence[int], remedy_ids: Sequence[int],
             voucher_ids: Sequence[int]) -> dict:
    """For an entry that vouches for many rows at once (a CSV import): their id ranges and
    digests, which ``comeback verify`` recomputes."""
    def span(ids: Sequence[int]) -> list[int]:
        return [min(ids), max(ids)] if ids else [0, -1]

    return audit_chain.coverage_payload(ctx.db, ctx.store_id, {
        "incidents": span(incident_ids), "remedies": span(remedy_ids),
        "vouchers": span(voucher_ids)})
