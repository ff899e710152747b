"""The weekly recovery summary as a printable PDF (reportlab platypus).

Page 1: the store, the week and the four headline numbers, the top three things to fix,
and the charts. Page 2 on: the tables (categories, staff, follow-ups and outcomes,
remedies, who to watch), the week's notes as typed, and the definitions. Every page has
"Page x of y" and the printed date. DejaVu Sans is embedded so names and notes in Czech,
Norwegian, Spanish or Dutch print as typed.
"""

from __future__ import annotations

import io
from html import escape as _html_escape
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _ReportlabParagraph

from app import pdf_charts as charts
from app.i18n import _, ngettext
from app.pdf_charts import ACCENT, BAD, FONT, FONT_BOLD, GOOD, INK, MUTED, PANEL, RULE
from app.report_text import (
    Formats,
    approvals_line,
    fix_detail,
    footnotes,
    glance,
    headlines,
    outcome_label,
    severity_label,
    trend_text,
)
from app.shape_checks import no_shape_checks as _no_shape_checks
from app.summary import WeeklySummary
from app.verify import Verdict

MARGIN = 16 * mm
TONES = {"good": GOOD, "bad": BAD, "neutral": MUTED}
GUESTS_SHOWN = 8


class Paragraph(_ReportlabParagraph):
    """reportlab's Paragraph, its lines broken once per width. A table asks each cell for
    its size several times (to size its rows, to split, to draw, and again for a table in
    a table), and reportlab breaks the lines anew at each ask (~2.7 times a cell in a
    weekly report); its ``wrap`` depends on the width alone, so the same width gives the
    same lines and size. The PDF is the same byte for byte (tests/test_process_floor3.py).
    """

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        last = self.__dict__.get("_wrapped")
        # (a split that found no room drops the lines: then they are broken again)
        if last is not None and last[0] == availWidth and "blPara" in self.__dict__:
            return last[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


def _style(name: str, size: float = 9, font: str = FONT, color=INK, leading: float | None = None,
           **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, textColor=color,
                          leading=leading or size * 1.3, **extra)


BODY = _style("body")
SMALL = _style("small", 7.5, color=MUTED)
KICKER = _style("kicker", 8, FONT_BOLD, ACCENT)
STORE = _style("store", 20, FONT_BOLD, leading=24)
WEEK = _style("week", 11, color=MUTED)
H2 = _style("h2", 12.5, FONT_BOLD, spaceBefore=10, spaceAfter=5)
CARD_LABEL = _style("card_label", 8, color=MUTED)
CARD_VALUE = _style("card_value", 18, FONT_BOLD, leading=22)
GLANCE_VALUE = _style("glance_value", 13, FONT_BOLD, leading=16)
FIX_TITLE = _style("fix_title", 11.5, FONT_BOLD)
FIX_RANK = _style("fix_rank", 20, FONT_BOLD, ACCENT, leading=22)
CELL = _style("cell", 8.5)
CELL_RIGHT = _style("cell_right", 8.5, alignment=TA_RIGHT)
HEAD = _style("head", 7.5, FONT_BOLD, MUTED)
HEAD_RIGHT = _style("head_right", 7.5, FONT_BOLD, MUTED, alignment=TA_RIGHT)
NOTE = _style("note", 8.5, leading=11.5)


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities for reportlab's paragraph markup: what
    ``xml.sax.saxutils.escape`` does, without the ~30 ms its import costs (it loads
    urllib.request, and with it http.client, email and ssl)."""
    return _html_escape(text, quote=False)


def page_size(locale: str):
    """Letter in the US and Canada, A4 everywhere else."""
    return LETTER if locale.split("_")[-1] in ("US", "CA") else A4


def render_pdf(summary: WeeklySummary, target: str | Path | BinaryIO,
               audit_verdict: Verdict | None = None, last_backup=None) -> None:
    """Write the summary's PDF to a path or a binary file object; ``audit_verdict`` (from
    ``app.verify.verify``) is printed in one line under every page's footer.
    ``last_backup`` (an ``app.backups.Backup`` or None) is named in the footer when given."""
    charts.register_fonts()
    size = page_size(summary.locale)
    fmt = Formats(summary)
    if isinstance(target, str | Path):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        target if not isinstance(target, Path) else str(target), pagesize=size,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 6 * mm,
        title=_("Weekly recovery summary — {store}, {week}").format(
            store=summary.store_name, week=fmt.week_title()),
        author=summary.store_name, creator="Comeback", invariant=True)
    width = size[0] - 2 * MARGIN - 12  # the frame pads 6 pt on each side
    with _no_shape_checks():
        story = _cover(summary, fmt, width)
        story += _empty(summary, fmt) if summary.empty else _report(summary, fmt, width)
        doc.build(story, canvasmaker=_numbered_canvas(summary, fmt, audit_verdict,
                                                      last_backup))




def pdf_bytes(summary: WeeklySummary, last_backup=None) -> bytes:
    buffer = io.BytesIO()
    render_pdf(summary, buffer, last_backup=last_backup)
    return buffer.getvalue()


def _numbered_canvas(summary: WeeklySummary, fmt: Formats,
                     audit_verdict: Verdict | None = None, last_backup=None):
    footer_left = _("{store} · {week}").format(store=summary.store_name, week=fmt.week_title())
    printed = _("Printed {when}").format(when=fmt.printed())
    if last_backup is not None:
        from app import formatting

        printed = _("{printed} · last backup {when}").format(
            printed=printed, when=formatting.short_datetime(
                last_backup.taken_at, summary.timezone, fmt.dates))

    class NumberedCanvas(pdf_canvas.Canvas):
        """Keeps every page until the end so each footer can say 'Page x of y'."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            y = MARGIN - 2 * mm
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, y + 10, width - MARGIN, y + 10)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, y, footer_left)
            self.drawCentredString(width / 2, y, printed)
            self.drawRightString(width - MARGIN, y, _("Page {page} of {pages}").format(
                page=number, pages=total))
            if audit_verdict:
                _audit_line(self, audit_verdict, width, y - 10)

    return NumberedCanvas


