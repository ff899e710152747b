"""The audit log, newest first, each entry as a sentence in the store's language
(app/audit_sentences.py). Owner only; read-only (the log itself refuses changes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
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

from app import audit, staff
from app.audit_sentences import sentence
from app.clock import from_iso
from app.formatting import local_time, medium_date
from app.i18n import _
from ui.controller import Controller

LIMIT = 500


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
        self.verify_button = QPushButton(objectName="audit_verify")
        self.verify_button.clicked.connect(self.check_record)
        top.addWidget(self.verify_button)
        self.refresh_button = QPushButton(objectName="audit_refresh")
        self.refresh_button.clicked.connect(self.reload)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        #: What the last "Check the record" found (the same check as ``comeback verify``).
        self.verdict = QLabel(objectName="AuditVerdict", wordWrap=True, visible=False)
        self.verdict.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.verdict)
        self.table = QTableWidget(0, 2, objectName="audit_table")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)  # a sentence with several remedies takes two lines
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def reload(self) -> None:
        ctx = self.controller.ctx
        settings = ctx.settings()
        rows = audit.entries(ctx, LIMIT)
        names = {m.id: m.name for m in staff.list_staff(ctx, include_inactive=True)}
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            day = local_time(from_iso(entry["at"]), settings.timezone).date()
            texts = (medium_date(day, settings.locale), sentence(entry, settings, names))
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)

    def check_record(self) -> None:
        """Walk the whole chain and cross-check the tables, as ``comeback verify`` does."""
        from app.verify import verdict_line, verify

        found = verify(self.controller.ctx)
        lines = [verdict_line(found)] + [p.text for p in found.problems[1:5]]
        self.verdict.setText("\n".join(lines))
        self.verdict.setStyleSheet("" if found.intact else
                                   "color: #FFFFFF; background: #B42318; padding: 8px;")
        self.verdict.setVisible(True)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Date"), _("What happened")])
        self.note.setText(_("Every change and every PIN attempt, newest first. The log can "
                            "be read, never changed."))
        self.refresh_button.setText(_("Refresh"))
        self.verify_button.setText(_("Check the record"))
        self.reload()
