"""Every setting declared in app.settings is shown in the back office and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from app import settings, staff, store_admin
from ui.backoffice import BackOfficePage
from ui.controller import Controller

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
NAMES = [spec.name for spec in settings.SETTINGS]


def _table_in_doc() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- settings-table:start -->\n(.*?)<!-- settings-table:end -->", text,
                      re.S)
    assert match, "docs/settings.md lost its settings-table markers"
    return match.group(1)


def test_the_settings_table_in_the_docs_is_generated_from_the_declaration():
    assert _table_in_doc() == store_admin.settings_markdown(), (
        "docs/settings.md is out of date: run `python -m app.store_admin` and paste the "
        "table between the markers")


@pytest.mark.parametrize("name", NAMES)
def test_each_setting_is_documented_with_its_help(name):
    spec = settings.BY_NAME[name]
    row = next(line for line in _table_in_doc().splitlines() if f"`{name}`" in line)
    assert spec.title_text in row and spec.help_text in row


@pytest.fixture
def page(qtbot, ctx):
    widget = BackOfficePage(Controller(ctx))
    qtbot.addWidget(widget)
    widget.unlock(staff.find_by_name(ctx, "Ingrid"))
    return widget


@pytest.mark.gui
@pytest.mark.parametrize("name", NAMES)
def test_each_setting_is_shown_with_its_title_and_help(page, name):
    spec = settings.BY_NAME[name]
    shown = page.findChild(QWidget, f"setting_{name}")
    assert shown is not None, f"{name} is not shown in the back office"
    tabs = (page.settings_tab, page.rules_tab, page.backups_tab, page.printer_tab)
    assert any(tab.isAncestorOf(shown) for tab in tabs)
    form = next(tab.form for tab in tabs if name in tab.form.fields)
    field = form.fields[name]
    assert field.label.text() == spec.title() and field.help_label.text() == spec.help()


@pytest.mark.gui
def test_each_setting_is_shown_exactly_once(page):
    on_screen = [name for tab in (page.settings_tab, page.rules_tab, page.backups_tab,
                                  page.printer_tab)
                 for name in tab.form.fields]
    assert sorted(on_screen) == sorted(NAMES)
