"""The chain report: every store of the database side by side for one ISO week.

Each store's figures are those of its own weekly summary (:func:`app.summary.weekly_summary`,
in its own time zone and currency), so a store's row says what that store's weekly PDF
says. They are counted in the database with one query per time zone (db.chain) rather
than a whole summary per store; tests/test_chain.py holds the two equal. Definitions
(printed under the table as well):

* **Recovery rate**, **follow-ups on time** and **guests who came back** as in the weekly
  summary. Follow-ups on time are counted against the follow-ups that were due (on time +
  late + missed).
* **Cost** = the value of the remedies given, in the store's own currency; **cost per
  incident** = cost / incidents.
* **Best**: the highest recovery rate; at the same rate, the lower cost per incident (only
  compared within one currency: kroner are never compared with euros). Stores without a
  recorded outcome that week are not ranked and come last.
* Money is never added across currencies: the totals are one line per currency.
* **The chain's top fixes**: categories (one code across the stores) ranked by the share
  of the chain's incidents plus each store's share of its own remedy value, weighted by
  the store's incidents: (incidents + Σ store incidents × category value / store value)
  / the chain's incidents. For one store this is the weekly summary's own score.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from app import roles
from app.clock import to_iso
from app.context import Context
from app.i18n import _
from app.models import Outcome
from app.stores import StoreInfo, list_stores, store_ids
from app.summary import Week, WeeklySummary, weekly_summary
from db import chain as chain_db

TOP_FIXES = 3


class _Rates:
    """The ratios a store's week and a currency's total both show, from their counts."""

    recovered: int
    followed_up: int
    value_minor: int
    incidents: int
    on_time: int
    due: int

    @property
    def rate(self) -> float | None:
        """Recovery rate 0..1; None without a recorded outcome."""
        return self.recovered / self.followed_up if self.followed_up else None

    @property
    def cost_per_incident(self) -> float | None:
        """Minor units per incident (a fraction); None without incidents."""
        return self.value_minor / self.incidents if self.incidents else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class StoreWeek(_Rates):
    """One store's figures of the week; ``rank`` is None for a store not ranked."""

    store: StoreInfo
    incidents: int
    value_minor: int
    followed_up: int
    recovered: int
    came_back: int
    on_time: int
    due: int
    top_fix: str | None
    rank: int | None = None

    @property
    def currency(self) -> str:
        return self.store.currency


@dataclass(frozen=True)
class CurrencyTotal(_Rates):
    """The stores that count in one currency, added up (never across currencies)."""

    currency: str
    stores: int
    incidents: int
    value_minor: int
    followed_up: int
    recovered: int
    came_back: int
    on_time: int
    due: int


@dataclass(frozen=True)
class ChainFix:
    """One of the chain's top things to fix; ``value`` is (currency, minor units) pairs."""

    rank: int
    code: str
    label: str
    incidents: int
    stores: int
    value: tuple[tuple[str, int], ...]
    score: float


@dataclass(frozen=True)
class ChainReport:
    week: Week
    days: tuple[date, ...]
    generated_at: datetime
    stores: tuple[StoreWeek, ...]  # best first; stores not ranked last
    totals: tuple[CurrencyTotal, ...]
    fixes: tuple[ChainFix, ...]
    locale: str  # numbers in the report's own store's formats
    timezone: str
    chain_name: str

    @property
    def ranked(self) -> tuple[StoreWeek, ...]:
        return tuple(s for s in self.stores if s.rank is not None)

    @property
    def best(self) -> StoreWeek | None:
        ranked = self.ranked
        return ranked[0] if ranked else None

    @property
    def worst(self) -> StoreWeek | None:
        ranked = self.ranked
        return ranked[-1] if len(ranked) > 1 else None

    @property
    def incidents(self) -> int:
        return sum(s.incidents for s in self.stores)


def has_chain(ctx: Context) -> bool:
    """More than one store in this database."""
    return len(store_ids(ctx.db)) > 1


class CategoryWeek(NamedTuple):
    """One category's week in one store (the chain's fixes add these up)."""

    code: str
    label: str
    incidents: int
    value_minor: int


def store_week(store: StoreInfo, summary: WeeklySummary) -> StoreWeek:
    """The chain's row of one store, from its weekly summary: the reference the chain's own
    query is held to (tests/test_chain.py compares them)."""
    this = summary.this
    fu = this.followups
    return StoreWeek(
        store=store, incidents=this.incidents, value_minor=this.value_minor,
        followed_up=this.outcomes.followed_up, recovered=this.outcomes.recovered,
        came_back=this.came_back, on_time=fu.on_time, due=fu.on_time + fu.late + fu.missed,
        top_fix=summary.fixes[0].label if summary.fixes else None)


