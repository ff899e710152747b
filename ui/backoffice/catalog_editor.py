"""The shared shape of the Categories and Remedies tabs: the list in counter order (hidden
ones greyed) with Add / Up / Down / Hide, and an editor form for the selected item.

Subclasses say what the items are and how the form reads and writes them. Every change
goes through an ``app.catalog_admin`` service and is announced, so the counter rebuilds
its tiles at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ComebackError
from app.i18n import _
from app.models import Changes, Staff
from ui import icons
from ui.backoffice.common import MUTED, Errors, Field, message_label, section, set_message
from ui.controller import Controller

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_unsaved(parent: QWidget, name: str) -> str:
    """Save, discard or stay: the edits to ``name`` are not saved yet."""
    box = QMessageBox(QMessageBox.Question, _("Unsaved changes"),
                      _("Your changes to {name} are not saved yet.").format(name=name),
                      QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, parent)
    box.setDefaultButton(QMessageBox.Save)
    answer = box.exec()
    return {QMessageBox.Save: SAVE, QMessageBox.Discard: DISCARD}.get(answer, CANCEL)


def form_state(root: QWidget, skip: tuple[QWidget, ...] = ()) -> tuple:
    """What the inputs under ``root`` hold now (to tell an edited form from a clean one)."""
    state = []
    for widget in root.findChildren(QWidget):
        if any(widget is s or s.isAncestorOf(widget) for s in skip):
            continue
        if isinstance(widget, QLineEdit):
            state.append(widget.text())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentIndex())
        elif isinstance(widget, QAbstractSpinBox):
            state.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            state.append(widget.toPlainText())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
    return tuple(state)


def keep_stored(text: str, stored: str) -> str:
    """A preset label is shown translated; saving it untouched keeps the stored text."""
    return stored if text.strip() == _(stored).strip() else text


class CatalogEditor(QWidget):
    """List + editor form. Subclasses implement the ``_items``/``_fill``/``_write`` hooks."""

    list_name = "catalog_list"

    def __init__(self, controller: Controller, signed_in: Callable[[], Staff | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller, self.signed_in = controller, signed_in
        self.items: list = []
        self.editing = None
        self._clean: tuple = ()
        #: Asked when another item is picked with edits unsaved (tests answer for the user).
        self.ask_unsaved: Callable[[QWidget, str], str] = ask_unsaved
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(24)

        left = QVBoxLayout()
        self.list = QListWidget(objectName=self.list_name)
        self.list.setIconSize(QSize(28, 28))
        self.list.currentRowChanged.connect(self._selected)
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(objectName="add")
        self.add_button.clicked.connect(self.new_item)
        self.up_button = QPushButton(objectName="up")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton(objectName="down")
        self.down_button.clicked.connect(lambda: self.move(1))
        self.hide_button = QPushButton(objectName="hide")
        self.hide_button.clicked.connect(self.toggle_hidden)
        for button, name in ((self.up_button, "chevron-up"), (self.down_button, "chevron-down")):
            button.setIcon(QIcon(str(Path(__file__).resolve().parent / f"{name}.svg")))
            button.setIconSize(QSize(20, 20))
        for button in (self.add_button, self.up_button, self.down_button, self.hide_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        layout.addLayout(left, 2)

        self.form = QVBoxLayout()
        self.form.setSpacing(8)
        self.form_title = section()
        self.form.addWidget(self.form_title)
        self.message = message_label()
        self.errors = Errors(self.message)
        self.label_edit = QLineEdit(objectName="label", maxLength=40)
        self.label_field = self.add_field(Field("label", self.label_edit, lambda: _("Label")))
        self._build_form()
        self.form.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        self.save_button = QPushButton(objectName="Primary")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        self.form.addLayout(bottom)
        layout.addLayout(self.form, 3)
        self.retranslate()

    def add_field(self, field: Field, *aliases: str) -> Field:
        self.errors.add(field, *aliases)
        self.form.addWidget(field)
        return field

    # -- hooks ------------------------------------------------------------------------------
    def _build_form(self) -> None:
        """Add the fields after Label."""

    def _items(self) -> list:
        raise NotImplementedError

    def _fill(self, item) -> None:
        """Put ``item`` (None = a new one) into the form."""
        raise NotImplementedError

    def _write(self, by: int | None, item) -> tuple[int, Changes]:
        """Save the form as a new item (``item`` None) or over ``item``; return its id."""
        raise NotImplementedError

    def _move(self, by: int | None, item_id: int, step: int) -> Changes:
        raise NotImplementedError

    def _set_hidden(self, by: int | None, item_id: int, hidden: bool) -> Changes:
        raise NotImplementedError

    def _titles(self) -> dict[str, str]:
        raise NotImplementedError

    # -- list -------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else getattr(self.editing, "id", None)
        self.items = self._items()
        self.list.blockSignals(True)
        self.list.clear()
        for item in self.items:
            text = _(item.label) if not item.hidden else _("{label} (hidden)").format(
                label=_(item.label))
            row = QListWidgetItem(icons.icon(item.icon, 28), text)
            row.setData(Qt.UserRole, item.id)
            if item.hidden:
                row.setForeground(QColor(MUTED))
            self.list.addItem(row)
        ids = [item.id for item in self.items]
        if keep in ids:
            self.list.setCurrentRow(ids.index(keep))
            self._edit(self.items[ids.index(keep)])
        elif self.items:
            self.list.setCurrentRow(0)
            self._edit(self.items[0])
        else:
            self._edit(None)
        self.list.blockSignals(False)

    def select(self, item_id: int) -> None:
        self.list.setCurrentRow([item.id for item in self.items].index(item_id))

    def _selected(self, row: int) -> None:
        if 0 <= row < len(self.items):
            target = self.items[row].id
            if not self._may_leave():
                self._reselect_editing()
                return
            ids = [item.id for item in self.items]
            if target in ids:
                self._edit(self.items[ids.index(target)])
                self.list.blockSignals(True)
                self.list.setCurrentRow(ids.index(target))
                self.list.blockSignals(False)

    def is_dirty(self) -> bool:
        """The form holds edits not saved yet."""
        return self.may_edit() and form_state(self, (self.list,)) != self._clean

    def _may_leave(self) -> bool:
        """Unsaved edits are saved, dropped or kept (the user stays) as the user says."""
        if not self.is_dirty():
            return True
        name = _(self.editing.label) if self.editing is not None else self._titles()["new"]
        answer = self.ask_unsaved(self, name)
        if answer == SAVE:
            return self.save()
        return answer == DISCARD

    def _reselect_editing(self) -> None:
        ids = [item.id for item in self.items]
        editing = getattr(self.editing, "id", None)
        self.list.blockSignals(True)
        self.list.setCurrentRow(ids.index(editing) if editing in ids else -1)
        self.list.blockSignals(False)

    def _edit(self, item) -> None:
        self.editing = item
        self.errors.clear()
        self._fill(item)
        self._update_buttons()
        self._clean = form_state(self, (self.list,))

    def _update_buttons(self) -> None:
        titles = self._titles()
        item = self.editing
        self.form_title.setText(titles["new"] if item is None else _(item.label))
        self.hide_button.setText(titles["show"] if item is not None and item.hidden
                                 else titles["hide"])
        editable = self.may_edit()
        for button in (self.up_button, self.down_button, self.hide_button):
            button.setEnabled(editable and item is not None)
        self.add_button.setEnabled(editable)
        self.save_button.setEnabled(editable)

    def may_edit(self) -> bool:
        from app import admin

        return admin.may(self.signed_in(), admin.CATALOG)

    def new_item(self) -> None:
        if not self._may_leave():
            return
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.clearSelection()
        self.list.blockSignals(False)
        self._edit(None)
        self.label_edit.setFocus()

    # -- actions ----------------------------------------------------------------------------
    def _by(self) -> int | None:
        member = self.signed_in()
        return member.id if member else None

    def _run(self, action: Callable[[], tuple[int | None, Changes]], saved: str) -> bool:
        self.errors.clear()
        try:
            item_id, changes = action()
        except ComebackError as error:
            self.errors.show(error)
            return False
        self.controller.announce(changes)
        self.reload(select_id=item_id)
        set_message(self.message, saved if changes != Changes() else _("Nothing changed."))
        return True

    def save(self) -> bool:
        item = self.editing
        return self._run(lambda: self._write(self._by(), item), _("Saved: the counter shows "
                                                                  "it now."))

    def move(self, step: int) -> bool:
        item = self.editing
        if item is None:
            return False
        return self._run(lambda: (item.id, self._move(self._by(), item.id, step)),
                         _("Moved."))

    def toggle_hidden(self) -> bool:
        item = self.editing
        if item is None:
            return False
        hidden = not item.hidden
        return self._run(lambda: (item.id, self._set_hidden(self._by(), item.id, hidden)),
                         _("Hidden from the counter.") if hidden else _("Back on the counter."))

    def retranslate(self) -> None:
        titles = self._titles()
        self.add_button.setText(titles["add"])
        for button, text in ((self.up_button, _("Move up")), (self.down_button, _("Move down"))):
            button.setToolTip(text)
            button.setAccessibleName(text)
        self.save_button.setText(_("Save"))
        for field in self.errors.fields.values():
            field.retranslate()
        self.reload()
