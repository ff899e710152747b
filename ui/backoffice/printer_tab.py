"""Back office → Printer: where voucher slips go, the paper, the footer, the optional sorry
card, and "Print a test slip" (through the same worker as the counter's slips, so the page
never freezes on a printer that does not answer). Owner only; others see it read-only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from ui.backoffice.common import message_label, set_message
from ui.backoffice.settings_form import SettingsForm
from ui.backoffice.settings_tab import PRINTER_SETTINGS
from ui.controller import Controller


class PrinterTab(QWidget):
    """The printer settings form, and a test slip with its result."""

    def __init__(self, controller: Controller, signed_in: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.note = QLabel(objectName="BoHelp", wordWrap=True)
        layout.addWidget(self.note)
        self.form = SettingsForm(controller, [list(PRINTER_SETTINGS[:2]),
                                              list(PRINTER_SETTINGS[2:])], signed_in)
        layout.addWidget(self.form, 1)
        row = QHBoxLayout()
        self.test_button = QPushButton(objectName="printer_test")
        self.test_button.clicked.connect(self.print_test)
        row.addWidget(self.test_button)
        self.test_message = message_label()
        row.addWidget(self.test_message, 1)
        layout.addLayout(row)
        self._job_id: int | None = None
        self._printer = None
        self.retranslate()

    def _slip_printer(self):
        if self._printer is None:
            from ui.slip_printing import slip_printer

            self._printer = slip_printer(self.controller)
            self._printer.printed.connect(self._printed)
            self._printer.failed.connect(self._failed)
        return self._printer

    def print_test(self) -> None:
        """Save what is typed (a test of unsaved settings would mislead), then print."""
        if self.form.save_button.isVisibleTo(self.form):
            if not self.form.save():
                return
            if self.form.message.text() == _("Nothing changed."):
                set_message(self.form.message, "")
        job = self._slip_printer().print_test()
        if job is None:
            set_message(self.test_message, _("No printer is set: type where slips should go, "
                                             "e.g. network:192.168.1.50, and save."), "error")
            return
        self._job_id = job.id
        self.test_button.setEnabled(False)
        set_message(self.test_message, _("Printing a test slip on {target}…").format(
            target=job.target.describe()))

    def _printed(self, job, where: str) -> None:
        if job.id != self._job_id:
            return
        self.test_button.setEnabled(True)
        set_message(self.test_message, _("Voucher card saved: {path}").format(path=where)
                    if where else _("The test slip went to the printer. Check it: every "
                                    "letter readable, the barcode and the QR code scan."))

    def _failed(self, job, message: str) -> None:
        if job.id != self._job_id:
            return
        self.test_button.setEnabled(True)
        set_message(self.test_message, message, "error")

    def set_editable(self, editable: bool) -> None:
        self.form.set_editable(editable, "" if editable else _(
            "Only the owner can change the printer."))

    def reload(self) -> None:
        self.form.load()

    def retranslate(self) -> None:
        self.note.setText(_("A slip with the voucher's code, barcode and QR code prints the "
                            "moment a voucher is given; if the printer fails, the counter "
                            "offers Reprint. No printer: the code is shown on screen."))
        self.test_button.setText(_("Print a test slip"))
        self.form.retranslate()
