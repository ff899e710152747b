"""Redeem a voucher at the counter: type the code or scan it (a scanner types it + Enter).

A redeemed voucher is the proof that a guest came back; the message says so, with the value
and the original failure. Twice, unknown or expired codes get the service's clear message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import vouchers
from app.errors import ComebackError
from app.formatting import local_time, medium_date, money
from app.i18n import _
from app.incidents import get_incident
from ui.controller import Controller

STYLE = """
#VoucherRedeem { background: #1E242B; border: 1px solid #323C47; border-radius: 12px; }
#VoucherRedeem QLabel { background: transparent; }
#VoucherTitle { font-size: 14pt; font-weight: 700; }
#VoucherCode { font-size: 16pt; font-weight: 700; min-height: 44px; }
#VoucherButton { font-size: 15pt; font-weight: 700; min-height: 46px; padding: 2px 22px; }
#VoucherMessage { font-size: 13pt; color: #9AA8B5; }
#VoucherMessage[kind="ok"] { color: #7FD3A1; }
#VoucherMessage[kind="error"] { color: #F08A80; }
"""


class VoucherRedeem(QFrame):
    """Code field + Redeem button + the answer.

    Signals:
        redeemed(object): the :class:`app.vouchers.Redeemed` after a successful redeem.
    """

    redeemed = Signal(object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("VoucherRedeem")
        self.setStyleSheet(STYLE)
        self.controller = controller
        self.ctx = controller.ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.title_label = QLabel(objectName="VoucherTitle")
        row.addWidget(self.title_label)
        self.code_edit = QLineEdit(objectName="VoucherCode")
        self.code_edit.setMaxLength(16)
        self.code_edit.returnPressed.connect(self.redeem)
        row.addWidget(self.code_edit, 1)
        self.redeem_button = QPushButton(objectName="VoucherButton")
        self.redeem_button.clicked.connect(self.redeem)
        row.addWidget(self.redeem_button)
        outer.addLayout(row)
        self.message_label = QLabel(objectName="VoucherMessage", wordWrap=True)
        self.message_label.setTextFormat(Qt.PlainText)
        outer.addWidget(self.message_label)
        self._kind = "info"
        self.retranslate()

    def set_message(self, text: str, kind: str) -> None:
        """Show an answer (``ok``/``error``); ``info`` hides the line (the field says it)."""
        self._kind = kind
        self.message_label.setVisible(kind != "info")
        self.message_label.setText(text)
        self.message_label.setProperty("kind", kind)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)

    def message(self) -> str:
        return self.message_label.text()

    def redeem(self) -> None:
        code = self.code_edit.text()
        member = self.controller.current_staff
        try:
            done = self._redeem(code, member.id if member else None)
        except ComebackError as error:
            self.set_message(str(error), "error")
            self.code_edit.selectAll()
            self.code_edit.setFocus()
            return
        if done.offline:  # the server is away: kept, confirmed when it is back
            from app.offline_vouchers import redeemed_offline_text

            self.set_message(redeemed_offline_text(self.ctx, done), "ok")
            self.code_edit.clear()
            self.controller.announce(done.changes)
            self.redeemed.emit(done)
            return
        settings = self.ctx.settings()
        incident = get_incident(self.ctx, done.incident_id)
        self.set_message(_("Welcome back! Voucher {code} for {amount} is redeemed: the guest "
                           "came back after “{what}” on {date}.").format(
            code=done.code, amount=money(done.amount_minor, settings.currency, settings.locale),
            what=_(incident.category_label),
            date=medium_date(local_time(incident.occurred_at, settings.timezone).date(),
                             settings.locale)), "ok")
        self.code_edit.clear()
        self.controller.announce(done.changes)
        self.redeemed.emit(done)

    def _redeem(self, code: str, staff_id: int | None) -> vouchers.Redeemed:
        from app import offline
        from app.pending import OFFLINE, NotSavedYet, short_wait

        try:
            with short_wait(self.ctx):  # locked or full: says so at once, nothing written
                return vouchers.redeem(self.ctx, code, staff_id)
        except NotSavedYet as error:
            # The server went away just now (found out before the redemption began): it is
            # redeemed against this terminal's copy, as while the server is known away.
            if error.reason != OFFLINE or not offline.is_away(self.ctx):
                raise
        return vouchers.redeem(self.ctx, code, staff_id)

    def _fit_placeholder(self) -> None:
        """The field is at least as wide as its example, in every language (Czech cut
        it to "např. K…")."""
        edit = self.code_edit
        edit.ensurePolished()
        needed = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
        edit.setMinimumWidth(needed + 40)  # the field's padding and frame

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit_placeholder()  # under the field's own style rules, known once shown

    def retranslate(self) -> None:
        self.title_label.setText(_("Guest back with a voucher?"))
        # The example alone, whole in every language; what to do goes in the tooltip (the
        # whole sentence made the Czech field too wide for a 1024 px window).
        self.code_edit.setPlaceholderText(_("e.g. K7M-3QX"))
        self.code_edit.setToolTip(_("Type or scan the code"))
        self._fit_placeholder()
        self.redeem_button.setText(_("Redeem"))
        if self._kind == "info":
            self.set_message("", "info")
