"""The counter's side of a tap the database cannot take yet (mixed into CounterPage).

The tap goes through :class:`ui.retry.TapRetry`. Kept: the "Logged" bar of the previous
tap goes away and the amber "Not saved yet — trying again" bar takes its place, the
counter is ready for the next guest. Saved later: the screens are told, the bar goes, the
"Logged" bar shows it (with Undo while its window from the tap lasts) and the status line
says it was saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.i18n import _, ngettext

KIND_REDEEM = "voucher.redeem"  # app.offline_vouchers: kept like a tap, never tapped again

#: Up to this many taps saved in one round are named one by one in the status line.
SAID_ONE_BY_ONE = 5

if TYPE_CHECKING:
    from app.models import Logged
    from app.pending import Failed, Kept, PendingTap, Saved
    from ui.counter_offline import CounterOffline
    from ui.counter_parts import CounterParts
    from ui.retry import PendingBar, TapRetry, TimerFactory

    _Base = CounterParts
else:
    _Base = object


class CounterRetry(_Base):
    """Methods of the counter page for taps that wait (its state: the retry and the bar).

    The machinery (app.pending, ui.retry) is imported when first needed: by
    :meth:`start_retry`, which the app calls right after the counter's first paint, or by
    the first tap, so the counter's start does not pay for it.
    """

    def _init_retry(self, timer_factory: TimerFactory) -> None:
        self._retry_timers = timer_factory
        self._taps: TapRetry | None = None
        self._pending_bar: PendingBar | None = None
        self._saved_round: list[Saved] = []  # saved since the last time none waited
        self._offline: CounterOffline | None = None  # a terminal's server watch and bar

    def start_retry(self) -> None:
        """Look for taps an earlier run kept, and retry them soon (see :attr:`taps`)."""
        self.taps  # noqa: B018 - the property builds it

    @property
    def taps(self) -> TapRetry:
        """The taps' saver and retry timer, built on first use."""
        if self._taps is None:
            from app.pending import TapSaver
            from ui.retry import TapRetry

            self._taps = taps = TapRetry(TapSaver.for_database(self.ctx), self._retry_timers,
                                         self)
            taps.saved.connect(self._saved_later)
            taps.failed.connect(self._tap_failed)
            taps.waiting_changed.connect(self._waiting_changed)
            from app import offline

            if offline.is_terminal(self.ctx):  # PostgreSQL: the server may go away
                from ui.counter_offline import CounterOffline

                self._offline = CounterOffline(self, taps, self._retry_timers)
            waiting = taps.saver.waiting()
            if waiting:  # kept by an earlier run: say so until they are saved
                self.pending_bar.show_waiting(waiting[-1], None, True, len(waiting),
                                              self.ctx.settings())
        return self._taps

    @property
    def pending_bar(self) -> PendingBar:
        if self._pending_bar is None:
            from ui.retry import PendingBar

            self._pending_bar = PendingBar()
            self._pending_bar.undo_clicked.connect(self._take_back)
            self.controller.language_changed.connect(self._pending_bar.on_language_changed)
            self._bottom.insertWidget(1, self._pending_bar)  # the bottom strip (issue 16.2)
        return self._pending_bar

    def _submit_tap(self, tap: PendingTap) -> Logged | None:
        """Save the tap, or keep it and say so; refusals raise as the service's do."""
        from app.pending import Kept

        if self._offline is not None:
            self._offline.tapped()
        result = self.taps.submit(tap)
        if isinstance(result, Kept):
            self._kept(result)
            return None
        return result.logged

    def _kept(self, kept: Kept) -> None:
        self._approving = None
        self.remedy_step.clear_pending()
        if self._confirm_bar is not None:  # the last tap's "Logged" must not look like this one's
            self._confirm_bar.clear()
        if self._details is not None:  # typed details went with the tap; the last
            self._details.set_next()     # incident's were saved before it (see give)
        self.pending_bar.show_waiting(kept.tap, kept.reason, kept.on_disk, self.taps.waiting(),
                                      self.ctx.settings())
        self.set_status("")
        self._show_step("categories")

    def _saved_later(self, saved: list[Saved]) -> None:
        from app.formatting import short_time
        from app.pending import changes_of
        from ui.retry import what_text

        self.controller.announce(changes_of(saved))
        from ui.slip_bar import print_after_logged

        for done in saved:  # their voucher slips, now that the vouchers exist
            print_after_logged(self, done.logged)
        settings = self.ctx.settings()
        newest = saved[-1]
        if self._pending_bar is not None and self._pending_bar.uid == newest.tap.uid:
            self._pending_bar.clear()
            self.last_logged = newest.logged  # "Logged", with Undo while its window lasts
            self.confirm_bar.show_logged(newest.logged, settings,
                                         self._staff_name(newest.logged.incident.staff_id))
        self._saved_round += saved  # a long queue is saved over a few event-loop turns
        if len(self._saved_round) > SAID_ONE_BY_ONE:  # after an outage: how many, the newest
            self.set_status(ngettext(
                "Saved now: {n} tap kept earlier, the newest {what}, tapped at {time}.",
                "Saved now: {n} taps kept earlier, the newest {what}, tapped at {time}.",
                len(self._saved_round)).format(
                n=len(self._saved_round), what=what_text(newest.tap),
                time=short_time(newest.tap.tapped_at, settings.timezone, settings.locale)))
            return
        self.set_status(_("Saved now: {what}.").format(what="; ".join(
            _("{what}, tapped at {time}").format(
                what=what_text(s.tap),
                time=short_time(s.tap.tapped_at, settings.timezone, settings.locale))
            for s in self._saved_round)))

    def _tap_failed(self, failed: Failed) -> None:
        from ui.retry import what_text

        if self._offline is not None:
            self._offline.refused()
        if self._pending_bar is not None and self._pending_bar.uid == failed.tap.uid:
            self._pending_bar.clear()
        if failed.tap.kind == KIND_REDEEM:  # a voucher redeemed offline: nothing to tap again
            self.set_status(failed.message, "error")  # says what, when, who was first
            return
        self.set_status(_("Not saved: {what}. {why} Tap it again.").format(
            what=what_text(failed.tap), why=failed.message), "error")

    def _take_back(self, uid: str) -> None:
        """Undo on the amber bar: the tap is not saved, and never will be."""
        from app.pending import NotSavedYet
        from ui.retry import what_text

        tap = next((t for t in self.taps.saver.waiting() if t.uid == uid), None)
        try:
            if tap is None or not self.taps.cancel(uid):
                return
        except NotSavedYet as busy:
            self.set_status(_("{problem} Not undone yet: tap Undo again in a moment.").format(
                problem=busy.problem), "error")
            return
        saver = self.taps.saver
        waiting = saver.waiting()
        if waiting:
            self.pending_bar.show_waiting(waiting[-1], saver.reason, not saver.in_memory(),
                                          len(waiting), self.ctx.settings())
        self.set_status(_("Undone: {what} is not saved.").format(what=what_text(tap)))

    def _waiting_changed(self, waiting: int) -> None:
        if self._offline is not None:
            self._offline.waiting_changed(waiting)
        if not waiting:
            self._saved_round = []
        bar = self._pending_bar
        if bar is None:
            return
        if not waiting:
            bar.clear()
        elif bar.isVisible():
            saver = self.taps.saver
            bar.update_waiting(waiting, saver.reason, on_disk=not saver.in_memory())

    def _staff_name(self, staff_id: int | None) -> str | None:
        from app import staff as staff_service

        current = self.controller.current_staff
        if current is not None and current.id == staff_id:
            return current.name
        return next((m.name for m in staff_service.list_staff(self.ctx) if m.id == staff_id),
                    None)
