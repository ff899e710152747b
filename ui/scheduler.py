"""The reminder scheduler: one single-shot timer for the next follow-up moment, never a poll.

``app.followups`` decides everything (what is due, when to look next, what to escalate or
give up at closing); this object only arms a timer for that moment, looks when it fires,
and says what it found. It re-arms after every ``controller.changed`` and keeps a slow
backstop timer (every 45 s) for clock jumps (NTP, suspend, a clock set by hand).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app import followups
from app.clock import Clock
from app.followup_items import FollowUpItem, items_for
from app.i18n import _
from app.models import Changes
from ui.controller import Controller

#: QTimer takes a signed 32-bit millisecond interval: ~24.8 days at most.
MAX_INTERVAL_MS = 2**31 - 1
BACKSTOP_MS = 45_000
#: After a look, something still "due in the past" is retried this late, not in a loop.
RETRY_MS = 1_000

TimerFactory = Callable[[QObject], QTimer]


def qtimer_factory(parent: QObject) -> QTimer:
    return QTimer(parent)


class ReminderScheduler(QObject):
    """Arms one single-shot timer for the next follow-up moment, plus a slow backstop.

    Signals:
        due(list): :class:`app.followup_items.FollowUpItem` that just became due and were
            not announced before (announce them: sound, tray). Emitted once per due time.
        escalated(list): items escalated just now (stronger announcement, for the owner).
        checked(): after every look at the database; the banner redraws from it.
    """

    due = Signal(list)
    escalated = Signal(list)
    checked = Signal()

    def __init__(self, controller: Controller, *, timer_factory: TimerFactory | None = None,
                 clock: Clock | None = None, backstop_ms: int = BACKSTOP_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.ctx = controller.ctx
        self.clock = clock or self.ctx.clock
        make = timer_factory or qtimer_factory
        self.timer = make(self)
        self.timer.setSingleShot(True)
        # A coarse timer may be 5 % late: 15 s on a 5-minute reminder. Precise it is.
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.timeout.connect(self.check)
        self.backstop = make(self)
        self.backstop.setSingleShot(False)
        self.backstop.setInterval(backstop_ms)
        self.backstop.timeout.connect(self.check)
        self._started = False
        controller.changed.connect(self._on_changed)

    # -- life -------------------------------------------------------------------------------
    def start(self) -> None:
        """Look at once (overdue follow-ups after a restart show immediately), then arm."""
        self._started = True
        self.backstop.start()
        self.check()

    def stop(self) -> None:
        self._started = False
        self.timer.stop()
        self.backstop.stop()

    def _on_changed(self, _changes: Changes) -> None:
        if self._started:
            self.arm()

    # -- the look ---------------------------------------------------------------------------
    def check(self) -> None:
        """Close what closing left open, escalate the ignored, announce the newly due."""
        if not self._started:
            return
        from app.offline import working_context
        from app.pending import NotSavedYet, short_wait

        ctx = working_context(self.ctx)  # a server that is away: this terminal's copy
        try:
            with short_wait(ctx):  # a long import's lock: no 5 s freeze, try again
                missed = followups.sweep_missed(ctx)
                escalated = followups.escalate_overdue(ctx)
                fresh = followups.mark_alerted(ctx, followups.due_to_announce(ctx))
        except (sqlite3.Error, NotSavedYet) as error:  # e.g. locked by a backup: try again
            self.controller.error.emit(_("Could not read the follow-ups: {error}").format(
                error=error))
            self._start_timer(RETRY_MS * 5)
            return
        if missed or escalated:
            self.controller.announce(Changes(followups=True))
        if escalated:
            self.escalated.emit(self._items(escalated, ctx))
        if fresh:
            self.due.emit(self._items(fresh, ctx))
        self.checked.emit()
        self.arm(after_check=True)

    def _items(self, chosen, ctx=None) -> list[FollowUpItem]:
        return items_for(ctx or self.ctx, chosen)

    # -- the timer --------------------------------------------------------------------------
    def next_interval_ms(self, after_check: bool = False) -> int | None:
        """Milliseconds until the next moment, clamped to what QTimer takes; None = idle."""
        moment = followups.next_due_at(self.ctx)
        if moment is None:
            return None
        delay = math.ceil((moment - self.clock.now()).total_seconds() * 1000)
        if delay <= 0:
            # Just looked and it is still in the past: never spin, try again in a second.
            return RETRY_MS if after_check else 0
        return min(delay, MAX_INTERVAL_MS)

    def arm(self, after_check: bool = False) -> None:
        if not self._started:
            return
        delay = self.next_interval_ms(after_check)
        if delay is None:
            self.timer.stop()
        else:
            self._start_timer(delay)

    def _start_timer(self, delay_ms: int) -> None:
        self.timer.start(max(0, min(int(delay_ms), MAX_INTERVAL_MS)))

    def is_armed(self) -> bool:
        return self.timer.isActive()
