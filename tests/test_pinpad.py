"""The PIN pad on its own: masked, big digits, typeable, Enter/Esc, at most 8 digits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from ui.pinpad import PinPad

pytestmark = pytest.mark.gui


@pytest.fixture
def pad(qtbot):
    widget = PinPad()
    qtbot.addWidget(widget)
    widget.open(lambda: "Manager approval", lambda: "Refund needs a manager's PIN.")
    widget.show()
    return widget


def test_digits_are_big_buttons_and_the_entry_is_masked(pad):
    assert sorted(pad.digit_buttons) == list("0123456789")
    assert all(b.minimumSizeHint().height() >= 56 for b in pad.digit_buttons.values())
    assert pad.entry.echoMode() == QLineEdit.Password
    assert pad.title_label.text() == "Manager approval"


def test_tapped_digits_build_the_pin_and_ok_submits_it(qtbot, pad):
    for digit in "7392":
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.LeftButton)
    with qtbot.waitSignal(pad.submitted) as blocker:
        qtbot.mouseClick(pad.ok_button, Qt.LeftButton)
    assert blocker.args == ["7392"]


def test_back_deletes_one_digit_and_clear_empties(qtbot, pad):
    for digit in "123":
        qtbot.mouseClick(pad.digit_buttons[digit], Qt.LeftButton)
    qtbot.mouseClick(pad.back_button, Qt.LeftButton)
    assert pad.pin() == "12"
    qtbot.mouseClick(pad.clear_button, Qt.LeftButton)
    assert pad.pin() == ""


def test_typing_works_and_only_digits_up_to_eight(qtbot, pad):
    qtbot.keyClicks(pad.entry, "12ab34567890")
    assert pad.pin() == "12345678"


def test_enter_submits_once_and_escape_cancels(qtbot, pad):
    submitted, cancelled = [], []
    pad.submitted.connect(submitted.append)
    pad.cancelled.connect(lambda: cancelled.append(True))
    qtbot.keyClicks(pad.entry, "4821")
    qtbot.keyClick(pad.entry, Qt.Key_Return)
    qtbot.keyClick(pad.entry, Qt.Key_Escape)

    assert submitted == ["4821"] and cancelled == [True]
    assert pad.pin() == ""


def test_reject_shows_why_and_empties_the_entry(qtbot, pad):
    qtbot.keyClicks(pad.entry, "1111")
    pad.reject("That PIN is not a manager's or owner's PIN. 4 tries left.")
    assert pad.message() == "That PIN is not a manager's or owner's PIN. 4 tries left."
    assert pad.pin() == ""
