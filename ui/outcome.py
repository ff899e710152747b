"""The outcome step: who checked back (tap your name; PIN when sign-in needs one), then how
did it go? Four big buttons, an optional note, and for a guest who is still unhappy a
further remedy (the same approval rule, given by the manager who checked back) and a new
follow-up. The outcome is recorded under that manager, not whoever is at the counter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import approval, catalog, followups
from app.errors import ApprovalLocked, ApprovalRequired, ComebackError, PinRejected, StateError
from app.followup_items import FollowUpItem, given, items_for, opening_line, place, what_happened
from app.formatting import money, short_time
from app.i18n import _
from app.incidents import get_followup
from app.models import FollowUp, Outcome, Remedy, RemedyKind, RemedyRequest, Role, Staff
from ui.controller import Controller
from ui.outcome_taking import CHOOSE, DONE, MORE, PIN, WHO, TakesTheGuest
from ui.pinpad import PinPad

#: The counter's PIN pad spreads its digits over all the height it gets: keep it compact.
PIN_HEIGHT = 460
COLOURS = {Outcome.DELIGHTED: "#2F8F5B", Outcome.SATISFIED: "#2F6F9F",
           Outcome.UNHAPPY: "#B5472F", Outcome.LEFT: "#4E5A66"}
HINTS = {Outcome.DELIGHTED: lambda: _("Won back: happier than before"),
         Outcome.SATISFIED: lambda: _("All right now"),
         Outcome.UNHAPPY: lambda: _("Offer something more"),
         Outcome.LEFT: lambda: _("Gone before anyone checked")}
STYLE = """
#OutcomeDialog { background: #14181D; }
#OutcomeDialog QLabel { color: #E8EDF2; background: transparent; }
#OutcomeHeadline { font-size: 22pt; font-weight: 800; }
#OutcomeGiven { font-size: 14pt; color: #9AA8B5; }
#OutcomeSay { font-size: 17pt; font-style: italic; background: #1A2B38; border-radius: 10px;
    border-left: 6px solid #5AA9E6; padding: 10px 16px; }
#OutcomeQuestion { font-size: 18pt; font-weight: 700; }
#OutcomeMessage { font-size: 14pt; color: #F08A80; }
#OutcomeCodes { font-size: 30pt; font-weight: 800; letter-spacing: 4px; }
#OutcomeButton { font-size: 19pt; font-weight: 800; color: #FFFFFF; border: none;
    border-radius: 16px; min-height: 104px; padding: 6px 18px; }
#RemedyChoice { font-size: 16pt; font-weight: 700; min-height: 84px; border-radius: 14px;
    padding: 4px 14px; }
#OutcomeNote { font-size: 15pt; min-height: 48px; }
#OutcomeSecondary { font-size: 15pt; min-height: 52px; padding: 4px 24px; border-radius: 12px; }
"""


def _label(name: str) -> QLabel:
    label = QLabel(objectName=name, wordWrap=True)
    label.setTextFormat(Qt.PlainText)
    label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)  # space goes to buttons
    return label


def _page(spacing: int, top: int = 4) -> tuple[QWidget, QVBoxLayout]:
    """A page of the dialog's stack and its column."""
    page = QWidget()
    layout = QVBoxLayout(page)
    if top:
        layout.setContentsMargins(0, top, 0, 0)
    layout.setSpacing(spacing)
    return page, layout


def _closing_row(layout: QVBoxLayout, slot, *before: QWidget) -> QPushButton:
    """The page's bottom row: ``before`` on the left, then one secondary button on the
    right that calls ``slot``; returns that button (its text is set with the page's)."""
    row = QHBoxLayout()
    for widget in before:
        row.addWidget(widget)
    row.addStretch(1)
    button = QPushButton(objectName="OutcomeSecondary")
    button.clicked.connect(slot)
    row.addWidget(button)
    layout.addLayout(row)
    return button


