"""The back office through the real widgets: PIN access, staff, categories, remedies,
rules, settings and the audit log — checked on screen and in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from app import admin, catalog, i18n, staff
from app.incidents import recent
from app.models import Severity
from tests.conftest import MANAGER_PIN, OWNER_PIN
from ui.backoffice.page import PinDialog

pytestmark = pytest.mark.gui


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.LeftButton)


def open_backoffice(qtbot, window, *pins: str) -> list[str]:
    """Tap "Back office", type each PIN on the pad; Cancel if the last one is refused.

    Returns the messages the pad showed for refused PINs.
    """
    queue, refused = list(pins), []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PinDialog)
        if not queue:
            click(qtbot, dialog.pad.cancel_button)
            return
        for digit in queue.pop(0):
            click(qtbot, dialog.pad.digit_buttons[digit])
        click(qtbot, dialog.pad.ok_button)
        if dialog.isVisible():
            refused.append(dialog.pad.message())
            QTimer.singleShot(0, answer)

    QTimer.singleShot(0, answer)
    click(qtbot, window.findChild(QPushButton, "nav_backoffice"))
    return refused


def show_tab(qtbot, window, name: str):
    """Tap the tab ``name`` (staff_tab, categories_tab…) of the back office; return it."""
    page = window.page("backoffice")
    tab = getattr(page, name)
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(page.index_of(tab)).center())
    assert page.current_tab() is tab
    return tab


def test_a_cashier_cannot_open_the_back_office(qtbot, window, ctx, people):
    admin.save_staff(ctx, people["Ingrid"], people["Sam"], name="Sam", role="cashier",
                     pin="5830", pin_confirm="5830")
    refused = open_backoffice(qtbot, window, "5830")
    assert "not a manager's or owner's PIN" in refused[0]
    assert window.current_page() == "counter"
    assert window.page("backoffice").session is None


def test_the_owner_opens_it_and_lock_goes_back_to_the_counter(qtbot, window):
    assert open_backoffice(qtbot, window, "1111", OWNER_PIN) == [
        "That PIN is not a manager's or owner's PIN. 4 tries left."]
    page = window.page("backoffice")
    assert window.current_page() == "backoffice"
    assert page.who_label.text() == "Back office · Ingrid (Owner)"
    assert page.tabs.isTabVisible(page.index_of(page.audit_tab))
    click(qtbot, page.lock_button)
    assert window.current_page() == "counter" and page.session is None
    assert open_backoffice(qtbot, window) == []          # asks again; Cancel
    assert window.current_page() == "counter"


def test_a_manager_edits_the_menu_but_not_staff_rules_or_settings(qtbot, window):
    open_backoffice(qtbot, window, MANAGER_PIN)
    page = window.page("backoffice")
    assert not page.tabs.isTabVisible(page.index_of(page.audit_tab))
    assert page.categories_tab.add_button.isEnabled()
    assert page.remedies_tab.save_button.isEnabled()
    assert not page.staff_tab.add_button.isVisibleTo(page)
    assert not page.staff_tab.name_edit.isEnabled()
    assert not page.settings_tab.form.inputs["store_name"].isEnabled()
    assert not page.rules_tab.form.inputs["undo_window_seconds"].isEnabled()
    assert not page.rules_tab.add_button.isVisibleTo(page)


def test_add_a_manager_with_a_pin_and_approve_a_comp_with_it(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "staff_tab")
    click(qtbot, tab.add_button)
    qtbot.keyClicks(tab.name_edit, "Lena")
    tab.role_box.setCurrentIndex(tab.role_box.findData("manager"))
    qtbot.keyClicks(tab.pin_edit, "2580")
    qtbot.keyClicks(tab.confirm_edit, "2580")
    click(qtbot, tab.save_button)

    lena = staff.find_by_name(ctx, "Lena")
    assert lena.role.value == "manager" and lena.has_pin
    shown = [[tab.table.item(r, c).text() for c in range(4)] for r in range(tab.table.rowCount())]
    assert ["Lena", "Manager", "PIN set", "Works here"] in shown
    assert "2580" not in str(shown) and tab.pin_edit.text() == ""

    # At the counter, a refund above its threshold asks for a PIN: Lena's approves it.
    click(qtbot, window.findChild(QPushButton, "nav_counter"))
    counter = window.page("counter")
    click(qtbot, counter.category_tile("cold_food"))
    click(qtbot, counter.remedy_step.tile_for("refund"))
    assert counter.step == "pin"
    for digit in "2580":
        click(qtbot, counter.pinpad.digit_buttons[digit])
    click(qtbot, counter.pinpad.ok_button)
    logged = recent(ctx, 1)[0]
    assert logged.category_label == "Cold food"
    assert logged.remedies[0].label == "Refund" and logged.remedies[0].approved_by == lena.id


def test_a_trivial_pin_is_refused_next_to_the_pin_field(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "staff_tab")
    click(qtbot, tab.add_button)
    qtbot.keyClicks(tab.name_edit, "Lena")
    qtbot.keyClicks(tab.pin_edit, "1234")
    qtbot.keyClicks(tab.confirm_edit, "1234")
    click(qtbot, tab.save_button)
    assert "too easy to guess" in tab.pin_field.error()
    assert "Lena" not in [m.name for m in staff.list_staff(ctx, include_inactive=True)]


def test_deactivating_someone_keeps_them_listed_as_former_staff(qtbot, window, ctx, people):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "staff_tab")
    tab.select(people["Sam"])
    click(qtbot, tab.active_check)
    click(qtbot, tab.save_button)
    assert not staff.get_staff(ctx, people["Sam"]).active
    row = [m.id for m in tab.members].index(people["Sam"])
    assert tab.table.item(row, 3).text() == "Former staff"


def test_a_new_category_appears_on_the_counter_without_a_restart(qtbot, window, ctx):
    open_backoffice(qtbot, window, MANAGER_PIN)
    tab = show_tab(qtbot, window, "categories_tab")
    assert [b.text() for b in (tab.add_button, tab.hide_button, tab.save_button)] == [
        "Add a category", "Hide", "Save"]
    assert [b.toolTip() for b in (tab.up_button, tab.down_button)] == ["Move up", "Move down"]
    click(qtbot, tab.add_button)
    qtbot.keyClicks(tab.label_edit, "Broken glass")
    tab.icon_picker.set_value("warning")
    qtbot.keyClicks(tab.apology_edit, "I'm so sorry, I'm clearing it away right now.")
    tab.severity_box.setCurrentIndex(tab.severity_box.findData("high"))
    click(qtbot, tab.save_button)

    added = catalog.categories(ctx)[-1]
    assert (added.label, added.icon, added.default_severity.value) == (
        "Broken glass", "warning", "high")
    assert tab.list.currentItem().text() == "Broken glass"
    counter = window.page("counter")
    assert counter.category_tiles()[-1].title() == "Broken glass"
    click(qtbot, window.findChild(QPushButton, "nav_counter"))
    assert window.current_page() == "counter"


def test_moving_and_hiding_a_category_changes_the_counter_tiles(qtbot, window, ctx):
    open_backoffice(qtbot, window, MANAGER_PIN)
    tab = show_tab(qtbot, window, "categories_tab")
    counter = window.page("counter")
    cold = catalog.category_by_code(ctx, "cold_food")
    tab.select(cold.id)
    click(qtbot, tab.up_button)
    assert counter.category_tiles()[0].title() == "Cold food"
    click(qtbot, tab.hide_button)
    assert "Cold food" not in [t.title() for t in counter.category_tiles()]
    assert tab.list.currentItem().text() == "Cold food (hidden)"
    assert tab.hide_button.text() == "Show again"


@pytest.mark.parametrize("label", ["", "COLD FOOD"])
def test_an_empty_or_duplicate_category_label_is_refused(qtbot, window, ctx, label):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "categories_tab")
    before = catalog.categories(ctx, include_hidden=True)
    click(qtbot, tab.add_button)
    qtbot.keyClicks(tab.label_edit, label)
    tab.icon_picker.set_value("other")
    qtbot.keyClicks(tab.apology_edit, "Sorry.")
    click(qtbot, tab.save_button)
    expected = "must not be empty" if not label else "already exists"
    assert expected in tab.label_field.error()
    assert "Not saved" in tab.message.text()
    assert catalog.categories(ctx, include_hidden=True) == before


def test_a_negative_approval_threshold_is_refused(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "remedies_tab")
    comp = catalog.remedy_by_code(ctx, "comp_item")
    tab.select(comp.id)
    assert tab.threshold_edit.text() == "250,00"
    tab.threshold_edit.clear()
    qtbot.keyClicks(tab.threshold_edit, "-5")
    click(qtbot, tab.save_button)
    assert "0 or more, like 12,50" in tab.threshold_field.error()
    assert catalog.get_remedy(ctx, comp.id) == comp


def test_remedy_value_is_typed_in_the_store_locale(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "remedies_tab")
    drink = catalog.remedy_by_code(ctx, "free_drink")
    tab.select(drink.id)
    tab.value_edit.clear()
    qtbot.keyClicks(tab.value_edit, "42,50")
    tab.threshold_edit.clear()
    qtbot.keyClicks(tab.threshold_edit, "100")
    click(qtbot, tab.save_button)
    changed = catalog.get_remedy(ctx, drink.id)
    assert (changed.value_minor, changed.approval_above_minor) == (4250, 10000)


def test_the_owner_adds_a_suggestion_rule(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    tab = show_tab(qtbot, window, "rules_tab")
    dirty = catalog.category_by_code(ctx, "dirty_table")
    voucher = catalog.remedy_by_code(ctx, "voucher")
    rows = tab.table.rowCount()
    tab.category_box.setCurrentIndex(tab.category_box.findData(dirty.id))
    tab.severity_box.setCurrentIndex(tab.severity_box.findData("high"))
    tab.remedy_box.setCurrentIndex(tab.remedy_box.findData(voucher.id))
    click(qtbot, tab.add_button)
    assert tab.table.rowCount() == rows + 1
    assert [tab.table.item(rows, c).text() for c in range(3)] == [
        "Dirty table", "Severe", "Voucher"]
    assert catalog.suggested_remedies(ctx, dirty.id, Severity.HIGH)[0] == voucher.id


def test_rule_windows_are_saved_and_bad_store_name_is_refused(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    page = window.page("backoffice")
    show_tab(qtbot, window, "rules_tab").form.inputs["undo_window_seconds"].setValue(120)
    click(qtbot, page.rules_tab.form.save_button)
    assert ctx.settings().undo_window_seconds == 120
    show_tab(qtbot, window, "settings_tab")
    name = page.settings_tab.form.inputs["store_name"]
    name.clear()
    page.settings_tab.form.inputs["guest_contact_retention_days"].setValue(30)
    click(qtbot, page.settings_tab.form.save_button)
    assert "Store name must not be empty" in page.settings_tab.form.fields["store_name"].error()
    assert ctx.settings().store_name == "Fjord Kafé"
    assert ctx.settings().guest_contact_retention_days == 365


def test_changing_the_language_switches_the_screens_without_restart(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    form = show_tab(qtbot, window, "settings_tab").form
    nav = window.findChild(QPushButton, "nav_counter")
    assert nav.text() == "Counter"
    language = form.inputs["language"]
    language.setCurrentIndex(language.findData("nb"))
    click(qtbot, form.save_button)
    assert ctx.settings().language == "nb" and i18n.language() == "nb"
    assert nav.text() != "Counter"


def test_opening_hours_per_weekday_are_saved(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    form = show_tab(qtbot, window, "settings_tab").form
    hours = form.inputs["opening_hours"]
    click(qtbot, hours.days["sun"])
    click(qtbot, form.save_button)
    assert ctx.settings().opening_hours["sun"] is None
    assert ctx.settings().opening_hours["sat"] == ["10:00", "22:00"]


def test_the_owner_reads_who_changed_what_in_the_audit_log(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    page = window.page("backoffice")
    show_tab(qtbot, window, "rules_tab").form.inputs["voucher_validity_days"].setValue(60)
    click(qtbot, page.rules_tab.form.save_button)
    show_tab(qtbot, window, "audit_tab")
    table = page.audit_tab.table
    first = table.item(0, 1).text()
    assert first == ("Ingrid changed the setting “Voucher validity (days)” from 90 to 60 "
                     "at 12:00.")
    assert table.item(0, 0).text() == "16. nov. 2026"
    sentences = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert "Ingrid opened the back office at 12:00." in sentences
    assert not any("_" in text or "None" in text for text in sentences)


def test_a_new_store_name_shows_in_the_title_bar_at_once(qtbot, window, ctx):
    open_backoffice(qtbot, window, OWNER_PIN)
    form = show_tab(qtbot, window, "settings_tab").form
    name = form.inputs["store_name"]
    name.selectAll()
    qtbot.keyClicks(name, "Fjord Bistro")
    click(qtbot, form.save_button)
    assert ctx.settings().store_name == "Fjord Bistro"
    assert "Fjord Bistro" in window.windowTitle()
    assert form.message.text() == "Saved."


def test_an_untouched_back_office_locks_itself_and_any_input_keeps_it_open(qtbot, window):
    from ui.backoffice.page import IDLE_LOCK_MS

    open_backoffice(qtbot, window, OWNER_PIN)
    page = window.page("backoffice")
    timer = page.idle_timer
    assert timer.isActive() and timer.isSingleShot() and timer.interval() == IDLE_LOCK_MS
    assert IDLE_LOCK_MS >= 60_000  # long enough to read a tab, short enough to matter
    tab = show_tab(qtbot, window, "staff_tab")
    timer.stop()
    qtbot.keyClick(tab, Qt.Key_Tab)  # someone is here
    assert timer.isActive()
    timer.timeout.emit()  # the time has run out (no real waiting)
    assert page.session is None and window.current_page() == "counter"
    assert page.who_label.text() == "Back office (locked)"
    assert not timer.isActive()
    qtbot.keyClick(window.page("counter"), Qt.Key_Escape)  # input at the counter now
    assert not timer.isActive()  # restarts nothing once locked