def summary_categories(summary: WeeklySummary) -> list[CategoryWeek]:
    return [CategoryWeek(c.code, c.label, c.incidents, c.value_minor)
            for c in summary.categories if c.incidents]


def chain_report(ctx: Context, week: Week | str) -> ChainReport:
    """Every store's week, ranked; the totals per currency and the chain's top fixes.

    The figures are the weekly summary's (see :func:`store_week`), counted in the database
    with one query per time zone and follow-up grace (db.chain) instead of a whole summary
    per store."""
    if isinstance(week, str):
        week = Week.parse(week)
    stores = list_stores(ctx.db)
    now = ctx.clock.now()
    groups: dict[tuple[str, int], list[StoreInfo]] = defaultdict(list)
    for store in stores:
        groups[store.timezone, store.grace_minutes].append(store)
    won = sorted(outcome.value for outcome in Outcome if outcome.recovered)
    rows: dict[int, list[tuple]] = defaultdict(list)
    came_back: dict[int, int] = {}
    complete: dict[int, bool] = {}
    for (zone, grace), members in groups.items():
        start, end = week.bounds(ZoneInfo(zone))
        ids = [s.id for s in members]
        for row in chain_db.week_figures(ctx.db, ids, to_iso(start), to_iso(end),
                                         grace * 60, won):
            rows[row[0]].append(row)
        came_back.update(chain_db.redeemed_counts(ctx.db, ids, to_iso(start), to_iso(end)))
        complete.update({s.id: end <= now for s in members})
    weeks = [_store_figures(store, rows[store.id], came_back.get(store.id, 0),
                            complete[store.id]) for store in stores]
    return _assemble(ctx, week, weeks)


def chain_report_from_summaries(ctx: Context, week: Week | str) -> ChainReport:
    """The same report built from a whole weekly summary per store (slower; the reference
    for the tests)."""
    if isinstance(week, str):
        week = Week.parse(week)
    weeks = []
    for store in list_stores(ctx.db):
        summary = weekly_summary(Context(ctx.db, ctx.clock, store.id), week)
        weeks.append((store_week(store, summary), summary_categories(summary)))
    return _assemble(ctx, week, weeks)


def _assemble(ctx: Context, week: Week,
              weeks: list[tuple[StoreWeek, list[CategoryWeek]]]) -> ChainReport:
    settings = ctx.settings()
    rows = [row for row, _categories in weeks]
    return ChainReport(
        week=week, days=week.days(), generated_at=ctx.clock.now(), stores=rank(rows),
        totals=currency_totals(rows), fixes=chain_fixes(weeks), locale=settings.locale,
        timezone=settings.timezone, chain_name=settings.store_name)


def _store_figures(store: StoreInfo, rows: list[tuple], came_back: int,
                   complete: bool) -> tuple[StoreWeek, list[CategoryWeek]]:
    """One store's figures from its week's counts per category (db.chain.week_figures),
    by the weekly summary's definitions (app.summary: a first follow-up still open after
    the week is missed; the top fix's score)."""
    categories = []
    totals = dict.fromkeys(chain_db.FIGURES, 0)
    for _store, _category, code, label, *figures in rows:
        counts = dict(zip(chain_db.FIGURES, figures, strict=True))
        for name, value in counts.items():
            totals[name] += value
        categories.append(CategoryWeek(code or "", _(label), counts["incidents"],
                                       counts["value_minor"]))
    total, value = totals["incidents"], totals["value_minor"]
    missed = totals["missed"] + (totals["pending"] if complete else 0)
    top = min(categories, default=None, key=lambda c: (
        -round(c.incidents / total + (c.value_minor / value if value else 0.0), 9),
        -c.incidents, c.label))
    return StoreWeek(store=store, incidents=total, value_minor=value,
                     followed_up=totals["followed_up"], recovered=totals["recovered"],
                     came_back=came_back, on_time=totals["on_time"],
                     due=totals["on_time"] + totals["late"] + missed,
                     top_fix=top.label if top else None), categories


def _order(row: StoreWeek) -> tuple:
    return (-row.rate, row.currency, row.cost_per_incident, row.store.name.casefold(),
            row.store.id)


def rank(rows: list[StoreWeek]) -> tuple[StoreWeek, ...]:
    """Best first (see the module docstring); stores without an outcome last, by name."""
    ranked = sorted((r for r in rows if r.rate is not None), key=_order)
    others = sorted((r for r in rows if r.rate is None),
                    key=lambda r: (r.store.name.casefold(), r.store.id))
    numbered = [replace(r, rank=n) for n, r in enumerate(ranked, start=1)]
    return tuple(numbered + others)


