"""Incidents out to CSV and back in (documented in docs/csv-format.md).

One row per incident with its remedies, vouchers, follow-up and outcome. Lists inside a
cell (several remedies on one incident) are separated by ``|``. Times are UTC ISO-8601 as
stored (``2026-11-16T11:00:00+00:00``); amounts are decimals in the store currency with a
dot (``89.00``). The file is UTF-8 with a byte-order mark, so spreadsheet programs show
``ø`` and ``č`` right, and uses CRLF line ends (RFC 4180).

Import (:mod:`app.csv_import`) reads the same format. Export → import into an empty store
with the same preset → export gives the same bytes: ids are not exported, rows are
ordered by time (ties in logging order) and import keeps the file's order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TextIO

from app import formatting
from app.context import Context
from app.errors import ValidationError
from app.i18n import _, ngettext
from app.summary import WeeklySummary
from db import csv_export as csv_export_db
from db.csv_export import RISKY_FIRST

COLUMNS = (
    "occurred_at", "category", "severity", "staff", "table", "guest_name", "guest_contact",
    "repeat_guest", "note", "remedies", "remedy_amounts", "approved_by", "total", "currency",
    "voucher_codes", "vouchers_redeemed_at", "followup_due_at", "followup_done_at",
    "followup_by", "outcome", "outcome_note", "followup_missed_at", "followup_escalated_at",
    "voided_at", "terminal",
)
REQUIRED = ("occurred_at", "category", "remedies")
SEP = "|"
ENCODING = "utf-8-sig"


class ImportRefused(ValidationError):
    """The file has bad rows; ``problems`` lists (line number, reason). Nothing was written."""

    def __init__(self, problems: list[tuple[int, str]], total: int | None = None) -> None:
        self.problems = problems
        self.total = max(total or 0, len(problems))
        super().__init__("file", ngettext(
            "The file was not imported: {n} problem found, nothing was written.",
            "The file was not imported: {n} problems found, nothing was written.",
            self.total).format(n=self.total))

    def lines(self) -> list[str]:
        return [_("line {line}: {reason}").format(line=line, reason=reason)
                for line, reason in self.problems]


def amount_text(minor: int, currency: str) -> str:
    """Minor units as a plain decimal with a dot: 8900 NOK → '89.00'."""
    digits = formatting.minor_digits(currency)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def parse_amount(text: str, currency: str) -> int:
    """'89', '89.5', '89.00' or '89,50' (a decimal comma, as spreadsheets in nb, cs, nl and
    es save it) → minor units; ValueError when negative, grouped or too precise."""
    text = text.strip()
    if "," in text:
        if "." in text or text.count(",") > 1:
            raise ValueError(text)
        text = text.replace(",", ".")
    digits = formatting.minor_digits(currency)
    value = Decimal(text)
    if not value.is_finite() or value < 0:
        raise ValueError(text)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(text)
    return int(scaled)


def parse_written_amount(text: str, currency: str) -> int:
    """An amount as people write it on the command line, in the store's currency:
    '12', '12.50' or '12,50' (one '.' or ',' before the decimals, no thousands separator;
    '12' is 12.00). The same rule as CSV cells, with the comma allowed too. ValueError when
    it is not such an amount, negative, or has more decimals than the currency."""
    text = text.strip()
    if text.count(",") + text.count(".") > 1 or not text.replace(",", "").replace(
            ".", "").isdigit():
        raise ValueError(text)
    return parse_amount(text.replace(",", "."), currency)


# -- spreadsheet safety ---------------------------------------------------------------------

def spreadsheet_safe(cell: str) -> str:
    """``'`` before a cell a spreadsheet would run as a formula (=, +, -, @, TAB, CR first),
    and before one that already starts with apostrophes and then one of those, so that
    :func:`from_spreadsheet_safe` gives every cell back exactly."""
    if cell and cell.lstrip("'")[:1] in RISKY_FIRST and cell.lstrip("'"):
        return "'" + cell
    return cell


def from_spreadsheet_safe(cell: str) -> str:
    """Remove the one apostrophe :func:`spreadsheet_safe` added (and nothing else)."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in RISKY_FIRST and cell.lstrip("'"):
        return cell[1:]
    return cell


def looks_like_formula(text: str) -> bool:
    return text[:1] in RISKY_FIRST and text != ""


# -- export -------------------------------------------------------------------------------

