"""What ``comeback followups`` no longer loads (issue 13, process floors): Babel's whole
locale data and its global data, when the store's locale is one of app.locale_data's."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.sqlite_only


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_followups_formats_times_and_amounts_without_babel_s_whole_data(tmp_path, monkeypatch):
    # Logged at midday and listed five minutes later, on a fixed clock in both processes:
    # after the store's closing time the follow-up would be listed as left open at closing.
    from app.clock import SystemClock

    logged = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(SystemClock, "now", lambda self: logged)
    path = tmp_path / "store.db"
    cli_init_store(path)
    assert main(["log", "--db", str(path), "--category", "cold_food", "--remedy", "remake",
                 "--remedy", "free_dessert:45", "--table", "7"]) == 0
    out = _run(f"import sys\nfrom datetime import datetime, timezone\n"
               f"from app.clock import SystemClock\n"
               f"SystemClock.now = lambda self: datetime(2026, 11, 24, 11, 5, tzinfo=timezone.utc)"
               f"\n"
               f"from app.cli import main\n"
               f"assert main(['followups', '--db', {str(path)!r}]) == 0\n"
               f"from babel import core, localedata\n"
               f"print('loaded:', sorted(localedata._cache), core._global_data is not None)")
    assert "Open follow-ups: 1" in out
    assert "Table 7 — Cold food · Remake (120,00\xa0kr) + Free dessert (45,00\xa0kr)" in out
    assert out.splitlines()[-1] == "loaded: [] False"


def test_the_report_s_paragraphs_break_their_lines_once_per_width(monkeypatch):
    """app.pdf.Paragraph gives the same PDF, byte for byte, as reportlab's own, in every
    language (tables in tables, notes that wrap), and breaks each cell's lines once."""
    from reportlab.platypus import Paragraph as ReportlabParagraph

    from app import demo, i18n, pdf
    from app.clock import FixedClock
    from app.context import Context
    from app.setup import init_store
    from app.summary import weekly_summary
    from app.weeks import Week
    from db.connection import open_database
    from tests.test_pdf_languages import STORES
    from tests.test_pdf_tables_whole import MADE

    broken = []
    original = ReportlabParagraph.breakLines

    def counted(self, widths):
        broken.append(self)
        return original(self, widths)

    monkeypatch.setattr(ReportlabParagraph, "breakLines", counted)
    for language, (name, currency, locale, tz) in sorted(STORES.items()):
        db = open_database(None)
        ctx = Context(db=db, clock=FixedClock(MADE))
        init_store(ctx, store_name=name, preset="restaurant", currency=currency,
                   locale=locale, language=language, timezone=tz, owner_name="Olga",
                   owner_pin="860419", made_by=demo.DEMO_MADE_BY)
        demo.generate(ctx, weeks=4, seed=11, per_day=9)
        i18n.set_language(language)
        summary = weekly_summary(ctx, Week.parse("2026-W47"))
        broken.clear()
        ours = pdf.pdf_bytes(summary)
        once = len(broken)
        assert once == len(set(map(id, broken)))  # each paragraph's lines broken once
        with monkeypatch.context() as plain:
            plain.setattr(pdf.Paragraph, "wrap", ReportlabParagraph.wrap)
            broken.clear()
            theirs = pdf.pdf_bytes(summary)
        assert len(broken) > once  # reportlab alone breaks them again at each ask
        assert ours == theirs, language
        db.close()
    i18n.set_language("en")


def test_a_paragraph_whose_split_found_no_room_breaks_its_lines_again():
    from reportlab.pdfgen.canvas import Canvas

    from app import pdf

    paragraph = pdf.Paragraph(" ".join(["Kald mat til bord sju"] * 12), pdf.BODY)
    width, height = paragraph.wrap(120, 800)
    assert paragraph.wrap(120, 800) == (width, height)
    assert paragraph.split(120, 5) == []  # no room for two lines: reportlab drops them
    assert paragraph.wrap(120, 800) == (width, height)
    paragraph.drawOn(Canvas(None), 0, 0)  # the lines are there to draw