class OutcomeDialog(TakesTheGuest, QDialog):
    """Record how a follow-up ended; "Still unhappy" goes on to a further remedy.

    Signals:
        recorded(str): the outcome value, once written.
        remedied(object): the :class:`app.followups.FurtherRemedy` given afterwards.
    """

    recorded = Signal(str)
    remedied = Signal(object)

    def __init__(self, controller: Controller, followup_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OutcomeDialog")
        self.setStyleSheet(STYLE)
        self.controller = controller
        self.ctx = controller.ctx
        self.item: FollowUpItem = items_for(self.ctx, [get_followup(self.ctx, followup_id)])[0]
        self._pending: list[RemedyRequest] | None = None
        self._needed: ApprovalRequired | None = None
        self._signing: Staff | None = None  # tapped their name, PIN pad open
        self.checker: Staff | None = None  # the manager who checked back
        self.remedies: list[Remedy] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 20)
        outer.setSpacing(10)
        self.headline_label = _label("OutcomeHeadline")
        outer.addWidget(self.headline_label)
        self.given_label = _label("OutcomeGiven")
        outer.addWidget(self.given_label)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.message_label = _label("OutcomeMessage")
        self.message_label.hide()
        outer.addWidget(self.message_label)
        self.stack.addWidget(self._build_choose())
        self.stack.addWidget(self._build_more())
        self.pinpad = PinPad()
        self.pinpad.submitted.connect(self._pin_submitted)
        self.pinpad.cancelled.connect(self._pin_cancelled)
        self.pinpad.setMaximumHeight(PIN_HEIGHT)
        pin_page = QWidget()
        pin_layout = QVBoxLayout(pin_page)
        pin_layout.setContentsMargins(0, 0, 0, 0)
        pin_layout.addStretch(1)
        pin_layout.addWidget(self.pinpad)
        pin_layout.addStretch(1)
        self.stack.addWidget(pin_page)
        self.stack.addWidget(self._build_done())
        self.stack.addWidget(self._build_who())
        self.stack.setCurrentIndex(WHO)
        controller.language_changed.connect(self._on_language)  # dropped when deleted
        self.retranslate()
        # Who is on it: the other terminals show "Marco is on it" and stop ringing for this
        # guest until it is recorded, the step is left (released) or a few minutes pass.
        self.taken: FollowUp | None = None
        self.outcome_written = False
        self._take(controller.current_staff, opening=True)
        controller.changed.connect(self._on_changed)  # bound: dropped when deleted
        self.finished.connect(self._release)

    def _on_language(self, _code: str) -> None:
        self.retranslate()

    # -- pages ------------------------------------------------------------------------------
    def _build_choose(self) -> QWidget:
        page, layout = _page(12)
        self.say_label = _label("OutcomeSay")
        layout.addWidget(self.say_label)
        self.question_label = _label("OutcomeQuestion")
        layout.addWidget(self.question_label)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.outcome_buttons: dict[Outcome, QPushButton] = {}
        for index, outcome in enumerate(Outcome):
            button = QPushButton(objectName="OutcomeButton")
            button.setStyleSheet(f"background: {COLOURS[outcome]};")
            button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
            button.setMaximumHeight(170)
            button.clicked.connect(lambda _checked=False, o=outcome: self.choose(o))
            self.outcome_buttons[outcome] = button
            grid.addWidget(button, index // 2, index % 2)
        layout.addLayout(grid, 1)
        self.note_edit = QLineEdit(objectName="OutcomeNote")
        self.note_edit.setMaxLength(followups.OUTCOME_NOTE_MAX)
        layout.addWidget(self.note_edit)
        from ui.slip_actions import ReprintButton

        self.reprint_button = ReprintButton(self.controller, self.item.incident.id,
                                            self.item.voucher_codes,
                                            object_name="OutcomeSecondary",
                                            printer_set=bool(self.item.settings.printer))
        self.cancel_button = _closing_row(layout, self.reject, self.reprint_button)
        return page

    def _build_who(self) -> QWidget:
        from app import staff as staff_service
        from ui.staff_switch import StaffSwitch

        page, layout = _page(12)
        self.who_label = _label("OutcomeQuestion")
        layout.addWidget(self.who_label)
        self.who_switch = StaffSwitch()
        self.who_switch.load([m for m in staff_service.list_staff(self.ctx)
                              if m.role.can_approve], None)
        self.who_switch.picked.connect(self.checked_back_by)
        layout.addWidget(self.who_switch, 1)
        self.who_cancel_button = _closing_row(layout, self.reject)
        return page

    def checked_back_by(self, member: Staff) -> None:
        """A manager tapped their name: their PIN when sign-in needs one, then the outcome."""
        if not self.ctx.settings().signin_pin:
            self._checker_known(member)
            return
        self._signing, self._pending = member, None
        self.pinpad.open(lambda: _("PIN for {name}").format(name=member.name),
                         lambda: _("The outcome is recorded under your name."))
        self.stack.setCurrentIndex(PIN)

    def _checker_known(self, member: Staff) -> None:
        self.checker, self._signing = member, None
        self._show_message("")
        self.stack.setCurrentIndex(CHOOSE)
        if self.taken is None or self.taken.taken_by != member.id:
            self._take(member)  # now under the name of who checks back

    def _build_more(self) -> QWidget:
        page, layout = _page(12)
        self.more_label = _label("OutcomeQuestion")
        layout.addWidget(self.more_label)
        self.more_hint = _label("OutcomeGiven")
        layout.addWidget(self.more_hint)
        self.remedy_grid = QGridLayout()
        self.remedy_grid.setSpacing(12)
        layout.addLayout(self.remedy_grid, 3)
        layout.addStretch(1)
        self.remedy_buttons: dict[str, QPushButton] = {}
        self.nothing_button = _closing_row(layout, self.accept)
        return page

    def _build_done(self) -> QWidget:
        page, layout = _page(16, top=0)
        self.done_label = _label("OutcomeQuestion")
        layout.addWidget(self.done_label)
        self.codes_label = _label("OutcomeCodes")
        self.codes_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.codes_label)
        layout.addStretch(1)
        self.done_button = _closing_row(layout, self.accept)
        return page

    def _fill_remedies(self) -> None:
        while self.remedy_grid.count():
            widget = self.remedy_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.remedy_buttons.clear()
        incident = self.item.incident
        self.remedies = catalog.remedies_for(self.ctx, incident.category_id, incident.severity)
        settings = self.item.settings
        for index, remedy in enumerate(self.remedies):
            text = _(remedy.label)
            if remedy.value_minor and remedy.kind is not RemedyKind.APOLOGY:
                text = _("{remedy}\n{amount}").format(remedy=text, amount=money(
                    remedy.value_minor, settings.currency, settings.locale))
            if remedy.needs_approval(remedy.value_minor):
                text = _("{remedy} · PIN").format(remedy=text)
            button = QPushButton(text, objectName="RemedyChoice")
            button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
            button.setMaximumHeight(150)
            button.clicked.connect(lambda _checked=False, r=remedy: self.give(r))
            self.remedy_buttons[remedy.code] = button
            self.remedy_grid.addWidget(button, index // 4, index % 4)

    # -- actions ----------------------------------------------------------------------------
    def _staff_id(self) -> int | None:
        return self.checker.id if self.checker else None

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def choose(self, outcome: Outcome) -> None:
        """Write the outcome at once (one tap); "Still unhappy" then offers more."""
        from app.pending import short_wait

        try:
            with short_wait(self.ctx):  # locked or full: says so at once, nothing written
                changes = followups.record_outcome(self.ctx, self.item.id, outcome,
                                                   self._staff_id(), self.note_edit.text())
        except StateError as error:  # another manager recorded it first: who, and what
            self._closed_elsewhere(str(error))
            return
        except ComebackError as error:
            self._show_message(str(error))
            return
        self.outcome_written = True
        self.controller.announce(changes)
        self.recorded.emit(outcome.value)
        if outcome is Outcome.UNHAPPY:
            self._fill_remedies()
            self._show_message("")
            self.stack.setCurrentIndex(MORE)
        else:
            self.accept()

    def give(self, remedy: Remedy, grant: approval.Approval | None = None) -> None:
        requests = [RemedyRequest(remedy.id)]
        from app.pending import short_wait

        try:
            with short_wait(self.ctx):
                result = followups.further_remedy(self.ctx, self.item.incident.id, requests,
                                                  self._staff_id(), approval=grant)
        except ApprovalRequired as needed:
            self._pending, self._needed = requests, needed
            why = str(needed)
            self.pinpad.open(lambda: _("Manager approval"), lambda: why)
            self.stack.setCurrentIndex(PIN)
            return
        except ComebackError as error:
            self.stack.setCurrentIndex(MORE)
            self._show_message(str(error))
            return
        self._pending = None
        self.controller.announce(result.changes)
        from ui.slip_actions import print_codes

        print_codes(self.controller, self.item.incident.id, result.voucher_codes,
                    self.parentWidget())
        self.remedied.emit(result)
        self._show_done(remedy, result)

    def _pin_submitted(self, pin: str) -> None:
        if not pin or (self._pending is None and self._signing is None):
            self.pinpad.reject(_("Type the PIN first."))
            return
        if self._signing is not None:
            try:  # the one PIN check: counts toward the lockout
                approval.sign_in_check(self.ctx, self._signing.id, pin, for_what="outcome")
            except (PinRejected, ApprovalLocked) as refused:
                self.pinpad.reject(str(refused))
                return
            self._checker_known(self._signing)
            return
        needed = self._needed
        try:
            grant = approval.authorize(
                self.ctx, pin, for_what="further_remedy",
                min_role=needed.role if needed is not None and needed.role else Role.MANAGER,
                exclude=needed.not_by if needed is not None else None)
        except (PinRejected, ApprovalLocked) as refused:
            self.pinpad.reject(str(refused))
            return
        self.give(catalog.get_remedy(self.ctx, self._pending[0].remedy_id), grant)

    def _pin_cancelled(self) -> None:
        if self._signing is not None:
            self._signing = None
            self.stack.setCurrentIndex(WHO)
            return
        self._pending = self._needed = None
        self.stack.setCurrentIndex(MORE)
        self._show_message(_("Cancelled: nothing more was given."))

    def _show_done(self, remedy: Remedy, result: followups.FurtherRemedy) -> None:
        settings = self.item.settings
        self.done_label.setText(_("{remedy} given. You will be reminded to check again at "
                                  "{time}.").format(
            remedy=_(remedy.label),
            time=short_time(result.followup.due_at, settings.timezone, settings.locale)))
        self.codes_label.setText(
            _("Voucher code: {codes}").format(codes=", ".join(result.voucher_codes))
            if result.voucher_codes else "")
        self.codes_label.setVisible(bool(result.voucher_codes))
        self._show_message("")
        self.stack.setCurrentIndex(DONE)

    def retranslate(self) -> None:
        item = self.item
        self.setWindowTitle(_("How did it go?"))
        self.headline_label.setText(_("{place} — {what}").format(place=place(item),
                                                                 what=what_happened(item)))
        self.given_label.setText(_("Given: {given}").format(given=given(item)))
        self.say_label.setText(_("Say: “{line}”").format(line=opening_line(item)))
        self.question_label.setText(_("How did it go? One tap records it."))
        self.who_label.setText(_("Who checked back on the guest? Tap your name."))
        self.who_cancel_button.setText(_("Not now"))
        self.who_switch.retranslate()
        for outcome, button in self.outcome_buttons.items():
            button.setText(_("{outcome}\n{hint}").format(outcome=outcome.label(),
                                                         hint=HINTS[outcome]()))
        self.note_edit.setPlaceholderText(_("Note (optional): what the guest said"))
        self.cancel_button.setText(_("Not now"))
        self.more_label.setText(_("Still unhappy: offer something more?"))
        self.more_hint.setText(_("The same approval rules apply, and you will be reminded "
                                 "to check back again."))
        self.nothing_button.setText(_("Nothing more"))
        self.done_button.setText(_("Done"))
        if self.remedies:
            self._fill_remedies()


def open_outcome(controller: Controller, followup_id: int,
                 parent: QWidget | None = None) -> OutcomeDialog | None:
    """Open the outcome step over ``parent``, filling it (window-modal, not blocking)."""
    try:
        dialog = OutcomeDialog(controller, followup_id, parent)
    except ComebackError as error:
        controller.error.emit(str(error))
        return None
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModal)
    if parent is not None:
        dialog.resize(parent.window().size())
    dialog.open()
    return dialog
