"""Guest data: erase one guest's details on request (a guest asks to be forgotten).

Type the guest's phone or e-mail, or their name; "Find" says how many incidents still hold
those details; "Erase" (shown only then, naming the count) blanks name, contact and notes of
those incidents. The audit log keeps the count, never the details. Managers and owners.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app import privacy
from app.errors import ComebackError
from app.i18n import _, ngettext
from app.models import Changes
from ui.backoffice.common import Errors, Field, message_label, section, set_message
from ui.controller import Controller


class GuestTab(QWidget):
    """Find a guest by contact or name, then erase their details after a confirming tap."""

    def __init__(self, controller: Controller, signed_in: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller, self.signed_in = controller, signed_in
        self._found: privacy.GuestMatch | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        self.title = section()
        layout.addWidget(self.title)
        self.note = QLabel(objectName="BoHelp", wordWrap=True)
        layout.addWidget(self.note)
        self.contact = QLineEdit(objectName="erase_contact", maxLength=120)
        self.name = QLineEdit(objectName="erase_name", maxLength=80)
        self.contact_field = Field("contact", self.contact, lambda: _("Guest contact"))
        self.name_field = Field("name", self.name, lambda: _("Guest name"))
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.contact_field, 1)
        row.addWidget(self.name_field, 1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.find_button = QPushButton(objectName="erase_find")
        self.find_button.clicked.connect(self.find)
        buttons.addWidget(self.find_button)
        self.erase_button = QPushButton(objectName="erase_confirm")
        self.erase_button.setProperty("class", "danger")
        self.erase_button.clicked.connect(self.erase)
        buttons.addWidget(self.erase_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = message_label()
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.errors = Errors(self.message)
        self.errors.add(self.contact_field, "guest")
        for edit in (self.contact, self.name):
            edit.textEdited.connect(self._forget)
            edit.returnPressed.connect(self.find)
        self.retranslate()

    def _who(self) -> dict:
        return {"contact": self.contact.text(), "name": self.name.text()}

    def _forget(self) -> None:
        self._found = None
        self.erase_button.setVisible(False)

    def find(self) -> None:
        self.errors.clear()
        self._forget()
        try:
            found = privacy.find_guest(self.controller.ctx, **self._who())
        except ComebackError as error:
            self.errors.show(error)
            return
        if not found.count:
            set_message(self.message, _("No incident holds these guest details; nothing to "
                                        "erase."))
            return
        self._found = found
        set_message(self.message, ngettext(
            "{n} incident holds these guest details.",
            "{n} incidents hold these guest details.", found.count).format(n=found.count))
        self.erase_button.setText(ngettext(
            "Erase the guest's details from {n} incident",
            "Erase the guest's details from {n} incidents", found.count).format(n=found.count))
        self.erase_button.setVisible(True)

    def erase(self) -> None:
        if self._found is None:
            return
        try:
            erased = privacy.erase_guest(self.controller.ctx, self.signed_in(), **self._who())
        except ComebackError as error:
            self.errors.show(error)
            return
        self._forget()
        self.contact.clear()
        self.name.clear()
        self.controller.announce(Changes(incidents=True))
        set_message(self.message, ngettext(
            "Guest details erased from {n} incident.",
            "Guest details erased from {n} incidents.", erased).format(n=erased))

    def reload(self) -> None:
        self._forget()
        set_message(self.message, "")

    def retranslate(self) -> None:
        self.title.setText(_("Erase a guest's details"))
        self.note.setText(_(
            "When a guest asks to be forgotten: give their phone or e-mail, or their name. "
            "Their name, contact and the notes of their incidents are erased; the incidents "
            "stay in the figures without them. Details older than the retention period "
            "(Store settings) are erased by themselves every day."))
        self.contact_field.retranslate()
        self.name_field.retranslate()
        self.find_button.setText(_("Find"))
        if self._found is None:
            self.erase_button.setVisible(False)
