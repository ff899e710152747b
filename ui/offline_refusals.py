"""For the manager, on the follow-up page: vouchers redeemed on a counter while its server was
away that the server could not apply (redeemed first elsewhere, unknown, cancelled,
expired; :mod:`app.offline_vouchers`). Each says who redeemed it offline, when, on which
counter, and who was first; "Seen" puts it away on every terminal (and in the audit log).
Hidden when there is none.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import offline_vouchers
from app.errors import ComebackError
from app.i18n import _, ngettext
from ui.controller import Controller

STYLE = """
#OfflineRefusals { background: #3A2A12; border: 2px solid #F4B740; border-radius: 12px; }
#OfflineRefusals QLabel { background: transparent; }
#RefusalsTitle { font-size: 14pt; font-weight: 700; color: #F4B740; }
#RefusalText { font-size: 12pt; }
#RefusalSeen { font-size: 13pt; font-weight: 700; min-height: 40px; padding: 2px 16px; }
"""


class OfflineRefusals(QFrame):
    """The refused offline redemptions no manager has marked seen. No signals."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="OfflineRefusals")
        self.setStyleSheet(STYLE)
        self.controller = controller
        self.ctx = controller.ctx
        self.refusals: list[offline_vouchers.Refusal] = []
        self.rows: list[tuple[QLabel, QPushButton]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 12, 10)
        outer.setSpacing(6)
        self.title_label = QLabel(objectName="RefusalsTitle", wordWrap=True)
        outer.addWidget(self.title_label)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(6)
        outer.addLayout(self.rows_layout)
        self.hide()

    def refresh(self) -> None:
        """Read them again (the follow-up page does, whenever it redraws)."""
        try:
            self.refusals = offline_vouchers.refused(self.ctx)
        except Exception as error:  # noqa: BLE001 - the server went away: shown when back
            from app.offline import is_away_error

            if not is_away_error(error):
                raise
            self.refusals = []
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.rows = []
        for refusal in self.refusals:
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(10)
            text = QLabel(objectName="RefusalText", wordWrap=True)
            text.setTextFormat(Qt.PlainText)
            text.setTextInteractionFlags(Qt.TextSelectableByMouse)
            layout.addWidget(text, 1)
            seen = QPushButton(objectName="RefusalSeen")
            seen.clicked.connect(lambda _checked=False, rid=refusal.id: self.mark_seen(rid))
            layout.addWidget(seen, 0, Qt.AlignTop)
            self.rows_layout.addWidget(row)
            self.rows.append((text, seen))
        self.retranslate()
        self.setVisible(bool(self.refusals))

    def mark_seen(self, refusal_id: int) -> None:
        member = self.controller.current_staff
        try:
            changes = offline_vouchers.mark_seen(self.ctx, refusal_id,
                                                 member.id if member else None)
        except ComebackError as error:
            self.controller.error.emit(str(error))
            return
        except Exception as error:  # noqa: BLE001 - the server is away: try again later
            from app.offline import is_away_error

            if not is_away_error(error):
                raise
            from app.pending import OFFLINE, NotSavedYet

            self.controller.error.emit(str(NotSavedYet(OFFLINE)))
            return
        self.controller.announce(changes)
        self.refresh()

    def retranslate(self) -> None:
        n = len(self.refusals)
        self.title_label.setText(ngettext(
            "For the manager: {n} voucher redeemed while the server was away could not be "
            "applied",
            "For the manager: {n} vouchers redeemed while the server was away could not be "
            "applied", n).format(n=n))
        for (text, seen), refusal in zip(self.rows, self.refusals, strict=True):
            text.setText(refusal.message)
            seen.setText(_("Seen"))
            seen.setToolTip(_("Put this away on every counter (it stays in the audit log)"))