def currency_totals(rows: list[StoreWeek]) -> tuple[CurrencyTotal, ...]:
    """One total per currency: most stores first, then by code."""
    groups: dict[str, list[StoreWeek]] = defaultdict(list)
    for row in rows:
        groups[row.currency].append(row)
    totals = [CurrencyTotal(
        currency=code, stores=len(group), incidents=sum(r.incidents for r in group),
        value_minor=sum(r.value_minor for r in group),
        followed_up=sum(r.followed_up for r in group),
        recovered=sum(r.recovered for r in group), came_back=sum(r.came_back for r in group),
        on_time=sum(r.on_time for r in group), due=sum(r.due for r in group))
        for code, group in groups.items()]
    totals.sort(key=lambda t: (-t.stores, t.currency))
    return tuple(totals)


def chain_fixes(stores: list[tuple[StoreWeek, list[CategoryWeek]]]) -> tuple[ChainFix, ...]:
    """The chain's top three fixes (score in the module docstring)."""
    total = sum(row.incidents for row, _categories in stores)
    if not total:
        return ()
    weight: dict[str, float] = defaultdict(float)
    incidents: dict[str, int] = defaultdict(int)
    where: dict[str, set[int]] = defaultdict(set)
    value: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, str] = {}
    for row, categories in stores:
        store_value = sum(c.value_minor for c in categories)
        for cat in categories:
            key = cat.code or cat.label
            labels.setdefault(key, cat.label)
            incidents[key] += cat.incidents
            where[key].add(row.store.id)
            value[key][row.currency] += cat.value_minor
            if store_value:
                weight[key] += row.incidents * cat.value_minor / store_value
    scored = [((incidents[k] + weight[k]) / total, k) for k in incidents]
    scored.sort(key=lambda item: (-round(item[0], 9), -incidents[item[1]], labels[item[1]]))
    return tuple(
        ChainFix(rank=n, code=key, label=labels[key], incidents=incidents[key],
                 stores=len(where[key]), value=tuple(sorted(value[key].items())),
                 score=round(score, 3))
        for n, (score, key) in enumerate(scored[:TOP_FIXES], start=1))


def chain_for(ctx: Context, week: Week | str, by: int | None) -> ChainReport:
    """The chain report for a person: the owner only (docs/roles.md, ``chain_report``)."""
    roles.require(ctx, by, roles.CHAIN)
    return chain_report(ctx, week)


def save_chain_pdf(ctx: Context, report: ChainReport, path, by: int | None) -> None:
    """Write the chain PDF for the owner (the Reports screen): whole and 0600, or not at
    all (app.files)."""
    roles.require(ctx, by, roles.CHAIN)
    from app.files import atomic_private_output
    from app.pdf_chain import render_chain_pdf

    with atomic_private_output(path) as temporary:
        render_chain_pdf(report, temporary)


CSV_COLUMNS = ("section", "rank", "store_id", "store", "currency", "stores", "incidents",
               "cost", "cost_per_incident", "recovery_rate", "recovered", "followed_up",
               "came_back", "followups_on_time", "followups_due", "top_fix")


def csv_rows(report: ChainReport) -> list[tuple]:
    """One row per store (best first), one total per currency, and the chain's top fixes
    (one row per fix and currency). Amounts are decimals in the row's currency, rates
    fractions (0.8846); nothing is added across currencies."""
    from app.csvio import amount_text

    def rate(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    def per(cost: float | None, currency: str) -> str:
        return "" if cost is None else amount_text(round(cost), currency)

    rows: list[tuple] = []
    for s in report.stores:
        rows.append(("store", s.rank or "", s.store.id, s.store.name, s.currency, 1,
                     s.incidents, amount_text(s.value_minor, s.currency),
                     per(s.cost_per_incident, s.currency), rate(s.rate), s.recovered,
                     s.followed_up, s.came_back, s.on_time, s.due, s.top_fix or ""))
    for t in report.totals:
        rows.append(("total", "", "", "", t.currency, t.stores, t.incidents,
                     amount_text(t.value_minor, t.currency), per(t.cost_per_incident,
                                                                 t.currency),
                     rate(t.rate), t.recovered, t.followed_up, t.came_back, t.on_time, t.due,
                     ""))
    for f in report.fixes:
        for currency, value in f.value:
            rows.append(("fix", f.rank, "", "", currency, f.stores, f.incidents,
                         amount_text(value, currency), "", "", "", "", "", "", "", f.label))
    return rows


def write_chain_csv(report: ChainReport, target) -> None:
    import csv

    from app.csvio import ENCODING

    with open(target, "w", encoding=ENCODING, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(report))
