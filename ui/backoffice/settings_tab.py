"""Store settings: name, type, currency, formats, language, time zone, guest-contact
retention, and opening hours per weekday. Owner only; others see them read-only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app import settings as settings_mod
from app.i18n import _
from ui.backoffice.settings_form import SettingsForm
from ui.controller import Controller

#: Shown on the Rules tab; every other setting is on this tab (opening hours and
#: numbers in the right-hand column).
RULE_SETTINGS = ("followup_grace_minutes", "undo_window_seconds", "edit_window_minutes",
                 "repeat_guest_days", "voucher_validity_days")


#: On the Printer tab (ui.backoffice.printer_tab).
PRINTER_SETTINGS = ("printer", "paper_width_mm", "slip_footer", "sorry_slip")


def store_columns() -> list[list[str]]:
    from ui.backoffice.backups_tab import BACKUP_SETTINGS

    names = [s.name for s in settings_mod.SETTINGS
             if s.name not in RULE_SETTINGS + PRINTER_SETTINGS and s.name not in BACKUP_SETTINGS]
    right = [n for n in names if settings_mod.BY_NAME[n].kind in ("hours", "int", "bool")]
    return [[n for n in names if n not in right], right]


class SettingsTab(QWidget):
    """The store's own settings in two columns (opening hours on the right)."""

    def __init__(self, controller: Controller, signed_in: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.note = QLabel(objectName="BoHelp", wordWrap=True)
        layout.addWidget(self.note)
        self.form = SettingsForm(controller, store_columns(), signed_in)
        layout.addWidget(self.form, 1)
        self.retranslate()

    def set_editable(self, editable: bool) -> None:
        self.form.set_editable(editable, "" if editable else _(
            "Only the owner can change the store settings."))

    def reload(self) -> None:
        self.form.load()

    def retranslate(self) -> None:
        self.note.setText(_("Changes apply at once. A new language switches every screen "
                            "now; the currency can change only before the first incident."))
        self.form.retranslate()
