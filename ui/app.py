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
    and the retry of taps an earlier run kept to the counter's ``start_retry``, which
    ``main`` calls right after the counter's first paint. ``timer_factory`` makes the
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
        page.locked_in_place.connect(lambda: window.current_page() == "backoffice"
                                     and window.show_page("counter"))
        return page

    def reports_page() -> QWidget:
        from ui.reports import ReportsPage

        return ReportsPage(controller)

    # Nav order: what the counter needs most first, the owner's pages last.
    if reminders:
        add_reminders(window)
        window.page("counter").start_retry()
    window.add_page("reports", reports_page, lambda: _("Reports"))
    window.add_page("backoffice", backoffice_page, lambda: _("Back office"),
                    guard=lambda: window.page("backoffice").session is not None
                    or window.page("backoffice").request_access(window))
    controller.changed.connect(lambda changes: changes.settings and window.retranslate())
    from ui.scan_redeem import install_scan_redeem

    install_scan_redeem(window)  # a scanner's code + Enter redeems, whatever has the focus
    apply_style_sheet(app)
    return window


def main(db_path: str | Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Comeback")
    _keep_icons_between_runs()
    start(app, db_path)
    try:
        return app.exec()
    finally:
        from ui.backup_timer import finish_backups

        finish_backups(_WINDOWS)  # the window is gone already (ui.backup_timer)
        _close_databases()


def _warm_up_printer(window) -> None:
    """With a receipt printer set, its driver loads now (see ui.slip_printing.warm_up)."""
    if not window.isVisible():  # the file failed under the counter meanwhile
        return
    from ui.slip_printing import warm_up_printer

    warm_up_printer(window.page("counter").controller)


def _close_databases() -> None:
    """Close the database of every counter of this run: closing runs PRAGMA optimize, so
    the planner's statistics stay fresh without anyone asking."""
    for window in _WINDOWS:
        live = getattr(window, "live", None)
        if live is not None:
            live.stop()  # the listening connection (PostgreSQL)
        controller = getattr(window, "controller", None)
        if controller is not None:
            controller.ctx.db.close(refresh_statistics=True)


#: The top-level windows of this run (Qt does not keep them alive by itself).
_WINDOWS: list[QWidget] = []


def start(app: QApplication, db_path: str | Path | None, *,
          timer_factory=None, copy_first: bool = True) -> QWidget:
    """Open the database and show the counter (or the first run); when the file cannot be
    used, the window that explains why and offers the ways out. Returns the window shown.
    ``copy_first``: a terminal with a copy of its server's store paints from it and
    connects after the paint (ui.server_start)."""
    from app.context import open_context
    from app.errors import DatabaseProblem
    from db.sound_stamp import sound_since

    # Looked at before the file is opened: opening it makes its -wal, which the stamp
    # (written when the last process closed it) did not see.
    since = sound_since(db_path) if db_path is not None else None
    from db.connection import is_server_url

    ctx = None
    if copy_first and is_server_url(db_path):  # a terminal's copy: see ui.server_start
        from ui.server_start import open_from_copy

        ctx = open_from_copy(db_path)
    try:
        if ctx is None and copy_first and is_server_url(db_path):  # no copy yet: after
            from ui.server_start import open_server_first

            ctx = open_server_first(db_path)
        ctx = ctx or open_context(db_path)
    except DatabaseProblem as problem:
        return show_problem(app, problem, db_path)
    ctx.db.sound_since = since
    if ctx.db.read_only:
        from app.dbfile import problem as problem_of
        from db.health import DatabaseFileError, Problem

        ctx.db.close()
        return show_problem(app, problem_of(DatabaseFileError(Problem.READ_ONLY, db_path)),
                            db_path)
    from app.setup import is_initialised

    try:
        if not is_initialised(ctx):
            return _first_run_then_counter(app, ctx)
        window = build_main_window(ctx, reminders=False)
    except Exception as error:  # the file failed while being read (damaged, locked…)
        return _explain_or_raise(app, error, ctx, db_path)
    window.resize(1024, 768)
    window.show()
    _WINDOWS.append(window)
    bench = os.environ.get("COMEBACK_BENCH_READY") == "1"

    def after_first_paint() -> None:
        # The counter is on screen and takes taps. The rest follows long before a thumb can
        # land, one step per event-loop turn so a tap never waits for more than one:
        # the file's check, the erasure of guest details
        # past their retention, now and daily (once the file's quick_check found it sound),
        # the banner,
        # queue and scheduler of the follow-ups, the audit log's entries since its last
        # intact check (red warning if broken), the automatic backups, then the receipt
        # printer's driver when one is set.
        if bench:
            print(f"painted {_ms_since_process_start():.1f}", flush=True)
        care = FileCare(app, window, db_path, timer_factory)
        from ui.qt_values import build_qt_namespace

        # The Qt namespace first (not needed for the paint, ui.qt_values): no key pays for it.
        steps = [build_qt_namespace, care.check,
                 lambda: care.when_checked(lambda: start_retention(window, timer_factory)),
                 window.page("counter").start_retry, lambda: add_reminders(window),
                 lambda: care.when_checked(lambda: check_audit_log(window)),
                 care.start_backups,
                 lambda: care.when_checked(lambda: _warm_up_printer(window))]
        from ui.gc_policy import settle_after_start

        steps.append(settle_after_start)  # after every step: what start-up built stays
        if bench:
            steps.append(lambda: (print(f"ready {_ms_since_process_start():.1f}", flush=True),
                                  app.quit()))
        from ui.server_start import connecting, copy_after_paint

        if copy_after_paint(ctx):  # a terminal's first start: its copy now
            steps.insert(0, lambda: _fill_copy_after_paint(window, steps, next_step))
        if connecting(ctx):  # painted from the terminal's copy: the server first
            steps.insert(0, lambda: _connect_after_paint(app, window, steps, db_path,
                                                         timer_factory, next_step))

        def next_step() -> None:
            if care.damaged:  # the file failed under the counter: its window is gone
                return
            try:
                steps.pop(0)()
            except Exception as error:  # the file failed under the counter
                window.hide()
                _forget(window)
                _explain_or_raise(app, error, ctx, db_path)
                return
            if steps:
                QTimer.singleShot(0, window, next_step)  # dropped if the window goes

        next_step()

    window.page("counter").installEventFilter(_FirstPaint(window, after_first_paint))
    return window


def _after_worker(window: QWidget, steps: list, resume, work, then, drop=None) -> None:
    """Run ``work()`` in a worker thread (ui.copy_refresh.in_worker) while the counter takes
    taps; the start's next steps wait for it. Then ``then(value)`` is the next step (what
    ``work`` raised is raised there instead, so the start explains it as any step's
    trouble), and the steps go on - unless ``window`` went meanwhile (the app quit, or
    started again): then ``drop(value)`` lets go of what the work made."""
    from ui.copy_refresh import in_worker

    held = steps[:]
    steps.clear()

    def done(result: tuple) -> None:
        value, error = result
        if window not in _WINDOWS:
            if drop is not None and error is None:
                drop(value)
            return

        def step() -> None:
            if error is not None:
                raise error
            then(value)

        steps[:] = [step, *held]
        resume()

    in_worker(work, done)


def _connect_after_paint(app: QApplication, window: MainWindow, steps: list, db_path,
                         timer_factory, resume) -> None:
    """The server of a counter painted from the terminal's copy (ui.server_start): the
    connect and the copy's refresh in a worker thread, then what was found."""
    from app.models import Changes
    from ui import server_start

    ctx = window.controller.ctx
    before = server_start.begin_connect(ctx)
    if before is server_start.START_AGAIN:
        _start_again(app, window, steps, db_path, timer_factory)
        return

    def found(result: tuple) -> None:
        outcome = server_start.finish_connect(ctx, before, result)
        if outcome == server_start.CHANGED:
            window.controller.announce(Changes(incidents=True, followups=True, catalog=True,
                                               staff=True, settings=True, vouchers=True,
                                               remote=True))
        elif outcome == server_start.START_AGAIN:
            _start_again(app, window, steps, db_path, timer_factory)

    _after_worker(window, steps, resume, lambda: server_start.connect_in_worker(ctx.db),
                  found, drop=server_start.drop_connection)


def _start_again(app: QApplication, window: MainWindow, steps: list, db_path,
                 timer_factory) -> None:
    steps.clear()
    window.hide()
    _forget(window)
    window.controller.ctx.db.close()
    start(app, db_path, timer_factory=timer_factory, copy_first=False)


def _fill_copy_after_paint(window: MainWindow, steps: list, resume) -> None:
    """A terminal's first start: its copy made and filled in a worker thread (taps go to
    the server meanwhile), then the terminal's handle in place (ui.server_start)."""
    from ui import server_start
    from ui.copy_refresh import make_copy_in_worker

    ctx = window.controller.ctx
    url, path = vars(ctx)["copy_after_paint"], server_start.copy_to_make(ctx)
    _after_worker(window, steps, resume,
                  lambda: make_copy_in_worker(url, path, ctx.store_id),
                  lambda _none: server_start.fill_copy(ctx, made=True))


def _explain_or_raise(app: QApplication, error: Exception, ctx: Context, db_path) -> QWidget:
    """The explaining window for a database error; any other error is a bug: raised."""
    from app.dbfile import translate

    problem = translate(error, db_path)
    if problem is None:
        raise error
    ctx.db.close()
    return show_problem(app, problem, db_path)


def show_problem(app: QApplication, problem, db_path, *, ask_path=None) -> QWidget:
    """The explaining window (ui.db_problem) with its ways out wired to a new start."""
    from ui.db_problem import DbProblemWindow

    apply_theme(app)
    window = DbProblemWindow(problem, ask_path=ask_path)

    def again(path) -> None:
        window.close()
        _forget(window)
        start(app, path)

    def restore(backup: Path) -> None:
        from app.errors import ComebackError
        from app.restore import restore as restore_backup

        try:
            restore_backup(db_path, backup)
        except ComebackError as error:
            window.text.setText(str(error))
            return
        again(db_path)

    window.open_file.connect(again)
    window.retry.connect(lambda: again(db_path))
    window.restore.connect(restore)
    window.quit.connect(app.quit)
    window.show()
    _WINDOWS.append(window)
    return window


def _forget(window: QWidget) -> None:
    """Let go of a window this run no longer shows (Python frees it with its last use)."""
    if window in _WINDOWS:
        _WINDOWS.remove(window)


class FileCare:
    """After the first paint: the file's ``quick_check`` and the automatic backups.

    A file whose stamp matched at the start (``db.sound_stamp``: unchanged since a
    Comeback process found it sound, less than a day ago) is not read again. Else a file
    up to SYNC_CHECK_BYTES is checked at once (~1 ms per MB, one event-loop step); a
    bigger one in a worker thread (``ui.db_problem.FileCheck``), and what writes to the
    file after the start (the retention erasure) waits for its verdict. A damaged file
    closes the counter and shows why; nothing more is written into it, and it is never
    backed up over the good backups. A file found sound gets its stamp at once (so a
    command run beside the app need not check it again) and again when the app quits.
    """

    SYNC_CHECK_BYTES = 16 * 1024 * 1024

    def __init__(self, app: QApplication, window: MainWindow, db_path, timer_factory=None):
        self.app, self.window, self.db_path = app, window, db_path
        self.ctx, self.timer_factory = window.controller.ctx, timer_factory
        self.checked, self.damaged = False, False
        self._waiting: list = []
        self._state: list[int] | None = None

    def check(self) -> None:
        path = self.ctx.db.path
        if path is None or self.ctx.db.sound_since is not None:
            self._done()
            return
        from db.sound_stamp import fingerprint

        self._state = fingerprint(path)  # what the check will have seen, at least
        if path.stat().st_size <= self.SYNC_CHECK_BYTES:
            from db.health import check_file

            self._found_sound(check_file(path))  # raises DatabaseFileError: explained
            self._done()
            return
        from ui.db_problem import FileCheck

        self.window.file_check = worker = FileCheck(self.window)
        worker.damaged.connect(self._on_damaged)
        worker.sound.connect(self._found_sound)
        worker.finished.connect(self._done)
        worker.start(path)

    def _found_sound(self, since: float) -> None:
        from db.sound_stamp import write

        db = self.ctx.db
        db.sound_since = since
        if not db.read_only and self._state is not None:
            write(db.path, since, self._state)

    def when_checked(self, then) -> None:
        """Run ``then`` once the file is known to be sound (now, if it is)."""
        if self.checked:
            if not self.damaged:
                then()
        else:
            self._waiting.append(then)

    def start_backups(self) -> None:
        from ui.backup_timer import install_backups

        if not self.damaged:
            install_backups(self.window, self.ctx, self.timer_factory)

    def _done(self) -> None:
        self.checked = True
        waiting, self._waiting = self._waiting, []
        for then in waiting if not self.damaged else ():
            then()

    def _on_damaged(self, problem) -> None:
        self.damaged = True
        backups = getattr(self.window, "backups", None)
        if backups is not None:
            backups.stop()  # never back up a damaged file over the good backups
        self.window.hide()
        self.ctx.db.close()
        _forget(self.window)
        show_problem(self.app, problem, self.db_path)


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
    from ui.live import install_live

    window.live = install_live(window)  # other terminals' changes, within a second
    # Small while a cashier is logging, so the remedy tiles keep their room.
    window.page("counter").step_changed.connect(
        lambda step: reminders.banner.set_compact(step in (REMEDIES, PIN)))


def check_audit_log(window: MainWindow) -> None:
    """The audit log's new entries, checked once after the first paint (ui.audit_warning)."""
    from ui.audit_warning import check_at_start

    check_at_start(window)


def _first_run_then_counter(app: QApplication, ctx: Context) -> QWidget:
    """No store in the database yet: the first-run setup, then the counter, in one run.

    On a file, first the question where the store is kept (ui.server_choice): this counter
    alone goes on in the file; the store's server starts again on the server (its counter
    when the store is there already, else the store form there)."""
    apply_theme(app)
    if ctx.db.path is None:  # a server (or memory): already chosen
        return _store_form_then_counter(app, ctx)
    from app import i18n, store_admin
    from ui.server_choice import ServerChoicePage

    # Asked before the store's language is: in the one the store form will suggest (the
    # system's time zone's country), not in English for everyone.
    i18n.set_language(store_admin.suggest_for_timezone(store_admin.guess_timezone())["language"])
    page = ServerChoicePage()
    from PySide6.QtCore import Qt

    def alone(_config) -> None:
        page.close()
        _forget(page)
        _store_form_then_counter(app, ctx)

    def connected(url: str, _config) -> None:
        page.close()
        _forget(page)
        ctx.db.close()  # the empty file stays; terminal.json now names the server
        start(app, url)

    page.alone.connect(alone, Qt.QueuedConnection)
    page.connected.connect(connected, Qt.QueuedConnection)
    page.resize(1024, 768)
    page.show()
    _WINDOWS.append(page)
    return page


def _store_form_then_counter(app: QApplication, ctx: Context) -> QWidget:
    """The first-run store form, then the counter."""
    from ui.first_run import show_first_run

    windows: list[QWidget] = []

    def open_counter(_changes: object) -> None:
        from ui.backup_timer import install_backups

        window = build_main_window(ctx)
        install_backups(window, ctx)
        window.resize(1024, 768)
        window.show()
        start_retention(window)
        windows.append(window)
        _WINDOWS.append(window)

    first = show_first_run(ctx, open_counter)
    windows.append(first)
    _WINDOWS.append(first)
    return first


class _FirstPaint(QObject):
    """Calls ``then`` once, after the watched widget's first paint, when the event loop is
    free again (a 0 ms single shot)."""

    def __init__(self, parent: QObject, then) -> None:
        super().__init__(parent)
        self._then, self._seen = then, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self, self._then)
            watched.removeEventFilter(self)  # no Python call per event of the page after
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

