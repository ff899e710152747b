"""The back office page: opened with a manager's or owner's PIN, locked again when left,
or when nobody has touched the app for :data:`IDLE_LOCK_MS` (an owner called away from the
counter leaves no open door to the staff list and the comp rules).

Tabs: Staff, Categories, Remedies, Rules, Store settings, Backups, Printer, Guest data,
and (owner only) Audit log.
What the signed-in person may change follows :mod:`app.admin`; the rest is read-only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import admin
from app.errors import ApprovalLocked, PinRejected
from app.i18n import _
from app.models import Changes, Staff
from ui.backoffice.audit_tab import AuditTab
from ui.backoffice.backups_tab import BackupsTab
from ui.backoffice.categories_tab import CategoriesTab
from ui.backoffice.common import QSS, let_combos_shrink
from ui.backoffice.guest_tab import GuestTab
from ui.backoffice.printer_tab import PrinterTab
from ui.backoffice.remedies_tab import RemediesTab
from ui.backoffice.rules_tab import RulesTab
from ui.backoffice.settings_tab import SettingsTab
from ui.backoffice.staff_tab import StaffTab
from ui.controller import Controller
from ui.pinpad import PinPad

#: An open back office locks itself after this long without a tap, click or key anywhere.
IDLE_LOCK_MS = 3 * 60 * 1000
_INPUT = frozenset({QEvent.MouseButtonPress, QEvent.KeyPress, QEvent.Wheel, QEvent.TouchBegin})


class PinDialog(QDialog):
    """A modal PIN pad; the caller checks each PIN and accepts or lets the pad say why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BackOfficePin")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pad = PinPad(self)
        layout.addWidget(self.pad)
        self.pad.cancelled.connect(self.reject)
        self.resize(520, 660)
        self.setWindowTitle(_("Back office"))


