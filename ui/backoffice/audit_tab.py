"""The audit log, newest first: when, who, what, and the details. Owner only; read-only
(the log itself refuses changes)."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import audit
from app.clock import from_iso
from app.formatting import short_datetime
from app.i18n import N_, _
from ui.controller import Controller

LIMIT = 500
ACTIONS = {
    "store.created": N_("Store created"),
    "backoffice.opened": N_("Back office opened"),
    "approval.pin_ok": N_("PIN accepted"),
    "approval.pin_failed": N_("Wrong PIN"),
    "approval.locked": N_("PIN entry locked"),
    "staff.added": N_("Person added"),
    "staff.changed": N_("Person changed"),
    "staff.pin_set": N_("PIN set"),
    "category.added": N_("Category added"),
    "category.changed": N_("Category changed"),
    "category.moved": N_("Category moved"),
    "category.hidden": N_("Category hidden"),
    "category.shown": N_("Category shown again"),
    "remedy.added": N_("Remedy added"),
    "remedy.changed": N_("Remedy changed"),
    "remedy.moved": N_("Remedy moved"),
    "remedy.hidden": N_("Remedy hidden"),
    "remedy.shown": N_("Remedy shown again"),
    "rule.added": N_("Suggestion added"),
    "rule.removed": N_("Suggestion removed"),
    "setting.changed": N_("Setting changed"),
    "incident.logged": N_("Incident logged"),
    "incident.voided": N_("Incident undone"),
    "incident.details": N_("Incident details changed"),
    "privacy.guest_erased": N_("Guest details erased on request"),
    "privacy.guest_details_erased": N_("Guest details past retention erased"),
    "privacy.notes_erased": N_("Notes past retention erased"),
}


def action_text(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


def detail_text(detail: str | None) -> str:
    """'name: Lena · role: manager' from the stored JSON (PINs are never stored there)."""
    if not detail:
        return ""
    try:
        values = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(values, dict):
        return str(values)
    parts = []
    for key, value in values.items():
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {value}")
    return " · ".join(parts)


class AuditTab(QWidget):
    """Newest entries of the append-only audit log."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.note = QLabel(objectName="BoHelp", wordWrap=True)
        top.addWidget(self.note, 1)
        self.refresh_button = QPushButton(objectName="audit_refresh")
        self.refresh_button.clicked.connect(self.reload)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.table = QTableWidget(0, 4, objectName="audit_table")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def reload(self) -> None:
        ctx = self.controller.ctx
        settings = ctx.settings()
        rows = audit.entries(ctx, LIMIT)
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            when = short_datetime(from_iso(entry["at"]), settings.timezone, settings.locale)
            who = entry.get("staff_name") or "—"
            texts = (when, who, action_text(entry["action"]), detail_text(entry["detail"]))
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("When"), _("Who"), _("What"), _("Details")])
        self.note.setText(_("Every change and every PIN attempt, newest first. The log can "
                            "be read, never changed."))
        self.refresh_button.setText(_("Refresh"))
        self.reload()
