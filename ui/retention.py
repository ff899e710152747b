"""Guest details past their retention are erased while the app runs: once at start, then daily.

One single-shot timer, re-armed for a day after every run (never a poll). The work is
:func:`app.privacy.erase_expired_guest_details`: one index probe when nothing is due.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QObject, QTimer

from app import privacy
from ui.controller import Controller
from ui.scheduler import TimerFactory, qtimer_factory

DAY_MS = 24 * 60 * 60 * 1000
#: After a failed run (the file busy with a backup, say): try again this much later.
RETRY_MS = 10 * 60 * 1000


class RetentionTimer(QObject):
    """Runs the retention erasure now and every :data:`DAY_MS`; tells the screens when
    something was erased."""

    def __init__(self, controller: Controller, *, timer_factory: TimerFactory | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.timer: QTimer = (timer_factory or qtimer_factory)(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run)

    def run(self) -> None:
        try:
            changes = privacy.erase_expired_guest_details(self.controller.ctx)
        except sqlite3.Error:
            self.timer.start(RETRY_MS)
            return
        if changes is not None:  # (a stand-in erasure in a test may return nothing)
            self.controller.announce(changes)
        self.timer.start(DAY_MS)
