"""A sign-in lasts until the next switch or ``signin_idle_minutes`` without activity.

One single-shot timer, restarted by every change the app makes (``controller.changed``) and
by every step of the counter (a tap on a failure, a remedy, the staff list…); when it runs
out, nobody is at the counter any more and the next person taps their name (and PIN).
Tests pass a fake timer factory and fire it by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from ui.controller import Controller


class SignInKeeper(QObject):
    """Ends an idle sign-in. Signals: none (it calls ``controller.set_current_staff(None)``).

    Call :meth:`touch` on activity the controller does not see (the counter's steps)."""

    def __init__(self, controller: Controller,
                 timer_factory: Callable[[QObject], QTimer] = QTimer,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.timer = timer_factory(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._idle)
        controller.staff_changed.connect(self._on_staff)
        controller.changed.connect(self.touch)
        self._on_staff(controller.current_staff)

    def _interval(self) -> int:
        return self.controller.ctx.settings().signin_idle_minutes * 60_000

    def _on_staff(self, member) -> None:
        if member is None:
            self.timer.stop()
        else:
            self.timer.start(self._interval())

    def touch(self, *args) -> None:
        if args and getattr(args[0], "remote", False):
            return  # another terminal's change is no activity at this counter
        if self.controller.current_staff is not None:
            self.timer.start(self._interval())

    def _idle(self) -> None:
        if self.controller.current_staff is not None:
            self.controller.set_current_staff(None)
