"""The words and number formats of the chain report, shared by its PDF and the Reports
screen's chain view (so paper and screen say the same).

Numbers follow the report's store's locale; each amount is in its own store's currency
(``kr 1 590`` beside ``€ 240``) and amounts in different currencies are never added.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency

from app import formatting
from app.chain import ChainFix, ChainReport, CurrencyTotal, StoreWeek
from app.i18n import _, ngettext
from app.report_text import Formats, words_locale


class ChainFormats(Formats):
    """Week titles, percentages and numbers as the weekly summary's; money in any
    currency, in the report's locale."""

    def __init__(self, report: ChainReport) -> None:
        from app import i18n

        self.summary = report  # week, days, generated_at, timezone: what Formats reads
        self.locale = report.locale
        self.currency = None
        self.dates = words_locale(report.locale, i18n.language())

    def amount(self, minor: int | float, currency: str) -> str:
        """Rounded to whole units: 'kr 1 590', '€ 240' (in the report's locale)."""
        value = Decimal(minor).scaleb(-formatting.minor_digits(currency))
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
        return format_currency(value.quantize(Decimal(1), ROUND_HALF_UP), currency,
                               format=pattern.replace(".00", ""), locale=self.locale,
                               currency_digits=False)

    def per_incident(self, row: StoreWeek | CurrencyTotal) -> str:
        cost = row.cost_per_incident
        return "–" if cost is None else self.amount(cost, row.currency)

    def on_time(self, row: StoreWeek | CurrencyTotal) -> str:
        """'86 % (12 of 14)', '–' when nothing was due."""
        if not row.due:
            return "–"
        return _("{rate} ({n} of {due})").format(rate=self.percent(row.on_time_rate),
                                                 n=row.on_time, due=row.due)

    def fix_value(self, fix: ChainFix) -> str:
        """'kr 1 590 · € 240': one amount per currency, never added up."""
        return " · ".join(self.amount(v, c) for c, v in fix.value)


def title(report: ChainReport) -> str:
    n = len(report.stores)
    return ngettext("All stores: {n} store", "All stores: {n} stores", n).format(n=n)


def best_means() -> str:
    return _("Best = the highest recovery rate; at the same rate, the lower cost per "
             "incident (compared within one currency). Stores without a recorded outcome "
             "are not ranked.")


def standing(report: ChainReport, fmt: ChainFormats) -> list[tuple[str, str]]:
    """('best' or 'worst', its sentence) for the best and the worst store."""
    lines = []
    for key, row, words in (("best", report.best, _("Best: {store} — {rate} recovered, "
                                                    "{cost} per incident")),
                            ("worst", report.worst, _("Worst: {store} — {rate} recovered, "
                                                      "{cost} per incident"))):
        if row is not None:
            lines.append((key, words.format(store=row.store.name, rate=fmt.percent(row.rate),
                                            cost=fmt.per_incident(row))))
    return lines


def fix_detail(fix: ChainFix, fmt: ChainFormats) -> str:
    """'26 incidents in 4 stores, kr 1 590 · € 240 in remedies.'"""
    incidents = ngettext("{n} incident", "{n} incidents", fix.incidents).format(
        n=fix.incidents)
    stores = ngettext("{n} store", "{n} stores", fix.stores).format(n=fix.stores)
    return _("{incidents} in {stores}, {amount} in remedies.").format(
        incidents=incidents, stores=stores, amount=fmt.fix_value(fix))


def columns() -> list[str]:
    """The stores table's headings (PDF and screen)."""
    return [_("Store"), _("Rank"), _("Incidents"), _("Cost of remedies"),
            _("Cost per incident"), _("Recovery rate"), _("Guests who came back"),
            _("Follow-ups on time"), _("Top fix")]


def store_cells(row: StoreWeek, fmt: ChainFormats) -> list[str]:
    return [row.store.name, "–" if row.rank is None else str(row.rank),
            fmt.number(row.incidents), fmt.amount(row.value_minor, row.currency),
            fmt.per_incident(row), fmt.percent(row.rate), fmt.number(row.came_back),
            fmt.on_time(row), row.top_fix or "–"]


def total_cells(total: CurrencyTotal, fmt: ChainFormats) -> list[str]:
    stores = ngettext("{n} store", "{n} stores", total.stores).format(n=total.stores)
    return [_("Total in {currency} ({stores})").format(currency=total.currency,
                                                        stores=stores), "",
            fmt.number(total.incidents), fmt.amount(total.value_minor, total.currency),
            fmt.per_incident(total), fmt.percent(total.rate), fmt.number(total.came_back),
            fmt.on_time(total), ""]


def footnotes() -> tuple[str, ...]:
    return (
        _("Each store's figures are those of its own weekly summary: its week runs Monday "
          "to Sunday in its own time zone, and its amounts are in its own currency."),
        _("Money is never added across currencies: there is one total per currency."),
        _("The chain's top fixes: categories ranked by their share of the chain's incidents "
          "plus each store's share of its own remedy value, weighted by the store's "
          "incidents."),
    )
