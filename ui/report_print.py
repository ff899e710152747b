"""Printing the weekly summary: QPrintDialog, then a QTextDocument laid out for paper.

Why not the PDF itself: PySide6-Essentials has no QtPdf, so the PDF's pages cannot be
drawn on a QPrinter without another library or a system tool. Instead the same figures,
words (:mod:`app.report_text`) and charts (:mod:`app.pdf_charts`, rendered to SVG and
drawn by QtSvg with the bundled DejaVu Sans) are laid out as a rich-text document, which
Qt paginates and prints on any printer the dialog offers.
"""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QByteArray, QMarginsF, Qt, QUrl
from PySide6.QtGui import QFontDatabase, QImage, QPageLayout, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QDialog, QWidget

from app.i18n import _
from app.report_text import (
    Formats,
    approvals_line,
    fix_detail,
    footnotes,
    headlines,
    outcome_label,
    trend_text,
)
from app.summary import WeeklySummary

CHART_SCALE = 4  # chart pixels per point: sharp at 300 dpi
COLOURS = {"good": "#067647", "bad": "#b42318", "neutral": "#667085"}
_fonts_loaded = False


def ask_printer(parent: QWidget) -> QPrinter | None:
    """The system print dialog; None when cancelled."""
    printer = QPrinter(QPrinter.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the weekly summary"))
    return printer if dialog.exec() == QDialog.Accepted else None


def print_summary(summary: WeeklySummary, printer: QPrinter) -> None:
    """Lay the summary out for ``printer``'s page and print it."""
    printer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Millimeter)
    summary_document(summary).print_(printer)  # Qt paginates and numbers the pages


def summary_document(summary: WeeklySummary) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultStyleSheet(CSS)
    font = document.defaultFont()
    font.setFamily("DejaVu Sans")
    document.setDefaultFont(font)
    if not summary.empty:
        for name, image in _charts(summary).items():
            document.addResource(QTextDocument.ImageResource, QUrl(f"chart://{name}"), image)
    document.setHtml(summary_html(summary))
    return document


CSS = """
h1 { font-size: 20pt; margin: 0; }
h2 { font-size: 13pt; margin-top: 14px; margin-bottom: 4px; }
.kicker { color: #0e7c74; font-size: 8pt; font-weight: bold; }
.muted { color: #667085; }
.value { font-size: 14pt; font-weight: bold; }
.small { font-size: 7.5pt; color: #667085; }
td { padding: 3px 5px; }
th { color: #667085; font-size: 8pt; text-align: left; padding: 3px 5px;
     border-bottom: 1px solid #1d2939; }
.num { text-align: right; }
"""


def summary_html(summary: WeeklySummary) -> str:
    """The printout as HTML (Qt's rich-text subset); every text escaped."""
    fmt = Formats(summary)
    out = [f"<p class='kicker'>{escape(_('WEEKLY RECOVERY SUMMARY'))}</p>",
           f"<h1>{escape(summary.store_name)}</h1>",
           "<p class='muted'>{}</p>".format(escape(_("{week} · {dates}").format(
               week=fmt.week_title(), dates=fmt.week_range())))]
    cells = "".join(
        f"<td width='25%' bgcolor='#f2f4f7'><span class='muted'>{escape(h.label)}</span><br/>"
        f"<span class='value'>{escape(h.value)}</span><br/>"
        f"<span style='color:{COLOURS[h.tone]}'>{escape(h.change)}</span></td>"
        for h in headlines(summary))
    out.append(f"<table width='100%' cellspacing='6'><tr>{cells}</tr></table>")
    if summary.empty:
        out.append(f"<h1 style='margin-top:30px'>{escape(_('No incidents this week'))}</h1>")
        return "".join(out)
    out.append(f"<h2>{escape(_('What to fix first'))}</h2><table width='100%'>")
    for fix in summary.fixes:
        tone = {"up": "bad", "new": "bad", "down": "good"}.get(fix.trend, "neutral")
        out.append(
            f"<tr><td width='30'><span style='font-size:18pt;color:#0e7c74'><b>{fix.rank}"
            f"</b></span></td><td><b>{escape(fix.label)}</b> &nbsp;<span style='color:"
            f"{COLOURS[tone]}'>{escape(trend_text(fix))}</span><br/>"
            f"{escape(fix_detail(summary, fix))}</td></tr>")
    out.append("</table>")
    out.append("<table width='100%'><tr><td><img src='chart://category' width='250'/></td>"
               "<td><img src='chart://day' width='250'/></td></tr>"
               "<tr><td><img src='chart://trend' width='250'/></td>"
               "<td><img src='chart://hour' width='250'/></td></tr></table>")
    out += _tables(summary, fmt)
    out += [f"<p class='small'>{escape(text)}</p>" for text in footnotes()]
    return "".join(out)


