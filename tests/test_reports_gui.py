"""The owner's Reports screen, driven through its real widgets (offscreen)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from app import incidents
from app.catalog import category_by_code, remedy_by_code
from app.models import Changes, RemedyRequest
from ui.controller import Controller
from ui.reports import ReportsPage

CZECH_NOTE = "Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


def pdf_text(path) -> str:
    """The PDF's words; NFKC undoes the ﬁ ligature Qt's shaper puts in "fix"."""
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(unicodedata.normalize("NFKC", text).split())


class Dialogs:
    """Stand-ins for QFileDialog and QPrintDialog: they answer what the test set."""

    def __init__(self) -> None:
        self.save_path: str | None = None
        self.printer: QPrinter | None = None
        self.asked: list[str] = []

    def ask_save_path(self, _parent, suggested: str) -> str | None:
        self.asked.append(suggested)
        return self.save_path

    def ask_printer(self, _parent) -> QPrinter | None:
        return self.printer


def manager_at(ctx) -> Controller:
    """A controller with manager Marco signed in (Reports need a manager or the owner)."""
    from app import staff

    controller = Controller(ctx)
    controller.set_current_staff(staff.find_by_name(ctx, "Marco"))
    return controller


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def page(qtbot, ctx, hand_built_week, dialogs):
    widget = ReportsPage(manager_at(ctx), ask_save_path=dialogs.ask_save_path,
                         ask_printer=dialogs.ask_printer)
    qtbot.addWidget(widget)
    widget.resize(1024, 708)
    widget.show()
    return widget


def plain(text: str) -> str:
    """Babel writes no-break spaces (kr 1 234); compare with plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def card_values(page) -> dict[str, str]:
    return {key: plain(card.value.text()) for key, card in page.cards.items()}


def test_opens_on_the_last_complete_week_with_its_key_numbers(page):
    assert "Week 47, 2026" in page.week_label.text()
    assert card_values(page) == {"incidents": "7", "cost": "615,00 kr", "recovery": "60 %",
                                 "came_back": "2"}
    assert page.cards["incidents"].change.text() == "▲ 4 vs last week (3)"
    assert page.cards["recovery"].change.property("tone") == "bad"


def test_shows_the_top_three_fixes_with_their_trend(page):
    rows = [(r.rank.text(), r.title.text(), r.trend.text()) for r in page.fix_rows]
    assert rows == [("1", "Long wait", "▲ from 1 last week"),
                    ("2", "Wrong order", "new this week"),
                    ("3", "Undercooked", "new this week")]
    assert plain(page.fix_rows[0].detail.text()).startswith("4 incidents, 170 kr in remedies")


def test_this_week_previous_and_date_picker_change_the_week(qtbot, page):
    qtbot.mouseClick(page.this_week_button, Qt.LeftButton)
    assert "Week 48, 2026" in page.week_label.text()
    assert card_values(page)["incidents"] == "0"
    assert page.empty_label.isVisible() and not page.fix_rows[0].isVisible()
    assert not page.next_button.isEnabled()
    qtbot.mouseClick(page.previous_button, Qt.LeftButton)
    assert card_values(page)["incidents"] == "7" and page.next_button.isEnabled()
    page.date_edit.setDate(QDate(2026, 11, 11))
    assert "Week 46, 2026" in page.week_label.text()
    assert card_values(page)["incidents"] == "3"
    qtbot.mouseClick(page.last_week_button, Qt.LeftButton)
    assert "Week 47, 2026" in page.week_label.text()


def test_figures_follow_new_incidents_while_the_page_is_shown(qtbot, ctx, page, people):
    qtbot.mouseClick(page.this_week_button, Qt.LeftButton)
    logged = incidents.log_incident(
        ctx, category_id=category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(remedy_by_code(ctx, "remake").id)], staff_id=people["Sam"])
    page.controller.announce(logged.changes)
    assert card_values(page)["incidents"] == "1"
    assert page.fix_rows[0].title.text() == "Cold food"


@needs_poppler
def test_save_pdf_writes_the_shown_week_where_the_owner_chose(qtbot, page, dialogs,
                                                              tmp_path):
    dialogs.save_path = str(tmp_path / "owner.pdf")
    qtbot.mouseClick(page.save_button, Qt.LeftButton)
    assert dialogs.asked[0].endswith("summary-2026-W47.pdf")
    text = pdf_text(tmp_path / "owner.pdf")
    assert CZECH_NOTE in text and "Long wait" in text and "615,00 kr" in text
    assert "Saved" in page.status.text()


def test_cancelled_save_writes_nothing(qtbot, page, dialogs, tmp_path):
    qtbot.mouseClick(page.save_button, Qt.LeftButton)
    assert dialogs.asked and list(tmp_path.iterdir()) == [] and page.status.text() == ""


@needs_poppler
def test_print_sends_the_same_figures_to_the_printer(qtbot, page, dialogs, tmp_path):
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialogs.printer = printer
    qtbot.mouseClick(page.print_button, Qt.LeftButton)
    text = pdf_text(tmp_path / "printed.pdf")
    for expected in ("Fjord Kafé", "615,00 kr", "60 %", "What to fix first", "Long wait",
                     "Kari Nordmann", CZECH_NOTE):
        assert expected in text
    assert page.status.text() == "Sent to the printer."


def test_cancelled_print_prints_nothing(qtbot, page, dialogs):
    qtbot.mouseClick(page.print_button, Qt.LeftButton)
    assert page.status.text() == ""


def test_the_main_window_has_a_reports_page(qtbot, ctx, hand_built_week):
    from app import staff
    from ui.app import build_main_window

    window = build_main_window(ctx)
    window.controller.set_current_staff(staff.find_by_name(ctx, "Marco"))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.mouseClick(window.findChild(QPushButton, "nav_reports"), Qt.LeftButton)
    assert window.current_page() == "reports"
    assert window.page("reports").cards["incidents"].value.text() == "7"
    assert window.height() <= 768


def test_the_page_waits_until_shown_before_computing(ctx, hand_built_week, qtbot):
    hidden = ReportsPage(manager_at(ctx))
    qtbot.addWidget(hidden)
    assert hidden.summary is None
    hand_built_week.set(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    hidden.show()
    assert hidden.summary is not None and hidden.summary.week.number == 47


def test_the_week_picker_calendar_follows_the_store_formats(qtbot, ctx, page):
    from PySide6.QtCore import QLocale

    from app import settings

    calendar = page.date_edit.calendarWidget()
    assert page.date_edit.locale().name() == "nb_NO"  # the ctx store's locale
    assert calendar.firstDayOfWeek() == Qt.Monday
    assert calendar.locale().monthName(1) == QLocale("nb_NO").monthName(1) == "januar"
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"locale": "cs_CZ"})
    page.controller.announce(Changes(settings=True))
    assert page.date_edit.locale().name() == "cs_CZ"
    assert page.date_edit.calendarWidget().locale().standaloneMonthName(1) == "leden"
