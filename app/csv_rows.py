"""Checking one row of an incidents CSV against the store (for :mod:`app.csv_import`).

:class:`Checker` turns a row's cells into the values staged for the import, or raises
:class:`Bad` with a reason that names the column and what is allowed. Column positions
are looked up once from the header, not per row.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from app import catalog, followups, incidents, remedies_given, staff, vouchers
from app.clock import to_iso
from app.context import Context
from app.csvio import COLUMNS, SEP, looks_like_formula, parse_amount
from app.errors import ValidationError
from app.i18n import _, ngettext
from app.models import Outcome, RemedyKind
from db import csv_import as csv_db

_OUTCOMES = frozenset(o.value for o in Outcome)
_SEVERITIES = ("low", "medium", "high")
# "16.11.2026 12:10", "16-11-2026 12:10:05", "16/11/2026 12:10": how spreadsheets in the
# stores' locales rewrite a time without an offset (day first; month first for en_US).
_LOCAL = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def epoch(text: str) -> int:
    """Seconds since 1970 of a stored time (``2026-11-16T11:00:00+00:00``), as
    :func:`db.summary_columns.epoch_seconds` computes them in SQL."""
    return int(_fromisoformat(text).timestamp())


_fromisoformat = datetime.fromisoformat


class Bad(Exception):
    """One reason a row is refused."""


class Checker:
    """Validates rows against the store: codes, names, limits, voucher codes.

    ``staff`` maps the name key (casefolded) of each existing member to their id;
    ``new_staff`` the key of each name to create to that name; ``codes`` each voucher code
    the file names to its line.
    """

    def __init__(self, ctx: Context, header: list[str]) -> None:
        self.ctx = ctx
        settings = ctx.settings()
        self.currency = settings.currency
        self.validity = timedelta(days=settings.voucher_validity_days)
        self.tz = ZoneInfo(settings.timezone)
        self.month_first = settings.locale == "en_US"
        self.latest = ctx.clock.now() + timedelta(minutes=5)
        self.latest_text = to_iso(self.latest)  # the same, as a stored time compares
        self.categories = {c.code: c for c in catalog.categories(ctx, include_hidden=True)}
        self.remedies = {r.code: r for r in catalog.remedies(ctx, include_hidden=True)}
        self.severities = {c.id: c.default_severity.value for c in self.categories.values()}
        self.staff: dict[str, int] = {}
        for member in staff.list_staff(ctx, include_inactive=True):
            self.staff.setdefault(member.name.casefold(), member.id)
        self.new_staff: dict[str, str] = {}
        self.codes: dict[str, int] = {}
        self.check_duplicates = csv_db.has_incidents(ctx.db, ctx.store_id)
        self.width = len(header)
        # All the cells of a row in COLUMNS order in one call; a column the file leaves out
        # reads the empty cell appended after the row's last one.
        self.cells = itemgetter(*(header.index(column) if column in header else self.width
                                  for column in COLUMNS))
        self._people: dict[str, str] = {}
        self._amounts: dict[str, int] = {}
        self._given_seen: dict[tuple, tuple[int, list, int, int]] = {}
        self._guests: dict[tuple[str | None, str | None], str | None] = {}
        # (time, category id, staff id, line, category code) of rows to look for in the
        # store, and (voucher code, line) of codes to look for: asked per batch (settle).
        self._twins: list[tuple[str, int, int | None, int, str]] = []
        self._codes_to_check: list[tuple[str, int]] = []

    # -- cells -----------------------------------------------------------------------------

    def _name(self, column: str, text: str) -> str | None:
        name = " ".join(text.split())
        if not name:
            return None
        if looks_like_formula(name):
            raise Bad(_("{column}: {name} starts like a spreadsheet formula (=, +, -, @); "
                        "a name must not.").format(column=column, name=name))
        if len(name) > staff.NAME_MAX:
            raise Bad(_("{column}: a name can be at most {n} characters.").format(
                column=column, n=staff.NAME_MAX))
        return name

    def person(self, column: str, text: str) -> str | None:
        """The key of a staff member named in ``column`` (created if new)."""
        if not text:
            return None
        key = self._people.get(text)
        if key is not None:
            return key
        name = self._name(column, text)
        if name is None:
            return None
        key = name.casefold()
        if key not in self.staff:
            self.new_staff.setdefault(key, name)
        if len(self._people) < 10000:
            self._people[text] = key
        return key

    def _when(self, column: str, text: str) -> str | None:
        if not text:
            return None
        if len(text) == 25 and text[10] == "T" and text.endswith("+00:00"):
            # Already the stored form (what export writes): checked by parsing it, and
            # compared as text (stored times in UTC sort as their moments do).
            try:
                _fromisoformat(text)
            except ValueError:
                pass  # the general path says what is wrong with it
            else:
                if text > self.latest_text:
                    raise Bad(_("{column}: {value} is in the future.").format(
                        column=column, value=text))
                return text
        text = text.strip()
        if not text:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = self._local_format(column, text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        if value > self.latest:
            raise Bad(_("{column}: {value} is in the future.").format(column=column,
                                                                      value=text))
        if len(text) == 25 and text.endswith("+00:00") and text[10] == "T":
            return text  # already the stored form
        return to_iso(value)

    def _local_format(self, column: str, text: str) -> datetime:
        match = _LOCAL.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            first, second, year, hour, minute, sec = match.groups()
            day, month = (second, first) if self.month_first else (first, second)
            return datetime(int(year), int(month), int(day), int(hour), int(minute),
                            int(sec or 0))
        except ValueError:
            raise Bad(_("{column}: {value} is not a date and time like "
                        "2026-11-16T12:00:00+01:00.").format(column=column, value=text)
                      ) from None

    @staticmethod
    def _text(column: str, text: str, limit: int) -> str | None:
        if not text:
            return None
        text = text.strip()
        if len(text) > limit:
            raise Bad(_("{column} can be at most {n} characters (it has {m}).").format(
                column=column, n=limit, m=len(text)))
        return text or None

    # -- a row -----------------------------------------------------------------------------

    def row(self, raw: list[str], line: int):
        """(incident, [(remedy, voucher or None)], follow-up or None) for staging; None
        for an empty row."""
        if len(raw) != self.width:
            if not any(cell.strip() for cell in raw):
                return None
            raise Bad(_("{n} cells, but the header has {m}.").format(n=len(raw),
                                                                     m=self.width))
        raw.append("")  # the cell of every column the file leaves out
        (occurred_at, category_code, severity, staff_name, table, guest_name, guest_contact,
         repeat, note, remedies, amounts, approved_by, total, currency, voucher_codes,
         redeemed, due, done, by, outcome, outcome_note, missed, escalated,
         voided, terminal) = self.cells(raw)
        occurred = self._when("occurred_at", occurred_at)
        if occurred is None:
            if not any(cell.strip() for cell in raw):
                return None
            raise Bad(_("occurred_at is empty: every incident needs its date and time."))
        category = self.categories.get(category_code.strip())
        if category is None:
            raise Bad(_("category {code} does not exist; known: {known}.").format(
                code=category_code.strip(), known=", ".join(self.categories)))
        severity = severity.strip().lower() or self.severities[category.id]
        if severity not in _SEVERITIES:
            raise Bad(_("severity must be low, medium or high."))
        if currency and currency.strip() and currency.strip().upper() != self.currency:
            raise Bad(_("currency {code} is not the store's currency {store}.").format(
                code=currency.strip(), store=self.currency))
        repeat = repeat.strip() if repeat else ""
        if repeat not in ("", "0", "1"):
            raise Bad(_("repeat_guest must be 0, 1 or empty."))
        given = self.given_of(remedies, amounts, approved_by, total)
        # (an empty cell, most of them: no call)
        guest_name = self._text("guest_name", guest_name, incidents.GUEST_NAME_MAX) \
            if guest_name else None
        guest_contact = self._text("guest_contact", guest_contact,
                                   incidents.GUEST_CONTACT_MAX) if guest_contact else None
        staff_key = self.person("staff", staff_name) if staff_name else None
        twin = None  # checked against the database with the batch (settle)
        if self.check_duplicates and (staff_key is None or staff_key in self.staff):
            twin = (occurred, category.id, self.staff.get(staff_key) if staff_key else None,
                    line, category.code)
        note = self._text("note", note, incidents.NOTE_MAX) if note else None
        incident = [category.id, category.label, staff_key, occurred, severity,
                    self._text("table", table, incidents.TABLE_MAX) if table else None,
                    guest_name, guest_contact,
                    self.guest_key(guest_name, guest_contact)
                    if guest_name or guest_contact else None,
                    note, int(repeat == "1"),
                    self._when("voided_at", voided) if voided else None,
                    self.terminal_name(terminal) if terminal else None]
        wanted, staged, remedy_count, cost = given
        given_codes = None
        if wanted or voucher_codes or redeemed:
            codes = self.voucher_cells(voucher_codes, redeemed, wanted, line)
            given_codes = [code for code, _when in codes if code is not None]
            expires = to_iso(datetime.fromisoformat(occurred) + self.validity)
            result = []
            for remedy, is_voucher in staged:
                voucher = None
                if is_voucher:
                    code, when = codes.pop(0)
                    voucher = (code, remedy[3], occurred, expires, when)
                result.append(((*remedy, occurred), voucher))
        else:
            result = [((*remedy, occurred), None) for remedy, _v in staged]
        followup = self._followup(occurred, due, done, by, outcome, outcome_note, missed,
                                  escalated)
        # The incident's summary columns (db.summary_columns), as RECOMPUTE would make them
        # of these rows: copied in with it, nothing recomputed at the switch.
        if followup is None:
            incident += (remedy_count, cost, None, None, 0, 0, None, int(note is not None))
        else:
            start = epoch(occurred)
            _o, due, done, _by, outcome, outcome_note, missed, escalated = followup
            incident += (remedy_count, cost, epoch(due) - start,
                         None if done is None else epoch(done) - start,
                         int(missed is not None), int(escalated is not None), outcome,
                         int(note is not None or (outcome is not None
                                                  and outcome_note is not None)))
        if twin is not None:
            self._twins.append(twin)
        if given_codes:
            self.check_codes(given_codes, line)
        return incident, result, followup

    def check_codes(self, codes: list[str], line: int) -> None:
        """Voucher codes given on ``line``: asked of the database at the next :meth:`settle`
        (each already taken there is refused)."""
        self._codes_to_check.extend((code, line) for code in codes)

    def guest_key(self, name: str | None, contact: str | None) -> str | None:
        """incidents.guest_key, remembered: the same guests come back row after row."""
        key = self._guests.get((name, contact))
        if key is None:
            key = incidents.guest_key(name, contact)
            if len(self._guests) >= 10000:
                self._guests.clear()
            self._guests[(name, contact)] = key
        return key

    @property
    def unsettled(self) -> int:
        """Rows checked whose duplicates and voucher codes the database has not answered."""
        return len(self._twins) + len(self._codes_to_check)

    def settle(self) -> list[tuple[int, str]]:
        """Ask the database, in one indexed query per few hundred rows, about the rows
        checked since the last call: (line, reason) of each incident already in the store
        and of each voucher code a voucher already has, by line."""
        found: dict[int, str] = {}
        if self._twins:
            there = csv_db.existing_incidents(self.ctx.db, self.ctx.store_id,
                                              [twin[0] for twin in self._twins])
            for occurred, category_id, staff_id, line, code in self._twins:
                if (occurred, category_id, staff_id) in there:
                    found[line] = _("this incident ({when}, {code}) is already in the "
                                    "database.").format(when=occurred, code=code)
            self._twins.clear()
        if self._codes_to_check:
            taken = csv_db.existing_codes(self.ctx.db,
                                          [code for code, _l in self._codes_to_check])
            for code, line in self._codes_to_check:
                if code in taken and line not in found:
                    found[line] = _("voucher code {code} already exists in this "
                                    "database.").format(code=code)
            self._codes_to_check.clear()
        return sorted(found.items())

    def terminal_name(self, text: str) -> str | None:
        """The terminal it was logged on (the column is optional; empty: not recorded)."""
        if not text or not text.strip():
            return None
        from app.terminals import check_name

        try:
            return check_name(text)
        except ValidationError as error:
            raise Bad(f"terminal: {error}") from None

    def _amount(self, column: str, text: str) -> int:
        minor = self._amounts.get(text)
        if minor is None:
            try:
                minor = parse_amount(text, self.currency)
            except (ValueError, ArithmeticError):
                if column == "total":
                    raise Bad(_("total: {value} is not an amount like 89.00.").format(
                        value=text.strip())) from None
                raise Bad(_("remedy_amounts: {value} is not an amount like 89.00 "
                            "(0 or more, a dot or a comma for decimals).").format(
                    value=text.strip())) from None
            if len(self._amounts) < 10000:
                self._amounts[text] = minor
        return minor

    def given_of(self, remedies: str, amounts: str, approved_by: str, total: str
               ) -> tuple[int, list, int, int]:
        """(vouchers wanted, [((remedy id, kind, label, amount, percent, paper approver),
        is a voucher)], how many remedies, their value) — remembered per distinct
        combination of the four cells, which repeat on most rows of a real file."""
        key = (remedies, amounts, approved_by, total)
        found = self._given_seen.get(key)
        if found is None:
            found = self._check_given(remedies, amounts, approved_by, total)
            if len(self._given_seen) >= 10000:
                self._given_seen.clear()
            self._given_seen[key] = found
        return found

    def _check_given(self, remedies: str, amounts_cell: str, approvers_cell: str,
                     total: str) -> tuple[int, list, int, int]:
        codes = [c.strip() for c in remedies.split(SEP) if c.strip()]
        if not codes:
            raise Bad(_("remedies is empty: give at least one remedy code (apology counts)."))
        if len(codes) > remedies_given.REMEDIES_MAX:
            raise Bad(_("at most {n} remedies on one incident.").format(
                n=remedies_given.REMEDIES_MAX))
        unknown = [c for c in codes if c not in self.remedies]
        if unknown:
            raise Bad(_("remedy {code} does not exist; known: {known}.").format(
                code=unknown[0], known=", ".join(self.remedies)))
        amounts_cell = amounts_cell.strip()
        amounts = amounts_cell.split(SEP) if amounts_cell else []
        if amounts and len(amounts) != len(codes):
            raise Bad(_("remedy_amounts has {n} amounts for {m} remedies.").format(
                n=len(amounts), m=len(codes)))
        approvers = approvers_cell.split(SEP) if approvers_cell.strip() else [""] * len(codes)
        if len(approvers) != len(codes):
            raise Bad(_("approved_by has {n} names for {m} remedies.").format(
                n=len(approvers), m=len(codes)))
        given = []
        for index, code in enumerate(codes):
            remedy = self.remedies[code]
            amount = remedy.value_minor
            if amounts:
                amount = self._amount("remedy_amounts", amounts[index])
                if amount > remedies_given.AMOUNT_MAX:
                    raise Bad(_("remedy_amounts: {value} is too large.").format(
                        value=amounts[index].strip()))
            given.append((remedy, amount, self._name("approved_by", approvers[index])))
        if total.strip() and self._amount("total", total) != sum(a for _r, a, _n in given):
            raise Bad(_("total {total} is not the sum of remedy_amounts.").format(
                total=total.strip()))
        staged = [((r.id, r.kind.value, r.label, amount, r.percent, approver),
                   r.kind is RemedyKind.VOUCHER) for r, amount, approver in given]
        return (sum(1 for _r, is_voucher in staged if is_voucher), staged, len(staged),
                sum(amount for _r, amount, _n in given))

    def voucher_cells(self, codes_cell: str, times_cell: str, wanted: int, line: int
                  ) -> list[tuple[str | None, str | None]]:
        codes_cell = codes_cell.strip()
        codes = codes_cell.split(SEP) if codes_cell else []
        times_cell = times_cell.strip()
        times = times_cell.split(SEP) if times_cell else []
        if len(codes) > wanted or len(times) > wanted:
            raise Bad(ngettext("{n} voucher code or redemption given, but the remedies "
                               "hold {m} voucher.",
                               "{n} voucher codes or redemptions given, but the remedies "
                               "hold {m} vouchers.", max(len(codes), len(times))).format(
                n=max(len(codes), len(times)), m=wanted))
        result = []
        for index in range(wanted):
            given = codes[index].strip() if index < len(codes) else ""
            code = vouchers.normalise(given) if given else None
            if code is not None:
                if len(code) != vouchers.CODE_LENGTH + 1 or code[3] != "-":
                    raise Bad(_("voucher code {code} is not a code like K7M-3QX.").format(
                        code=given))
                if code in self.codes:
                    raise Bad(_("voucher code {code} is already used on line {line} of this "
                                "file.").format(code=code, line=self.codes[code]))
                self.codes[code] = line
            when = self._when("vouchers_redeemed_at", times[index]) if index < len(times) \
                else None
            result.append((code, when))
        return result

    def _followup(self, occurred: str, due: str, done: str, by: str, outcome: str,
                  note: str, missed: str, escalated: str) -> tuple | None:
        if not (due or done or by or outcome or note or missed or escalated):
            return None  # no follow-up (most rows of a real file)
        when = self._when
        due = when("followup_due_at", due) if due else None
        done = when("followup_done_at", done) if done else None
        missed = when("followup_missed_at", missed) if missed else None
        escalated = when("followup_escalated_at", escalated) if escalated else None
        outcome = outcome.strip().lower() or None if outcome else None
        if outcome is not None and outcome not in _OUTCOMES:
            raise Bad(_("outcome must be delighted, satisfied, unhappy, left or empty."))
        note = self._text("outcome_note", note, followups.OUTCOME_NOTE_MAX) if note else None
        by = self.person("followup_by", by) if by else None
        if due is None:
            if done or missed or escalated or outcome or note or by:
                raise Bad(_("follow-up details are given but followup_due_at is empty."))
            return None
        if done and done < occurred:
            raise Bad(_("followup_done_at is before occurred_at."))
        if outcome and not done:
            raise Bad(_("an outcome needs followup_done_at (when it was recorded)."))
        return (occurred, due, done, by, outcome, note, missed, escalated)
