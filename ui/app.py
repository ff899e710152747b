"""Start the GUI: QApplication, theme, controller, main window with its pages."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app import i18n
from app.context import Context
from app.i18n import _
from ui.controller import Controller
from ui.counter import CounterPage
from ui.main_window import MainWindow
from ui.theme import apply_style_sheet, apply_theme


def build_main_window(ctx: Context, *, reminders: bool = True,
                      timer_factory=QTimer) -> MainWindow:
    """The whole app on a context; used by ``main`` and by the GUI tests.

    ``reminders=False`` leaves the banner, queue and scheduler to :func:`add_reminders`,
    which ``main`` calls right after the counter's first paint. ``timer_factory`` makes the
    sign-in's idle timer (tests pass a fake).
    """
    i18n.set_language(ctx.settings().language)
    from ui import qt_translations

    qt_translations.install()  # Qt's own buttons and dialogs follow the store language
    controller = Controller(ctx)
    controller.set_current_staff(controller.default_staff())
    app = QApplication.instance()
    apply_theme(app, style_sheet=False)  # the sheet once the window is built, see there
    window = MainWindow(controller)
    counter = CounterPage(controller)
    window.add_page("counter", counter, lambda: _("Counter"))
    from ui.signin import SignInKeeper

    window.signin = SignInKeeper(controller, timer_factory=timer_factory, parent=window)
    counter.step_changed.connect(window.signin.touch)
    # Pages behind a tap are built (and their modules imported) when first opened, so the
    # counter is up sooner; see MainWindow.add_page.

    def backoffice_page() -> QWidget:
        from ui.backoffice import BackOfficePage

        page = BackOfficePage(controller)
        page.locked.connect(lambda: window.current_page() == "backoffice"
                            and window.show_page("counter"))
        return page

    def reports_page() -> QWidget:
        from ui.reports import ReportsPage

        return ReportsPage(controller)

    # Nav order: what the counter needs most first, the owner's pages last.
    if reminders:
        add_reminders(window)
    window.add_page("reports", reports_page, lambda: _("Reports"))
    window.add_page("backoffice", backoffice_page, lambda: _("Back office"),
                    guard=lambda: window.page("backoffice").session is not None
                    or window.page("backoffice").request_access(window))
    controller.changed.connect(lambda changes: changes.settings and window.retranslate())
    apply_style_sheet(app)
    return window


def main(db_path: str | Path | None) -> int:
    from app.context import open_context

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Comeback")
    _keep_icons_between_runs()
    ctx = open_context(db_path)
    from app.setup import is_initialised

    if not is_initialised(ctx):
        try:
            return _first_run_then_counter(app, ctx)
        finally:
            ctx.db.close()
    window = build_main_window(ctx, reminders=False)
    window.resize(1024, 768)
    window.show()
    bench = os.environ.get("COMEBACK_BENCH_READY") == "1"

    def after_first_paint() -> None:
        # The counter is on screen and takes taps. The rest follows long before a thumb can
        # land, one step per event-loop turn so a tap never waits for more than one:
        # sqlite-utils (so the first tap does not import it), the erasure of guest details
        # past their retention, then the banner, queue and scheduler of the follow-ups, then
        # the audit log's entries since its last intact check (red warning if broken).
        if bench:
            print(f"painted {_ms_since_process_start():.1f}", flush=True)
        steps = [ctx.prepare_writes, lambda: start_retention(window),
                 lambda: add_reminders(window), lambda: check_audit_log(window)]
        if bench:
            steps.append(lambda: (print(f"ready {_ms_since_process_start():.1f}", flush=True),
                                  app.quit()))

        def next_step() -> None:
            steps.pop(0)()
            if steps:
                QTimer.singleShot(0, next_step)

        next_step()

    window.page("counter").installEventFilter(_FirstPaint(window, after_first_paint))
    try:
        return app.exec()
    finally:
        ctx.db.close()  # and PRAGMA optimize: statistics stay fresh without anyone asking


def _keep_icons_between_runs() -> None:
    """Rendered icons go to Qt's cache folder for this app (see ui.icons.DISK_CACHE)."""
    from PySide6.QtCore import QStandardPaths

    from ui import icons

    cache = QStandardPaths.writableLocation(QStandardPaths.CacheLocation)
    if cache:
        icons.DISK_CACHE = Path(cache) / "icons"


def start_retention(window: MainWindow, timer_factory=None) -> None:
    """Erase guest details past their retention now, and again every day the app runs."""
    from ui.retention import RetentionTimer

    window.retention = RetentionTimer(window.controller, timer_factory=timer_factory,
                                      parent=window)
    window.retention.run()


def add_reminders(window: MainWindow) -> None:
    """Banner, follow-up queue (second in the nav) and the scheduler, started at once."""
    from ui.counter_parts import PIN, REMEDIES
    from ui.reminders import install_reminders

    window.reminders = reminders = install_reminders(window)
    # Small while a cashier is logging, so the remedy tiles keep their room.
    window.page("counter").step_changed.connect(
        lambda step: reminders.banner.set_compact(step in (REMEDIES, PIN)))


def check_audit_log(window: MainWindow) -> None:
    """The audit log's new entries, checked once after the first paint (ui.audit_warning)."""
    from ui.audit_warning import check_at_start

    check_at_start(window)


def _first_run_then_counter(app: QApplication, ctx: Context) -> int:
    """No store in the database yet: the first-run setup, then the counter, in one run."""
    from ui.first_run import show_first_run

    apply_theme(app)
    windows: list[QWidget] = []

    def open_counter(_changes: object) -> None:
        window = build_main_window(ctx)
        window.resize(1024, 768)
        window.show()
        start_retention(window)
        windows.append(window)

    windows.append(show_first_run(ctx, open_counter))
    return app.exec()


class _FirstPaint(QObject):
    """Calls ``then`` once, after the watched widget's first paint, when the event loop is
    free again (a 0 ms single shot)."""

    def __init__(self, parent: QObject, then) -> None:
        super().__init__(parent)
        self._then, self._seen = then, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._then)
        return False


def _ms_since_process_start() -> float:
    """Milliseconds since this process started, to 10 ms (Linux /proc; else a rough guess)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        start = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime - start / ticks) * 1000
    except (OSError, ValueError, IndexError):
        return time.perf_counter() * 1000

