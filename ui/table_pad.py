"""The table pad: an optional third tap on the logged bar that fills in the table.

Recent table numbers as one-tap buttons, and digits for any other; OK saves the table on
the incident just logged without opening the details panel. The pad floats over the
counter, above the bottom strip, so no tile moves when it opens or closes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.i18n import _

#: How long a table reference can get from the pad (app.incidents caps it too).
PAD_DIGITS = 4


class TablePad(QFrame):
    """Recent tables + a digit pad.

    Signals:
        picked(str): the table reference to save (a recent one tapped, or OK on the digits).
        cancelled(): closed without a table.
    """

    picked = Signal(str)
    cancelled = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("TablePad")
        self._retail = False
        self._typed = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 14)
        outer.setSpacing(10)
        top = QHBoxLayout()
        self.title_label = QLabel(objectName="TablePadTitle")
        top.addWidget(self.title_label, 1)
        self.close_button = QPushButton("×", objectName="CloseButton")
        self.close_button.setFocusPolicy(Qt.NoFocus)
        self.close_button.clicked.connect(self.cancel)
        top.addWidget(self.close_button)
        outer.addLayout(top)
        self.recent_row = QHBoxLayout()
        self.recent_row.setSpacing(8)
        outer.addLayout(self.recent_row)
        self.recent_buttons: list[QPushButton] = []
        self.entry_label = QLabel(objectName="TablePadEntry")
        self.entry_label.setAlignment(Qt.AlignCenter)
        outer.addWidget(self.entry_label)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.digit_buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate("1234567890"):
            button = QPushButton(digit, objectName="PadDigit")
            button.setFocusPolicy(Qt.NoFocus)
            button.clicked.connect(lambda _checked=False, d=digit: self.press(d))
            self.digit_buttons[digit] = button
            row, column = divmod(index, 3) if index < 9 else (3, 1)
            grid.addWidget(button, row, column)
        self.erase_button = QPushButton("⌫", objectName="PadDigit")
        self.erase_button.setFocusPolicy(Qt.NoFocus)
        self.erase_button.clicked.connect(self.erase)
        grid.addWidget(self.erase_button, 3, 0)
        self.ok_button = QPushButton(objectName="PadOk")
        self.ok_button.setFocusPolicy(Qt.NoFocus)
        self.ok_button.clicked.connect(self.submit)
        grid.addWidget(self.ok_button, 3, 2)
        outer.addLayout(grid)
        self.hide()

    def open(self, recent: Sequence[str], *, retail: bool = False) -> None:
        """Show the pad with ``recent`` table references (most recent first)."""
        self._retail, self._typed = retail, ""
        for button in self.recent_buttons:
            button.deleteLater()
        self.recent_buttons = []
        for ref in recent:
            button = QPushButton(ref, objectName="PadRecent")
            button.setFocusPolicy(Qt.NoFocus)
            button.clicked.connect(lambda _checked=False, r=ref: self.picked.emit(r))
            self.recent_row.addWidget(button)
            self.recent_buttons.append(button)
        self.retranslate()
        self.adjustSize()
        self.show()
        self.raise_()

    def typed(self) -> str:
        return self._typed

    def press(self, digit: str) -> None:
        if len(self._typed) < PAD_DIGITS:
            self._typed += digit
        self._show_typed()

    def erase(self) -> None:
        self._typed = self._typed[:-1]
        self._show_typed()

    def submit(self) -> None:
        if self._typed:
            self.picked.emit(self._typed)

    def cancel(self) -> None:
        self.hide()
        self.cancelled.emit()

    def _show_typed(self) -> None:
        self.entry_label.setText(self._typed or "–")
        self.ok_button.setEnabled(bool(self._typed))

    def retranslate(self) -> None:
        self.title_label.setText(_("Which order?") if self._retail else _("Which table?"))
        self.ok_button.setText(_("OK"))
        self._show_typed()
