"""The one approval rule: from the value actually given, who gives it and the role limits,
whether someone must approve, and who.

Every path that gives value calls :func:`check` (the counter's tap, ``comeback log``, the
outcome's further remedy, the demo; the CSV import too): nothing else decides.

* Each role gives up to its own limit without approval: a cashier the store's
  ``cashier_limit`` per incident, a manager the ``manager_limit``, the owner anything.
  Above it, a manager or the owner approves up to the ``manager_limit``; above the
  ``manager_limit`` only the owner does. Nothing is unlimited for a cashier.
* A remedy's own threshold ("needs approval above") can only be lower: a remedy above it
  needs a manager's or the owner's approval, whoever gives it.
* Four eyes (``four_eyes``, on by default): the approver is not the person who gives, so a
  manager's refund above its threshold is approved by another manager or the owner, and an
  owner working alone turns four eyes off (audited) to approve their own.

The value is what is given on the incident in total: several small remedies, or a further
remedy after an earlier one, add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from app.context import Context
from app.errors import ApprovalRequired
from app.i18n import _, ngettext
from app.models import Remedy, Role
from app.settings import StoreSettings
from db import staff as staff_db

if TYPE_CHECKING:
    from app.approval import Approval

Picked = Sequence[tuple[Remedy, int]]


class Decision(NamedTuple):
    """``role``: None (no approval), MANAGER (a manager or the owner) or OWNER.

    ``covers``: the indexes (in ``picked``) of the remedies the approval is for: all of them
    when the total is above the giver's limit, else those above their own threshold."""

    role: Role | None
    total_minor: int
    covers: tuple[int, ...] = ()


def own_limit(role: Role | None, settings: StoreSettings) -> int | None:
    """How much a person of ``role`` gives per incident without approval (None: no limit)."""
    if role is Role.OWNER:
        return None
    if role is Role.MANAGER:
        return settings.manager_limit
    return settings.cashier_limit


def required_role(picked: Picked, giver_role: Role | None, settings: StoreSettings,
                  already_given: int = 0) -> Decision:
    """The one decision (see the module docstring). ``giver_role`` None = unknown giver,
    treated as a cashier; ``already_given`` = value given earlier on the same incident."""
    total = already_given + sum(amount for _remedy, amount in picked)
    everything = tuple(range(len(picked)))
    above = tuple(i for i, (remedy, amount) in enumerate(picked) if remedy.needs_approval(amount))
    limit = own_limit(giver_role, settings)
    if limit is not None and total > limit:
        role = Role.OWNER if total > settings.manager_limit else Role.MANAGER
        return Decision(role, total, everything)
    if above:  # a remedy's own threshold holds for everyone: a second person approves it
        return Decision(Role.MANAGER, total, above)
    return Decision(None, total)


def _labels(picked: Picked) -> str:
    return ", ".join(_(remedy.label) for remedy, _amount in picked)


def check(ctx: Context, picked: Picked, giver_id: int | None, approval: Approval | None,
          now: datetime, already_given: int = 0) -> tuple[int | None, tuple[int, ...]]:
    """Apply the rule; returns the approver's staff id (None when no approval is needed) and
    the indexes of the remedies it approves.

    Raises ApprovalRequired (with ``role`` and the remedy codes) when an approval is
    needed and ``approval`` is missing, stale, of too low a role, or by the giver.
    """
    settings = ctx.settings()
    giver = staff_db.staff_member(ctx.db, ctx.store_id, giver_id) if giver_id else None
    giver_role = Role(giver["role"]) if giver and giver["active"] else None
    decision = required_role(picked, giver_role, settings, already_given)
    if decision.role is None:
        return None, ()
    covered = [picked[i] for i in decision.covers]
    codes = [remedy.code for remedy, _amount in covered]
    if decision.role is Role.OWNER:
        needed = ngettext("{labels} needs the owner's PIN.", "{labels} need the owner's PIN.",
                          len(covered)).format(labels=_labels(covered))
    else:
        needed = ngettext("{labels} needs a manager's or owner's PIN.",
                          "{labels} need a manager's or owner's PIN.",
                          len(covered)).format(labels=_labels(covered))
    if approval is None or not approval.valid_at(now):
        raise ApprovalRequired(needed, codes, decision.role, giver_id if settings.four_eyes
                               else None)
    approver = staff_db.staff_member(ctx.db, ctx.store_id, approval.staff_id)
    allowed = ("owner",) if decision.role is Role.OWNER else ("manager", "owner")
    if approver is None or not approver["active"] or approver["role"] not in allowed:
        raise ApprovalRequired(needed, codes, decision.role,
                               giver_id if settings.four_eyes else None)
    if settings.four_eyes and giver_id is not None and approver["id"] == giver_id:
        raise ApprovalRequired(_("{name} gives this, so someone else must approve it: {need}")
                               .format(name=approver["name"], need=needed), codes,
                               decision.role, giver_id)
    return approver["id"], decision.covers
