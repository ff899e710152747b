"""Who may do what: the table in docs/roles.md, as data, and the one check services call.

``tests/test_roles.py`` reads the table in docs/roles.md and checks every cell against the
services, so the document and the code cannot drift apart.
"""

from __future__ import annotations

from app.context import Context
from app.errors import NotAllowed, NotFound
from app.i18n import N_, _
from app.models import Role, Staff

C, M, OW = Role.CASHIER, Role.MANAGER, Role.OWNER
LOG, REDEEM, UNDO, UNDO_APPROVED = "log", "redeem", "undo", "undo_approved"
APPROVE_MANAGER, APPROVE_OWNER = "approve_above_cashier_limit", "approve_above_manager_limit"
OUTCOME, REPORTS, BACK_OFFICE = "record_outcome", "reports", "back_office"
CATALOG, STAFF, RULES, SETTINGS, AUDIT = "catalog", "staff", "rules", "settings", "audit"
CHAIN = "chain_report"

#: action → the roles that may do it (docs/roles.md says the same, in words).
ALLOWED: dict[str, frozenset[Role]] = {
    LOG: frozenset({C, M, OW}),
    REDEEM: frozenset({C, M, OW}),
    UNDO: frozenset({C, M, OW}),
    UNDO_APPROVED: frozenset({M, OW}),
    APPROVE_MANAGER: frozenset({M, OW}),
    APPROVE_OWNER: frozenset({OW}),
    OUTCOME: frozenset({M, OW}),
    REPORTS: frozenset({M, OW}),
    BACK_OFFICE: frozenset({M, OW}),
    CATALOG: frozenset({M, OW}),
    STAFF: frozenset({OW}),
    RULES: frozenset({OW}),
    SETTINGS: frozenset({OW}),
    AUDIT: frozenset({OW}),
    CHAIN: frozenset({OW}),
}
REFUSALS = {
    UNDO_APPROVED: N_("Undoing an incident with an approved remedy needs a manager."),
    OUTCOME: N_("The manager who checked back records how it went: tap your name."),
    REPORTS: N_("Reports are for managers and the owner: sign in with your name and PIN."),
    CHAIN: N_("The report of every store is for the owner: sign in with your name and PIN."),
}


def may(member: Staff | None, action: str) -> bool:
    return member is not None and member.active and member.role in ALLOWED[action]


def member_of(ctx: Context, staff_id: int | None) -> Staff | None:
    from app import staff

    if staff_id is None:
        return None
    try:
        return staff.get_staff(ctx, staff_id)
    except NotFound:
        return None


def require(ctx: Context, staff_id: int | None, action: str) -> Staff:
    """The active staff member ``staff_id`` if their role may do ``action``; else NotAllowed."""
    member = member_of(ctx, staff_id)
    if not may(member, action):
        raise NotAllowed(_(REFUSALS.get(action, N_("Your role may not do this."))))
    return member
