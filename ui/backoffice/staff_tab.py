"""Staff: the list (former staff greyed, never deleted) and a form to add or change one
person — name, role, works here, and a new PIN typed twice. A PIN is never shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QColor, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import admin, staff
from app.errors import ComebackError
from app.i18n import _
from app.models import Role, Staff
from app.staff import PIN_MAX, PIN_MIN
from ui.backoffice.common import MUTED, Errors, Field, message_label, section, set_message
from ui.controller import Controller


def pin_input(name: str) -> QLineEdit:
    entry = QLineEdit(objectName=name)
    entry.setEchoMode(QLineEdit.Password)
    entry.setMaxLength(PIN_MAX)
    entry.setValidator(QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{PIN_MAX}}}"),
                                                   entry))
    return entry


class StaffTab(QWidget):
    """Who works here. Owners change everything; managers set cashiers' and own PINs."""

    def __init__(self, controller: Controller, signed_in: Callable[[], Staff | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller, self.signed_in = controller, signed_in
        self.members: list[Staff] = []
        self.editing: Staff | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(24)

        left = QVBoxLayout()
        self.table = QTableWidget(0, 4, objectName="staff_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        left.addWidget(self.table, 1)
        self.add_button = QPushButton(objectName="staff_add")
        self.add_button.clicked.connect(self.new_person)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        left.addLayout(row)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(10)
        self.form_title = section()
        right.addWidget(self.form_title)
        self.name_edit = QLineEdit(objectName="staff_name", maxLength=staff.NAME_MAX)
        self.role_box = QComboBox(objectName="staff_role")
        for role in Role:
            self.role_box.addItem(role.label(), role.value)
        self.active_check = QCheckBox(objectName="staff_active")
        self.pin_edit = pin_input("staff_pin")
        self.confirm_edit = pin_input("staff_pin_confirm")
        self.message = message_label()
        self.errors = Errors(self.message)
        self.name_field = self.errors.add(Field("name", self.name_edit, lambda: _("Name")))
        self.role_field = self.errors.add(Field("role", self.role_box, lambda: _("Role")))
        self.active_field = self.errors.add(Field("active", self.active_check, lambda: ""))
        self.pin_field = self.errors.add(Field(
            "pin", self.pin_edit, lambda: _("New PIN"),
            lambda: _("{low} to {high} digits, not easy to guess like 1234. Never shown; "
                      "leave empty to keep the current PIN.").format(low=PIN_MIN,
                                                                     high=PIN_MAX)))
        self.confirm_field = self.errors.add(Field("pin_confirm", self.confirm_edit,
                                                   lambda: _("New PIN again")))
        for field in (self.name_field, self.role_field, self.active_field, self.pin_field,
                      self.confirm_field):
            right.addWidget(field)
        right.addStretch(1)
        right.addWidget(self.message)
        self.save_button = QPushButton(objectName="Primary")
        self.save_button.clicked.connect(self.save)
        right.addWidget(self.save_button, 0, Qt.AlignRight)
        layout.addLayout(right, 2)
        self.retranslate()

    # -- list -------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.editing.id if self.editing
                                                        else None)
        members = staff.list_staff(self.controller.ctx, include_inactive=True)
        self.members = sorted(members, key=lambda m: not m.active)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.members))
        for row, member in enumerate(self.members):
            texts = (member.name, member.role.label(),
                     _("PIN set") if member.has_pin else _("No PIN"),
                     _("Works here") if member.active else _("Former staff"))
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, member.id)
                if not member.active:
                    item.setForeground(QColor(MUTED))
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        ids = [m.id for m in self.members]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        elif self.members:
            self.table.selectRow(0)
        else:
            self.new_person()

    def select(self, staff_id: int) -> None:
        self.table.selectRow([m.id for m in self.members].index(staff_id))

    def _selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.members):
            self._edit(self.members[row])

    # -- form -------------------------------------------------------------------------------
    def new_person(self) -> None:
        self.table.clearSelection()
        self._edit(None)
        self.name_edit.setFocus()

    def _edit(self, member: Staff | None) -> None:
        self.editing = member
        self.errors.clear()
        self.name_edit.setText(member.name if member else "")
        self.role_box.setCurrentIndex(self.role_box.findData(
            member.role.value if member else Role.CASHIER.value))
        self.active_check.setChecked(member.active if member else True)
        self.pin_edit.clear()
        self.confirm_edit.clear()
        self._apply_rights()
        self._retitle()

    def _apply_rights(self) -> None:
        me = self.signed_in()
        owner = admin.may(me, admin.STAFF)
        for widget in (self.name_edit, self.role_box, self.active_check):
            widget.setEnabled(owner)
        self.add_button.setVisible(owner)
        pin_ok = owner or (self.editing is not None and admin.may_set_pin(me, self.editing))
        self.pin_edit.setEnabled(pin_ok)
        self.confirm_edit.setEnabled(pin_ok)
        self.save_button.setEnabled(owner or pin_ok)
        if not owner:
            set_message(self.message, _("Only the owner can add or change staff. You can set "
                                        "your own PIN and cashiers' PINs."))

    def save(self) -> bool:
        self.errors.clear()
        me = self.signed_in()
        try:
            member, changes = admin.save_staff(
                self.controller.ctx, me.id if me else None,
                self.editing.id if self.editing else None, name=self.name_edit.text(),
                role=self.role_box.currentData(), active=self.active_check.isChecked(),
                pin=self.pin_edit.text(), pin_confirm=self.confirm_edit.text())
        except ComebackError as error:
            self.pin_edit.clear()
            self.confirm_edit.clear()
            self.errors.show(error)
            return False
        self.controller.announce(changes)
        self.reload(select_id=member.id)
        set_message(self.message, _("Saved {name}.").format(name=member.name)
                    if changes.staff else _("Nothing changed."))
        return True

    def _retitle(self) -> None:
        if self.editing is None:
            self.form_title.setText(_("New person"))
        else:
            self.form_title.setText(self.editing.name)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Name"), _("Role"), _("PIN"), _("Status")])
        for index, role in enumerate(Role):
            self.role_box.setItemText(index, role.label())
        self.active_check.setText(_("Works here (untick when someone leaves; history keeps "
                                    "their name)"))
        self.add_button.setText(_("Add a person"))
        self.save_button.setText(_("Save"))
        for field in (self.name_field, self.role_field, self.active_field, self.pin_field,
                      self.confirm_field):
            field.retranslate()
        self.active_field.label.setVisible(False)
        self._retitle()
        if self.members:
            self.reload()

