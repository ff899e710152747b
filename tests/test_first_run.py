"""First run: a short setup page, then a working counter — driven through the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app import catalog, i18n, staff
from app.setup import is_initialised
from ui.app import build_main_window
from ui.first_run import FirstRunSetup, show_first_run

pytestmark = pytest.mark.gui


@pytest.fixture
def setup_page(qtbot, bare_ctx):
    page = FirstRunSetup(bare_ctx, timezone_guess="Europe/Oslo")
    qtbot.addWidget(page)
    page.resize(1024, 768)
    page.show()
    return page


def type_text(qtbot, edit, text: str) -> None:
    """Type like a keyboard; QTest cannot send non-ASCII keys, so those are inserted."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:
            edit.insert(char)


def _fill(qtbot, page, *, store="Fjord Kafé", owner="Ingrid", pin="4821", again=None):
    page.store_name.clear()
    type_text(qtbot, page.store_name, store)
    page.owner_name.clear()
    qtbot.keyClicks(page.owner_name, owner)
    page.pin.clear()
    qtbot.keyClicks(page.pin, pin)
    page.pin_confirm.clear()
    qtbot.keyClicks(page.pin_confirm, pin if again is None else again)


def test_time_zone_guess_fills_currency_language_and_zone(setup_page):
    assert setup_page.timezone.currentText() == "Europe/Oslo"
    assert setup_page.currency.currentText() == "NOK"
    assert setup_page.language.currentData() == "nb"


def test_first_run_walks_to_a_working_counter(qtbot, setup_page, bare_ctx):
    english = setup_page.language.findData("en")
    setup_page.language.setCurrentIndex(english)
    _fill(qtbot, setup_page)
    qtbot.mouseClick(setup_page.preset_buttons["retail"], Qt.LeftButton)
    qtbot.mouseClick(setup_page.hours_button, Qt.LeftButton)
    qtbot.mouseClick(setup_page.hours.days["sun"], Qt.LeftButton)   # closed on Sundays
    with qtbot.waitSignal(setup_page.completed) as done:
        qtbot.mouseClick(setup_page.start_button, Qt.LeftButton)
    assert done.args[0].catalog and done.args[0].staff

    assert is_initialised(bare_ctx)
    settings = bare_ctx.settings()
    assert (settings.store_name, settings.preset, settings.currency, settings.locale,
            settings.language, settings.timezone) == (
        "Fjord Kafé", "retail", "NOK", "en_NO", "en", "Europe/Oslo")
    assert settings.opening_hours["sun"] is None
    assert settings.opening_hours["mon"] == ["10:00", "22:00"]
    owner = staff.find_by_name(bare_ctx, "Ingrid")
    assert owner.role.value == "owner" and staff.verify_pin(bare_ctx, owner.id, "4821")

    window = build_main_window(bare_ctx)
    qtbot.addWidget(window)
    counter = window.page("counter")
    assert window.current_page() == "counter"
    titles = [tile.title() for tile in counter.category_tiles()]
    assert titles == [c.label for c in catalog.categories(bare_ctx)] and len(titles) >= 8


@pytest.mark.parametrize("fill, field, message", [
    ({"pin": "1111"}, "pin", "too easy to guess"),
    ({"pin": "1234"}, "pin", "too easy to guess"),
    ({"pin": "48"}, "pin", "4 to 8 digits"),
    ({"again": "4822"}, "pin_confirm", "The two PINs differ"),
    ({"store": ""}, "store_name", "Store name must not be empty"),
    ({"owner": "  "}, "owner_name", "Name must not be empty"),
])
def test_first_run_refuses_bad_input_next_to_the_field_and_creates_nothing(
        qtbot, setup_page, bare_ctx, fill, field, message):
    setup_page.language.setCurrentIndex(setup_page.language.findData("en"))
    _fill(qtbot, setup_page, **fill)
    with qtbot.assertNotEmitted(setup_page.completed):
        qtbot.mouseClick(setup_page.start_button, Qt.LeftButton)
    assert message in setup_page.errors.fields[field].error()
    assert setup_page.errors.fields[field].error_label.isVisibleTo(setup_page)
    assert not is_initialised(bare_ctx)


def test_picking_a_language_rewords_the_setup_at_once(qtbot, setup_page):
    setup_page.language.setCurrentIndex(setup_page.language.findData("en"))
    assert setup_page.start_button.text() == "Open the counter"
    assert setup_page.hours.days["mon"].text() == "Monday"
    setup_page.language.setCurrentIndex(setup_page.language.findData("cs"))
    assert i18n.language() == "cs"
    assert setup_page.hours.days["mon"].text() == "pondělí"


def test_show_first_run_opens_the_counter_when_done(qtbot, bare_ctx):
    opened = []
    page = show_first_run(bare_ctx, opened.append, timezone_guess="Europe/London")
    qtbot.addWidget(page)
    _fill(qtbot, page, store="Corner Shop", owner="Alex", pin="2580")
    qtbot.mouseClick(page.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(opened))
    assert not page.isVisible()
    assert bare_ctx.settings().currency == "GBP" and bare_ctx.settings().locale == "en_GB"