def _table(head: list[str], rows: list[list]) -> str:
    top = "".join(f"<th{' class=num' if i else ''}>{escape(h)}</th>"
                  for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(f"<td{' class=num' if i else ''}>{escape(str(c))}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table width='100%' cellspacing='0'><tr>{top}</tr>{body}</table>"


def _tables(summary: WeeklySummary, fmt: Formats) -> list[str]:
    this, last = summary.this, summary.last
    total = this.incidents or 1
    out = [f"<h2 style='page-break-before: always'>{escape(_('By category'))}</h2>", _table(
        [_("Category"), _("Incidents"), _("Last week"), _("Remedies"), _("Share")],
        [[c.label, c.incidents, c.incidents_before, fmt.money_whole(c.value_minor),
          fmt.percent(c.incidents / total)] for c in summary.categories])]
    out += [f"<h2>{escape(_('By staff member'))}</h2>", _table(
        [_("Staff"), _("Incidents"), _("Comps"), _("Value"), _("Last week"), ""],
        [[s.name, s.incidents, s.comps, fmt.money_whole(s.value_minor),
          fmt.money_whole(s.value_before), _("watch") if s.stands_out else ""]
         for s in summary.staff])]
    out.append(f"<p>{escape(approvals_line(summary))}</p>")
    fu, o = this.followups, this.outcomes
    out += [f"<h2>{escape(_('Follow-ups'))}</h2>", _table(
        [_("Check-back"), _("This week"), _("Last week")],
        [[_("On time"), fu.on_time, last.followups.on_time],
         [_("Late"), fu.late, last.followups.late],
         [_("Missed"), fu.missed, last.followups.missed],
         [_("Escalated"), fu.escalated, last.followups.escalated]])]
    out += [f"<h2>{escape(_('Outcomes'))}</h2>", _table(
        [_("Guest"), _("This week"), _("Last week")],
        [[outcome_label(k), getattr(o, k), getattr(last.outcomes, k)]
         for k in ("delighted", "satisfied", "unhappy", "left")]
        + [[_("Recovery rate"), fmt.percent(o.rate), fmt.percent(last.outcomes.rate)]])]
    if summary.guests_to_watch:
        out += [f"<h2>{escape(_('Expect abuse: who to watch'))}</h2>", _table(
            [_("Guest comped twice or more in 30 days"), _("Comps"), _("Value")],
            [[g.name, g.comps, fmt.money_whole(g.value_minor)]
             for g in summary.guests_to_watch])]
    if summary.notes:
        out.append(f"<h2>{escape(_('Notes from the week'))}</h2>")
        for note in summary.notes:
            ending = outcome_label(note.outcome)
            if note.outcome_note:
                ending = _("{outcome}: {note}").format(outcome=ending, note=note.outcome_note)
            text = f"{escape(note.note)}<br/>" if note.note else ""
            out.append(f"<p><b>{escape(fmt.moment(note.at))} · {escape(note.category)}</b>"
                       f"<br/>{text}<span class='muted'>{escape(ending)}</span></p>")
    return out


def _charts(summary: WeeklySummary) -> dict[str, QImage]:
    from reportlab.graphics import renderSVG

    from app import pdf_charts

    _load_fonts()
    pdf_charts.register_fonts()
    drawings = {"category": pdf_charts.category_bars(summary, 250, 200),
                "day": pdf_charts.day_bars(summary, 250, 200),
                "trend": pdf_charts.recovery_line(summary, 250, 160),
                "hour": pdf_charts.hour_bars(summary, 250, 160)}
    images = {}
    for name, drawing in drawings.items():
        # QtSvg (SVG Tiny) ignores <clipPath> and would paint its rectangle black.
        svg = re.sub(r"<clipPath.*?</clipPath>", "", renderSVG.drawToString(drawing),
                     flags=re.S)
        svg = svg.replace("font-family: DejaVuSans-Bold;",
                          "font-family: 'DejaVu Sans'; font-weight: bold;")
        svg = svg.replace("font-family: DejaVuSans;", "font-family: 'DejaVu Sans';")
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        image = QImage(int(drawing.width * CHART_SCALE), int(drawing.height * CHART_SCALE),
                       QImage.Format_ARGB32)
        image.fill(Qt.white)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        images[name] = image
    return images


def _load_fonts() -> None:
    """Make the bundled DejaVu Sans known to Qt (the charts' SVG names it)."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    from app.pdf_charts import FONT_DIR

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        QFontDatabase.addApplicationFont(str(FONT_DIR / name))
    _fonts_loaded = True
