"""ui.qt_values: the numbers the counter uses before its first paint are Qt's own, and what
they set is what Qt's enums set."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from ui import qt_values


def test_each_number_is_qts_own():
    pairs = {"ALIGN_LEFT": Qt.AlignLeft, "ALIGN_HCENTER": Qt.AlignHCenter,
             "ALIGN_TOP": Qt.AlignTop, "ALIGN_VCENTER": Qt.AlignVCenter,
             "ALIGN_CENTER": Qt.AlignCenter, "TEXT_WORD_WRAP": Qt.TextWordWrap,
             "NO_FOCUS": Qt.NoFocus, "STRONG_FOCUS": Qt.StrongFocus}
    assert {name: getattr(qt_values, name) for name in pairs} == {
        name: flag.value for name, flag in pairs.items()}


def test_focus_and_alignment_set_through_properties_are_qts(qtbot):
    button, label = QPushButton(), QLabel()
    qtbot.addWidget(button)
    qtbot.addWidget(label)
    qt_values.set_focus_policy(button, qt_values.NO_FOCUS)
    assert button.focusPolicy() == Qt.NoFocus
    qt_values.set_focus_policy(button, qt_values.STRONG_FOCUS)
    assert button.focusPolicy() == Qt.StrongFocus
    qt_values.set_alignment(label, qt_values.ALIGN_CENTER)
    assert label.alignment() == Qt.AlignCenter


def test_the_text_palette_holds_the_colour():
    from PySide6.QtGui import QPalette

    assert qt_values.text_palette("#12ab9f").color(QPalette.WindowText).name() == "#12ab9f"