def export_rows(ctx: Context) -> Iterator[list[str]]:
    """Every incident of the store (voided ones too) as CSV cells in the order of
    :data:`COLUMNS`, oldest first, streamed: four cursors in the same order (incidents,
    remedies, vouchers, follow-ups) merged as they come."""
    currency = ctx.settings().currency
    digits = formatting.minor_digits(currency)
    texts: dict[int, str] = {}

    def money(minor: int) -> str:
        text = texts.get(minor)
        if text is None:
            text = f"{Decimal(minor).scaleb(-digits):.{digits}f}"
            if len(texts) < 10000:
                texts[minor] = text
        return text

    incidents, remedies, vouchers, followups = csv_export_db.export_cursors(ctx.db,
                                                                            ctx.store_id)
    safe = spreadsheet_safe
    try:
        named = csv_export_db.names(ctx.db)
        categories, remedy_codes = named["categories"], named["remedies"]
        people = named["staff"]
        people_safe = {key: safe(name or "") for key, name in people.items()}
        terminals = {key: safe(name or "") for key, name in named["terminals"].items()}
        remedy_rows, voucher_rows, followup_rows = (iter(remedies), iter(vouchers),
                                                    iter(followups))
        remedy, voucher, followup = (next(remedy_rows, None), next(voucher_rows, None),
                                     next(followup_rows, None))
        for (incident_id, occurred, category, severity, staff_id, table, guest, contact,
             repeat, note, voided, terminal) in incidents:
            codes, amounts, approvers, total, approved = [], [], [], 0, False
            while remedy is not None and remedy[0] == incident_id:
                _i, remedy_id, amount, approver_id, on_paper = remedy
                codes.append(remedy_codes[remedy_id])
                amounts.append(texts.get(amount) or money(amount))
                approver = people.get(approver_id) if approver_id is not None else None
                if approver is None:
                    approver = on_paper
                if approver:
                    approved = True
                    approvers.append(approver)
                else:
                    approvers.append("")
                total += amount
                remedy = next(remedy_rows, None)
            if voucher is not None and voucher[0] == incident_id:
                voucher_codes, redeemed = [], []
                while voucher is not None and voucher[0] == incident_id:
                    voucher_codes.append(voucher[1])
                    redeemed.append(voucher[2] or "")
                    voucher = next(voucher_rows, None)
                voucher_cell = SEP.join(voucher_codes)
                redeemed_cell = SEP.join(redeemed) if any(redeemed) else ""
            else:
                voucher_cell = redeemed_cell = ""
            if followup is None or followup[0] != incident_id:
                due = done = by = missed = outcome = outcome_note = escalated = ""
            else:
                first = followup
                followup = next(followup_rows, None)
                if followup is None or followup[0] != incident_id:
                    _i, due, done, by_id, missed, outcome, outcome_note, escalated = first
                    by = people.get(by_id) if by_id is not None else None
                else:
                    records = [first]
                    while followup is not None and followup[0] == incident_id:
                        records.append(followup)
                        followup = next(followup_rows, None)
                    due, done, by_id, missed, outcome, outcome_note, escalated = \
                        _fold_followups(records)
                    by = people.get(by_id) if by_id is not None else None
            yield [occurred, categories[category], severity,
                   people_safe.get(staff_id, "") if staff_id is not None else "", table,
                   guest, contact, str(repeat), note, SEP.join(codes), SEP.join(amounts),
                   safe(SEP.join(approvers)) if approved else "",
                   texts.get(total) or money(total),
                   currency, voucher_cell, redeemed_cell, due, done or "",
                   safe(by) if by else "", outcome or "",
                   safe(outcome_note) if outcome_note else "", missed or "",
                   escalated or "", voided or "", terminals.get(terminal, "")
                   if terminal is not None else ""]
    finally:
        for cursor in (incidents, remedies, vouchers, followups):
            cursor.close()
        csv_export_db.done(ctx.db)


def _fold_followups(records: list[tuple]) -> tuple[str, ...]:
    """Several follow-ups of one incident (incident id, due, done, by, missed, outcome,
    note, escalated; in id order) → the row's cells: the first one's timing and who did it,
    the final (latest recorded) outcome and its note, the first escalation."""
    _i, due, done, by, missed = records[0][:5]
    outcomes = [(record[2] or "", index, record) for index, record in enumerate(records)
                if record[5]]
    last = max(outcomes)[2] if outcomes else (None,) * 8
    escalated = min((record[7] for record in records if record[7]), default="")
    return due, done, by, missed, last[5], last[6], escalated


