"""The assembled main window: page order, and reminders added after the first paint."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from ui.app import add_reminders, build_main_window


def _nav_titles(window) -> list[str]:
    layout = window.nav.layout()
    items = (layout.itemAt(i).widget() for i in range(layout.count()))
    return [w.text() for w in items if isinstance(w, QPushButton)]


def test_nav_reads_counter_followups_reports_back_office(qtbot, ctx):
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    assert _nav_titles(window) == ["Counter", "Follow-ups", "Reports", "Back office"]


def test_reminders_added_after_the_first_paint_still_sit_second(qtbot, ctx):
    window = build_main_window(ctx, reminders=False)
    qtbot.addWidget(window)
    assert _nav_titles(window) == ["Counter", "Reports", "Back office"]
    assert window.banner_area.count() == 0
    add_reminders(window)
    assert _nav_titles(window) == ["Counter", "Follow-ups", "Reports", "Back office"]
    assert window.banner_area.count() == 1
    assert window.current_page() == "counter"


def test_qt_own_buttons_speak_the_store_language(qtbot, bare_ctx):
    from PySide6.QtWidgets import QDialogButtonBox

    from app.setup import init_store

    init_store(bare_ctx, store_name="Kavárna", preset="restaurant", currency="CZK",
               locale="cs_CZ", language="cs", timezone="Europe/Prague", owner_name="Eva",
               owner_pin="5830")
    window = build_main_window(bare_ctx)
    qtbot.addWidget(window)
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.Cancel).text() == "Zrušit"
    window.controller.set_language("en")
    box2 = QDialogButtonBox(QDialogButtonBox.Cancel)
    qtbot.addWidget(box2)
    assert box2.button(QDialogButtonBox.Cancel).text() == "Cancel"
