"""ui.wrapped_label: a word-wrapped label's remembered height is always the one Qt gives,
whatever changed since (the text, the font through a style sheet, the margins)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from ui.wrapped_label import WrappedLabel

pytestmark = pytest.mark.gui

SHORT = "Logged: Cold food — Remake"
LONG = ("Total 100,00 kr · the manager checks back at 12:05 · by Sam · voucher code "
        "AUT-QKJ · and a few more words so that it wraps onto a third line at this width")


def _pair(qtbot, text: str) -> tuple[WrappedLabel, QLabel]:
    ours, plain = WrappedLabel(text, wordWrap=True), QLabel(text, wordWrap=True)
    for label in (ours, plain):
        qtbot.addWidget(label)
    return ours, plain


def test_the_height_at_a_width_follows_the_text_the_font_and_the_margins(qtbot):
    ours, plain = _pair(qtbot, SHORT)
    for width in (200, 392, 200):  # asked again: remembered, still right
        assert ours.heightForWidth(width) == plain.heightForWidth(width)
    short = ours.heightForWidth(200)
    for label in (ours, plain):
        label.setText(LONG)
    assert ours.heightForWidth(200) == plain.heightForWidth(200) > short
    for label in (ours, plain):
        label.setStyleSheet("font-size: 22pt;")
        label.ensurePolished()
    assert ours.heightForWidth(200) == plain.heightForWidth(200)
    for label in (ours, plain):
        label.setContentsMargins(0, 20, 0, 20)
    assert ours.heightForWidth(200) == plain.heightForWidth(200)
    for label in (ours, plain):
        label.setWordWrap(False)
    assert ours.heightForWidth(200) == plain.heightForWidth(200)
