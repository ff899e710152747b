"""Who may do what in the back office, and the staff changes made there.

The policy (also in docs/settings.md):

- The back office opens only for a manager's or an owner's PIN (wrong PINs count towards
  the same lockout as approvals).
- Managers may add, edit, reorder and hide failure categories and remedies (day-to-day
  menu work), and set or reset the PIN of a cashier or their own.
- Owners alone add, rename, deactivate and change the role of staff, set anyone's PIN,
  change the suggestion rules and the store settings, and read the audit log.

Every change is written to the audit log with who made it and when.
"""

from __future__ import annotations

from app import approval, audit, roles, staff
from app.context import Context
from app.errors import NotAllowed, NotFound, ValidationError
from app.i18n import N_, _
from app.models import Changes, Role, Staff

CATALOG, STAFF, RULES, SETTINGS, AUDIT = "catalog", "staff", "rules", "settings", "audit"
#: The back office's share of the table in docs/roles.md (app.roles).
ALLOWED: dict[str, frozenset[Role]] = {area: roles.ALLOWED[area]
                                       for area in (CATALOG, STAFF, RULES, SETTINGS, AUDIT)}
REFUSALS = {
    CATALOG: N_("Only a manager or the owner can change categories and remedies."),
    STAFF: N_("Only the owner can add or change staff."),
    RULES: N_("Only the owner can change the rules."),
    SETTINGS: N_("Only the owner can change the store settings."),
    AUDIT: N_("Only the owner can read the audit log."),
}


def may(member: Staff | None, area: str) -> bool:
    """True when ``member`` may change things in ``area`` (catalog, staff, rules…)."""
    return member is not None and member.active and member.role in ALLOWED[area]


def may_set_pin(member: Staff | None, target: Staff) -> bool:
    """Owners set anyone's PIN; managers their own and cashiers'."""
    if member is None or not member.active:
        return False
    if member.role is Role.OWNER:
        return True
    return member.role is Role.MANAGER and (target.id == member.id
                                            or target.role is Role.CASHIER)


def require(ctx: Context, by: int | None, area: str) -> Staff:
    """The active staff member ``by`` if they may change ``area``; raises NotAllowed."""
    member = _member(ctx, by)
    if not may(member, area):
        raise NotAllowed(_(REFUSALS[area]))
    return member


def _member(ctx: Context, by: int | None) -> Staff | None:
    if by is None:
        return None
    try:
        return staff.get_staff(ctx, by)
    except NotFound:
        return None


def open_back_office(ctx: Context, pin: str) -> Staff:
    """Check a manager's or owner's PIN and return who opened the back office.

    Raises PinRejected (a cashier's or an unknown PIN) or ApprovalLocked after too many.
    """
    granted = approval.authorize(ctx, pin, "back_office")
    with ctx.db.atomic():
        audit.record(ctx, granted.staff_id, "backoffice.opened")
    return staff.get_staff(ctx, granted.staff_id)


def _other_active_owners(ctx: Context, staff_id: int) -> int:
    return sum(1 for m in staff.list_staff(ctx)
               if m.role is Role.OWNER and m.id != staff_id)


def save_staff(ctx: Context, by: int | None, staff_id: int | None, *, name: str,
               role: str | Role, active: bool = True, pin: str | None = None,
               pin_confirm: str | None = None) -> tuple[Staff, Changes]:
    """Add a person (``staff_id`` None) or change one; all checks first, then one write.

    ``pin`` empty or None keeps the current PIN; a new PIN must be typed twice the same.
    """
    member = _member(ctx, by)
    pin = (pin or "").strip() or None
    if pin is not None:
        staff.check_pin_format(pin)
        if (pin_confirm or "").strip() != pin:
            raise ValidationError("pin_confirm", _("The two PINs differ: type the same PIN "
                                                   "twice."))
    if staff_id is None:
        require(ctx, by, STAFF)
        return staff.add_staff(ctx, name, role, pin, by=by)

    current = staff.get_staff(ctx, staff_id)
    name_clean = (name or "").strip()
    try:
        new_role = Role(role)
    except ValueError:
        raise ValidationError("role", _("Role must be cashier, manager or owner.")) from None
    details_change = (name_clean != current.name or new_role is not current.role
                      or bool(active) != current.active)
    if details_change:
        require(ctx, by, STAFF)
    if pin is not None and not may_set_pin(member, current):
        raise NotAllowed(_("A manager can set only their own PIN and cashiers' PINs."))
    if current.role is Role.OWNER and (new_role is not Role.OWNER or not active) \
            and current.active and _other_active_owners(ctx, staff_id) == 0:
        field = "active" if not active else "role"
        raise ValidationError(field, _("The store needs at least one active owner: make "
                                       "someone else owner first."))
    if new_role.can_approve and active and not current.has_pin and pin is None:
        raise ValidationError("pin", _("Managers and owners need a PIN: type one twice."))
    changes = Changes()
    with ctx.db.atomic():
        if pin is not None:
            changes |= staff.set_pin(ctx, staff_id, pin, by)
        if details_change:
            changes |= staff.update_staff(
                ctx, staff_id, by=by,
                name=name_clean if name_clean != current.name else None,
                role=new_role if new_role is not current.role else None,
                active=bool(active) if bool(active) != current.active else None)
    return staff.get_staff(ctx, staff_id), changes


def read_audit(ctx: Context, by: int | None, limit: int = 200) -> list[dict]:
    """The audit log's newest entries, for the owner only (docs/roles.md)."""
    require(ctx, by, AUDIT)
    return audit.entries(ctx, limit)
