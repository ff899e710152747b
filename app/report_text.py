"""The wording and number formats of the weekly summary, shared by the PDF, the printout
and the Reports screen, so paper and screen always say the same thing.

Money goes through :func:`app.formatting.money`; percentages, week ranges and hours use
Babel with the store's locale, as :mod:`app.plain_formats` gives them for the locales of
its file without importing Babel (importing it and loading its data was ~5 % of the weekly
report's process); anything it does not hold is Babel's own. Every sentence goes through
``_``/``ngettext``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import NamedTuple

from app import formatting, i18n, plain_formats
from app.i18n import _, ngettext
from app.models import Outcome, Severity
from app.summary import Fix, WeeklySummary

UP, DOWN = "▲", "▼"


class Headline(NamedTuple):
    """One big number with its change against last week.

    ``tone`` is 'good', 'bad' or 'neutral': more incidents is bad, more guests won back
    is good.
    """

    key: str
    label: str
    value: str
    change: str
    tone: str


def words_locale(locale: str, language: str) -> str:
    """The locale for dates that hold words (weekdays, months) inside translated text.

    Numbers and money follow the store's locale; but an English summary for a store with
    Norwegian formats should say "Monday", not "mandag": the language's own variant for
    the store's country (en_NO) when CLDR has one, else the bare language.
    """
    from app.locale_data import plain

    entry = plain(locale) if isinstance(locale, str) else None
    if entry is not None and "components" in entry:
        store_language, territory = entry["components"]
    else:
        store = formatting.babel_locale(locale)
        store_language, territory = store.language, store.territory
    if store_language == language:
        return locale
    regional = f"{language}_{territory}" if territory else language
    if plain(regional) is not None:  # a locale of the plain file is one of Babel's
        return regional
    from babel import localedata

    return regional if localedata.exists(regional) else language


class Formats:
    """Numbers and money in one summary's currency and locale; dates in its words."""

    def __init__(self, summary: WeeklySummary) -> None:
        self.summary = summary
        self.locale = summary.locale
        self.currency = summary.currency
        self.dates = words_locale(summary.locale, i18n.language())

    # Babel's Locale of each, parsed once per process (given a name, Babel parses it again
    # at every call); properties, so that a subclass setting ``locale`` and ``dates`` alone
    # (app.chain_text) gets them too.
    @property
    def _numbers(self):
        return formatting.babel_locale(self.locale)

    @property
    def _words(self):
        return formatting.babel_locale(self.dates)

    def money(self, minor: int) -> str:
        return formatting.money(minor, self.currency, self.locale)

    def money_whole(self, minor: int) -> str:
        """Rounded to whole units for tables: 'kr 1 590', '€ 1.590'."""
        digits = formatting.minor_digits(self.currency)
        if isinstance(minor, int) and minor >= 0:  # (Babel keeps a sign on "-0")
            unit = 10 ** digits
            text = plain_formats.money((minor + unit // 2) // unit, 0, self.currency,
                                       self.locale)  # half up, as ROUND_HALF_UP
            if text is not None:
                return text
        from decimal import ROUND_HALF_UP, Decimal

        from babel.numbers import format_currency

        value = Decimal(minor).scaleb(-digits)
        return format_currency(value.quantize(Decimal(1), ROUND_HALF_UP), self.currency,
                               format=_whole_units(self.locale), locale=self._numbers,
                               currency_digits=False)

    def number(self, value: float) -> str:
        text = plain_formats.decimal(value, self.locale)
        if text is not None:
            return text
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self._numbers)

    def percent(self, rate: float | None) -> str:
        if rate is None:
            return "–"
        text = plain_formats.percent(rate, self.locale)
        if text is not None:
            return text
        from babel.numbers import format_percent

        return format_percent(rate, locale=self._numbers)

    def week_title(self) -> str:
        return _("Week {number}, {year}").format(number=self.summary.week.number,
                                                 year=self.summary.week.year)

    def week_range(self) -> str:
        days = self.summary.days
        text = plain_formats.interval(days[0], days[-1], self.dates)
        if text is not None:
            return text
        from babel.dates import format_interval

        return format_interval(days[0], days[-1], "yMMMd", locale=self._words)

    def _skeleton(self, skeleton: str, day: date) -> str:
        """``format_skeleton(skeleton, day)`` in the words' locale."""
        text = plain_formats.pattern(skeleton, day, self.dates)
        if text is not None:
            return text
        from babel.dates import format_skeleton

        return format_skeleton(skeleton, day, locale=self._words)

    def _short_time(self, when: datetime | time) -> str:
        text = plain_formats.short_time(when, self.dates)
        if text is not None:
            return text
        from babel.dates import format_time

        return format_time(when, format="short", locale=self._words)

    def day(self, day: date) -> str:
        """Short weekday and day of month: 'man. 16.', 'Mon 16'."""
        return self._skeleton("Ed", day)

    def day_lines(self, day: date) -> str:
        """Weekday over day of month, for chart axes."""
        return "\n".join((self._skeleton("E", day), self._skeleton("d", day)))

    def weekday(self, index: int) -> str:
        day = self.summary.days[index]
        text = plain_formats.pattern("pattern:EEEE", day, self.dates)
        if text is not None:
            return text
        return formatting.weekday_name(day, self._words, "wide")

    def hour(self, hour: int) -> str:
        return self._short_time(time(hour, 0))

    def moment(self, when: datetime) -> str:
        day = self._skeleton("MMMEd", when.date())
        return _("{day}, {time}").format(day=day, time=self._short_time(when.time()))

    def printed(self) -> str:
        text = plain_formats.short_datetime(formatting.local_time(
            self.summary.generated_at, self.summary.timezone), self.dates)
        if text is not None:
            return text
        return formatting.short_datetime(self.summary.generated_at, self.summary.timezone,
                                         self._words)


