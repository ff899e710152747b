"""The slip line on the counter: "Slip not printed — Reprint" when the printer failed.

It stays until the slip is out (a reprint that worked) or the cashier closes it: a printer
that fails after the confirmation bar's undo window has passed is still reported. A PDF
voucher card that was saved says where.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.i18n import _, ngettext
from ui.slip_printing import SlipJob, SlipPrinter

STYLE = """
#SlipBar { background: #3A2A14; border-top: 1px solid #6B4D1E; }
#SlipBar[state="ok"] { background: #16302A; border-top: 1px solid #2C5B4E; }
#SlipBar QLabel { background: transparent; font-size: 13pt; }
#SlipReprint, #SlipClose { font-size: 13pt; font-weight: 700; min-height: 40px;
    padding: 2px 18px; }
"""


class SlipBar(QFrame):
    """Failed slips with Reprint (all of them) and Close; hidden when there is nothing to say."""

    def __init__(self, printer: SlipPrinter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SlipBar")
        self.setStyleSheet(STYLE)
        self.printer = printer
        self.failed_jobs: list[SlipJob] = []
        self._waiting: set[int] = set()  # reprints on their way
        self._text = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 6, 16, 6)
        row.setSpacing(12)
        self.label = QLabel(wordWrap=True)
        self.label.setTextFormat(Qt.PlainText)
        row.addWidget(self.label, 1)
        self.reprint_button = QPushButton(objectName="SlipReprint")
        self.reprint_button.setFocusPolicy(Qt.NoFocus)
        self.reprint_button.clicked.connect(self.reprint)
        row.addWidget(self.reprint_button)
        self.close_button = QPushButton(objectName="SlipClose")
        self.close_button.setFocusPolicy(Qt.NoFocus)
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.close_button)
        printer.failed.connect(self._failed)
        printer.printed.connect(self._printed)
        self.hide()
        self.retranslate()

    def _failed(self, job: SlipJob, message: str) -> None:
        self._waiting.discard(job.id)
        if all(j.id != job.id for j in self.failed_jobs):
            self.failed_jobs.append(job)
        self._text = message
        self._show("failed")

    def _printed(self, job: SlipJob, where: str) -> None:
        was_reprint = job.id in self._waiting
        self._waiting.discard(job.id)
        if where:
            self._text = _("Voucher card saved: {path}").format(path=where)
            self._show("ok")
        elif was_reprint and not self.failed_jobs and not self._waiting:
            self._text = _("Slip printed.")
            self._show("ok")

    def reprint(self) -> None:
        jobs, self.failed_jobs = self.failed_jobs, []
        for job in jobs:
            again = self.printer.reprint(job)
            if again is not None:
                self._waiting.add(again.id)
        self._text = _("Printing again…")
        self._show("ok")

    def dismiss(self) -> None:
        self.failed_jobs = []
        self.hide()

    def _show(self, state: str) -> None:
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        count = len(self.failed_jobs)
        if count:
            head = ngettext("Slip not printed", "{n} slips not printed", count).format(n=count)
            self.label.setText(_("{head} — {why}").format(head=head, why=self._text))
        else:
            self.label.setText(self._text)
        self.reprint_button.setText(_("Reprint"))
        self.reprint_button.setVisible(bool(count))
        self.close_button.setText(_("Close"))


def slip_bar(page: QWidget, printer: SlipPrinter) -> SlipBar:
    """The page's slip bar, added at the bottom of its layout on first use."""
    bar = page.findChild(SlipBar)
    if bar is None:
        bar = SlipBar(printer, page)
        page.layout().addWidget(bar)
    return bar


def print_after_logged(page: QWidget, logged) -> None:
    """The counter's hook after a save: queue the incident's slips, if a printer is set.

    Even preparing the slip waits for the next turn of the event loop: the tap is over (saved
    and announced) before anything of printing runs.
    """
    if not page.ctx.settings().printer:  # no printer: nothing to do, now or later
        return
    from PySide6.QtCore import QTimer

    def queue_slips() -> None:
        if not page.isVisible():  # the window was closed in the meantime (its database too)
            return
        from ui.slip_printing import slip_printer

        printer = slip_printer(page.controller)
        if printer.after_logged(logged):
            slip_bar(page, printer)

    QTimer.singleShot(0, page, queue_slips)
