"""The floor for the weekly report process: reportlab building the same pages, bare.

    python bench/report_floor.py PAGES.json OUT.pdf

``PAGES.json`` holds the text of each page of the app's PDF (``pdftotext`` of it, made by
``bench.scaling``) and how many charts it drew. This process imports reportlab (not the
app), embeds the same DejaVu fonts, and lays out every line of every page as a platypus
Paragraph, one page after another, with as many bar-chart drawings (8 bars each) as the
app's PDF has: the same pages' text, fonts and charts, without the app's database, summary,
formatting or translations. What the app spends beyond this is its own. (The markup is
escaped with ``html.escape``, as the app does: ``xml.sax.saxutils``, which this floor used
before, costs ~30 ms of imports that neither needs; and reportlab's ``shapeChecking`` is off
from its import on, as in the app's report process.)
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"


def main(pages_json: str, out: str) -> int:
    from reportlab import rl_config

    rl_config.shapeChecking = 0  # as the app's report process (app.cli_reports._render_pdf)
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    spec = json.loads(Path(pages_json).read_text(encoding="utf-8"))
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=7, leading=8.4)
    head = ParagraphStyle("head", fontName="DejaVuSans-Bold", fontSize=9, leading=11)
    story: list = []
    charts = spec["charts"]
    for number, lines in enumerate(spec["pages"]):
        if number:
            story.append(PageBreak())
        for index, line in enumerate(lines):
            story.append(Paragraph(escape(line, quote=False), head if index == 0 else body))
        if charts:
            charts -= 1
            drawing = Drawing(400, 60)
            chart = VerticalBarChart()
            chart.x, chart.y, chart.width, chart.height = 20, 5, 360, 50
            chart.data = [[3, 5, 2, 8, 6, 4, 7, 5]]
            drawing.add(chart)
            story.append(drawing)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=36,
                            bottomMargin=36)
    doc.build(story)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