_WHOLE: dict[str, object] = {}


def _whole_units(locale: str):
    """The locale's currency pattern without decimals, parsed by Babel once per process
    (parsing it at every call cost ~1 ms)."""
    found = _WHOLE.get(locale)
    if found is None:
        from babel.numbers import parse_pattern

        pattern = formatting.babel_locale(locale).currency_formats["standard"].pattern
        found = _WHOLE[locale] = parse_pattern(pattern.replace(".00", ""))
    return found


def _count_change(now: int, before: int) -> str:
    if now == before:
        return _("same as last week")
    arrow = UP if now > before else DOWN
    return _("{arrow} {n} vs last week ({before})").format(arrow=arrow, n=abs(now - before),
                                                           before=before)


def _tone(now: float | None, before: float | None, higher_is_good: bool) -> str:
    if now is None or before is None or now == before:
        return "neutral"
    return "good" if (now > before) == higher_is_good else "bad"


def headlines(summary: WeeklySummary) -> tuple[Headline, ...]:
    """Incidents, cost of recovery, recovery rate and guests who came back."""
    fmt = Formats(summary)
    this, last = summary.this, summary.last
    if this.value_minor == last.value_minor:
        cost_change = _("same as last week")
    else:
        cost_change = _("{arrow} {amount} vs last week").format(
            arrow=UP if this.value_minor > last.value_minor else DOWN,
            amount=fmt.money_whole(abs(this.value_minor - last.value_minor)))
    rate, rate_before = this.outcomes.rate, last.outcomes.rate
    if rate is None or rate_before is None:
        rate_change = _("last week: {rate}").format(rate=fmt.percent(rate_before))
    elif round(rate * 100) == round(rate_before * 100):
        rate_change = _("same as last week")
    else:
        points = abs(round(rate * 100) - round(rate_before * 100))
        rate_change = ngettext("{arrow} {n} point vs last week",
                               "{arrow} {n} points vs last week", points).format(
            arrow=UP if rate > rate_before else DOWN, n=points)
    return (
        Headline("incidents", _("Incidents"), fmt.number(this.incidents),
                 _count_change(this.incidents, last.incidents),
                 _tone(this.incidents, last.incidents, higher_is_good=False)),
        Headline("cost", _("Cost of remedies"), fmt.money(this.value_minor), cost_change,
                 _tone(this.value_minor, last.value_minor, higher_is_good=False)),
        Headline("recovery", _("Recovery rate"), fmt.percent(rate), rate_change,
                 _tone(rate, rate_before, higher_is_good=True)),
        Headline("came_back", _("Guests who came back"), fmt.number(this.came_back),
                 _count_change(this.came_back, last.came_back),
                 _tone(this.came_back, last.came_back, higher_is_good=True)),
    )


