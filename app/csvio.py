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
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from app import formatting
from app.context import Context
from app.errors import ValidationError
from app.i18n import _, ngettext
from app.summary import WeeklySummary
from db import reports as reports_db

COLUMNS = (
    "occurred_at", "category", "severity", "staff", "table", "guest_name", "guest_contact",
    "repeat_guest", "note", "remedies", "remedy_amounts", "approved_by", "total", "currency",
    "voucher_codes", "vouchers_redeemed_at", "followup_due_at", "followup_done_at",
    "followup_by", "outcome", "outcome_note", "followup_missed_at", "followup_escalated_at",
    "voided_at",
)
REQUIRED = ("occurred_at", "category", "remedies")
SEP = "|"
ENCODING = "utf-8-sig"


class ImportRefused(ValidationError):
    """The file has bad rows; ``problems`` lists (line number, reason). Nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("file", ngettext(
            "The file was not imported: {n} problem found, nothing was written.",
            "The file was not imported: {n} problems found, nothing was written.",
            len(problems)).format(n=len(problems)))

    def lines(self) -> list[str]:
        return [_("line {line}: {reason}").format(line=line, reason=reason)
                for line, reason in self.problems]


def amount_text(minor: int, currency: str) -> str:
    """Minor units as a plain decimal with a dot: 8900 NOK → '89.00'."""
    digits = formatting.minor_digits(currency)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def parse_amount(text: str, currency: str) -> int:
    """'89', '89.5' or '89.00' → minor units; ValueError when negative or too precise."""
    digits = formatting.minor_digits(currency)
    value = Decimal(text.strip())
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


# -- export -------------------------------------------------------------------------------

def export_rows(ctx: Context) -> list[dict[str, str]]:
    """Every incident of the store (voided ones too) as CSV cells, oldest first."""
    currency = ctx.settings().currency
    remedies: dict[int, list[dict]] = defaultdict(list)
    for row in reports_db.export_remedies(ctx.db, ctx.store_id):
        remedies[row["incident_id"]].append(row)
    vouchers: dict[int, list[dict]] = defaultdict(list)
    for row in reports_db.export_vouchers(ctx.db, ctx.store_id):
        vouchers[row["incident_id"]].append(row)
    followups: dict[int, list[dict]] = defaultdict(list)
    for row in reports_db.export_followups(ctx.db, ctx.store_id):
        followups[row["incident_id"]].append(row)
    result = []
    for inc in reports_db.export_incidents(ctx.db, ctx.store_id):
        given = remedies[inc["id"]]
        first = followups[inc["id"]][0] if followups[inc["id"]] else {}
        outcomes = sorted((f for f in followups[inc["id"]] if f["outcome"]),
                          key=lambda f: (f["done_at"] or "", f["id"]))
        last = outcomes[-1] if outcomes else {}
        escalated = [f["escalated_at"] for f in followups[inc["id"]] if f["escalated_at"]]
        result.append({
            "occurred_at": inc["occurred_at"], "category": inc["category_code"],
            "severity": inc["severity"], "staff": inc["staff_name"] or "",
            "table": inc["table_ref"] or "", "guest_name": inc["guest_name"] or "",
            "guest_contact": inc["guest_contact"] or "",
            "repeat_guest": str(inc["repeat_guest"]), "note": inc["note"] or "",
            "remedies": SEP.join(r["remedy_code"] for r in given),
            "remedy_amounts": SEP.join(amount_text(r["amount_minor"], currency)
                                       for r in given),
            "approved_by": SEP.join(r["approver_name"] or "" for r in given)
            if any(r["approver_name"] for r in given) else "",
            "total": amount_text(sum(r["amount_minor"] for r in given), currency),
            "currency": currency,
            "voucher_codes": SEP.join(v["code"] for v in vouchers[inc["id"]]),
            "vouchers_redeemed_at": SEP.join(v["redeemed_at"] or ""
                                             for v in vouchers[inc["id"]])
            if any(v["redeemed_at"] for v in vouchers[inc["id"]]) else "",
            "followup_due_at": first.get("original_due_at") or "",
            "followup_done_at": first.get("done_at") or "",
            "followup_by": first.get("done_by_name") or "",
            "outcome": last.get("outcome") or "", "outcome_note": last.get("outcome_note") or "",
            "followup_missed_at": first.get("missed_at") or "",
            "followup_escalated_at": min(escalated) if escalated else "",
            "voided_at": inc["voided_at"] or "",
        })
    return result


def write_csv(rows: Iterable[dict[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def export_csv(ctx: Context, target: str | Path | TextIO) -> int:
    """Write every incident to ``target`` (a path or a text stream); returns the count."""
    rows = export_rows(ctx)
    if isinstance(target, str | Path):
        with open(target, "w", encoding=ENCODING, newline="") as out:
            write_csv(rows, out)
    else:
        write_csv(rows, target)
    return len(rows)


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
