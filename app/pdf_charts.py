"""Charts of the weekly summary (reportlab.graphics), and the embedded DejaVu fonts.

Each function returns a :class:`Drawing` that platypus places like a paragraph. The same
drawings can be rendered to SVG for the on-screen printout.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.i18n import _
from app.report_text import Formats
from app.summary import WeeklySummary

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"

INK = colors.HexColor("#1d2939")
MUTED = colors.HexColor("#667085")
RULE = colors.HexColor("#d0d5dd")
PANEL = colors.HexColor("#f2f4f7")
ACCENT = colors.HexColor("#0e7c74")
ACCENT_LIGHT = colors.HexColor("#b7dfdb")
GOOD = colors.HexColor("#067647")
BAD = colors.HexColor("#b42318")

CATEGORY_ROWS = 8


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) once; it covers Czech, Norwegian, Spanish
    and Dutch, and is embedded (subset) in every PDF."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 11, text, fontName=FONT_BOLD, fontSize=10,
                       fillColor=INK))


def _legend(drawing: Drawing, title: str) -> float:
    """This week / last week keys, right-aligned on the title line when they fit, else on
    a line of their own; returns the height the chart must give up."""
    items = ((ACCENT, _("This week")), (ACCENT_LIGHT, _("Last week")))
    widths = [18 + pdfmetrics.stringWidth(label, FONT, 7) for _c, label in items]
    x = drawing.width - sum(widths)
    y = drawing.height - 10
    lowered = x < pdfmetrics.stringWidth(title, FONT_BOLD, 10) + 10
    if lowered:
        x, y = 0, drawing.height - 24
    for (color, label), width in zip(items, widths, strict=True):
        drawing.add(Rect(x, y, 7, 7, fillColor=color, strokeColor=None))
        drawing.add(String(x + 10, y, label, fontName=FONT, fontSize=7, fillColor=MUTED))
        x += width
    return 14 if lowered else 0


def _step(top: int) -> int:
    """A round axis step giving at most ~5 grid lines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 5:
            return step
    return max(1, top // 5)


def _value_axis(axis, top: int) -> None:
    step = _step(max(top, 1))
    axis.valueMin = 0
    axis.valueMax = max(step, -(-max(top, 1) // step) * step)
    axis.valueStep = step
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.labels.fillColor = MUTED
    axis.strokeColor = RULE
    axis.visibleGrid = True
    axis.gridStrokeColor = RULE
    axis.gridStrokeWidth = 0.4


def _category_axis(axis) -> None:
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7.5
    axis.labels.fillColor = INK
    axis.strokeColor = RULE
    axis.visibleTicks = False


def category_bars(summary: WeeklySummary, width: float, height: float) -> Drawing:
    """Incidents by category: horizontal bars, this week beside last week."""
    drawing = Drawing(width, height)
    title = _("Incidents by category")
    _title(drawing, title)
    # Every category the table beside it lists: this week's and last week's.
    rows = [c for c in summary.categories if c.incidents or c.incidents_before]
    if not rows:
        return drawing
    lowered = _legend(drawing, title)
    labels = [_clip(c.label, 22) for c in reversed(rows)]
    label_size = 7.5 if len(rows) <= CATEGORY_ROWS else 6.5
    label_width = max(pdfmetrics.stringWidth(t, FONT, label_size) for t in labels) + 8
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 14
    chart.width, chart.height = width - label_width - 18, height - 36 - lowered
    chart.data = [[c.incidents_before for c in reversed(rows)],
                  [c.incidents for c in reversed(rows)]]
    chart.bars[0].fillColor, chart.bars[1].fillColor = ACCENT_LIGHT, ACCENT
    chart.bars.strokeColor = None
    chart.barSpacing, chart.groupSpacing = 0.5, 4
    chart.categoryAxis.categoryNames = labels
    _category_axis(chart.categoryAxis)
    chart.categoryAxis.labels.fontSize = label_size
    _value_axis(chart.valueAxis, max(max(c.incidents, c.incidents_before) for c in rows))
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.fillColor = INK
    chart.barLabelFormat = lambda v: str(int(v)) if v else ""
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    return drawing


def day_bars(summary: WeeklySummary, width: float, height: float) -> Drawing:
    """Incidents by day of the week (local days), this week beside last week."""
    fmt = Formats(summary)
    drawing = Drawing(width, height)
    title = _("Incidents by day")
    _title(drawing, title)
    lowered = _legend(drawing, title)
    chart = VerticalBarChart()
    chart.x, chart.y = 24, 24
    chart.width, chart.height = width - 30, height - 48 - lowered
    chart.data = [list(summary.last.by_day), list(summary.this.by_day)]
    chart.bars[0].fillColor, chart.bars[1].fillColor = ACCENT_LIGHT, ACCENT
    chart.bars.strokeColor = None
    chart.barSpacing, chart.groupSpacing = 0.5, 6
    chart.categoryAxis.categoryNames = [fmt.day_lines(d) for d in summary.days]
    _category_axis(chart.categoryAxis)
    _value_axis(chart.valueAxis, max(summary.this.by_day + summary.last.by_day))
    drawing.add(chart)
    return drawing


def hour_bars(summary: WeeklySummary, width: float, height: float) -> Drawing:
    """Incidents by hour of the day (local time), over the hours that saw any."""
    fmt = Formats(summary)
    drawing = Drawing(width, height)
    _title(drawing, _("Incidents by hour of the day"))
    busy = [h for h, n in enumerate(summary.this.by_hour) if n] or [12]
    first, last = max(0, min(busy) - 1), min(23, max(busy) + 1)
    hours = list(range(first, last + 1))
    chart = VerticalBarChart()
    chart.x, chart.y = 24, 16
    chart.width, chart.height = width - 30, height - 38
    chart.data = [[summary.this.by_hour[h] for h in hours]]
    chart.bars[0].fillColor = ACCENT
    chart.bars.strokeColor = None
    chart.groupSpacing = 3
    chart.categoryAxis.categoryNames = hour_labels([fmt.hour(h) for h in hours], hours,
                                                   chart.width / len(hours), HOUR_PT)
    _category_axis(chart.categoryAxis)
    chart.categoryAxis.labels.fontSize = HOUR_PT
    _value_axis(chart.valueAxis, max(summary.this.by_hour))
    drawing.add(chart)
    return drawing


HOUR_PT = 6.5


def hour_labels(labels: list[str], hours: list[int], slot: float, size: float) -> list[str]:
    """Every n-th hour's label (n = 1, 2, 3, 4, 6 or 12, on hours divisible by n), the
    smallest n whose labels do not touch: "00:0002:0004:00" never happens."""
    widest = max((pdfmetrics.stringWidth(t, FONT, size) for t in labels), default=0)
    step = next((n for n in (1, 2, 3, 4, 6, 12) if n * slot >= widest + 3), 24)
    return [label if hour % step == 0 else "" for label, hour in zip(labels, hours, strict=True)]


def recovery_line(summary: WeeklySummary, width: float, height: float) -> Drawing:
    """Recovery rate over the last 8 weeks; weeks without outcomes leave a gap."""
    fmt = Formats(summary)
    drawing = Drawing(width, height)
    _title(drawing, _("Recovery rate, last {n} weeks").format(n=len(summary.trend)))
    x0, y0 = 30, 18
    plot_w, plot_h = width - x0 - 14, height - y0 - 30
    n = len(summary.trend)
    for pct in (0, 25, 50, 75, 100):
        y = y0 + plot_h * pct / 100
        drawing.add(Line(x0, y, x0 + plot_w, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(x0 - 4, y - 2.5, fmt.percent(pct / 100), fontName=FONT,
                           fontSize=6.5, fillColor=MUTED, textAnchor="end"))

    def at(index: int, rate: float) -> tuple[float, float]:
        return x0 + plot_w * (index + 0.5) / n, y0 + plot_h * rate

    points = [(i, p.rate) for i, p in enumerate(summary.trend) if p.rate is not None]
    if len(points) > 1:
        plot = LinePlot()
        plot.x, plot.y, plot.width, plot.height = x0, y0, plot_w, plot_h
        plot.data = [[(i + 0.5, r) for i, r in points]]
        plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, n
        plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 1
        plot.xValueAxis.visible = plot.yValueAxis.visible = False
        plot.lines[0].strokeColor, plot.lines[0].strokeWidth = ACCENT, 1.6
        drawing.add(plot)
    for i, rate in points:
        x, y = at(i, rate)
        last = i == n - 1
        drawing.add(Circle(x, y, 2.6 if last else 1.8, fillColor=ACCENT,
                           strokeColor=colors.white, strokeWidth=0.6))
        drawing.add(String(x, y + 5, fmt.percent(rate), fontName=FONT_BOLD if last else FONT,
                           fontSize=7, fillColor=INK, textAnchor="middle"))
    for i, point in enumerate(summary.trend):
        x, _y = at(i, 0)
        label = _("W{number}").format(number=point.week.number)
        drawing.add(String(x, y0 - 10, label, fontName=FONT_BOLD if i == n - 1 else FONT,
                           fontSize=7, fillColor=INK if i == n - 1 else MUTED,
                           textAnchor="middle"))
    return drawing


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
