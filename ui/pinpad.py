"""A PIN pad with big digits for a manager's approval or a staff switch.

Tap the digits or type them (a keyboard wedge works too); the entry is masked. Enter or OK
submits, Esc or Cancel gives up. The pad only collects the PIN: whoever opened it checks
it and answers with :meth:`PinPad.reject` (the message says why and how many tries are left)
or closes it.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, QSize, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.staff import PIN_MAX
from ui import icons
from ui.counter_tiles import repolish


class PinPad(QWidget):
    """Masked PIN entry with a 3×4 pad of big digits and OK / Cancel.

    Signals:
        submitted(str): OK or Enter with the digits typed so far.
        cancelled(): Cancel or Esc; nothing is to be saved.
    """

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinPad")
        self._title_fn = lambda: _("Manager PIN")
        self._prompt_fn = lambda: ""
        # Landscape: what it is for and the entry on the left, the digits on the right, so
        # the pad fits under the header and the confirmation bar at 1024×768.
        outer = QHBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(24)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(10)
        left = QWidget()
        left.setLayout(column)
        left.setFixedWidth(330)
        outer.addWidget(left, 0, Qt.AlignVCenter)
        grid = QGridLayout()
        grid.setSpacing(10)
        keypad = QVBoxLayout()  # the digits stay together, centred in the height there is
        keypad.addStretch(1)
        keypad.addLayout(grid)
        keypad.addStretch(1)
        outer.addLayout(keypad, 2)
        outer.addStretch(1)

        head = QHBoxLayout()
        self.lock_icon = QLabel()
        self.lock_icon.setPixmap(icons.pixmap("lock", 36))
        head.addWidget(self.lock_icon)
        self.title_label = QLabel(objectName="Heading", wordWrap=True)
        head.addWidget(self.title_label, 1)
        column.addLayout(head)
        self.prompt_label = QLabel(objectName="Muted", wordWrap=True)
        column.addWidget(self.prompt_label)

        self.entry = QLineEdit(objectName="PinEntry")
        self.entry.setEchoMode(QLineEdit.Password)
        self.entry.setMaxLength(PIN_MAX)
        self.entry.setAlignment(Qt.AlignCenter)
        self.entry.setValidator(QRegularExpressionValidator(
            QRegularExpression(f"[0-9]{{0,{PIN_MAX}}}"), self.entry))
        # Enter is not taken by the line edit: it reaches keyPressEvent below (one submit).
        column.addWidget(self.entry)
        self.message_label = QLabel(objectName="PinMessage", wordWrap=True)
        self.message_label.setMinimumHeight(30)
        column.addWidget(self.message_label)

        self.digit_buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._digit(digit), index // 3, index % 3)
        self.back_button = QPushButton(objectName="PinDigit")
        self.back_button.setFocusPolicy(Qt.NoFocus)
        self.back_button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.back_button.setIcon(icons.icon("back", 32))
        self.back_button.setIconSize(QSize(32, 32))
        self.back_button.clicked.connect(self.entry.backspace)
        grid.addWidget(self.back_button, 3, 0)
        grid.addWidget(self._digit("0"), 3, 1)
        self.clear_button = QPushButton(objectName="PinClear")
        self.clear_button.setFocusPolicy(Qt.NoFocus)
        self.clear_button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.clear_button.clicked.connect(self.entry.clear)
        grid.addWidget(self.clear_button, 3, 2)

        actions = QHBoxLayout()
        actions.setSpacing(10)
        self.cancel_button = QPushButton(objectName="BigButton")
        self.cancel_button.setFocusPolicy(Qt.NoFocus)
        self.cancel_button.clicked.connect(self.cancel)
        actions.addWidget(self.cancel_button, 1)
        self.ok_button = QPushButton(objectName="Primary")
        self.ok_button.setFocusPolicy(Qt.NoFocus)
        self.ok_button.clicked.connect(self.submit)
        actions.addWidget(self.ok_button, 1)
        column.addLayout(actions)
        self.retranslate()

    def _digit(self, digit: str) -> QPushButton:
        button = QPushButton(digit, objectName="PinDigit")
        button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        button.setFocusPolicy(Qt.NoFocus)
        button.clicked.connect(lambda _checked=False, d=digit: self.press(d))
        self.digit_buttons[digit] = button
        return button

    # -- use --------------------------------------------------------------------------------
    def open(self, title, prompt) -> None:
        """Reset for a new request; ``title``/``prompt`` are callables returning text, so a
        language switch while the pad is open re-words it."""
        self._title_fn, self._prompt_fn = title, prompt
        self.entry.clear()
        self.set_message("")
        self.retranslate()
        self.entry.setFocus()

    def press(self, digit: str) -> None:
        if len(self.entry.text()) < PIN_MAX:
            self.entry.insert(digit)
        self.entry.setFocus()

    def pin(self) -> str:
        return self.entry.text()

    def submit(self) -> None:
        self.submitted.emit(self.entry.text())

    def cancel(self) -> None:
        self.entry.clear()
        self.cancelled.emit()

    def reject(self, message: str) -> None:
        """The PIN was refused: show why, empty the entry for another try."""
        self.entry.clear()
        self.set_message(message)
        self.entry.setFocus()

    def set_message(self, message: str, kind: str = "error") -> None:
        self.message_label.setText(message)
        self.message_label.setProperty("kind", kind)
        repolish(self.message_label)

    def message(self) -> str:
        return self.message_label.text()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if key == Qt.Key_Escape:
            self.cancel()
        elif key in (Qt.Key_Return, Qt.Key_Enter):
            self.submit()
        elif event.text().isdigit():
            self.press(event.text())
        else:
            super().keyPressEvent(event)

    def retranslate(self) -> None:
        self.title_label.setText(self._title_fn())
        prompt = self._prompt_fn()
        self.prompt_label.setText(prompt)
        self.prompt_label.setVisible(bool(prompt))
        self.entry.setPlaceholderText(_("PIN"))
        self.clear_button.setText(_("Clear"))
        self.back_button.setToolTip(_("Delete the last digit"))
        self.cancel_button.setText(_("Cancel"))
        self.ok_button.setText(_("OK"))
