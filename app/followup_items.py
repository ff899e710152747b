"""What the manager needs to walk up to the guest: a follow-up with its incident, in words.

The banner, the follow-up queue and ``comeback followups`` all show the same things: what
happened, where (table or order) and who, what was given, how long ago, and a line to open
with. The words are made here, translated at the moment they are asked for.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from app import followups
from app.context import Context
from app.followup_taking import is_taken, staff_name
from app.formatting import money, short_time
from app.i18n import N_, _, ngettext
from app.incidents import paper_approval_text, to_incident
from app.models import FollowUp, GivenRemedy, Incident, RemedyKind, Severity
from app.settings import StoreSettings
from db import followups as followups_db
from db import staff as staff_db


class FollowUpItem(NamedTuple):
    followup: FollowUp
    incident: Incident
    staff_name: str | None
    voucher_codes: tuple[str, ...]
    settings: StoreSettings
    #: Who is on it (app.followup_taking), when someone opened its outcome step.
    taker: str | None = None

    @property
    def id(self) -> int:
        return self.followup.id

    def taken(self, now: datetime) -> bool:
        """Someone is checking on the guest right now (on this or another terminal)."""
        return is_taken(self.followup, now)

    @property
    def escalated(self) -> bool:
        return self.followup.escalated_at is not None

    def seconds_to_due(self, now: datetime) -> int:
        """Positive while not yet due, zero or negative once due."""
        return int((self.followup.due_at - now).total_seconds())

    def seconds_since_incident(self, now: datetime) -> int:
        return max(0, int((now - self.incident.occurred_at).total_seconds()))


def items_for(ctx: Context, chosen: Iterable[FollowUp]) -> list[FollowUpItem]:
    """Build the items for some follow-ups in four queries, keeping their order."""
    chosen = list(chosen)
    ids = sorted({f.incident_id for f in chosen})
    incidents = {r["id"]: r for r in followups_db.incident_rows(ctx.db, ids)}
    remedies: dict[int, list[dict]] = {}
    for row in followups_db.remedy_rows(ctx.db, ids):
        remedies.setdefault(row["incident_id"], []).append(row)
    codes: dict[int, list[str]] = {}
    for row in followups_db.voucher_rows(ctx.db, ids):
        codes.setdefault(row["incident_id"], []).append(row["code"])
    settings = ctx.settings()
    importers = _importers(ctx, [incidents[i] for i, rows in remedies.items()
                                 if any(r.get("paper_approved_by") for r in rows)])
    takers = {f.taken_by: staff_name(ctx, f.taken_by) for f in chosen if f.taken_at}
    return [FollowUpItem(f, to_incident(incidents[f.incident_id], remedies.get(f.incident_id, []),
                                        importers.get(f.incident_id)),
                         incidents[f.incident_id]["staff_name"],
                         tuple(codes.get(f.incident_id, ())), settings,
                         takers.get(f.taken_by) if f.taken_at else None) for f in chosen]


def _importers(ctx: Context, imported: list[dict]) -> dict[int, str]:
    """Incident id → name of the owner who imported it, for incidents with paper approvals."""
    names: dict[int, str] = {}
    for row in imported:
        if row.get("imported_by") is not None:
            member = staff_db.staff_member(ctx.db, ctx.store_id, row["imported_by"])
            if member is not None:
                names[row["id"]] = member["name"]
    return names


def due_items(ctx: Context) -> list[FollowUpItem]:
    """What the banner shows: due now, in opening hours; escalated ones first, those
    someone is on last."""
    items = items_for(ctx, followups.due_followups(ctx))
    now = ctx.clock.now()
    return sorted(items, key=lambda i: (i.taken(now), not i.escalated, i.followup.due_at, i.id))


def open_items(ctx: Context) -> list[FollowUpItem]:
    """What the queue shows: every open follow-up, the earliest due first."""
    return items_for(ctx, followups.open_followups(ctx))


# -- words ------------------------------------------------------------------------------------

def what_happened(item: FollowUpItem) -> str:
    """The category as the store named it (preset labels are translated)."""
    return _(item.incident.category_label)


def flags(item: FollowUpItem) -> list[str]:
    result = []
    if item.incident.repeat_guest:
        result.append(_("Repeat guest"))
    if item.incident.severity is Severity.HIGH:
        result.append(_("Severe"))
    return result


def place(item: FollowUpItem) -> str:
    """Where to find the guest: table (or order) and name."""
    ref, guest = item.incident.table_ref, item.incident.guest_name
    if ref and guest:
        if item.settings.preset == "retail":
            return _("Order {ref} · {guest}").format(ref=ref, guest=guest)
        return _("Table {ref} · {guest}").format(ref=ref, guest=guest)
    if ref:
        if item.settings.preset == "retail":
            return _("Order {ref}").format(ref=ref)
        return _("Table {ref}").format(ref=ref)
    if guest:
        return guest
    return logged_by(item)


def logged_by(item: FollowUpItem) -> str:
    """When and by whom the failure was logged: "Logged 12:59 by Jan" — how the manager
    finds a guest when the cashier gave no table or name. (The counter's name joins it
    once counters have names.)"""
    settings = item.settings
    time = short_time(item.incident.occurred_at, settings.timezone, settings.locale)
    if item.staff_name:
        return _("Logged {time} by {name}").format(time=time, name=item.staff_name)
    return _("Logged {time}").format(time=time)


def paper_approval(remedy: GivenRemedy) -> str:
    """An approval that came in an import, shown as history: "on paper: Marco; imported by
    Ingrid" (never as a live approval)."""
    return paper_approval_text(remedy.paper_approved_by, remedy.imported_by)


