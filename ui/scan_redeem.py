"""Scan to redeem from anywhere on the counter: a barcode scanner types the voucher code and
Enter, faster than any hand; this key filter on the main window (every key no widget takes
on the way up to it) recognises that burst and hands the code to the redeem box
(:mod:`ui.voucher_redeem`), whatever has the focus.

How it tells a scan from typing:

- keys typed into a text field (a details field, the PIN entry, the redeem box itself) are
  never touched;
- a letter, a digit of the voucher alphabet or "-" is held back (at most :data:`GAP_MS`);
  the next one must follow within :data:`GAP_MS` (scanners type a key every few ms,
  people every 100 ms or more);
- Enter after 6 such characters that form a voucher code (``K7M-3QX``, see
  :mod:`app.vouchers`) redeems it; anything else — a pause, another key, a burst that is not
  a code — gives the held keys back to where they were going, in order. So a cashier's
  "3" still picks tile 3, only :data:`GAP_MS` later; 0, 1, 2 and 5 (never in a code) are
  not held at all.

It works on the counter and follow-up pages of the main window, not in the back office.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

#: The longest pause between two keys of one scan.
GAP_MS = 60
CODE_CHARS = frozenset("346789ABCDEFGHJKMNPQRTUVWXY-")  # app.vouchers.ALPHABET and "-"
PAGES = ("counter", "followups")


def looks_like_code(typed: str) -> bool:
    """Six characters of the voucher alphabet, with or without the dash: ``K7M-3QX``."""
    from app.vouchers import ALPHABET, CODE_LENGTH

    raw = typed.replace("-", "").upper()
    return len(raw) == CODE_LENGTH and all(ch in ALPHABET for ch in raw) \
        and typed.count("-") <= 1


@lru_cache(maxsize=1)
def _text_inputs() -> tuple[tuple[type, ...], type]:
    """The text fields, and the combo box (a text field when editable). Imported at the
    first key, not with the module: their enums cost ~8 M instructions before the counter's
    first paint (ui.qt_values)."""
    from PySide6.QtWidgets import (
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    return (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox), QComboBox


def _is_text_input(widget: object) -> bool:
    fields, combo = _text_inputs()
    return isinstance(widget, fields) or (isinstance(widget, combo) and widget.isEditable())


class ScanCatcher(QObject):
    """The application event filter for one main window.

    Signals:
        scanned(str): a scanned voucher code (already handed to ``redeem``).
    """

    scanned = Signal(str)

    def __init__(self, window, redeem: Callable[[str], None], *,
                 clock: Callable[[], float] = time.monotonic,
                 timer_factory: Callable[[QObject], QTimer] = QTimer) -> None:
        super().__init__(window)
        self.window = window
        self._redeem = redeem
        self.clock = clock
        self._held: list[tuple[QWidget, int, Qt.KeyboardModifier, str]] = []
        self._last = 0.0
        self._replaying = False
        self.timer = timer_factory(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(GAP_MS)
        self.timer.timeout.connect(self.give_back)

    def active(self) -> bool:
        """On the counter or follow-up page, and no other window (a dialog) in front."""
        if self.window.current_page() not in PAGES:
            return False
        return self.window.isActiveWindow() or QApplication.activeWindow() is None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.KeyPress or self._replaying \
                or not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if _is_text_input(watched) or _is_text_input(QApplication.focusWidget()) \
                or not self.active():
            self.give_back()
            return False
        from PySide6.QtCore import Qt  # not at import: before the first paint (ui.qt_values)

        key, text = event.key(), event.text()
        plain = not (event.modifiers() & (Qt.ControlModifier | Qt.AltModifier
                                          | Qt.MetaModifier))
        if key in (Qt.Key_Return, Qt.Key_Enter) and self._held:
            typed = "".join(t for _w, _k, _m, t in self._held)
            if self._fast() and looks_like_code(typed):
                self._held = []
                self.timer.stop()
                self._redeem(typed.upper())
                self.scanned.emit(typed.upper())
                return True
            self.give_back()
            return False
        if plain and len(text) == 1 and text.upper() in CODE_CHARS:
            if self._held and not self._fast():
                self.give_back()
            self._held.append((watched, key, event.modifiers(), text))
            self._last = self.clock()
            self.timer.start()
            return True
        self.give_back()
        return False

    def _fast(self) -> bool:
        return (self.clock() - self._last) * 1000 <= GAP_MS

    def give_back(self) -> None:
        """Not a scan: deliver the held keys to where they were going, in order."""
        self.timer.stop()
        held, self._held = self._held, []
        if not held:
            return
        from shiboken6 import isValid

        self._replaying = True
        try:
            for widget, key, modifiers, text in held:
                target = widget if isValid(widget) else self.window
                QApplication.sendEvent(target, QKeyEvent(QEvent.KeyPress, key, modifiers,
                                                         text))
        finally:
            self._replaying = False


def install_scan_redeem(window) -> ScanCatcher:
    """Catch scans anywhere on ``window`` (a :class:`ui.main_window.MainWindow`)."""

    def redeem(code: str) -> None:
        from ui.voucher_redeem import VoucherRedeem

        reminders = getattr(window, "reminders", None)
        box = reminders.queue.voucher if reminders is not None else None
        if box is None:
            box = window.findChild(VoucherRedeem, "ScanRedeem")
            if box is None:  # before the follow-up page is there: a box of its own
                box = VoucherRedeem(window.controller, window)
                box.setObjectName("ScanRedeem")
                box.hide()
        focus = QApplication.focusWidget()
        box.code_edit.setText(code)
        box.redeem()
        if not box.isVisible() and focus is not None:  # an error focuses the box: not
            focus.setFocus()  # when it is off screen, the counter keeps its keys
        if window.current_page() == "counter":
            window.page("counter").set_status(box.message(),
                                              box.message_label.property("kind") or "info")

    catcher = ScanCatcher(window, redeem)  # a child of the window: gone with it
    # A key the focused widget does not take travels up its parents: the counter page (which
    # takes digits itself), the page stack (every page), the window. Watching those three
    # sees every such key, and few other events: an application-wide filter would run
    # Python for each of the ~900 events of a tap (~3 ms).
    for widget in (window.page("counter"), window.stack, window):
        widget.installEventFilter(catcher)
    return catcher