def _audit_line(canvas, verdict: Verdict, width: float, y: float) -> None:
    """The audit log's verdict under the footer: muted when intact, red when broken."""
    from app.verify import verdict_line

    line = verdict_line(verdict)
    canvas.setFont(FONT, 7)
    canvas.setFillColor(MUTED if verdict.intact else BAD)
    room = width - 2 * MARGIN
    while stringWidth(line, FONT, 7) > room and len(line) > 1:
        line = line[:-2] + "…"
    canvas.drawString(MARGIN, y, line)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped: names and notes may hold '<' or '&')."""
    return Paragraph(escape(text), style)


def font_color(color) -> str:
    """A colour for reportlab's paragraph markup, as ``rgb(r,g,b)``: the form it reads
    first (css). ``#rrggbb`` is tried as a Python expression twice (a parse each) before
    it is read as hex: ~0.1 ms a colour, 80 of them in a week with 40 notes. The same
    colour, the PDF the same byte for byte."""
    red, green, blue = (round(part * 255) for part in (color.red, color.green, color.blue))
    return f"rgb({red},{green},{blue})"


def _colored(text: str, color) -> str:
    return f'<font color="{font_color(color)}">{escape(text)}</font>'


def _cover(summary: WeeklySummary, fmt: Formats, width: float) -> list:
    story = [_p(_("WEEKLY RECOVERY SUMMARY"), KICKER), Spacer(1, 3),
             _p(summary.store_name, STORE),
             _p(_("{week} · {dates}").format(week=fmt.week_title(), dates=fmt.week_range()),
                WEEK)]
    if not summary.complete:
        story.append(_p(_("This week is not over yet: figures up to {when}.").format(
            when=fmt.printed()), SMALL))
    story.append(Spacer(1, 10))
    cards, gap = [], 6
    card_w = (width - 3 * gap) / 4
    for item in headlines(summary):
        cards.append([_p(item.label, CARD_LABEL), _p(item.value, _fitting(item.value, card_w)),
                      Paragraph(_colored(item.change, TONES[item.tone]), CARD_LABEL)])
    row = [cards[0], "", cards[1], "", cards[2], "", cards[3]]
    table = Table([row], colWidths=[card_w, gap] * 3 + [card_w])
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
             ("LEFTPADDING", (0, 0), (-1, -1), 9), ("RIGHTPADDING", (0, 0), (-1, -1), 6)]
    style += [("BACKGROUND", (c, 0), (c, 0), PANEL) for c in (0, 2, 4, 6)]
    style += [("LINEABOVE", (c, 0), (c, 0), 2, ACCENT) for c in (0, 2, 4, 6)]
    table.setStyle(TableStyle(style))
    story.append(table)
    return story


def _fitting(text: str, width: float) -> ParagraphStyle:
    """The card value style, shrunk until the figure fits on one line."""
    size = CARD_VALUE.fontSize
    while size > 10 and stringWidth(text, FONT_BOLD, size) > width - 16:
        size -= 1
    return _style(f"card_value_{size}", size, FONT_BOLD, leading=22)


def _empty(summary: WeeklySummary, fmt: Formats) -> list:
    lines = [_p(_("No incidents this week"), _style("empty", 22, FONT_BOLD, leading=28)),
             Spacer(1, 6),
             _p(_("Nothing went wrong for a guest between {dates}, or nothing was logged.")
                .format(dates=fmt.week_range()), WEEK)]
    if summary.last.incidents:
        lines.append(_p(ngettext("Last week there was {n} incident.",
                                 "Last week there were {n} incidents.",
                                 summary.last.incidents).format(n=summary.last.incidents),
                        WEEK))
    box = Table([[lines]], colWidths=[None])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PANEL),
                             ("LEFTPADDING", (0, 0), (-1, -1), 18),
                             ("TOPPADDING", (0, 0), (-1, -1), 22),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 24)]))
    return [Spacer(1, 28), box]


def _fixes(summary: WeeklySummary) -> list:
    story = [_p(_("What to fix first"), H2)]
    if not summary.fixes:
        return story
    rows = []
    for fix in summary.fixes:
        tone = {"up": BAD, "new": BAD, "down": GOOD}.get(fix.trend, MUTED)
        rows.append([_p(str(fix.rank), FIX_RANK), [
            Paragraph(f"{escape(fix.label)}&nbsp;&nbsp;"
                      f"<font size='8.5' name='{FONT}'>{_colored(trend_text(fix), tone)}"
                      "</font>", FIX_TITLE),
            _p(fix_detail(summary, fix), BODY)]])
    table = Table(rows, colWidths=[26, None])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE)]))
    story.append(table)
    return story


def _side_by_side(left, right, width: float, gap: float = 14) -> Table:
    half = (width - gap) / 2
    table = Table([[left, right]], colWidths=[half + gap, half])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _report(summary: WeeklySummary, fmt: Formats, width: float) -> list:
    half = (width - 14) / 2
    story = _fixes(summary)
    story += [Spacer(1, 10), _glance(summary, width), Spacer(1, 14),
              _side_by_side(charts.category_bars(summary, half, 180),
                            charts.day_bars(summary, half, 180), width),
              Spacer(1, 12),
              _side_by_side(charts.recovery_line(summary, half, 135),
                            charts.hour_bars(summary, half, 135), width),
              PageBreak()]
    story += _tables(summary, fmt, half, width)
    story += _notes(summary, fmt, width)
    story += [Spacer(1, 10)] + [_p(text, SMALL) for text in footnotes()]
    return story


def _glance(summary: WeeklySummary, width: float) -> Table:
    """A thin row of secondary figures under the improvement plan."""
    items = glance(summary)
    row = [[_p(item.label, CARD_LABEL), _p(item.value, GLANCE_VALUE), _p(item.change, SMALL)]
           for item in items]
    table = Table([row], colWidths=[width / len(items)] * len(items))
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
        ("LINEBEFORE", (1, 0), (-1, 0), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 7)]))
    return table


#: Cell and header type sizes to try, largest first, until a table's words and figures fit.
GRID_SIZES = ((8.5, 7.5), (7.5, 6.5), (6.5, 6.0))
GRID_PAD = 10  # left + right cell padding, and a gap between neighbouring figures


def _words(text: str) -> list[str]:
    """Where a line may break: plain spaces only (a no-break space joins "3 741 kr")."""
    return [w for w in text.split(" ") if w] or [""]


def _plain_text(cell) -> str:
    return cell.getPlainText() if isinstance(cell, Paragraph) else str(cell)


def grid_columns(head: list[str], rows: list[list], width: float, cell_pt: float,
                 head_pt: float) -> list[float] | None:
    """Column widths for a table whose headers may wrap between words but never inside
    one, and whose figures (amounts, percentages, counts) never wrap: each figure column
    is as wide as its whole header when there is room, else as its longest header word;
    the first (text) column takes the rest and wraps between words. None when even that
    does not fit ``width`` at these type sizes."""
    def text_w(text: str, font: str, size: float) -> float:
        return stringWidth(text, font, size)

    def word_w(text: str, font: str, size: float) -> float:
        return max(text_w(w, font, size) for w in _words(text))

    full, least = [], []
    for i in range(1, len(head)):
        cells = max([text_w(_plain_text(r[i]), FONT, cell_pt) for r in rows], default=0)
        full.append(max(text_w(head[i], FONT_BOLD, head_pt), cells) + GRID_PAD)
        least.append(max(word_w(head[i], FONT_BOLD, head_pt), cells) + GRID_PAD)
    first_least = max([word_w(head[0], FONT_BOLD, head_pt)]
                      + [word_w(_plain_text(r[0]), FONT, cell_pt) for r in rows]) + GRID_PAD
    first_least = max(first_least, width * 0.22)
    # The labels would like one line each (up to 45 % of the width): headers wrap first.
    first_want = max([text_w(_plain_text(r[0]), FONT, cell_pt) for r in rows], default=0)
    first_want = max(first_least, min(first_want + GRID_PAD, width * 0.45))
    for first in (first_want, first_least):
        room = width - first
        if sum(full) <= room:
            figures = full
            break
        if sum(least) <= room:
            share = (room - sum(least)) / (sum(full) - sum(least))
            figures = [lo + (hi - lo) * share for lo, hi in zip(least, full, strict=True)]
            break
    else:
        return None
    return [width - sum(figures), *figures]


def _grid_styles(cell_pt: float, head_pt: float) -> tuple[ParagraphStyle, ...]:
    """Cell, right-aligned cell, header and right-aligned header styles at these sizes; no
    word is ever split across lines (the columns are sized for them)."""
    cell = _style(f"cell{cell_pt}", cell_pt, splitLongWords=0)
    return (cell, _style(f"cellr{cell_pt}", cell_pt, alignment=TA_RIGHT, splitLongWords=0),
            _style(f"head{head_pt}", head_pt, FONT_BOLD, MUTED, splitLongWords=0),
            _style(f"headr{head_pt}", head_pt, FONT_BOLD, MUTED, alignment=TA_RIGHT,
                   splitLongWords=0))


def _grid(head: list[str], rows: list[list], width: float,
          flag_rows: tuple[int, ...] = ()) -> Table:
    """A plain data table: header, thin rules; the first column is text, the others are
    right-aligned figures. Columns are sized from the text (see :func:`grid_columns`); a
    table that does not fit is set a size smaller, so nothing is ever cut mid-word."""
    for cell_pt, head_pt in GRID_SIZES:
        widths = grid_columns(head, rows, width, cell_pt, head_pt)
        if widths is not None:
            break
    if widths is None:  # too many columns for the page: the smallest type, even shares
        widths = [width / len(head)] * len(head)
    cell, cell_right, head_style, head_right = _grid_styles(cell_pt, head_pt)
    cells = [[_p(h, head_right if i else head_style) for i, h in enumerate(head)]]
    for row in rows:
        cells.append([c if isinstance(c, Paragraph) else
                      _p(str(c), cell_right if i else cell) for i, c in enumerate(row)])
    table = Table(cells, colWidths=widths, repeatRows=1)
    style = [("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
             ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
             ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    style += [("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor("#fef3f2"))
              for r in flag_rows]
    table.setStyle(TableStyle(style))
    return table


def _section(title: str, *flowables) -> list:
    return [_p(title, H2), *flowables]


def _tables(summary: WeeklySummary, fmt: Formats, half: float, width: float) -> list:
    this, last = summary.this, summary.last
    total = this.incidents or 1
    cats = [[c.label, c.incidents, c.incidents_before, fmt.money_whole(c.value_minor),
             fmt.percent(c.incidents / total)] for c in summary.categories]
    by_category = _section(_("By category"), _grid(
        [_("Category"), _("Incidents"), _("Last week"), _("Remedies"), _("Share")], cats,
        half))
    staff = []
    for s in summary.staff:
        name = escape(s.name)
        if s.stands_out:
            name += "&nbsp; " + _colored(_("watch"), BAD)
        staff.append([Paragraph(name, CELL), s.incidents, s.comps,
                      fmt.money_whole(s.value_minor), fmt.money_whole(s.value_before)])
    by_staff = _section(_("By staff member"), _grid(
        [_("Staff"), _("Incidents"), _("Comps"), _("Value"), _("Last week")], staff,
        half,
        flag_rows=tuple(i for i, s in enumerate(summary.staff) if s.stands_out)))
    story = [_side_by_side(by_category, by_staff, width), Spacer(1, 8)]
    fu, fu_last = this.followups, last.followups
    follow = [[_("On time"), fu.on_time, fu_last.on_time], [_("Late"), fu.late, fu_last.late],
              [_("Missed"), fu.missed, fu_last.missed],
              [_("Escalated"), fu.escalated, fu_last.escalated],
              [_("Median minutes to the check"), _minutes(fmt, fu.median_minutes),
               _minutes(fmt, fu_last.median_minutes)]]
    if fu.open:
        follow.insert(3, [_("Still open"), fu.open, fu_last.open])
    o, o_last = this.outcomes, last.outcomes
    outcomes = [[outcome_label(code), getattr(o, code), getattr(o_last, code)]
                for code in ("delighted", "satisfied", "unhappy", "left")]
    outcomes.append([_("Recovery rate"), fmt.percent(o.rate), fmt.percent(o_last.rate)])
    story.append(_side_by_side(
        _section(_("Follow-ups"), _grid([_("Check-back"), _("This week"), _("Last week")],
                                        follow, half)),
        _section(_("Outcomes"), _grid([_("Guest"), _("This week"), _("Last week")],
                                      outcomes, half)), width))
    story.append(Spacer(1, 8))
    remedies = [[r.label, r.given, r.given_before, fmt.money_whole(r.value_minor)]
                for r in summary.remedies]
    remedies.append([_p(_("Total"), _style("total", 8.5, FONT_BOLD)), this.remedies_given,
                     last.remedies_given, fmt.money_whole(this.value_minor)])
    story.append(_side_by_side(
        _section(_("Remedies given"), _grid(
            [_("Remedy"), _("Given"), _("Last week"), _("Value")], remedies, half)),
        _watch(summary, fmt, half), width))
    from app.terminals import table  # "By counter", when the store has more than one

    head, rows = table(summary)
    if rows:
        story += [Spacer(1, 8), _side_by_side(
            _section(_("By counter"), _grid(head, rows, half)), [Spacer(1, 1)], width)]
    return story


def _minutes(fmt: Formats, value: float | None) -> str:
    return "–" if value is None else fmt.number(value)


def _watch(summary: WeeklySummary, fmt: Formats, width: float) -> list:
    this, last = summary.this, summary.last
    story = _section(_("Expect abuse: who to watch"), _p(
        _("Repeat guests: {n} (last week {before}). Severe incidents: {severe} "
          "(last week {severe_before}).").format(
            n=this.repeat_guests, before=last.repeat_guests, severe=this.severe,
            severe_before=last.severe), CELL), Spacer(1, 4))
    guests = [[g.name, g.comps, fmt.money_whole(g.value_minor)]
              for g in summary.guests_to_watch[:GUESTS_SHOWN]]
    if guests:
        story.append(_grid([_("Guest comped twice or more in 30 days"), _("Comps"),
                            _("Value")], guests, width))
        hidden = len(summary.guests_to_watch) - len(guests)
        if hidden > 0:
            story.append(_p(ngettext("…and {n} more guest.", "…and {n} more guests.", hidden)
                            .format(n=hidden), SMALL))
    else:
        story.append(_p(_("No guest was comped more than once in 30 days."), CELL))
    story.append(Spacer(1, 5))
    standing = [s for s in summary.staff if s.stands_out]
    for s in standing:
        story.append(_p(_("{name} gave {value} in {n} comps this week, well above the other "
                          "staff: worth a friendly look.").format(
            name=s.name, value=fmt.money_whole(s.value_minor), n=s.comps), CELL))
    if not standing:
        story.append(_p(_("No staff member's comps stand out this week."), CELL))
    story.append(_p(approvals_line(summary), CELL))
    return story


def _notes(summary: WeeklySummary, fmt: Formats, width: float) -> list:
    """The week's notes as typed, severe ones first: when and what on the left, the note
    and how it ended on the right."""
    if not summary.notes:
        return []
    rows = []
    for note in summary.notes:
        what = [note.category]
        if note.table_ref:
            what.append(_("table {table}").format(table=note.table_ref))
        if note.guest_name:
            what.append(note.guest_name)
        left = f"<b>{escape(fmt.moment(note.at))}</b><br/>{escape(' · '.join(what))}"
        if note.severity == "high":
            left += "<br/>" + _colored(severity_label(note.severity), BAD)
        ending = outcome_label(note.outcome)
        if note.outcome_note:
            ending = _("{outcome}: {note}").format(outcome=ending, note=note.outcome_note)
        right = (escape(note.note) + "<br/>" if note.note else "") + _colored(ending, MUTED)
        rows.append([Paragraph(left, NOTE), Paragraph(right, NOTE)])
    table = Table(rows, colWidths=[width * 0.32, width * 0.68])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story = [CondPageBreak(40 * mm), _p(_("Notes from the week"), H2), table]
    if summary.notes_left_out:
        story.append(_p(ngettext("…and {n} more note.", "…and {n} more notes.",
                                 summary.notes_left_out).format(n=summary.notes_left_out),
                        SMALL))
    return story