def given(item: FollowUpItem) -> str:
    """What the guest was given, with its value: "Remake (kr 120,00) + Free dessert"."""
    parts = []
    for remedy in item.incident.remedies:
        label = _(remedy.label)
        if remedy.amount_minor and remedy.kind is not RemedyKind.APOLOGY:
            label = _("{remedy} ({amount})").format(remedy=label, amount=money(
                remedy.amount_minor, item.settings.currency, item.settings.locale))
        if remedy.paper_approved_by:
            label = _("{remedy} [{approval}]").format(remedy=label,
                                                      approval=paper_approval(remedy))
        parts.append(label)
    text = " + ".join(parts)
    if item.voucher_codes:
        text = _("{given} · voucher {codes}").format(given=text,
                                                      codes=", ".join(item.voucher_codes))
    return text


def ago(seconds: int) -> str:
    """How long ago the failure happened, in words."""
    if seconds < 60:
        return _("just now")
    minutes = seconds // 60
    if minutes < 120:
        return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
    hours = minutes // 60
    return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)


def clock_text(seconds: int) -> str:
    """3:05 or 1:02:03 — a countdown's digits."""
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def countdown(seconds_to_due: int) -> str:
    if seconds_to_due > 0:
        return _("due in {time}").format(time=clock_text(seconds_to_due))
    return _("{time} overdue").format(time=clock_text(seconds_to_due))


# The line the manager opens with, by the most telling thing the guest was given.
OPENING_LINES = {
    RemedyKind.REMAKE: N_("How is your new plate? Is it just right this time?"),
    RemedyKind.REPLACE: N_("How is the replacement? Is everything working as it should now?"),
    RemedyKind.REFUND: N_("I've put the bill right for you. Is everything else to your liking?"),
    RemedyKind.DISCOUNT_PERCENT: N_(
        "I've put the bill right for you. Is everything else to your liking?"),
    RemedyKind.FIXED_AMOUNT: N_(
        "I've put the bill right for you. Is everything else to your liking?"),
    RemedyKind.COMP_ITEM: N_("That one is on us. How is everything now?"),
    RemedyKind.VOUCHER: N_("How is everything now? I hope we see you again soon."),
    RemedyKind.APOLOGY: N_("How is everything now? Is there anything more I can do for you?"),
}
_LINE_ORDER = (RemedyKind.REMAKE, RemedyKind.REPLACE, RemedyKind.REFUND,
               RemedyKind.DISCOUNT_PERCENT, RemedyKind.FIXED_AMOUNT, RemedyKind.COMP_ITEM,
               RemedyKind.VOUCHER, RemedyKind.APOLOGY)


def opening_line(item: FollowUpItem) -> str:
    """The suggested first words at the table ("How is your new plate?"), translated."""
    kinds = {r.kind for r in item.incident.remedies}
    kind = next((k for k in _LINE_ORDER if k in kinds), RemedyKind.APOLOGY)
    return _(OPENING_LINES[kind])