def glance(summary: WeeklySummary) -> tuple[Headline, ...]:
    """The second row of figures: follow-ups, minutes to the check, repeat and severe
    incidents, who to watch (tone is 'neutral': context, not a verdict)."""
    fmt = Formats(summary)
    this, last = summary.this, summary.last
    fu = this.followups
    checked = fu.on_time + fu.late + fu.missed
    minutes = fu.median_minutes
    before = last.followups.median_minutes
    return (
        Headline("on_time", _("On-time checks"),
                 fmt.percent(fu.on_time / checked if checked else None),
                 _("{late} late, {missed} missed").format(late=fu.late, missed=fu.missed),
                 "neutral"),
        Headline("minutes", _("Minutes to the check"),
                 "–" if minutes is None else fmt.number(minutes),
                 _("last week: {minutes}").format(
                     minutes="–" if before is None else fmt.number(before)), "neutral"),
        Headline("repeat", _("Repeat guests"), fmt.number(this.repeat_guests),
                 _count_change(this.repeat_guests, last.repeat_guests), "neutral"),
        Headline("severe", _("Severe incidents"), fmt.number(this.severe),
                 _count_change(this.severe, last.severe), "neutral"),
        Headline("watch", _("To watch"), fmt.number(this.guests_to_watch
                                                    + this.staff_to_watch),
                 _("{guests} guests, {staff} staff").format(
                     guests=this.guests_to_watch, staff=this.staff_to_watch), "neutral"),
    )


def trend_text(fix: Fix) -> str:
    if fix.trend == "new":
        return _("new this week")
    if fix.trend == "same":
        return _("same as last week ({n})").format(n=fix.incidents_before)
    return _("{arrow} from {n} last week").format(arrow=UP if fix.trend == "up" else DOWN,
                                                  n=fix.incidents_before)


def fix_detail(summary: WeeklySummary, fix: Fix) -> str:
    """'26 incidents, kr 1 590,00 in remedies; most often on Wednesday around 12:00.'"""
    fmt = Formats(summary)
    incidents = ngettext("{n} incident", "{n} incidents", fix.incidents).format(
        n=fix.incidents)
    return _("{incidents}, {amount} in remedies; most often on {weekday} around {hour}.")\
        .format(incidents=incidents, amount=fmt.money_whole(fix.value_minor),
                weekday=fmt.weekday(fix.peak_weekday), hour=fmt.hour(fix.peak_hour))


def outcome_label(code: str | None) -> str:
    return Outcome(code).label() if code else _("no outcome recorded")


def severity_label(code: str) -> str:
    return Severity(code).label()


def footnotes() -> tuple[str, ...]:
    """The definitions behind the figures, printed at the end of the PDF."""
    return (
        _("Weeks run Monday to Sunday in the store's time zone. Undone incidents are not "
          "counted."),
        _("On time: the first check-back was recorded within the escalation grace after it "
          "was first due. Missed: marked missed at closing or still open when the week "
          "ended."),
        _("Recovery rate: delighted and satisfied guests out of all guests with a recorded "
          "outcome (the latest outcome of each incident)."),
        _("Guests who came back: vouchers redeemed during this week, whenever they were "
          "handed out."),
        _("Guests to watch: comped more than once in 30 days. Staff to watch: comp value "
          "above 1.5 times the staff median, with at least 3 comps."),
        _("Top things to fix: score = share of the week's incidents + share of the week's "
          "remedy value."),
    )


def approvals_line(summary: WeeklySummary) -> str:
    """"Approved by" beside "given by": who approved how much this week, in one line."""
    if not summary.approvers:
        return _("Approved by: no approvals this week.")
    fmt = Formats(summary)
    return _("Approved by: {list}").format(list=", ".join(
        ngettext("{name} {value} ({n} remedy)", "{name} {value} ({n} remedies)", a.approvals)
        .format(name=a.name, value=fmt.money_whole(a.value_minor), n=a.approvals)
        for a in summary.approvers))