class BackOfficePage(QWidget):
    """The owner's and manager's screens behind a PIN.

    Signals:
        opened(object): the :class:`app.models.Staff` who unlocked the back office.
        locked(): the back office was locked (Lock button, the page was left, or it was
            left untouched for IDLE_LOCK_MS).
        locked_in_place(): locked while on screen (Lock button, idle): the window should
            go back to the counter. Not emitted when the lock comes from leaving the page,
            so it never fights the page switch the user is making.
    """

    opened = Signal(object)
    locked = Signal()
    locked_in_place = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BackOfficePage")
        self.setStyleSheet(QSS)
        self.controller = controller
        self.session: Staff | None = None
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(IDLE_LOCK_MS)
        self.idle_timer.timeout.connect(lambda: self.lock())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget(objectName="BackOfficeHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 4, 12, 4)
        self.who_label = QLabel(objectName="BoSection")
        row.addWidget(self.who_label, 1)
        self.lock_button = QPushButton(objectName="backoffice_lock")
        self.lock_button.clicked.connect(lambda: self.lock())
        row.addWidget(self.lock_button)
        layout.addWidget(header)

        self.stack = QStackedWidget()
        self.locked_label = QLabel(objectName="BoHelp")
        self.stack.addWidget(self.locked_label)
        self.tabs: QTabWidget | None = None
        self._tabs: list = []
        self._scrolls: dict[QWidget, QScrollArea] = {}
        layout.addWidget(self.stack, 1)
        controller.changed.connect(self._on_changed)
        controller.language_changed.connect(self._clear_messages)
        self.retranslate()
        self.lock()

    def _build_tabs(self) -> QTabWidget:
        """The tabs are built on first unlock, so the app starts as fast as the counter."""
        if self.tabs is not None:
            return self.tabs
        controller = self.controller
        self.tabs = QTabWidget(objectName="backoffice_tabs")
        self.tabs.setDocumentMode(True)

        def me() -> Staff | None:
            return self.session

        def my_id() -> int | None:
            return self.session.id if self.session else None

        self.staff_tab = StaffTab(controller, me)
        self.categories_tab = CategoriesTab(controller, me)
        self.remedies_tab = RemediesTab(controller, me)
        self.rules_tab = RulesTab(controller, my_id)
        self.settings_tab = SettingsTab(controller, my_id)
        self.printer_tab = PrinterTab(controller, my_id)
        self.audit_tab = AuditTab(controller)
        self.backups_tab = BackupsTab(controller, my_id)
        self.guest_tab = GuestTab(controller, my_id)
        self._tabs = [(self.staff_tab, lambda: _("Staff")),
                      (self.categories_tab, lambda: _("Categories")),
                      (self.remedies_tab, lambda: _("Remedies")),
                      (self.rules_tab, lambda: _("Rules")),
                      (self.settings_tab, lambda: _("Store settings")),
                      (self.backups_tab, lambda: _("Backups")),
                      (self.printer_tab, lambda: _("Printer")),
                      (self.guest_tab, lambda: _("Guest data")),
                      (self.audit_tab, lambda: _("Audit log"))]
        for widget, title in self._tabs:
            # Each tab scrolls rather than making the window taller than 768 px (a reminder
            # banner above the pages can take some of the height).
            scroll = QScrollArea(frameShape=QFrame.NoFrame, widgetResizable=True)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
            scroll.setWidget(widget)
            self._scrolls[widget] = scroll
            self.tabs.addTab(scroll, title())
        self.stack.addWidget(self.tabs)
        let_combos_shrink(self.tabs)
        return self.tabs

    def index_of(self, tab: QWidget) -> int:
        """The tab bar index of one of the tabs (staff_tab, categories_tab…)."""
        return self.tabs.indexOf(self._scrolls[tab]) if self.tabs is not None else -1

    def current_tab(self) -> QWidget | None:
        scroll = self.tabs.currentWidget() if self.tabs is not None else None
        return scroll.widget() if isinstance(scroll, QScrollArea) else None

    def show_tab(self, tab: QWidget) -> None:
        self.tabs.setCurrentIndex(self.index_of(tab))

    # -- access -----------------------------------------------------------------------------
    def request_access(self, parent: QWidget | None = None) -> bool:
        """Ask for a manager's or owner's PIN (modal); True once the back office is open.

        A cashier's PIN or a wrong one is refused on the pad with the reason; Cancel gives up.
        """
        dialog = PinDialog(parent or self.window())
        dialog.pad.open(lambda: _("Back office"),
                        lambda: _("A manager's or the owner's PIN opens the back office."))

        def check(pin: str) -> None:
            try:
                member = admin.open_back_office(self.controller.ctx, pin)
            except (PinRejected, ApprovalLocked) as error:
                dialog.pad.reject(str(error))
                return
            self.unlock(member)
            dialog.accept()

        dialog.pad.submitted.connect(check)
        accepted = dialog.exec() == QDialog.Accepted
        dialog.deleteLater()
        return accepted

    def unlock(self, member: Staff) -> None:
        """Open the back office for ``member`` (a manager or owner whose PIN was checked)."""
        self.session = member
        self._build_tabs()
        owner = admin.may(member, admin.SETTINGS)
        self.tabs.setTabVisible(self.index_of(self.audit_tab), admin.may(member, admin.AUDIT))
        self.rules_tab.set_editable(admin.may(member, admin.RULES))
        self.settings_tab.set_editable(owner)
        self.backups_tab.set_editable(owner)
        self.printer_tab.set_editable(owner)
        for tab in (self.staff_tab, self.categories_tab, self.remedies_tab, self.rules_tab,
                    self.settings_tab, self.backups_tab, self.printer_tab, self.guest_tab,
                    self.audit_tab):
            tab.reload()
        self.tabs.setCurrentIndex(0)
        self.stack.setCurrentWidget(self.tabs)
        self._retitle()
        # Any input in the app counts as someone being there (dialogs opened from here too).
        QApplication.instance().installEventFilter(self)
        self.idle_timer.start()
        self.opened.emit(member)

    def lock(self, *, leaving: bool = False) -> None:
        was_open = self.session is not None
        self.session = None
        self.idle_timer.stop()
        QApplication.instance().removeEventFilter(self)
        self.stack.setCurrentWidget(self.locked_label)
        self._retitle()
        if was_open:
            self.locked.emit()
            if not leaving:
                self.locked_in_place.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if self.session is not None and event.type() in _INPUT:
            self.idle_timer.start()  # someone is here: the full time again
        return False

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Leaving the page locks it: the next visit asks for a PIN again."""
        self.lock(leaving=True)
        super().hideEvent(event)

    # -- updates ----------------------------------------------------------------------------
    def _clear_messages(self, _code: str = "") -> None:
        """A language switch clears every message and refusal made in the old language."""
        for label in self.findChildren(QLabel):
            if label.objectName() in ("BoMessage", "BoError") and label.text():
                label.setText("")
                if label.objectName() == "BoError":
                    label.hide()

    def _on_changed(self, changes: Changes) -> None:
        if self.session is None or self.tabs is None:
            return
        if changes.staff:
            self.staff_tab.reload()
        if changes.catalog or changes.settings:
            self.categories_tab.reload()
            self.remedies_tab.reload()
            self.rules_tab.reload()
        if changes.settings:
            self.settings_tab.reload()
            self.backups_tab.reload()
            self.printer_tab.reload()
        self.audit_tab.reload()

    def _retitle(self) -> None:
        if self.session is None:
            self.who_label.setText(_("Back office (locked)"))
        else:
            self.who_label.setText(_("Back office · {name} ({role})").format(
                name=self.session.name, role=self.session.role.label()))
        self.lock_button.setVisible(self.session is not None)

    def retranslate(self) -> None:
        for index, (widget, title) in enumerate(self._tabs):
            self.tabs.setTabText(index, title())
            widget.retranslate()  # reloads what it shows
        self.lock_button.setText(_("Lock"))
        self.locked_label.setText(_("Locked. Open the back office again with a manager's or "
                                    "the owner's PIN."))
        self._retitle()
