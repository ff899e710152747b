"""Issue 16.6: the note stops at its limit, unsaved remedy edits are not lost silently, the
voucher field shows its whole example in every language, a refusal keeps Save on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import catalog
from app.incidents import NOTE_MAX
from tests.conftest import OWNER_PIN
from tests.test_backoffice import click, open_backoffice, show_tab

pytestmark = pytest.mark.gui


def test_the_note_stops_at_its_limit_and_says_what_is_left(qtbot, window):
    page = window.page("counter")
    page.details_toggle.click()
    note = page.details.note_edit
    note.insertPlainText("x" * 490)
    assert page.details.note_left_label.text() == "10 characters left"
    note.insertPlainText("y" * 10_000)  # a paste far over the limit
    assert len(note.toPlainText()) == NOTE_MAX
    assert page.details.note_left_label.text() == "0 characters left"
    qtbot.keyClicks(note, "zz")
    assert len(note.toPlainText()) == NOTE_MAX


def test_unsaved_remedy_edits_ask_before_another_remedy_is_opened(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "remedies_tab")
    asked: list[str] = []
    answers = ["cancel", "save"]

    def ask(_parent, name):
        asked.append(name)
        return answers.pop(0)

    tab.ask_unsaved = ask
    drink = catalog.remedy_by_code(ctx, "free_drink")
    dessert = catalog.remedy_by_code(ctx, "free_dessert")
    tab.select(drink.id)
    assert asked == []  # nothing edited yet: no question
    tab.value_edit.clear()
    qtbot.keyClicks(tab.value_edit, "42,50")
    tab.select(dessert.id)  # answered Cancel: stays on the drink, edit kept
    assert asked == ["Free drink"]
    assert tab.editing.id == drink.id and tab.value_edit.text() == "42,50"
    assert tab.list.currentRow() == [i.id for i in tab.items].index(drink.id)
    tab.select(dessert.id)  # answered Save
    assert catalog.get_remedy(ctx, drink.id).value_minor == 4250
    assert tab.editing.id == dessert.id


def test_discarding_unsaved_edits_leaves_the_remedy_as_it_was(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "remedies_tab")
    tab.ask_unsaved = lambda _parent, _name: "discard"
    drink = catalog.remedy_by_code(ctx, "free_drink")
    before = catalog.get_remedy(ctx, drink.id).value_minor
    tab.select(drink.id)
    tab.value_edit.clear()
    qtbot.keyClicks(tab.value_edit, "99")
    tab.new_item()
    assert tab.editing is None
    assert catalog.get_remedy(ctx, drink.id).value_minor == before


@pytest.mark.parametrize("language", ["en", "nb", "es", "nl", "cs"])
def test_the_voucher_fields_example_is_whole_in_every_language(qtbot, window, language):
    window.controller.set_language(language)
    window.show_page("followups")
    qtbot.wait(0)
    edit = window.page("followups").voucher.code_edit
    text = edit.placeholderText()
    assert "K7M-3QX" in text
    room = edit.contentsRect().width() - edit.textMargins().left() - edit.textMargins().right()
    assert edit.fontMetrics().horizontalAdvance(text) <= room - 8, (text, room)
    assert window.size().toTuple() == (1024, 768), "the field made the window wider"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_time_zone_refusal_keeps_save_on_screen(qtbot, window, language):
    window.controller.set_language(language)
    open_backoffice(qtbot, window, OWNER_PIN)
    form = show_tab(qtbot, window, "settings_tab").form
    box = form.inputs["timezone"]
    box.setEditText("Mars/Olympus_Mons")
    click(qtbot, form.save_button)
    qtbot.wait(0)
    assert "Europe/" in form.fields["timezone"].error()
    top_left = form.save_button.mapTo(window, form.save_button.rect().topLeft())
    bottom = top_left.y() + form.save_button.height()
    assert form.save_button.isVisible() and top_left.y() >= 0 and bottom <= window.height()
    assert window.size().toTuple() == (1024, 768)
    assert Qt  # (keys and buttons as the user uses them)
