"""Issue 16.7: in every language the summary PDF's tables keep each header word and each
figure whole (read back with pdftotext), the hour axis labels never touch, and the category
chart shows every category its table lists."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from app import demo, i18n, pdf, pdf_charts
from app.clock import FixedClock
from app.context import Context
from app.setup import init_store
from app.summary import weekly_summary
from app.weeks import Week
from db.connection import open_database
from tests.test_pdf_languages import STORES

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")
MADE = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)  # Tuesday of 2026-W48


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _whole(text: str, line: str) -> bool:
    """``text`` on ``line`` in one piece, bounded by spaces; pdftotext may drop the no-break
    space of "8 %" (it prints "8%"), so spaces inside ``text`` are optional."""
    chars = [c for c in _plain(text) if c != " "]
    pattern = r"(?<!\S)" + " ?".join(re.escape(c) for c in chars) + r"(?!\S)"
    return re.search(pattern, line) is not None


@pytest.fixture(params=sorted(STORES))
def busy_week(request):
    """Four weeks of demo history in a store of each language; the summary of 2026-W47."""
    language = request.param
    name, currency, locale, tz = STORES[language]
    db = open_database(None)
    ctx = Context(db=db, clock=FixedClock(MADE))
    init_store(ctx, store_name=name, preset="restaurant", currency=currency, locale=locale,
               language=language, timezone=tz, owner_name="Olga", owner_pin="860419",
               made_by=demo.DEMO_MADE_BY)
    demo.generate(ctx, weeks=4, seed=11, per_day=9)
    i18n.set_language(language)
    yield language, weekly_summary(ctx, Week.parse("2026-W47"))
    db.close()


@needs_poppler
def test_every_header_word_and_figure_comes_out_whole(busy_week, tmp_path, monkeypatch):
    language, summary = busy_week
    grids: list[tuple[list[str], list[list]]] = []
    real_grid = pdf._grid

    def spy(head, rows, width, flag_rows=()):
        grids.append((list(head), [list(r) for r in rows]))
        return real_grid(head, rows, width, flag_rows)

    monkeypatch.setattr(pdf, "_grid", spy)
    path = tmp_path / f"week-{language}.pdf"
    pdf.render_pdf(summary, path)
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True, encoding="utf-8").stdout
    # One line per line of the PDF: a word or figure cut by a line break is on two.
    lines = [_plain(line) for line in raw.splitlines()]
    assert len(grids) >= 4
    broken = []
    for head, rows in grids:
        for word in (w for h in head for w in _plain(h).split(" ")):
            if not any(_whole(word, line) for line in lines):
                broken.append(("header", word))
        for row in rows:
            for cell in row[1:]:
                if isinstance(cell, str | int) and not any(_whole(str(cell), line)
                                                           for line in lines):
                    broken.append(("figure", str(cell)))
    assert broken == [], f"{language}: cut in the PDF: {broken}"


def test_column_sizes_fit_whole_words_and_figures_or_go_a_size_smaller():
    pdf_charts.register_fonts()
    head = ["Kategorie", "Incidenty", "Minulý týden", "Kompenzace", "Podíl"]
    rows = [["Dlouhé čekání", 12, 9, "13 741 Kč", "27 %"]] * 3
    widths = pdf.grid_columns(head, rows, 250, 8.5, 7.5)
    if widths is None:
        widths = pdf.grid_columns(head, rows, 250, 7.5, 6.5)
    assert widths is not None and abs(sum(widths) - 250) < 0.01
    for i, width in enumerate(widths[1:], start=1):
        longest_word = max(stringWidth(w, pdf.FONT_BOLD, 7.5) for w in head[i].split())
        assert width >= min(longest_word, stringWidth(str(rows[0][i]), pdf.FONT, 8.5))


@pytest.mark.parametrize("language", sorted(STORES))
def test_hour_axis_labels_never_touch(language):
    pdf_charts.register_fonts()
    i18n.set_language(language)
    hours = list(range(24))
    labels = [f"{h:02d}:00" for h in hours]
    for width in (120, 250, 500):
        slot = width / len(hours)
        shown = pdf_charts.hour_labels(labels, hours, slot, pdf_charts.HOUR_PT)
        at = [i for i, label in enumerate(shown) if label]
        assert at, "no hour labelled at all"
        widest = max(stringWidth(label, pdf_charts.FONT, pdf_charts.HOUR_PT) for label in labels)
        assert all((b - a) * slot >= widest for a, b in zip(at, at[1:], strict=False))


def test_the_category_chart_shows_every_category_the_table_lists(busy_week):
    _language, summary = busy_week
    drawing = pdf_charts.category_bars(summary, 250, 180)
    chart = next(c for c in drawing.contents if hasattr(c, "categoryAxis"))
    listed = [c for c in summary.categories if c.incidents or c.incidents_before]
    assert len(chart.categoryAxis.categoryNames) == len(listed)
