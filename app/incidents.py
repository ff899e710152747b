"""Logging a service failure with its remedies and its follow-up, in one transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import NotFound, ValidationError, WindowClosed
from app.i18n import _, ngettext
from app.models import (
    Changes,
    FollowUp,
    GivenRemedy,
    Incident,
    Logged,
    Outcome,
    RemedyKind,
    RemedyRequest,
    Severity,
)
from db import followups as followups_db
from db import incidents as incidents_db
from db import staff as staff_db

if TYPE_CHECKING:
    from app.approval import Approval

# What writes (remedies, vouchers, approval rules, db.tap, the audit entry) is imported by
# the functions that write: a reading command (``comeback followups``) loads none of it.

NOTE_MAX = 500
#: A tap is decided at most this often: from the reads kept on a server's terminal, then
#: from fresh reads (again if the store's catalog changed between its reads and its write).
TAP_ATTEMPTS = 3
TABLE_MAX = 20
GUEST_NAME_MAX = 80
GUEST_CONTACT_MAX = 120


def guest_key(name: str | None, contact: str | None) -> str | None:
    """A normalised key for spotting the same guest again: phone digits, e-mail, or name."""
    if contact and contact.strip():
        text = contact.strip().casefold()
        digits = re.sub(r"\D", "", text)
        if "@" not in text and len(digits) >= 6:
            return "tel:" + digits[-8:]
        return "contact:" + re.sub(r"\s+", "", text)
    if name and name.strip():
        return "name:" + " ".join(name.casefold().split())
    return None


def _optional_text(field: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, _("{field} must be text.").format(
            field=_field_name(field)))
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(field, ngettext(
            "{field} can be at most {n} character (it has {m}).",
            "{field} can be at most {n} characters (it has {m}).", limit,
        ).format(field=_field_name(field), n=limit, m=len(value)))
    return value or None


def _field_name(field: str) -> str:
    return {"note": _("Note"), "table_ref": _("Table or order"), "guest_name": _("Guest name"),
            "guest_contact": _("Guest contact")}.get(field, field)


def _severity(value: Severity | str | None, default: Severity) -> Severity:
    if value is None:
        return default
    try:
        return Severity(value)
    except ValueError:
        raise ValidationError("severity", _("Severity must be low, medium or high.")) from None


def log_incident(ctx: Context, *, category_id: int, remedies: Sequence[RemedyRequest],
                 staff_id: int | None, severity: Severity | str | None = None,
                 table_ref: str | None = None, guest_name: str | None = None,
                 guest_contact: str | None = None, note: str | None = None,
                 approval: Approval | None = None, uid: str | None = None,
                 at: datetime | None = None) -> Logged:
    """Log one failure: incident + remedies + follow-up + vouchers + audit, all or nothing.

    A repeat guest (an earlier failure within the store's window) or a severe failure is
    flagged and its follow-up is due at once: it goes straight to the manager.

    ``uid`` is the id made where the failure was tapped (a new UUID when None): logging a
    uid that is already in the database returns that incident instead of writing a second
    one, so a tap can be retried safely. ``at`` is the time of the tap when it is saved
    later (a retry after a locked or full database): the incident, its follow-up and the
    manager's approval are taken at that time.
    """
    from app import remedies_given, vouchers
    from app.errors import ComebackError, DatabaseProblem, StateError
    from db import tap as tap_db
    from db import vouchers as vouchers_db

    retried = uid is not None  # a kept tap sent again may be in the database already
    if uid is None:
        import uuid  # ~8 ms (it imports platform): only when an incident is written

        # Made here, not at the write: a tap decided twice (below) is written once.
        uid = str(uuid.uuid4())
    # What is checked below (the category, remedies, staff, settings, the guest's earlier
    # failures, whether a voucher code is free: a code made now for each remedy, in case it
    # is a voucher): one round trip to a server, not one each; none once the store's
    # catalog, staff and settings are kept on this terminal (db.tap.reading_ahead), when
    # the write checks they did not change meanwhile. When they did, or a refusal was
    # decided from them, the tap is decided again from fresh reads.
    requested = [r.remedy_id for r in remedies or () if isinstance(r, RemedyRequest)]
    for attempt in range(TAP_ATTEMPTS):
        codes: list[str] = []

        def expected(codes: list[str] = codes) -> list[tuple[str, tuple]]:
            codes.extend(vouchers.new_code() for _r in requested[:remedies_given.REMEDIES_MAX])
            return (_guest_read(ctx, guest_name, guest_contact, at)
                    + [(vouchers_db.CODE_TAKEN, (code,)) for code in codes])

        from_earlier = False
        try:
            with tap_db.reading_ahead(
                    ctx.db, ctx.store_id, category_id, requested,
                    [staff_id, approval.staff_id if approval is not None else None], expected,
                    earlier=attempt == 0) as from_earlier:
                return _log_incident(ctx, category_id=category_id, remedies=remedies,
                                     staff_id=staff_id, severity=severity, table_ref=table_ref,
                                     guest_name=guest_name, guest_contact=guest_contact,
                                     note=note, approval=approval, uid=uid, at=at, codes=codes)
        except tap_db.ReadsChanged:
            if attempt == TAP_ATTEMPTS - 1:
                raise StateError(_("The store's categories, remedies or staff were changed on "
                                   "another counter while this was saved. Tap it again.")) from None
        except ComebackError as refused:
            if from_earlier and not isinstance(refused, DatabaseProblem):
                continue
            # A tap with this uid written before (the write finds it and returns it) is
            # not refused now that its checks would say no (an approval since expired).
            written = incidents_db.incident_id_by_uid(ctx.db, uid) if retried else None
            if written is None:
                raise
            return get_logged(ctx, written)
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _guest_read(ctx: Context, name: object, contact: object, at: datetime | None
                ) -> list[tuple[str, tuple]]:
    """The repeat-guest read the tap will make, as far as it can be told before its checks
    (with the settings as last read: a window changed since is read again when asked)."""
    from app import settings as settings_mod

    kept = settings_mod.last_read(ctx.db, ctx.store_id)
    if kept is None or not all(v is None or isinstance(v, str) for v in (name, contact)):
        return []
    key = guest_key(name.strip() if name else None, contact.strip() if contact else None)
    if key is None:
        return []
    now = at if at is not None else ctx.clock.now()
    return [incidents_db.guest_read(ctx.store_id, key, to_iso(
        now - timedelta(days=kept.repeat_guest_days)))]


def _log_incident(ctx: Context, *, category_id: int, remedies: Sequence[RemedyRequest],
                  staff_id: int | None, severity: Severity | str | None,
                  table_ref: str | None, guest_name: str | None, guest_contact: str | None,
                  note: str | None, approval: Approval | None, uid: str | None,
                  at: datetime | None, codes: list[str]) -> Logged:
    from app import audit, audit_payload, catalog, remedies_given, vouchers
    from db import tap as tap_db

    category = catalog.get_category(ctx, category_id)
    if category.hidden:
        raise ValidationError("category", _("The category {label} is hidden; pick another.")
                              .format(label=category.label))
    picked = remedies_given.check_requests(ctx, remedies)
    if staff_id is not None:
        member = staff_db.staff_member(ctx.db, ctx.store_id, staff_id)
        if member is None or not member["active"]:
            raise NotFound("staff", _("No active staff member with id {id}.").format(id=staff_id))
    severity = _severity(severity, category.default_severity)
    note = _optional_text("note", note, NOTE_MAX)
    table_ref = _optional_text("table_ref", table_ref, TABLE_MAX)
    guest_name = _optional_text("guest_name", guest_name, GUEST_NAME_MAX)
    guest_contact = _optional_text("guest_contact", guest_contact, GUEST_CONTACT_MAX)

    now = ctx.clock.now()
    if at is not None:
        if at > now:
            raise ValidationError("at", _("The time of an incident cannot be in the future."))
        now = at
    approved = remedies_given.approver_for(ctx, picked, staff_id, approval, now)
    needing, grant = remedies_given.approved_remedies(picked, approved, approval)

    settings = ctx.settings()
    key = guest_key(guest_name, guest_contact)
    since = None if key is None else to_iso(now - timedelta(days=settings.repeat_guest_days))
    repeat = key is not None and incidents_db.guest_had_incident_since(
        ctx.db, ctx.store_id, key, since)
    flagged = repeat or severity is Severity.HIGH
    due = now if flagged else now + timedelta(minutes=category.followup_minutes)
    now_iso = to_iso(now)
    terminal_id = ctx.terminal_id()  # made (and committed) on this terminal's first write
    given_rows = remedies_given.given_rows(ctx, picked, approved, now_iso)
    made, codes = iter(codes), []
    for row, (remedy, amount) in zip(given_rows, picked, strict=True):
        if remedy.kind is RemedyKind.VOUCHER:
            row["voucher"] = vouchers.voucher_row(ctx, amount, settings.voucher_validity_days,
                                                  next(made, None))
            codes.append(row["voucher"]["code"])
    due_iso = to_iso(due)
    tap = tap_db.Tap(
        incident=incidents_db.new_incident({
            "store_id": ctx.store_id, "category_id": category.id,
            "category_label": category.label, "staff_id": staff_id, "occurred_at": now_iso,
            "severity": severity.value, "table_ref": table_ref, "guest_name": guest_name,
            "guest_contact": guest_contact, "guest_key": key, "note": note,
            "repeat_guest": int(repeat), "uid": uid, "terminal_id": terminal_id,
            **tap_db.counted(now_iso, given_rows, due_iso)}),
        remedies=given_rows,
        followup={"created_at": now_iso, "original_due_at": due_iso, "due_at": due_iso},
        guest_since=since,
        audit=audit.entry(ctx, staff_id, "incident.logged", "incident",
                          category=category.code, category_id=category.id,
                          category_label=category.label, severity=severity.value,
                          remedies=audit_payload.given(picked, needing, grant, codes),
                          total_minor=sum(a for _r, a in picked),
                          approved_by=approved[0],
                          **audit_payload.approver_names(grant, needing), flagged=flagged,
                          **({"tapped_at": now_iso} if now_iso != ctx.now_iso() else {})))
    with ctx.db.atomic():
        # One write: the incident first (it waits for another writer's lock; a read before
        # it would make SQLite give up at once under WAL), then its remedies, vouchers,
        # follow-up and audit entry (db.tap; on PostgreSQL one statement, its own
        # transaction: one round trip).
        ids = tap_db.write(ctx.db, tap)
    incident_id = ids.incident_id
    if incident_id is None:  # this uid was written by another process meanwhile
        return get_logged(ctx, incidents_db.incident_id_by_uid(ctx.db, tap.incident["uid"]))
    given_ids, followup_id = ids.given_ids, ids.followup_id
    # What was written, as get_incident and get_followup would read it back (three round
    # trips to a server fewer on every tap).
    approver, covers = approved
    given = tuple(GivenRemedy(given_id, remedy.id, remedy.kind, remedy.label, amount,
                              remedy.percent, approver if index in covers else None)
                  for index, (given_id, (remedy, amount)) in enumerate(
                      zip(given_ids, picked, strict=True)))
    written = Incident(incident_id, category.id, category.label, staff_id, from_iso(now_iso),
                       severity, table_ref, guest_name, guest_contact, note, bool(repeat),
                       None, given)
    due_at = from_iso(to_iso(due))
    return Logged(incident=written,
                  followup=FollowUp(followup_id, incident_id, due_at, due_at, 0, None, None,
                                    None, None),
                  changes=Changes(incidents=True, followups=True, vouchers=bool(codes),
                                  incident_id=incident_id, followup_id=followup_id),
                  voucher_codes=tuple(codes))


def get_logged(ctx: Context, incident_id: int) -> Logged:
    """An incident already logged, as :func:`log_incident` returned it."""
    from db import vouchers as vouchers_db

    incident = get_incident(ctx, incident_id)
    followups = followups_db.followups_for_incident(ctx.db, incident_id)
    codes = tuple(v["code"] for v in vouchers_db.vouchers_for_incident(ctx.db, incident_id))
    followup = to_followup(followups[0])
    return Logged(incident=incident, followup=followup,
                  changes=Changes(incidents=True, followups=True, vouchers=bool(codes),
                                  incident_id=incident_id, followup_id=followup.id),
                  voucher_codes=codes)


def paper_approval_text(approver: str | None, owner: str | None) -> str:
    """An approval that came in a CSV import, as history: "on paper: Marco; imported by
    Ingrid" (the file's name for the approver, and the owner whose PIN let it in)."""
    if owner:
        return _("on paper: {approver}; imported by {owner}").format(approver=approver,
                                                                      owner=owner)
    return _("on paper: {approver}").format(approver=approver)


def to_incident(row: dict, remedy_rows: list[dict], imported_by: str | None = None
                ) -> Incident:
    """``imported_by``: the name of the owner who imported it (for approvals on paper)."""
    return Incident(
        id=row["id"], category_id=row["category_id"], category_label=row["category_label"],
        staff_id=row["staff_id"], occurred_at=from_iso(row["occurred_at"]),
        severity=Severity(row["severity"]), table_ref=row["table_ref"],
        guest_name=row["guest_name"], guest_contact=row["guest_contact"], note=row["note"],
        repeat_guest=bool(row["repeat_guest"]),
        voided_at=from_iso(row["voided_at"]) if row["voided_at"] else None,
        remedies=tuple(GivenRemedy(
            id=r["id"], remedy_id=r["remedy_id"], kind=RemedyKind(r["kind"]), label=r["label"],
            amount_minor=r["amount_minor"], percent=r["percent"], approved_by=r["approved_by"],
            paper_approved_by=r.get("paper_approved_by"),
            imported_by=imported_by if r.get("paper_approved_by") else None)
            for r in remedy_rows))


def to_followup(row: dict) -> FollowUp:
    def opt(name: str):
        return from_iso(row[name]) if row[name] else None

    return FollowUp(id=row["id"], incident_id=row["incident_id"], due_at=from_iso(row["due_at"]),
                    original_due_at=from_iso(row["original_due_at"]),
                    snooze_count=row["snooze_count"], escalated_at=opt("escalated_at"),
                    done_at=opt("done_at"),
                    outcome=Outcome(row["outcome"]) if row["outcome"] else None,
                    missed_at=opt("missed_at"), taken_by=row.get("taken_by"),
                    taken_at=from_iso(row["taken_at"]) if row.get("taken_at") else None)


def get_incident(ctx: Context, incident_id: int) -> Incident:
    row = incidents_db.incident(ctx.db, ctx.store_id, incident_id)
    if row is None:
        raise NotFound("incident", _("No incident with number {id}.").format(id=incident_id))
    return to_incident(row, incidents_db.incident_remedies(ctx.db, incident_id))


def get_followup(ctx: Context, followup_id: int) -> FollowUp:
    row = followups_db.followup(ctx.db, followup_id)
    if row is None:
        raise NotFound("followup", _("No follow-up with number {id}.").format(id=followup_id))
    return to_followup(row)


def void_incident(ctx: Context, incident_id: int, staff_id: int | None,
                  approval: Approval | None = None) -> Changes:
    """Undo within the undo window: kept in the audit log, excluded from every figure.

    An incident with an approved remedy is undone only by a manager or the owner: the one
    undoing it (``staff_id``), or one whose PIN approved the undo (``approval``).
    """
    from app import audit

    incident = get_incident(ctx, incident_id)
    if incident.voided_at is not None:
        return Changes()
    approved_undo = _check_undo_allowed(ctx, incident, staff_id, approval)
    window = ctx.settings().undo_window_seconds
    now = ctx.clock.now()
    if now - incident.occurred_at > timedelta(seconds=window):
        raise WindowClosed(ngettext(
            "Undo is only possible within {n} second of logging; this incident is final.",
            "Undo is only possible within {n} seconds of logging; this incident is final.",
            window).format(n=window))
    with ctx.db.atomic():
        if not incidents_db.void_if_live(ctx.db, ctx.store_id, incident_id, to_iso(now),
                                         staff_id):
            return Changes()  # undone on another terminal meanwhile: once is enough
        audit.record(ctx, staff_id, "incident.voided", "incident", incident_id,
                     category_label=incident.category_label, total_minor=incident.total_minor,
                     **({"approved_by": approved_undo} if approved_undo else {}))
    return Changes(incidents=True, followups=True, vouchers=True, incident_id=incident_id)


def _check_undo_allowed(ctx: Context, incident: Incident, staff_id: int | None,
                        approval: Approval | None) -> int | None:
    """None when anyone may undo it (or the one undoing is a manager); else the id of the
    manager or owner whose PIN approved the undo. Raises ApprovalRequired without one."""
    from app import roles
    from app.errors import ApprovalRequired
    from app.models import Role

    if not any(r.approved_by is not None for r in incident.remedies):
        return None
    if roles.may(roles.member_of(ctx, staff_id), roles.UNDO_APPROVED):
        return None
    if approval is not None and approval.valid_at(ctx.clock.now()) \
            and roles.may(roles.member_of(ctx, approval.staff_id), roles.UNDO_APPROVED):
        return approval.staff_id
    raise ApprovalRequired(_(roles.REFUSALS[roles.UNDO_APPROVED]),
                           [r.label for r in incident.remedies if r.approved_by is not None],
                           Role.MANAGER)


def update_details(ctx: Context, incident_id: int, staff_id: int | None, *,
                   table_ref: str | None = None, guest_name: str | None = None,
                   guest_contact: str | None = None, note: str | None = None,
                   severity: Severity | str | None = None) -> Changes:
    """Fill in optional details on a just-logged incident (within the edit window).

    ``None`` leaves a field as it is; an empty string clears it. If the change makes the
    incident a repeat guest's or severe, its open follow-up becomes due at once.
    """
    from app import audit

    incident = get_incident(ctx, incident_id)
    settings = ctx.settings()
    now = ctx.clock.now()
    if incident.voided_at is not None:
        raise WindowClosed(_("This incident was undone; it cannot be changed."))
    if now - incident.occurred_at > timedelta(minutes=settings.edit_window_minutes):
        raise WindowClosed(ngettext(
            "Details can be changed for {n} minute after logging; this incident is final.",
            "Details can be changed for {n} minutes after logging; this incident is final.",
            settings.edit_window_minutes).format(n=settings.edit_window_minutes))
    values: dict = {}
    for field, value, limit in (("table_ref", table_ref, TABLE_MAX),
                                ("guest_name", guest_name, GUEST_NAME_MAX),
                                ("guest_contact", guest_contact, GUEST_CONTACT_MAX),
                                ("note", note, NOTE_MAX)):
        if value is not None:
            values[field] = _optional_text(field, value, limit)
    if severity is not None:
        values["severity"] = _severity(severity, incident.severity).value
    if not values:
        return Changes()
    name = values.get("guest_name", incident.guest_name) if "guest_name" in values \
        else incident.guest_name
    contact = values.get("guest_contact") if "guest_contact" in values else incident.guest_contact
    key = guest_key(name, contact)
    values["guest_key"] = key
    repeat = key is not None and incidents_db.guest_had_incident_since(
        ctx.db, ctx.store_id, key,
        to_iso(incident.occurred_at - timedelta(days=settings.repeat_guest_days)),
        exclude_id=incident_id)
    values["repeat_guest"] = int(repeat)
    flagged = repeat or values.get("severity", incident.severity.value) == Severity.HIGH.value
    with ctx.db.atomic():
        incidents_db.update_incident(ctx.db, ctx.store_id, incident_id, values)
        if flagged and not incident.flagged:
            for row in followups_db.followups_for_incident(ctx.db, incident_id):
                if row["done_at"] is None and row["missed_at"] is None \
                        and from_iso(row["due_at"]) > now:
                    followups_db.update_followup(ctx.db, row["id"], {"due_at": to_iso(now)})
        audit.record(ctx, staff_id, "incident.details", "incident", incident_id,
                     fields=sorted(k for k in values if k not in ("guest_key", "repeat_guest")),
                     **({"severity": values["severity"]} if "severity" in values else {}))
    return Changes(incidents=True, followups=flagged and not incident.flagged,
                   incident_id=incident_id)


def recent(ctx: Context, limit: int = 20) -> list[Incident]:
    rows = incidents_db.recent_incidents(ctx.db, ctx.store_id, limit)
    return [to_incident(r, incidents_db.incident_remedies(ctx.db, r["id"])) for r in rows]


def recent_tables(ctx: Context, limit: int = 6) -> list[str]:
    """The table (or order) references of the latest incidents, newest first, no repeats:
    the one-tap choices of the counter's table pad."""
    seen: list[str] = []
    for row in incidents_db.recent_incidents(ctx.db, ctx.store_id, 50):
        ref = row["table_ref"]
        if ref and ref not in seen:
            seen.append(ref)
            if len(seen) == limit:
                break
    return seen
