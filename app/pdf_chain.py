"""The chain report as a PDF (reportlab platypus), landscape so every store fits one row.

Page 1: the week, the best and the worst store (and what "best" means), the totals per
currency, the chain's top three fixes; then every store side by side, best first, and the
definitions. Each store's own weekly PDF (app.pdf) stays as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import pdf_charts as charts
from app.chain import ChainReport
from app.chain_text import (
    ChainFormats,
    best_means,
    columns,
    fix_detail,
    footnotes,
    standing,
    store_cells,
    title,
    total_cells,
)
from app.i18n import _
from app.pdf import (
    BODY,
    FIX_RANK,
    FIX_TITLE,
    H2,
    KICKER,
    MARGIN,
    SMALL,
    STORE,
    WEEK,
    _grid,
    _numbered_canvas,
    _p,
    page_size,
)
from app.pdf_charts import BAD, GOOD, RULE

BEST_TINT, WORST_TINT = colors.HexColor("#eef8f1"), colors.HexColor("#fef3f2")


def render_chain_pdf(report: ChainReport, target: str | Path | BinaryIO) -> None:
    """Write the chain report's PDF to a path or a binary file object."""
    charts.register_fonts()
    size = landscape(page_size(report.locale))
    fmt = ChainFormats(report)
    if isinstance(target, str | Path):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        target if not isinstance(target, Path) else str(target), pagesize=size,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 6 * mm,
        title=_("Chain summary — {week}").format(week=fmt.week_title()),
        author=report.chain_name, creator="Comeback", invariant=True)
    width = size[0] - 2 * MARGIN - 12
    story = [_p(_("CHAIN SUMMARY"), KICKER), Spacer(1, 3), _p(title(report), STORE),
             _p(_("{week} · {dates}").format(week=fmt.week_title(), dates=fmt.week_range()),
                WEEK), Spacer(1, 6)]
    for key, line in standing(report, fmt):
        color = GOOD if key == "best" else BAD
        story.append(Paragraph(f'<font color="#{color.hexval()[2:]}">{escape(line)}</font>',
                               FIX_TITLE))
    story += [_p(best_means(), SMALL), Spacer(1, 4)]
    story += _fixes(report, fmt)
    story += [_p(_("Every store"), H2), _stores(report, fmt, width), Spacer(1, 10)]
    story += [_p(text, SMALL) for text in footnotes()]
    # The footer names the chain and the week on every page (the store PDF's canvas).
    doc.build(story, canvasmaker=_numbered_canvas(_FooterFacts(report), fmt))


class _FooterFacts:
    """What ``app.pdf._numbered_canvas`` reads of a summary, for the chain's footer."""

    def __init__(self, report: ChainReport) -> None:
        self.store_name = title(report)
        self.timezone = report.timezone
        self.generated_at = report.generated_at


def _fixes(report: ChainReport, fmt: ChainFormats) -> list:
    story = [_p(_("The chain's top three fixes"), H2)]
    if not report.fixes:
        return [*story, _p(_("No incidents this week"), BODY)]
    rows = [[_p(str(fix.rank), FIX_RANK), [_p(fix.label, FIX_TITLE),
                                          _p(fix_detail(fix, fmt), BODY)]]
            for fix in report.fixes]
    table = Table(rows, colWidths=[26, None])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE)]))
    story.append(table)
    return story


def _stores(report: ChainReport, fmt: ChainFormats, width: float) -> Table:
    rows = [store_cells(row, fmt) for row in report.stores]
    rows += [total_cells(total, fmt) for total in report.totals]
    table = _grid(columns(), rows, width)
    style = []
    stores = report.stores
    if report.best is not None:
        style.append(("BACKGROUND", (0, 1), (-1, 1), BEST_TINT))
    if report.worst is not None:
        at = stores.index(report.worst) + 1
        style.append(("BACKGROUND", (0, at), (-1, at), WORST_TINT))
    first_total = len(stores) + 1
    style.append(("LINEABOVE", (0, first_total), (-1, first_total), 0.8, colors.black))
    table.setStyle(TableStyle(style))
    return table
