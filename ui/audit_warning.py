"""The red warning shown when the audit log was changed outside Comeback.

:func:`check_at_start` runs once, after the counter's first paint (ui.app): it reads only
the audit entries written since the last check that found the log intact
(``app.verify.check_new``), so an old store costs two small reads. When something does not
match, :class:`TamperBanner` goes above every page and stays for the rest of the run.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import verify
from app.i18n import _, ngettext
from ui.main_window import MainWindow

STYLE = """
#TamperBanner { background: #B42318; border-bottom: 3px solid #7A1A12; }
#TamperBanner QLabel { background: transparent; color: #FFFFFF; }
#TamperTitle { font-size: 17pt; font-weight: 800; }
#TamperBody { font-size: 13pt; }
#TamperFirst { font-size: 10.5pt; color: #FFE4E0; }
#TamperBanner QPushButton { background: #7A1A12; color: #FFFFFF; border: 1px solid #FFFFFF;
    border-radius: 10px; padding: 6px 14px; font-size: 12pt; }
"""


class TamperBanner(QFrame):
    """Red, across the top of the window: the record was changed outside Comeback, what to
    do, and what was found first (the whole list on "Details"). No signals."""

    def __init__(self, verdict: verify.Verdict, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="TamperBanner")
        self.verdict = verdict
        self.setStyleSheet(STYLE)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(20, 12, 20, 12)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.title = QLabel(objectName="TamperTitle", wordWrap=True)
        self.body = QLabel(objectName="TamperBody", wordWrap=True)
        self.first = QLabel(objectName="TamperFirst", wordWrap=True)
        self.first.setTextInteractionFlags(Qt.TextSelectableByMouse)
        for label in (self.title, self.body, self.first):
            texts.addWidget(label)
        outer.addLayout(texts, 1)
        self.details_button = QPushButton(objectName="tamper_details", checkable=True)
        self.details_button.toggled.connect(self._show_details)
        outer.addWidget(self.details_button, 0, Qt.AlignTop)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("The record of this store has been changed outside Comeback"))
        self.body.setText(_("Call the owner. Do not delete or replace the database file: the "
                            "owner runs “comeback verify” on this computer to see what was "
                            "changed."))
        self.details_button.setText(_("Details"))
        self._show_details(self.details_button.isChecked())

    def _show_details(self, shown: bool) -> None:
        problems = self.verdict.problems
        if shown:
            self.first.setText("\n".join(p.text for p in problems[:10]))
            return
        more = len(problems) - 1
        text = _("First found: {problem}").format(problem=problems[0].text)
        if more:
            text += " " + ngettext("(and {n} more)", "(and {n} more)", more).format(n=more)
        self.first.setText(text)


def check_at_start(window: MainWindow) -> verify.Verdict:
    """Check what was written since the last intact check; show the banner when broken."""
    ctx = window.controller.ctx
    try:
        verdict = verify.check_new(ctx)
    except sqlite3.DatabaseError as error:
        verdict = verify.Verdict(0, (verify.Problem(
            _("The audit log could not be read: {error}").format(error=error)),))
    if not verdict.intact:
        show_banner(window, verdict)
    return verdict


def show_banner(window: MainWindow, verdict: verify.Verdict) -> TamperBanner:
    banner = TamperBanner(verdict)
    window.banner_area.insertWidget(0, banner)  # above the reminders
    banner.setVisible(window.isVisible())
    window.tamper_banner = banner
    window.controller.language_changed.connect(lambda _code: banner.retranslate())
    return banner
