"""A language switch re-translates or clears every message on screen: nothing stays in
the old language (the counter's status line, the details panel, Reports, first run)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import i18n
from tests.test_first_run import _fill, setup_page  # noqa: F401 (fixture)
from tests.test_reports_gui import Dialogs

pytestmark = pytest.mark.gui


def test_the_undone_line_follows_a_switch_to_czech(qtbot, window):
    page = window.page("counter")
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()
    page.confirm_bar.undo_button.click()
    assert page.status().startswith("Undone: Cold food")
    window.controller.set_language("cs")
    assert page.status() and not page.status().startswith("Undone")
    assert page.status() == i18n._("Undone: {category} is not counted anywhere.").format(
        category=i18n._("Cold food"))


def test_an_error_line_is_cleared_by_a_switch(qtbot, window):
    page = window.page("counter")
    page.set_status("This incident was undone; it cannot be changed.", "error")
    window.controller.set_language("nb")
    assert page.status() == "" and not page.status_label.isVisible()


def test_details_saved_goes_away_when_the_language_changes(qtbot, window):
    window.controller.set_language("nb")
    page = window.page("counter")
    page.category_tile("cold_food").click()
    page.remedy_step.tile_for("remake").click()
    page.details_toggle.click()
    page.details.table_edit.setText("4")
    page.save_details()
    assert page.details.message() == "Detaljene er lagret."
    window.controller.set_language("en")
    assert page.details.message() == ""


def test_saved_pdf_line_on_reports_follows_the_switch(qtbot, window, ctx, tmp_path):
    from app import staff

    window.controller.set_current_staff(staff.find_by_name(ctx, "Marco"))  # Reports: a manager
    reports = window.page("reports")
    dialogs = Dialogs()
    dialogs.save_path = str(tmp_path / "week.pdf")
    reports._ask_save_path = dialogs.ask_save_path
    window.show_page("reports")
    reports.save_pdf()
    assert reports.status.text().startswith("Saved ")
    window.controller.set_language("cs")
    assert reports.status.text() == i18n._("Saved {path}").format(path=dialogs.save_path)
    assert not reports.status.text().startswith("Saved ")


def test_a_first_run_refusal_is_cleared_by_picking_another_language(qtbot, setup_page):  # noqa: F811
    setup_page.language.setCurrentIndex(setup_page.language.findData("en"))
    _fill(qtbot, setup_page, pin="1234")
    qtbot.mouseClick(setup_page.start_button, Qt.LeftButton)
    errors = [f.error() for f in setup_page.errors.fields.values() if f.error()]
    assert errors
    setup_page.language.setCurrentIndex(setup_page.language.findData("cs"))
    assert [f.error() for f in setup_page.errors.fields.values() if f.error()] == []
    assert setup_page.errors.message.text() == ""
