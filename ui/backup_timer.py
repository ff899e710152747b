"""Automatic backups while the app runs: one single-shot timer armed for the next daily
backup (24 h after the newest good one), and one more backup when the main window closes.

A backup copies every page and checks the copy with ``integrity_check``: about 17 s for a
store with a million incidents (600 MB), nearly all of it the check. So none of it runs on
the counter's thread: the copy, the check, the rename and the rotation run in a worker
thread with a connection of its own (``app.backups.carry_out``; SQLite lets go of Python's
lock while it reads and writes, and the copy is one read snapshot, so taps are saved
meanwhile and go in the next backup). Closing the window only asks for the last backup:
the window goes at once, and ``finish`` (``ui.app.main``, once the event loop has ended)
makes it with no window left, unless nothing was written since this run's last backup
began (two ``stat`` calls). The machine switched off in the middle leaves a ``.part`` file
the next backup sweeps; every older backup stays as it was (``app.files``).

A backup that fails (a USB stick pulled out, a full disk) is tried again an hour later,
never in a loop; the failure is announced on ``failed`` for whoever shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from app import backups
from app.errors import ComebackError

RETRY_MS = 60 * 60 * 1000
MAX_MS = 24 * 60 * 60 * 1000
#: A due backup waits this long after the start, so it never holds up the first taps.
MIN_MS = 60 * 1000


def backup_work(plan, report: Callable[[object, str | None], None]) -> Callable[[], None]:
    """The work of one planned backup for a worker thread: ``report(made, None)`` when it is
    made, ``report(None, why)`` when not (always one of the two: never a traceback)."""

    def work() -> None:
        try:
            made, error = backups.carry_out(plan), None
        except ComebackError as problem:
            made, error = None, str(problem)
        except Exception as problem:  # noqa: BLE001 - the worker must always report
            made, error = None, str(problem)
        report(made, error)

    return work


def in_a_thread(work: Callable[[], None]) -> threading.Thread:
    """The default worker: ``work`` in a thread of its own (joined by ``finish``)."""
    thread = threading.Thread(target=work, name="comeback-backup")
    thread.start()
    return thread


class BackupTimer(QObject):
    """Signals:
        backed_up(object): the ``app.backups.Backup`` just made.
        failed(str): why a backup could not be made.

    ``worker`` runs a backup's work: ``in_a_thread`` (default) or, in tests, a function
    that runs it at once and returns None.
    """

    backed_up = Signal(object)
    failed = Signal(str)
    _finished = Signal(object, object)  # (app.backups.Made or None, error text or None)

    def __init__(self, ctx, timer_factory=None, parent: QObject | None = None,
                 worker: Callable | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timer = (timer_factory or QTimer)(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run)
        self.worker = worker or in_a_thread
        self._stopped = False
        #: The window closed: one more backup is wanted (``finish`` makes it).
        self.closing = False
        #: This run's last good backup (``app.backups.Made``), for the check at quit.
        self.last_made = None
        self._running: threading.Thread | None = None
        self._busy = False
        self._finished.connect(self._on_finished)  # queued from the worker's thread

    def arm(self, ms: int | None = None) -> None:
        """Arm the timer for the next daily backup (or ``ms`` from now)."""
        if self._stopped or self.closing:
            return
        if ms is None:
            due = backups.backup_due(self.ctx)
            if due is None:
                return
            ms = max(MIN_MS, int((due - self.ctx.clock.now()).total_seconds() * 1000))
        self.timer.start(max(0, min(ms, MAX_MS)))

    def run(self) -> bool:
        """Start a backup now (in the worker); False when none could be started (stopped,
        in memory, one already under way, or the plan failed)."""
        if self._stopped or self.ctx.db.path is None or self._busy:
            return False
        try:
            plan = backups.plan_backup(self.ctx)
        except ComebackError as error:
            self._on_finished(None, str(error))
            return False
        self._busy = True
        self._running = self.worker(backup_work(plan, self._finished.emit))
        return True

    def _on_finished(self, made, error) -> None:
        self._busy = False
        if made is None:
            self.failed.emit(error)
            self.arm(RETRY_MS)
            return
        self.last_made = made
        if not self._stopped:
            backups.found_sound(self.ctx, made)
        self.backed_up.emit(made.backup)
        self.arm()

    def stop(self) -> None:
        """No more backups (the file was found damaged: never over the good backups)."""
        self._stopped = True
        self.closing = False
        self.timer.stop()

    def finish(self) -> None:
        """After the window is gone: wait for a backup under way, then make the last one
        if the window was closed and the file changed since this run's last backup began.
        On the calling thread (no event loop is needed any more)."""
        self._wait()
        if not self.closing or self._stopped or self.ctx.db.path is None:
            return  # (a server's or an in-memory database: no automatic backups)
        self.closing = False
        if self.last_made is not None and \
                not backups.changed_since(self.ctx, self.last_made):
            return  # nothing written since this run's last backup began
        self._run_here()

    def _wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.join()
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.sendPostedEvents(self)  # the worker's report, if still queued
        self._busy = False

    def _run_here(self) -> None:
        try:
            plan = backups.plan_backup(self.ctx)
            made = backups.carry_out(plan)
        except Exception as error:  # noqa: BLE001 - the app is ending: never a traceback
            self.failed.emit(str(error))
            return
        self.last_made = made
        backups.found_sound(self.ctx, made)
        self.backed_up.emit(made.backup)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Close and not self._stopped:
            self.closing = True  # the window goes now; finish() makes the backup
            self.timer.stop()
        return False


def install_backups(window, ctx, timer_factory=None, worker=None) -> BackupTimer:
    """Arm the daily backup and ask for one more when ``window`` closes (made by
    ``finish_backups`` once the window is gone); kept as ``window.backups``."""
    window.backups = timer = BackupTimer(ctx, timer_factory, window, worker)
    window.installEventFilter(timer)
    timer.arm()
    return timer


def finish_backups(windows) -> None:
    """The last backup of each of ``windows`` that was closed (``BackupTimer.finish``)."""
    for window in windows:
        timer = getattr(window, "backups", None)
        if timer is not None:
            timer.finish()
