""""Reprint slip" where an incident with vouchers is shown (a follow-up in the queue, the
outcome step), and printing the vouchers given there. Failures go to the slip bar of the
page the button is on (see :mod:`ui.slip_bar`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from app.i18n import _, ngettext
from ui.controller import Controller


class ReprintButton(QPushButton):
    """Reprints every voucher slip of one incident; hidden without vouchers or printer."""

    def __init__(self, controller: Controller, incident_id: int, codes: Sequence[str],
                 bar_host: QWidget | None = None, object_name: str = "RowButton",
                 printer_set: bool | None = None, parent: QWidget | None = None) -> None:
        """``printer_set``: whether the store has a printer (read from the settings when
        None; a list of rows passes what it read once)."""
        super().__init__(parent, objectName=object_name)
        self.setFocusPolicy(Qt.NoFocus)
        self.controller, self.incident_id = controller, incident_id
        self.codes = tuple(codes)
        self.bar_host = bar_host
        self.clicked.connect(self.reprint)
        controller.language_changed.connect(self._on_language)  # dropped with the button
        if printer_set is None:
            printer_set = bool(controller.ctx.settings().printer)
        self.setVisible(bool(self.codes) and printer_set)
        self.retranslate()

    def reprint(self) -> None:
        from ui.slip_bar import slip_bar
        from ui.slip_printing import slip_printer

        printer = slip_printer(self.controller)
        host = self.bar_host
        if host is None:  # in a dialog over the main window: its counter shows failures
            below = self.window().parentWidget()
            main = below.window() if below is not None else None
            host = main.page("counter") if hasattr(main, "page") else None
        if printer.print_incident(self.incident_id) and host is not None:
            slip_bar(host, printer)

    def _on_language(self, _code: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(ngettext("Reprint slip", "Reprint {n} slips", len(self.codes) or 1)
                     .format(n=len(self.codes)))
        self.setToolTip(_("Print the voucher slip again: {codes}").format(
            codes=", ".join(self.codes)))


def print_codes(controller: Controller, incident_id: int, codes: Sequence[str],
                bar_host: QWidget | None = None) -> None:
    """Print the slips of vouchers just given outside the counter (a further remedy);
    ``bar_host`` is any widget of the main window, whose counter page then reports a
    failure."""
    if not codes or not controller.ctx.settings().printer:
        return
    from app import slips
    from ui.slip_bar import slip_bar
    from ui.slip_printing import slip_printer

    printer = slip_printer(controller)
    jobs = [printer.submit(slips.voucher_slip(controller.ctx, code), incident_id)
            for code in codes]
    window = bar_host.window() if bar_host is not None else None
    if any(jobs) and hasattr(window, "page"):  # the main window: its counter shows failures
        slip_bar(window.page("counter"), printer)