def write_csv(rows: Iterable[Sequence[str]], out: TextIO) -> int:
    """The header and ``rows`` (lists in the order of :data:`COLUMNS`); returns the count."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    rows = iter(rows)
    while chunk := list(islice(rows, 1000)):  # writerows: the C loop, a thousand at a time
        writer.writerows(chunk)
        count += len(chunk)
    return count


def export_csv(ctx: Context, target: str | Path | TextIO) -> int:
    """Write every incident to ``target`` (a path or a text stream); returns the count."""
    if isinstance(target, str | Path):
        # The byte-order mark by hand, then plain UTF-8: the same bytes as "utf-8-sig",
        # with the text layer's fast UTF-8 encoder instead of a Python-level codec per row.
        with open(target, "w", encoding="utf-8", newline="", buffering=1 << 20) as out:
            out.write("\ufeff")
            return write_csv(export_rows(ctx), out)
    return write_csv(export_rows(ctx), target)


def export_bytes(ctx: Context) -> bytes:
    buffer = io.StringIO(newline="")
    write_csv(export_rows(ctx), buffer)
    return buffer.getvalue().encode(ENCODING)


# -- the weekly summary's figures as CSV -----------------------------------------------------

SUMMARY_COLUMNS = ("section", "key", "label", "measure", "this_week", "last_week")


def summary_rows(summary: WeeklySummary) -> list[tuple]:
    """The figures of the PDF, one per row: section, key, label, measure, this week, last
    week. Amounts are decimals in the store currency, rates are fractions (0.8846)."""
    cur = summary.currency
    this, last = summary.this, summary.last

    def money(minor: int | None) -> str:
        return "" if minor is None else amount_text(minor, cur)

    def rate(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    rows: list[tuple] = [("week", str(summary.week), summary.days[0].isoformat(), "week",
                          str(summary.week), str(summary.week.shifted(-1)))]
    for key, now, before in (
            ("incidents", this.incidents, last.incidents),
            ("remedies_given", this.remedies_given, last.remedies_given),
            ("remedy_value", money(this.value_minor), money(last.value_minor)),
            ("recovery_rate", rate(this.outcomes.rate), rate(last.outcomes.rate)),
            ("came_back", this.came_back, last.came_back),
            ("repeat_guests", this.repeat_guests, last.repeat_guests),
            ("severe", this.severe, last.severe),
            ("guests_to_watch", this.guests_to_watch, last.guests_to_watch),
            ("staff_to_watch", this.staff_to_watch, last.staff_to_watch)):
        rows.append(("headline", key, "", key, now, before))
    for key in ("on_time", "late", "missed", "open", "escalated", "median_minutes"):
        now, before = getattr(this.followups, key), getattr(last.followups, key)
        rows.append(("followups", key, "", key, "" if now is None else now,
                     "" if before is None else before))
    for key in ("delighted", "satisfied", "unhappy", "left", "followed_up"):
        rows.append(("outcomes", key, "", key, getattr(this.outcomes, key),
                     getattr(last.outcomes, key)))
    for index, day in enumerate(summary.days):
        rows.append(("day", day.isoformat(), day.strftime("%a"), "incidents",
                     this.by_day[index], last.by_day[index]))
    for hour in range(24):
        rows.append(("hour", f"{hour:02d}", "", "incidents", this.by_hour[hour],
                     last.by_hour[hour]))
    for cat in summary.categories:
        rows.append(("category", cat.code, cat.label, "incidents", cat.incidents,
                     cat.incidents_before))
        rows.append(("category", cat.code, cat.label, "value", money(cat.value_minor),
                     money(cat.value_before)))
    for member in summary.staff:
        key = "" if member.staff_id is None else str(member.staff_id)
        rows += [("staff", key, member.name, "incidents", member.incidents, ""),
                 ("staff", key, member.name, "comps", member.comps, ""),
                 ("staff", key, member.name, "value", money(member.value_minor),
                  money(member.value_before)),
                 ("staff", key, member.name, "stands_out", int(member.stands_out), "")]
    for remedy in summary.remedies:
        rows += [("remedy", remedy.kind, remedy.label, "given", remedy.given,
                  remedy.given_before),
                 ("remedy", remedy.kind, remedy.label, "value", money(remedy.value_minor), "")]
    for guest in summary.guests_to_watch:
        rows += [("guest_to_watch", "", guest.name, "comps_30_days", guest.comps, ""),
                 ("guest_to_watch", "", guest.name, "value_30_days",
                  money(guest.value_minor), "")]
    for fix in summary.fixes:
        rows += [("fix", fix.rank, fix.label, "incidents", fix.incidents,
                  fix.incidents_before),
                 ("fix", fix.rank, fix.label, "value", money(fix.value_minor), ""),
                 ("fix", fix.rank, fix.label, "score", f"{fix.score:.3f}", ""),
                 ("fix", fix.rank, fix.label, "trend", fix.trend, "")]
    for point in summary.trend:
        rows.append(("trend", str(point.week), "", "recovery_rate", rate(point.rate), ""))
    return rows


def write_summary_csv(summary: WeeklySummary, target: str | Path | TextIO) -> None:
    def write(out: TextIO) -> None:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(SUMMARY_COLUMNS)
        writer.writerows(summary_rows(summary))

    if isinstance(target, str | Path):
        with open(target, "w", encoding=ENCODING, newline="") as out:
            write(out)
    else:
        write(target)
