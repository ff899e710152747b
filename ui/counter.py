"""The counter screen: a cashier logs a failure and its remedy in two taps.

Tap a failure tile, then a remedy tile: the incident is saved at once. Around those two taps:
the apology line to say, several remedies with "+" and "Done", a manager's PIN when a remedy
is above its threshold, optional details, Undo while the undo window lasts, "call the manager
now" for repeat guests and severe failures, a quick staff switch, and keys for a keyboard
wedge (digits pick tiles, Enter confirms, Esc goes back).

The page calls ``app`` services itself and hands what changed to the controller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from app import catalog
from app import staff as staff_service
from app.errors import (
    ApprovalLocked,
    ApprovalRequired,
    ComebackError,
    PinRejected,
    WindowClosed,
)
from app.i18n import _
from app.models import Category, Changes, Incident, Logged, Remedy, RemedyRequest, Staff
from ui.controller import Controller
from ui.counter_parts import CATEGORIES, PIN, REMEDIES, STAFF, CounterParts
from ui.counter_retry import CounterRetry
from ui.counter_tiles import Tile

if TYPE_CHECKING:
    from app.approval import Approval
    from ui.counter_confirm import TimerFactory

__all__ = ["CATEGORIES", "PIN", "REMEDIES", "STAFF", "CounterPage"]


class CounterPage(CounterRetry, CounterParts):
    """The counter page of the main window.

    Signals:
        step_changed(str): CATEGORIES, REMEDIES, PIN or STAFF is now on screen (the reminder
            banner keeps small while a cashier is in the middle of logging).
    """

    step_changed = Signal(str)

    def __init__(self, controller: Controller, timer_factory: TimerFactory = QTimer,
                 parent: QWidget | None = None) -> None:
        """``timer_factory(parent)`` makes the undo countdown's timer (tests pass a fake)."""
        super().__init__(controller, timer_factory, parent)
        self._init_retry(timer_factory)  # taps the database cannot take yet: ui.counter_retry
        self._connect()
        self.rebuild_categories()
        self.staff_button.set_member(controller.current_staff)
        self.retranslate()

    def _connect(self) -> None:
        """Every signal connection of the page, in one place."""
        c = self.controller
        c.changed.connect(self._on_changed)
        c.staff_changed.connect(self.staff_button.set_member)
        c.language_changed.connect(self._on_language_changed)  # bound: dropped with the page
        self.back_button.clicked.connect(self.go_back)
        self.staff_button.clicked.connect(self.open_staff_switch)
        self.details_toggle.toggled.connect(self._toggle_details)

    def _wire_part(self, part: QWidget) -> None:
        """The connections of a part built on first use (see CounterParts)."""
        if part is self._remedy_step:
            part.tapped.connect(lambda remedy: self.give([remedy]))
            part.done.connect(self.give)
            # "Done" with the list sits in the bottom strip, where the undo bar is: the
            # first "+" moves no tile (issue 16.2).
            self._bottom.insertWidget(1, part.pending_bar)
            part.pending_changed.connect(lambda _on: self._sync_bottom())
        elif part is self._pinpad:
            part.submitted.connect(self._pin_submitted)
            part.cancelled.connect(self._pin_cancelled)
        elif part is self._staff_switch:
            part.picked.connect(self._staff_picked)
        elif part is self._details:
            part.closed.connect(lambda: self.details_toggle.setChecked(False))
            part.save_requested.connect(self.save_details)
            part.new_requested.connect(part.set_next)
            bar = self._confirm_bar
            if bar is not None and bar.isVisible() and self.last_logged is not None:
                part.set_last(self.last_logged.incident,
                              *self._panel_times(self.last_logged.incident))
        elif part is self._table_pad:
            part.picked.connect(self._table_picked)
        elif part is self._confirm_bar:
            part.undo_clicked.connect(self.undo)
            part.details_clicked.connect(lambda: self.details_toggle.setChecked(True))
            part.table_clicked.connect(self.open_table_pad)
            part.expired.connect(self._undo_window_over)
            part.details_button.setVisible(not self.details_toggle.isChecked())
            part.table_button.setVisible(not self.details_toggle.isChecked())

    def _toggle_details(self, on: bool) -> None:
        # The panel takes width from the tiles: they narrow, but keep their row and column.
        self.category_grid.hold_columns(on)
        if self._remedy_step is not None:
            self._remedy_step.grid.hold_columns(on and self.step == REMEDIES)
        self.details.setVisible(on)
        if self._confirm_bar is not None:  # "Add details" beside an open panel: no need
            self._confirm_bar.details_button.setVisible(not on)
            self._confirm_bar.table_button.setVisible(not on)  # the panel has the table

    def _details_mode(self) -> str:
        return self._details.mode if self._details is not None else "next"

    def _next_details(self) -> dict:
        return self._details.next_values() if self._details is not None else {}

    def rebuild_categories(self) -> None:
        """(Re)build the failure tiles from the catalog, e.g. after a back-office change."""
        self._categories = catalog.categories(self.ctx)
        tiles = []
        for category in self._categories:
            tile = Tile(_(category.label), category.icon)
            tile.clicked.connect(lambda _checked=False, c=category: self.pick_category(c))
            tiles.append(tile)
        self.category_grid.set_tiles(tiles)
        self.empty_label.setVisible(not tiles)

    def category_tiles(self) -> list[Tile]:
        return self.category_grid.tiles()

    def category_tile(self, code: str) -> Tile:
        index = next(i for i, c in enumerate(self._categories) if c.code == code)
        return self.category_grid.tiles()[index]

    # -- steps ------------------------------------------------------------------------------
    def _show_step(self, step: str) -> None:
        changed = step != self.step
        self.step = step
        page, shown = self._pages[step], self.stack.currentWidget()
        if changed and shown is not page and shown is not None and self.isVisible():
            # The banner gets smaller or bigger with the step (ui.app.add_reminders). With
            # no page of the stack shown meanwhile, the window is laid out once with the
            # banner's new height and the next page is shown at its final size: its tiles
            # are arranged once, or not at all when it has that size already (the failure
            # tiles after a tap), instead of twice per tap.
            shown.hide()
            self.step_changed.emit(step)
            changed = False
        self.stack.setCurrentWidget(page)
        self.back_button.setVisible(step in (REMEDIES, STAFF))
        self._sync_bottom()
        self._retranslate_heading()
        if step == PIN:
            self.pinpad.entry.setFocus()
        elif not self._focus_in_details():
            self.setFocus()
        if changed:
            self.step_changed.emit(step)

    def _sync_bottom(self) -> None:
        """The bottom strip shows the list being collected on the remedy step, else the
        undo bar while its incident can still be undone."""
        collecting = (self.step == REMEDIES and self._remedy_step is not None
                      and bool(self._remedy_step.pending))
        if self._remedy_step is not None:
            self._remedy_step.pending_bar.setVisible(collecting)
        bar = self._confirm_bar
        if bar is not None:
            bar.setVisible(not collecting and bar.incident_id() is not None)

    def pick_category(self, category: Category) -> None:
        """First tap: show the remedies, suggested first, and the apology line."""
        self.set_status("")
        severity = self._next_details().get("severity") or category.default_severity
        remedies = catalog.remedies_for(self.ctx, category.id, severity)
        suggested = catalog.suggested_remedies(self.ctx, category.id, severity)
        self.remedy_step.show_category(category, remedies, suggested, self.ctx.settings())
        self._show_step(REMEDIES)

    def go_back(self) -> None:
        if self._table_pad is not None and self._table_pad.isVisible():
            self._table_pad.cancel()
        elif self.step == PIN:
            self.pinpad.cancel()
        elif self.step in (REMEDIES, STAFF):
            if self._remedy_step is not None:
                self._remedy_step.clear_pending()
            self._show_step(CATEGORIES)

    # -- giving remedies (the second tap) ----------------------------------------------------
    def give(self, remedies: Sequence[Remedy], grant: Approval | None = None) -> Logged | None:
        """Log the chosen category with ``remedies`` now; asks for a PIN when one is needed."""
        category = self.remedy_step.category
        if category is None:
            return None
        from app import pending

        requests = [RemedyRequest(r.id) for r in remedies]
        if self._details_mode() == "last" and self.details.is_dirty():
            self.save_details()
        member = self.controller.current_staff
        tap = pending.incident_tap(
            self.ctx, category_id=category.id, remedies=requests,
            staff_id=member.id if member else None, approval=grant,
            shown=(category.label, [r.label for r in remedies]),
            default_severity=category.default_severity, **self._next_details())
        try:
            logged = self._submit_tap(tap)  # None: kept, "not saved yet" (ui.counter_retry)
        except ApprovalRequired as needed:
            self._ask_approval(requests, needed)
            return None
        except ComebackError as error:
            if self.step == PIN:
                self._show_step(REMEDIES)
            self.set_status(str(error), "error")
            return None
        if logged is None:
            return None
        self.controller.announce(logged.changes)
        self._logged(logged)
        return logged

    def _logged(self, logged: Logged) -> None:
        self.last_logged = logged
        self._approving = None
        self.remedy_step.clear_pending()
        member = self.controller.current_staff
        self.confirm_bar.show_logged(logged, self.ctx.settings(),
                                     member.name if member else None)
        self.confirm_bar.set_table(logged.incident.table_ref, self._retail())
        self._close_table_pad()
        if self._details is not None:
            self._details.set_last(logged.incident, *self._panel_times(logged.incident))
        self.set_status("")
        self._show_step(CATEGORIES)
        from ui.slip_bar import print_after_logged

        print_after_logged(self, logged)  # slips print in a worker thread, off the tap

    def _ask_approval(self, requests: list[RemedyRequest] | None,
                      needed: ApprovalRequired) -> None:
        """The PIN pad for an approval; with four eyes, the giver's own PIN is not asked."""
        self._approving, self._switching_to, self._needed = requests, None, needed
        why = str(needed)
        giver = self.controller.current_staff
        if needed.not_by is not None and giver is not None and needed.not_by == giver.id \
                and giver.role.can_approve:
            why = _("{why}\nSomeone other than {name} approves.").format(why=why,
                                                                        name=giver.name)
        from app.models import Role

        title = (lambda: _("Owner PIN")) if needed.role is Role.OWNER else \
            (lambda: _("Manager PIN"))
        self.pinpad.open(title, lambda: why)
        self._show_step(PIN)

    def _pin_submitted(self, pin: str) -> None:
        if not pin:
            self.pinpad.reject(_("Type the PIN first."))
            return
        if self._switching_to is not None:
            self._check_staff_pin(self._switching_to, pin)
            return
        if self._approving is None and self._undoing is None:
            return
        from app import offline, pending
        from app.models import Role

        needed = self._needed
        if self._undoing is not None:
            for_what = f"undo:{self._undoing}"
        else:
            for_what = "counter:" + ",".join(str(r.remedy_id) for r in self._approving)
        try:
            with pending.short_wait(self.ctx):
                grant = offline.authorize(  # while away: the copy's PIN hashes
                    self.ctx, pin, for_what=for_what,
                    min_role=needed.role if needed is not None and needed.role
                    else Role.MANAGER,
                    exclude=needed.not_by if needed is not None else None)
        except (PinRejected, ApprovalLocked) as refused:
            self.pinpad.reject(str(refused))
            return
        except pending.NotSavedYet as busy:
            self.pinpad.reject(_("{problem} The PIN was not checked: try again in a "
                                 "moment.").format(problem=busy.problem))
            return
        if self._undoing is not None:
            self.undo(self._undoing, grant)
            return
        remedies = [catalog.get_remedy(self.ctx, r.remedy_id) for r in self._approving]
        self.give(remedies, grant)

    def _pin_cancelled(self) -> None:
        if self._switching_to is not None:
            self._switching_to = None
            self._show_step(STAFF)
            return
        if self._undoing is not None:
            self._undoing = self._needed = None
            self._show_step(CATEGORIES)
            self.set_status(_("Not undone: the incident stays logged."))
            return
        self._approving = self._needed = None
        self._show_step(REMEDIES)
        self.set_status(_("Cancelled: nothing was saved."), again=lambda: _(
            "Cancelled: nothing was saved."))

    # -- after the taps ---------------------------------------------------------------------
    def _retail(self) -> bool:
        return self.ctx.settings().preset == "retail"

    def open_table_pad(self) -> None:
        """The optional third tap: recent tables and digits, saved on the logged incident."""
        from app import incidents

        pad = self.table_pad
        pad.open(incidents.recent_tables(self.ctx), retail=self._retail())
        self._place_table_pad()

    def _place_table_pad(self) -> None:
        pad = self._table_pad
        if pad is None or not pad.isVisible():
            return
        pad.adjustSize()
        strip = self.bottom_strip.geometry()
        pad.move(max(0, strip.right() - pad.width() - 16), max(0, strip.top() - pad.height()))

    def _close_table_pad(self) -> None:
        if self._table_pad is not None:
            self._table_pad.hide()

    def _table_picked(self, ref: str) -> None:
        from app import incidents

        incident_id = self.confirm_bar.incident_id()
        self._close_table_pad()
        if incident_id is None:
            return
        member = self.controller.current_staff
        try:
            changes = incidents.update_details(self.ctx, incident_id,
                                               member.id if member else None, table_ref=ref)
        except ComebackError as error:
            self.set_status(str(error), "error")
            return
        self.controller.announce(changes)
        after = incidents.get_incident(self.ctx, incident_id)
        self.confirm_bar.set_table(after.table_ref, self._retail())
        if self._details is not None and self._details.incident_id == incident_id \
                and not self._details.is_dirty():
            self._details.set_last(after, *self._panel_times(after))

    def undo(self, incident_id: int, grant: Approval | None = None) -> None:
        """Undo within the window; an approved remedy's incident needs a manager's PIN."""
        from app import incidents, pending

        member = self.controller.current_staff
        try:
            with pending.short_wait(self.ctx):
                changes = incidents.void_incident(self.ctx, incident_id,
                                                  member.id if member else None,
                                                  approval=grant)
        except ApprovalRequired as needed:
            self._undoing, self._approving, self._switching_to = incident_id, None, None
            self._needed = needed
            why = str(needed)
            self.pinpad.open(lambda: _("Manager PIN"), lambda: why)
            self._show_step(PIN)
            return
        except WindowClosed as closed:
            self._undoing = self._needed = None
            if self.step == PIN:
                self._show_step(CATEGORIES)
            self.confirm_bar.finish()
            self.set_status(str(closed), "error")
            return
        except pending.NotSavedYet as busy:
            self._undoing = self._needed = None
            if self.step == PIN:
                self._show_step(CATEGORIES)
            self.set_status(_("{problem} Not undone yet: tap Undo again in a moment.").format(
                problem=busy.problem), "error")
            return
        self._undoing = self._needed = None
        if self.step == PIN:
            self._show_step(CATEGORIES)
        label = self.last_logged.incident.category_label if self.last_logged else ""
        self.confirm_bar.clear()
        self._close_table_pad()
        if self._details is not None and self._details.incident_id == incident_id:
            self._details.set_next()
        self.controller.announce(changes)
        self.set_status(*self._undone_text(label))

    def _undone_text(self, label: str) -> tuple:
        def text() -> str:
            return _("Undone: {category} is not counted anywhere.").format(category=_(label))

        return text(), "info", text

    def _undo_window_over(self, incident_id: int) -> None:
        self._close_table_pad()
        panel = self._details
        if panel is not None and panel.incident_id == incident_id and not panel.is_dirty():
            panel.set_next()

    def save_details(self) -> None:
        """Save the panel's fields on the incident just logged (within the edit window)."""
        from app import incidents, pending
        from ui.counter_confirm import flag_text

        incident_id = self._details.incident_id if self._details is not None else None
        if self._details_mode() != "last" or incident_id is None:
            return
        member = self.controller.current_staff
        before = incidents.get_incident(self.ctx, incident_id)
        try:
            with pending.short_wait(self.ctx):  # NotSavedYet says what is wrong; kept typed
                changes = incidents.update_details(self.ctx, incident_id,
                                                   member.id if member else None,
                                                   **self.details.values())
        except ComebackError as error:
            self.details.set_message(str(error), "error")
            return
        self.controller.announce(changes)
        after = incidents.get_incident(self.ctx, incident_id)
        self.details.set_last(after, *self._panel_times(after))
        self.details.set_message(_("Details saved."))
        if after.flagged and not before.flagged and self.last_logged is not None:
            followup = incidents.get_followup(self.ctx, self.last_logged.followup.id)
            self.last_logged = Logged(after, followup, changes, self.last_logged.voucher_codes)
            if self.confirm_bar.incident_id() == incident_id:
                member = self.controller.current_staff
                self.confirm_bar.show_logged(self.last_logged, self.ctx.settings(),
                                             member.name if member else None)
            else:
                self.set_status(flag_text(after.repeat_guest, after.severity,
                                          self.ctx.settings().repeat_guest_days), "error")

    def _panel_times(self, incident: Incident) -> tuple[str, str]:
        from app.formatting import short_time  # Babel dates: first needed after a save

        s = self.ctx.settings()
        until = incident.occurred_at + timedelta(minutes=s.edit_window_minutes)
        return (short_time(incident.occurred_at, s.timezone, s.locale),
                short_time(until, s.timezone, s.locale))

    # -- who is at the counter ---------------------------------------------------------------
    def open_staff_switch(self) -> None:
        current = self.controller.current_staff
        self.staff_switch.load(staff_service.list_staff(self.ctx),
                               current.id if current else None)
        self._show_step(STAFF)

    def _staff_picked(self, member: Staff) -> None:
        """Tap your name; then your PIN (always for a manager or owner, for everyone when
        the store's ``signin_pin`` is on)."""
        if not member.role.can_approve and not self.ctx.settings().signin_pin:
            self.controller.set_current_staff(member)
            self._show_step(CATEGORIES)
            return
        if not member.has_pin:
            from app.approval import no_pin_message

            self.set_status(no_pin_message(member.name), "error")
            return
        self._switching_to, self._approving, self._undoing = member, None, None
        self.pinpad.open(lambda: _("PIN for {name}").format(name=member.name),
                         lambda: _("Sign in with your own PIN."))
        self._show_step(PIN)

    def _check_staff_pin(self, member: Staff, pin: str) -> None:
        from app import offline

        try:  # counts toward the one lockout, like every PIN (the copy's while away)
            offline.sign_in_check(self.ctx, member.id, pin)
        except (PinRejected, ApprovalLocked) as refused:
            self.pinpad.reject(str(refused))
            return
        self._switching_to = None
        self.set_status("")
        self.controller.set_current_staff(member)
        self._show_step(CATEGORIES)

    def _focus_in_details(self) -> bool:
        focus = self.focusWidget()
        return (focus is not None and self._details is not None
                and self._details.isAncestorOf(focus))

    # -- keyboard ---------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        from PySide6.QtCore import Qt  # not before the first paint: ui.qt_values

        key, text = event.key(), event.text()
        if key == Qt.Key_Escape:
            self.go_back()
        elif key in (Qt.Key_Return, Qt.Key_Enter):
            self._confirm_key()
        elif len(text) == 1 and text.isdigit():
            self._digit_key(text)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _confirm_key(self) -> None:
        if self._table_pad is not None and self._table_pad.isVisible():
            self._table_pad.submit()
        elif self._focus_in_details() and self._details_mode() == "last":
            self.save_details()
        elif self.step == REMEDIES:
            self.remedy_step.finish()
        elif self.step == PIN:
            self.pinpad.submit()

    def _digit_key(self, digit: str) -> None:
        if self._table_pad is not None and self._table_pad.isVisible():
            self._table_pad.press(digit)
            return
        if self.step == PIN:
            self.pinpad.press(digit)
            return
        grid = {CATEGORIES: self.category_grid, REMEDIES: self.remedy_step.grid,
                STAFF: self.staff_switch.grid}[self.step]
        tile = grid.tile_for_key(digit)
        if tile is not None:
            tile.click()

    # -- reacting to the rest of the app -----------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if changes.catalog:
            self.rebuild_categories()
            if self.step in (REMEDIES, PIN) and self._remedy_step is not None \
                    and self._remedy_step.category is not None:
                fresh = [c for c in self._categories
                         if c.id == self.remedy_step.category.id]
                if fresh and self.step == REMEDIES:
                    self.pick_category(fresh[0])
                elif not fresh:
                    self._approving = None
                    self._show_step(CATEGORIES)
        if changes.staff:
            self._refresh_current_staff()
        if changes.settings:
            self.retranslate()

    def _on_language_changed(self, _code: str) -> None:
        self.retranslate()
        # Messages made in the old language: made anew, or cleared (issue 16.5).
        self._retranslate_status()
        if self._details is not None:
            self._details.set_message("")

    def _refresh_current_staff(self) -> None:
        current = self.controller.current_staff
        members = {m.id: m for m in staff_service.list_staff(self.ctx)}
        fresh = members.get(current.id) if current else None
        if fresh is None:
            self.controller.set_current_staff(self.controller.default_staff())
        elif fresh != current:
            self.controller.set_current_staff(fresh)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._place_table_pad()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.step != PIN:
            self.setFocus()

    # -- texts ------------------------------------------------------------------------------
    def _retranslate_heading(self) -> None:
        category = self._remedy_step.category if self._remedy_step is not None else None
        label = _(category.label) if category is not None else ""
        if self.step == REMEDIES:
            text = _("{category}: what are you giving?").format(category=label)
        elif self.step == PIN and self._switching_to is not None:
            text = _("Switch to {name}").format(name=self._switching_to.name)
        elif self.step == PIN and self._undoing is not None:
            text = _("Undo: a manager must approve")
        elif self.step == PIN:
            text = _("{category}: a manager must approve").format(category=label)
        elif self.step == STAFF:
            text = _("Who's at the counter? Tap your name.")
        else:
            text = _("What went wrong? Tap it.")
        self.heading.setText(text)

    def retranslate(self) -> None:
        for category, tile in zip(self._categories, self.category_grid.tiles(), strict=False):
            tile.set_texts(_(category.label))
        self.empty_label.setText(_("No failure categories yet. A manager can add them in the "
                                   "back office."))
        self.back_button.setText(_("Back"))
        self.details_toggle.setText(_("Details"))
        self.details_toggle.setToolTip(_("Table, guest, note and severity (optional)"))
        self._retranslate_heading()
        for child in (self.staff_button, self._remedy_step, self._pinpad, self._staff_switch,
                      self._details, self._confirm_bar, self._table_pad):
            if child is not None:
                child.retranslate()
