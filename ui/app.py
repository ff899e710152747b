"""Start the GUI: QApplication, theme, controller, main window with its pages."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel

from app import i18n
from app.context import Context
from app.i18n import _
from ui.controller import Controller
from ui.main_window import MainWindow
from ui.reminders import install_reminders


def build_main_window(ctx: Context) -> MainWindow:
    """The whole app on a context; used by ``main`` and by the GUI tests."""
    i18n.set_language(ctx.settings().language)
    controller = Controller(ctx)
    controller.set_current_staff(controller.default_staff())
    window = MainWindow(controller)
    placeholder = QLabel(_("Counter"))
    window.add_page("counter", placeholder, lambda: _("Counter"))
    window.reminders = install_reminders(window)
    return window


def main(db_path: str | Path | None) -> int:
    from app.context import open_context

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Comeback")
    ctx = open_context(db_path)
    window = build_main_window(ctx)
    window.resize(1024, 768)
    window.show()
    return app.exec()
