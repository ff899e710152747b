"""The one controller: calls ``app`` services and broadcasts what changed.

Signals:
    changed(object): a :class:`app.models.Changes` after every successful operation.
    staff_changed(object): the :class:`app.models.Staff` now at the counter (or None).
    language_changed(str): the UI language code after a switch.
    error(str): a user-facing message when an operation was refused.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app import i18n, staff
from app.context import Context
from app.models import Changes, Staff


class Controller(QObject):
    changed = Signal(object)
    staff_changed = Signal(object)
    language_changed = Signal(str)
    error = Signal(str)

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._current_staff: Staff | None = None

    # -- who is at the counter -------------------------------------------------------------
    @property
    def current_staff(self) -> Staff | None:
        return self._current_staff

    def set_current_staff(self, member: Staff | None) -> None:
        self._current_staff = member
        self.staff_changed.emit(member)

    def default_staff(self) -> Staff | None:
        """Who is at the counter at start: nobody when sign-in needs a PIN (they tap their
        name and type it), else the first cashier."""
        if self.ctx.settings().signin_pin:
            return None
        members = staff.list_staff(self.ctx)
        cashiers = [m for m in members if m.role.value == "cashier"]
        return (cashiers or members or [None])[0]

    # -- broadcasting ----------------------------------------------------------------------
    def announce(self, changes: Changes) -> Changes:
        """Tell every screen what an operation changed. The store's language changed by
        another terminal (or the CLI: ``changes.remote``, from the live feed) is followed
        here first, as a change saved on this one is (the back office's settings form):
        the catalog and Qt's translator swapped, every screen retranslated."""
        if changes != Changes():
            if changes.settings and changes.remote:
                self._follow_store_language()
            self.changed.emit(changes)
        return changes

    def _follow_store_language(self) -> None:
        code = self.ctx.settings().language
        if code != i18n.language():
            self.set_language(code)

    def set_language(self, code: str) -> None:
        i18n.set_language(code)
        self.language_changed.emit(i18n.language())
