"""The counter of a terminal whose server may go away (PostgreSQL): the server watch and the
offline bar, kept apart from the counter's own code (see ui.offline_bar).

Built by :class:`ui.counter_retry.CounterRetry` with the taps' retry. When the server goes
away the bar says "Offline — N waiting to send" and taps go straight to the outbox (the
handle remembers the server is away; no connect timeout per tap). When the watch finds the
server again the outbox is sent at once (oldest first, a batch per event-loop turn), the
bar counts down and says "Back online — all sent" until the next tap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.offline_bar import OfflineBar, ServerWatch

if TYPE_CHECKING:
    from ui.counter_parts import CounterParts
    from ui.retry import TapRetry, TimerFactory


class CounterOffline:
    """The counter's server watch and offline bar (``counter.offline_bar``)."""

    def __init__(self, counter: CounterParts, taps: TapRetry, timer_factory: TimerFactory,
                 run=None) -> None:
        self.counter, self.taps = counter, taps
        self.bar = OfflineBar()
        counter.controller.language_changed.connect(self.bar.on_language_changed)
        counter._bottom.insertWidget(0, self.bar)
        self.watch = ServerWatch(counter.ctx.db, timer_factory, run, counter)
        self.watch.away.connect(self.went_away)
        self.watch.back.connect(self.came_back)
        counter.controller.changed.connect(self._changed)
        if counter.ctx.db.away:
            self.went_away()

    def _changed(self, changes) -> None:
        """A voucher redeemed here while away waits in the outbox too: count it."""
        if getattr(changes, "vouchers", False) and not getattr(changes, "remote", False) \
                and self.away:
            self.bar.show_state(OfflineBar.OFFLINE, self.taps.waiting())

    @property
    def away(self) -> bool:
        return self.counter.ctx.db.away

    def went_away(self) -> None:
        self.bar.show_state(OfflineBar.OFFLINE, self.taps.waiting())

    def came_back(self) -> None:
        waiting = self.taps.waiting()
        self.bar.show_state(OfflineBar.SENDING if waiting else OfflineBar.SENT, waiting)
        if waiting:
            self.taps.retry_now()

    def waiting_changed(self, waiting: int) -> None:
        if self.away:
            self.bar.show_state(OfflineBar.OFFLINE, waiting)
        elif self.bar.state in (OfflineBar.OFFLINE, OfflineBar.SENDING):
            self.bar.show_state(OfflineBar.SENDING if waiting else OfflineBar.SENT, waiting)

    def tapped(self) -> None:
        """A new tap: "all sent" has been read by now."""
        if self.bar.state == OfflineBar.SENT:
            self.bar.show_state(None, 0)

    def refused(self) -> None:
        self.bar.show_state(self.bar.state, self.bar.waiting, self.bar.refused + 1)
