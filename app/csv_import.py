"""Import incidents from the CSV format of :mod:`app.csvio` (docs/csv-format.md).

Every row is checked first; nothing is written unless all rows are valid, and each bad
row is reported with its line number (the line it starts on) and the reason. Categories
and remedies are referenced by code and must exist. Staff names that do not exist yet are
created as inactive cashiers. A voucher remedy without a code gets a new code. A row
without ``followup_due_at`` gets no follow-up (so old paper logs do not ring as overdue).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from app import audit, audit_payload, catalog, followups, incidents, remedies_given, staff, vouchers
from app.clock import from_iso, to_iso
from app.context import Context
from app.csvio import COLUMNS, ENCODING, REQUIRED, SEP, ImportRefused, parse_amount
from app.i18n import _, ngettext
from app.models import Changes, Outcome, Remedy, RemedyKind
from db import followups as followups_db
from db import incidents as incidents_db
from db import reports as reports_db
from db import staff as staff_db
from db import vouchers as vouchers_db


@dataclass(frozen=True)
class Imported:
    """What an import wrote."""

    incidents: int
    staff_created: tuple[str, ...]
    changes: Changes


def import_csv(ctx: Context, source: str | Path | TextIO, by: int | None = None) -> Imported:
    """Check every row of ``source``, then write them all in one transaction.

    Raises :class:`ImportRefused` listing each bad row's line number and reason; nothing
    is written then.
    """
    if isinstance(source, str | Path):
        with open(source, encoding=ENCODING, newline="") as handle:
            return _import(ctx, handle, by)
    return _import(ctx, source, by)


class _Bad(Exception):
    """One reason a row is refused."""


@dataclass
class _Row:
    incident: dict
    staff: str | None
    remedies: list[tuple[Remedy, int, str | None]]
    vouchers: list[tuple[str | None, str | None]]
    followup: dict | None


def _import(ctx: Context, handle: TextIO, by: int | None) -> Imported:
    reader = csv.reader(handle)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRefused([(1, _("the file is empty: expected a header line."))]) from None
    except csv.Error as error:
        raise ImportRefused([(1, str(error))]) from None
    problems = [(1, _("unknown column {name}; the columns are: {known}.").format(
        name=h, known=", ".join(COLUMNS))) for h in header if h not in COLUMNS]
    problems += [(1, _("the column {name} is missing.").format(name=c))
                 for c in REQUIRED if c not in header]
    problems += [(1, _("the column {name} appears twice.").format(name=h))
                 for h in sorted({h for h in header if header.count(h) > 1})]
    if problems:
        raise ImportRefused(problems)
    checker = _Checker(ctx)
    rows: list[_Row] = []
    end = reader.line_num
    while True:
        start = end + 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append((reader.line_num, str(error)))
            break
        end = reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            problems.append((start, _("{n} cells, but the header has {m}.").format(
                n=len(raw), m=len(header))))
            continue
        try:
            rows.append(checker.row(dict(zip(header, raw, strict=True))))
        except _Bad as bad:
            problems.append((start, str(bad)))
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([(1, _("the file has a header but no incidents."))])
    return _write(ctx, rows, checker, by)


class _Checker:
    """Validates rows against the store: codes, names, limits, voucher codes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        settings = ctx.settings()
        self.currency = settings.currency
        self.validity = settings.voucher_validity_days
        self.tz = ZoneInfo(settings.timezone)
        self.now = ctx.clock.now()
        self.categories = {c.code: c for c in catalog.categories(ctx, include_hidden=True)}
        self.remedies = {r.code: r for r in catalog.remedies(ctx, include_hidden=True)}
        self.staff: dict[str, int] = {}
        for member in staff.list_staff(ctx, include_inactive=True):
            self.staff.setdefault(member.name.casefold(), member.id)
        self.new_staff: dict[str, str] = {}
        self.codes: set[str] = set()

    def _name(self, column: str, text: str) -> str | None:
        name = " ".join(text.split())
        if not name:
            return None
        if len(name) > staff.NAME_MAX:
            raise _Bad(_("{column}: a name can be at most {n} characters.").format(
                column=column, n=staff.NAME_MAX))
        if name.casefold() not in self.staff:
            self.new_staff.setdefault(name.casefold(), name)
        return name

    def staff_id(self, name: str | None) -> int | None:
        return None if name is None else self.staff.get(name.casefold())

    def _when(self, column: str, text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _Bad(_("{column}: {value} is not a date and time like "
                         "2026-11-16T12:00:00+01:00.").format(column=column, value=text)) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        if value > self.now + timedelta(minutes=5):
            raise _Bad(_("{column}: {value} is in the future.").format(column=column,
                                                                       value=text))
        return to_iso(value)

    def _text(self, column: str, text: str, limit: int) -> str | None:
        text = text.strip()
        if len(text) > limit:
            raise _Bad(_("{column} can be at most {n} characters (it has {m}).").format(
                column=column, n=limit, m=len(text)))
        return text or None

    def row(self, cells: dict[str, str]) -> _Row:
        def get(column: str) -> str:
            return cells.get(column, "")

        occurred = self._when("occurred_at", get("occurred_at"))
        if occurred is None:
            raise _Bad(_("occurred_at is empty: every incident needs its date and time."))
        category = self.categories.get(get("category").strip())
        if category is None:
            raise _Bad(_("category {code} does not exist; known: {known}.").format(
                code=get("category").strip(), known=", ".join(self.categories)))
        severity = get("severity").strip().lower() or category.default_severity.value
        if severity not in ("low", "medium", "high"):
            raise _Bad(_("severity must be low, medium or high."))
        if get("currency").strip() and get("currency").strip().upper() != self.currency:
            raise _Bad(_("currency {code} is not the store's currency {store}.").format(
                code=get("currency").strip(), store=self.currency))
        repeat = get("repeat_guest").strip()
        if repeat not in ("", "0", "1"):
            raise _Bad(_("repeat_guest must be 0, 1 or empty."))
        remedies = self._remedies(cells)
        guest_name = self._text("guest_name", get("guest_name"), incidents.GUEST_NAME_MAX)
        guest_contact = self._text("guest_contact", get("guest_contact"),
                                   incidents.GUEST_CONTACT_MAX)
        name = self._name("staff", get("staff"))
        category_id = category.id
        known_staff = name is None or name.casefold() in self.staff
        if known_staff and reports_db.incident_exists(self.ctx.db, self.ctx.store_id,
                                                      occurred, category_id,
                                                      self.staff_id(name)):
            raise _Bad(_("this incident ({when}, {code}) is already in the database.")
                       .format(when=occurred, code=category.code))
        incident = {
            "store_id": self.ctx.store_id, "category_id": category_id,
            "category_label": category.label, "occurred_at": occurred, "severity": severity,
            "table_ref": self._text("table", get("table"), incidents.TABLE_MAX),
            "guest_name": guest_name, "guest_contact": guest_contact,
            "guest_key": incidents.guest_key(guest_name, guest_contact),
            "note": self._text("note", get("note"), incidents.NOTE_MAX),
            "repeat_guest": int(repeat == "1"),
            "voided_at": self._when("voided_at", get("voided_at"))}
        return _Row(incident, name, remedies, self._vouchers(cells, remedies),
                    self._followup(cells, occurred))

    def _remedies(self, cells: dict[str, str]) -> list[tuple[Remedy, int, str | None]]:
        codes = [c.strip() for c in cells.get("remedies", "").split(SEP) if c.strip()]
        if not codes:
            raise _Bad(_("remedies is empty: give at least one remedy code (apology counts)."))
        if len(codes) > remedies_given.REMEDIES_MAX:
            raise _Bad(_("at most {n} remedies on one incident.").format(
                n=remedies_given.REMEDIES_MAX))
        unknown = [c for c in codes if c not in self.remedies]
        if unknown:
            raise _Bad(_("remedy {code} does not exist; known: {known}.").format(
                code=unknown[0], known=", ".join(self.remedies)))
        amounts_cell = cells.get("remedy_amounts", "").strip()
        amounts = amounts_cell.split(SEP) if amounts_cell else []
        if amounts and len(amounts) != len(codes):
            raise _Bad(_("remedy_amounts has {n} amounts for {m} remedies.").format(
                n=len(amounts), m=len(codes)))
        approvers_cell = cells.get("approved_by", "")
        approvers = approvers_cell.split(SEP) if approvers_cell.strip() else [""] * len(codes)
        if len(approvers) != len(codes):
            raise _Bad(_("approved_by has {n} names for {m} remedies.").format(
                n=len(approvers), m=len(codes)))
        result = []
        for index, code in enumerate(codes):
            remedy = self.remedies[code]
            amount = remedy.value_minor
            if amounts:
                try:
                    amount = parse_amount(amounts[index], self.currency)
                except (ValueError, ArithmeticError):
                    raise _Bad(_("remedy_amounts: {value} is not an amount like 89.00 "
                                 "(0 or more, a dot for decimals).").format(
                        value=amounts[index].strip())) from None
                if amount > remedies_given.AMOUNT_MAX:
                    raise _Bad(_("remedy_amounts: {value} is too large.").format(
                        value=amounts[index].strip()))
            result.append((remedy, amount, self._name("approved_by", approvers[index])))
        total = cells.get("total", "").strip()
        if total:
            try:
                expected = parse_amount(total, self.currency)
            except (ValueError, ArithmeticError):
                raise _Bad(_("total: {value} is not an amount like 89.00.").format(
                    value=total)) from None
            if expected != sum(a for _r, a, _n in result):
                raise _Bad(_("total {total} is not the sum of remedy_amounts.").format(
                    total=total))
        return result

    def _vouchers(self, cells: dict[str, str], remedies) -> list[tuple[str | None, str | None]]:
        wanted = sum(1 for r, _a, _n in remedies if r.kind is RemedyKind.VOUCHER)
        codes_cell = cells.get("voucher_codes", "").strip()
        codes = codes_cell.split(SEP) if codes_cell else []
        times_cell = cells.get("vouchers_redeemed_at", "").strip()
        times = times_cell.split(SEP) if times_cell else []
        if len(codes) > wanted or len(times) > wanted:
            raise _Bad(ngettext("{n} voucher code or redemption given, but the remedies "
                                "hold {m} voucher.",
                                "{n} voucher codes or redemptions given, but the remedies "
                                "hold {m} vouchers.", max(len(codes), len(times))).format(
                n=max(len(codes), len(times)), m=wanted))
        result = []
        for index in range(wanted):
            code = vouchers.normalise(codes[index]) if index < len(codes) and \
                codes[index].strip() else None
            if code is not None:
                if len(code) != vouchers.CODE_LENGTH + 1 or code in self.codes or \
                        vouchers_db.code_exists(self.ctx.db, code):
                    raise _Bad(_("voucher code {code} is malformed or already used.").format(
                        code=codes[index].strip()))
                self.codes.add(code)
            when = self._when("vouchers_redeemed_at", times[index]) if index < len(times) \
                else None
            result.append((code, when))
        return result

    def _followup(self, cells: dict[str, str], occurred: str) -> dict | None:
        due = self._when("followup_due_at", cells.get("followup_due_at", ""))
        values = {column: self._when(column, cells.get(f"followup_{column}", ""))
                  for column in ("done_at", "missed_at", "escalated_at")}
        outcome = cells.get("outcome", "").strip().lower() or None
        if outcome is not None and outcome not in [o.value for o in Outcome]:
            raise _Bad(_("outcome must be delighted, satisfied, unhappy, left or empty."))
        note = self._text("outcome_note", cells.get("outcome_note", ""),
                          followups.OUTCOME_NOTE_MAX)
        by = self._name("followup_by", cells.get("followup_by", ""))
        if due is None:
            if any(values.values()) or outcome or note or by:
                raise _Bad(_("follow-up details are given but followup_due_at is empty."))
            return None
        if values["done_at"] and values["done_at"] < occurred:
            raise _Bad(_("followup_done_at is before occurred_at."))
        if outcome and not values["done_at"]:
            raise _Bad(_("an outcome needs followup_done_at (when it was recorded)."))
        return {"due_at": due, **values, "outcome": outcome, "outcome_note": note, "by": by}


def _write(ctx: Context, rows: list[_Row], checker: _Checker, by: int | None) -> Imported:
    created = tuple(checker.new_staff.values())
    written: dict[str, list[int]] = {"incident_ids": [], "remedy_ids": [], "voucher_ids": []}
    with ctx.db.atomic():
        for name in created:
            staff_id = staff_db.insert_staff(ctx.db, ctx.store_id, name, "cashier",
                                             ctx.now_iso())
            staff_db.update_staff(ctx.db, ctx.store_id, staff_id, {"active": 0})
            checker.staff[name.casefold()] = staff_id
        for row in rows:
            occurred = row.incident["occurred_at"]
            incident_id = incidents_db.insert_incident(
                ctx.db, {**row.incident, "staff_id": checker.staff_id(row.staff)})
            written["incident_ids"].append(incident_id)
            codes = iter(row.vouchers)
            for remedy, amount, approver in row.remedies:
                given_id = incidents_db.insert_incident_remedy(ctx.db, {
                    "incident_id": incident_id, "remedy_id": remedy.id,
                    "kind": remedy.kind.value, "label": remedy.label, "amount_minor": amount,
                    "percent": remedy.percent, "approved_by": checker.staff_id(approver),
                    "given_at": occurred})
                written["remedy_ids"].append(given_id)
                if remedy.kind is RemedyKind.VOUCHER:
                    code, redeemed = next(codes)
                    written["voucher_ids"].append(_voucher(
                        ctx, checker, incident_id, given_id, amount, occurred, code, redeemed))
            if row.followup:
                f = row.followup
                followup_id = followups_db.insert_followup(ctx.db, incident_id, occurred,
                                                           f["due_at"])
                followups_db.update_followup(ctx.db, followup_id, {
                    "done_at": f["done_at"], "done_by": checker.staff_id(f["by"]),
                    "outcome": f["outcome"], "outcome_note": f["outcome_note"],
                    "missed_at": f["missed_at"], "escalated_at": f["escalated_at"]})
        # The rows written, by id range and digest: comeback verify holds them to it.
        audit.record(ctx, by, "incidents.imported", "store", ctx.store_id,
                     incidents=len(rows), staff_created=list(created),
                     **audit_payload.coverage(ctx, **written))
    return Imported(len(rows), created, Changes(incidents=True, followups=True,
                                                vouchers=True, staff=bool(created)))


def _voucher(ctx: Context, checker: _Checker, incident_id: int, given_id: int, amount: int,
             issued: str, code: str | None, redeemed: str | None) -> int:
    while code is None:
        code = vouchers.new_code()
        if code in checker.codes or vouchers_db.code_exists(ctx.db, code):
            code = None
    checker.codes.add(code)
    expires = to_iso(from_iso(issued) + timedelta(days=checker.validity))
    voucher_id = vouchers_db.insert_voucher(ctx.db, {
        "code": code, "incident_id": incident_id, "incident_remedy_id": given_id,
        "amount_minor": amount, "issued_at": issued, "expires_at": expires})
    if redeemed:
        vouchers_db.mark_redeemed(ctx.db, voucher_id, redeemed, None)
    return voucher_id
