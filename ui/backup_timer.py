"""Automatic backups while the app runs: one single-shot timer armed for the next daily
backup (24 h after the newest good one), and one more backup when the main window closes.

A backup that fails (a USB stick pulled out, a full disk) is tried again an hour later,
never in a loop; the failure is announced on ``failed`` for whoever shows it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from app import backups
from app.errors import ComebackError

RETRY_MS = 60 * 60 * 1000
MAX_MS = 24 * 60 * 60 * 1000
#: A due backup waits this long after the start, so it never holds up the first taps.
MIN_MS = 60 * 1000


class BackupTimer(QObject):
    """Signals:
        backed_up(object): the ``app.backups.Backup`` just made.
        failed(str): why a backup could not be made.
    """

    backed_up = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx, timer_factory=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timer = (timer_factory or QTimer)(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run)
        self._stopped = False

    def arm(self, ms: int | None = None) -> None:
        """Arm the timer for the next daily backup (or ``ms`` from now)."""
        if self._stopped:
            return
        if ms is None:
            due = backups.backup_due(self.ctx)
            if due is None:
                return
            ms = max(MIN_MS, int((due - self.ctx.clock.now()).total_seconds() * 1000))
        self.timer.start(max(0, min(ms, MAX_MS)))

    def run(self) -> bool:
        """Back up now and arm for the next; True when a backup was made."""
        if self._stopped or self.ctx.db.path is None:
            return False
        try:
            made = backups.make_backup(self.ctx)
        except ComebackError as error:
            self.failed.emit(str(error))
            self.arm(RETRY_MS)
            return False
        self.backed_up.emit(made)
        self.arm()
        return True

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Close:
            self.run()
            self.stop()
        return False


def install_backups(window, ctx, timer_factory=None) -> BackupTimer:
    """Arm the daily backup and back up when ``window`` closes; kept as ``window.backups``."""
    window.backups = timer = BackupTimer(ctx, timer_factory, window)
    window.installEventFilter(timer)
    timer.arm()
    return timer
