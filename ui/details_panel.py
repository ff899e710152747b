"""Optional details beside the counter: table or order, guest, contact, note, severity.

The panel never blocks the two taps. Filled in before the taps, its values go with the next
incident; right after the taps it shows the incident just logged, whose details can be
changed and saved while the store's edit window lasts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.incidents import GUEST_CONTACT_MAX, GUEST_NAME_MAX, NOTE_MAX, TABLE_MAX
from app.models import Incident, Severity
from ui.counter_tiles import repolish

NEXT, LAST = "next", "last"
PANEL_WIDTH = 320


class DetailsPanel(QFrame):
    """The side panel.

    Signals:
        save_requested(): "Save details" on the incident just logged.
        new_requested(): "New incident": stop editing the last one, start empty.
        closed(): the panel's close button.
    """

    save_requested = Signal()
    new_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailsPanel")
        self.setFixedWidth(PANEL_WIDTH)
        self.mode = NEXT
        self.incident_id: int | None = None
        self._dirty = False
        self._filling = False
        self._mode_text = lambda: ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 12)
        outer.setSpacing(4)
        head = QHBoxLayout()
        self.title_label = QLabel(objectName="Heading")
        head.addWidget(self.title_label, 1)
        self.close_button = QPushButton("×", objectName="CloseButton")
        self.close_button.setFocusPolicy(Qt.NoFocus)
        self.close_button.clicked.connect(self.closed)
        head.addWidget(self.close_button)
        outer.addLayout(head)
        # The fields scroll when the window is short (a reminder banner above, say); the
        # buttons below them stay in view.
        self.scroll = QScrollArea(objectName="DetailsScroll", widgetResizable=True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        fields = QWidget(objectName="DetailsFields")
        self.scroll.setWidget(fields)
        outer.addWidget(self.scroll, 1)
        actions_at = outer
        outer = QVBoxLayout(fields)
        outer.setContentsMargins(0, 0, 4, 0)
        outer.setSpacing(4)
        self.mode_label = QLabel(objectName="Muted", wordWrap=True)
        outer.addWidget(self.mode_label)
        outer.addSpacing(4)

        self.table_edit = self._line(TABLE_MAX)
        self.guest_edit = self._line(GUEST_NAME_MAX)
        self.contact_edit = self._line(GUEST_CONTACT_MAX)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(64)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.textChanged.connect(self._note_changed)
        self.note_left_label = QLabel(objectName="FieldLabel")
        self.field_labels = [QLabel(objectName="FieldLabel") for _i in range(5)]
        for label, field in zip(self.field_labels[:4], (
                self.table_edit, self.guest_edit, self.contact_edit, self.note_edit),
                strict=False):
            outer.addWidget(label)
            outer.addWidget(field)
        outer.addWidget(self.note_left_label)
        outer.addWidget(self.field_labels[4])
        severity_row = QHBoxLayout()
        severity_row.setSpacing(6)
        self.severity_group = QButtonGroup(self)
        self.severity_group.setExclusive(True)
        self.severity_buttons: dict[str | None, QPushButton] = {}
        for level in (None, Severity.LOW.value, Severity.MEDIUM.value, Severity.HIGH.value):
            button = QPushButton(objectName="SeverityButton", checkable=True)
            button.setFocusPolicy(Qt.NoFocus)
            button.setProperty("level", level or "default")
            self.severity_group.addButton(button)
            self.severity_buttons[level] = button
            severity_row.addWidget(button, 1)
        self.severity_buttons[None].setChecked(True)
        self.severity_group.buttonToggled.connect(lambda _b, on: on and self._touched())
        outer.addLayout(severity_row)
        self.message_label = QLabel(objectName="Status", wordWrap=True)
        self.message_label.hide()
        outer.addWidget(self.message_label)
        outer.addStretch(1)
        outer = actions_at
        # Side by side when both labels fit the panel's width, else one above the other.
        self._actions = actions = QBoxLayout(QBoxLayout.LeftToRight)
        actions.setSpacing(8)
        self.new_button = QPushButton(objectName="BigButton")
        self.new_button.setFocusPolicy(Qt.NoFocus)
        self.new_button.clicked.connect(self.new_requested)
        actions.addWidget(self.new_button)
        self.save_button = QPushButton(objectName="Primary")
        self.save_button.setFocusPolicy(Qt.NoFocus)
        self.save_button.clicked.connect(self.save_requested)
        actions.addWidget(self.save_button, 1)
        outer.addLayout(actions)
        self.set_next()

    def _note_changed(self) -> None:
        """The note stops at NOTE_MAX characters (what is typed or pasted beyond it is
        dropped where it went in) and says how many are left."""
        text = self.note_edit.toPlainText()
        over = len(text) - NOTE_MAX
        if over > 0:
            cursor = self.note_edit.textCursor()
            at = cursor.position()
            start = max(0, at - over)
            text = text[:start] + text[at:] if at - start == over else text[:NOTE_MAX]
            self.note_edit.blockSignals(True)
            self.note_edit.setPlainText(text)
            self.note_edit.blockSignals(False)
            cursor = self.note_edit.textCursor()
            cursor.setPosition(min(start, len(text)))
            self.note_edit.setTextCursor(cursor)
        self._show_note_left()
        self._touched()

    def _show_note_left(self) -> None:
        left = NOTE_MAX - len(self.note_edit.toPlainText())
        self.note_left_label.setText(ngettext("{n} character left", "{n} characters left",
                                              left).format(n=left))
        self.note_left_label.setVisible(left < NOTE_MAX)

    def _line(self, limit: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(limit)
        edit.textChanged.connect(self._touched)
        return edit

    def _touched(self) -> None:
        if not self._filling:
            self._dirty = True
            self.set_message("")

    # -- values -----------------------------------------------------------------------------
    def severity(self) -> Severity | None:
        for level, button in self.severity_buttons.items():
            if button.isChecked():
                return Severity(level) if level else None
        return None

    def values(self) -> dict:
        """Field values as the services take them (``""`` clears a field on an edit)."""
        return {"table_ref": self.table_edit.text(), "guest_name": self.guest_edit.text(),
                "guest_contact": self.contact_edit.text(),
                "note": self.note_edit.toPlainText(), "severity": self.severity()}

    def next_values(self) -> dict:
        """Values for the next incident: empty fields left out, severity only if picked."""
        if self.mode != NEXT:
            return {}
        return {k: v for k, v in self.values().items() if v not in ("", None)}

    def is_dirty(self) -> bool:
        return self._dirty

    def _fill(self, table: str, guest: str, contact: str, note: str,
              severity: str | None) -> None:
        self._filling = True
        try:
            self.table_edit.setText(table)
            self.guest_edit.setText(guest)
            self.contact_edit.setText(contact)
            self.note_edit.setPlainText(note)
            self.severity_buttons[severity].setChecked(True)
        finally:
            self._filling = False
        self._dirty = False

    # -- modes ------------------------------------------------------------------------------
    def set_next(self) -> None:
        """Empty, for the next incident."""
        self.mode, self.incident_id = NEXT, None
        self._fill("", "", "", "", None)
        self._mode_text = lambda: _("Optional, for the next incident. You can also add them "
                                    "right after the taps.")
        self.save_button.hide()
        self.new_button.hide()
        self.severity_buttons[None].show()
        self.retranslate()

    def set_last(self, incident: Incident, logged_at: str, until: str) -> None:
        """Show the incident just logged, editable until ``until`` (formatted time)."""
        self.mode, self.incident_id = LAST, incident.id
        self._fill(incident.table_ref or "", incident.guest_name or "",
                   incident.guest_contact or "", incident.note or "", incident.severity.value)
        label, number = incident.category_label, incident.id
        self._mode_text = lambda: _("#{number} {category}, logged at {time}. Editable until "
                                    "{until}.").format(
            number=number, category=_(label), time=logged_at, until=until)
        self.save_button.show()
        self.new_button.show()
        self.severity_buttons[None].hide()
        self.retranslate()

    def set_message(self, text: str, kind: str = "info") -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("kind", kind)
        repolish(self.message_label)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        return self.message_label.text()

    def retranslate(self) -> None:
        self.title_label.setText(_("Details"))
        self.close_button.setToolTip(_("Hide the details"))
        self.mode_label.setText(self._mode_text())
        for label, text in zip(self.field_labels, (
                _("Table or order"), _("Guest name"), _("Phone or e-mail"), _("Note"),
                _("Severity")), strict=False):
            label.setText(text)
        self.table_edit.setPlaceholderText(_("e.g. 7"))
        self.severity_buttons[None].setText(_("Usual"))
        self.severity_buttons[None].setToolTip(_("The category's usual severity"))
        for level in (Severity.LOW, Severity.MEDIUM, Severity.HIGH):
            self.severity_buttons[level.value].setText(level.label())
        self.save_button.setText(_("Save details"))
        self.new_button.setText(_("New incident"))
        self._show_note_left()
        self._fit_actions()

    def _fit_actions(self) -> None:
        """Stack the two buttons when their labels (longer in Dutch, Spanish and Czech) do
        not fit side by side in the panel's fixed width."""
        margins = self.layout().contentsMargins()
        room = PANEL_WIDTH - margins.left() - margins.right() - self._actions.spacing()
        needed = self.new_button.sizeHint().width() + self.save_button.sizeHint().width()
        self._actions.setDirection(QBoxLayout.LeftToRight if needed <= room
                                   else QBoxLayout.TopToBottom)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit_actions()  # sizes under the panel's own style rules, known once shown
