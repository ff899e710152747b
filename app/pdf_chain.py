"""The chain report as a PDF (reportlab platypus), landscape so every store fits one row.

Page 1: the week, the best and the worst store (and what "best" means), the totals per
currency, the chain's top three fixes; then every store side by side, best first, and the
definitions. Each store's own weekly PDF (app.pdf) stays as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

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
    GRID_SIZES,
    H2,
    KICKER,
    MARGIN,
    SMALL,
    STORE,
    WEEK,
    _grid_styles,
    _numbered_canvas,
    _p,
    escape,
    font_color,
    grid_columns,
    page_size,
)
from app.pdf_charts import BAD, FONT, FONT_BOLD, GOOD, INK, RULE

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
        story.append(Paragraph(f'<font color="{font_color(color)}">{escape(line)}</font>',
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
    """Every store, then the totals: headers wrap between words, figures are plain strings
    (a Paragraph per cell would cost a second for 50 stores); the columns are sized as the
    weekly PDF's tables are (``app.pdf.grid_columns``)."""
    head = columns()
    rows = [store_cells(row, fmt) for row in report.stores]
    rows += [total_cells(total, fmt) for total in report.totals]
    for cell_pt, head_pt in GRID_SIZES:
        widths = grid_columns(head, rows, width - 8, cell_pt, head_pt)
        if widths is not None:
            break
    if widths is None:
        widths = [(width - 8) / len(head)] * len(head)
    widths[-1] += 8
    _cell, _right, head_style, head_right = _grid_styles(cell_pt, head_pt)
    last = len(head) - 1
    cells = [[_p(h, head_style if i in (0, last) else head_right) for i, h in enumerate(head)]]
    cells += rows
    table = Table(cells, colWidths=widths, repeatRows=1)
    stores, first_total = report.stores, len(report.stores) + 1
    style = [("FONT", (0, 1), (-1, -1), FONT, cell_pt),
             ("FONT", (0, first_total), (-1, -1), FONT_BOLD, cell_pt),
             ("ALIGN", (1, 1), (-2, -1), "RIGHT"),
             ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
             ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
             ("LINEABOVE", (0, first_total), (-1, first_total), 0.8, INK),
             ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
             ("LEFTPADDING", (-1, 0), (-1, -1), 10)]  # the top fix, apart from the figures
    if report.best is not None:
        style.append(("BACKGROUND", (0, 1), (-1, 1), BEST_TINT))
    if report.worst is not None:
        at = stores.index(report.worst) + 1
        style.append(("BACKGROUND", (0, at), (-1, at), WORST_TINT))
    table.setStyle(TableStyle(style))
    return table
