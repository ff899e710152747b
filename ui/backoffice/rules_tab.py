"""Rules: which remedy is suggested first for a category (and severity), and the time
windows — escalation grace, undo, edit, repeat guest, voucher validity. Owner only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import catalog, catalog_admin
from app.errors import ComebackError
from app.i18n import _
from app.models import Severity
from ui.backoffice.common import message_label, section, set_message
from ui.backoffice.settings_form import SettingsForm
from ui.backoffice.settings_tab import RULE_SETTINGS
from ui.controller import Controller


class RulesTab(QWidget):
    """Suggested remedies on the left, the rule settings on the right."""

    def __init__(self, controller: Controller, signed_in: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller, self.signed_in = controller, signed_in
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(24)

        left = QVBoxLayout()
        self.suggest_title = section()
        left.addWidget(self.suggest_title)
        self.table = QTableWidget(0, 3, objectName="rules_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        left.addWidget(self.table, 1)
        add_row = QHBoxLayout()
        self.category_box = QComboBox(objectName="rule_category")
        self.severity_box = QComboBox(objectName="rule_severity")
        self.remedy_box = QComboBox(objectName="rule_remedy")
        for box in (self.category_box, self.severity_box, self.remedy_box):
            add_row.addWidget(box, 1)
        left.addLayout(add_row)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(objectName="rule_add")
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button = QPushButton(objectName="rule_remove")
        self.remove_button.clicked.connect(self.remove_rule)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        self.message = message_label()
        left.addWidget(self.message)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        self.windows_title = section()
        right.addWidget(self.windows_title)
        self.form = SettingsForm(controller, [list(RULE_SETTINGS)], signed_in)
        right.addWidget(self.form, 1)
        layout.addLayout(right, 2)
        self.retranslate()

    def set_editable(self, editable: bool) -> None:
        for widget in (self.category_box, self.severity_box, self.remedy_box, self.add_button,
                       self.remove_button):
            widget.setVisible(editable)
        note = "" if editable else _("Only the owner can change the rules.")
        self.form.set_editable(editable, note)
        set_message(self.message, note)

    def reload(self) -> None:
        ctx = self.controller.ctx
        cats = {c.id: c for c in catalog.categories(ctx, include_hidden=True)}
        rems = {r.id: r for r in catalog.remedies(ctx, include_hidden=True)}
        rules = catalog_admin.rules(ctx)
        self.table.setRowCount(len(rules))
        for row, rule in enumerate(rules):
            texts = (_(cats[rule.category_id].label),
                     rule.severity.label() if rule.severity else _("Any severity"),
                     _(rems[rule.remedy_id].label))
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, rule.id)
                self.table.setItem(row, col, item)
        self._fill(self.category_box, [(_(c.label), c.id) for c in cats.values()
                                       if not c.hidden])
        self._fill(self.severity_box, [(_("Any severity"), "")]
                   + [(s.label(), s.value) for s in Severity])
        self._fill(self.remedy_box, [(_(r.label), r.id) for r in rems.values() if not r.hidden])
        self.form.load()

    @staticmethod
    def _fill(box: QComboBox, items: list[tuple[str, object]]) -> None:
        current = box.currentData()
        box.clear()
        for text, data in items:
            box.addItem(text, data)
        index = box.findData(current)
        box.setCurrentIndex(max(index, 0))

    def _run(self, action: Callable[[], object]) -> None:
        try:
            changes = action()
        except ComebackError as error:
            set_message(self.message, str(error), "error")
            return
        self.controller.announce(changes)
        self.reload()
        set_message(self.message, _("Saved."))

    def add_rule(self) -> None:
        self._run(lambda: catalog_admin.add_rule(
            self.controller.ctx, self.signed_in(), self.category_box.currentData(),
            self.severity_box.currentData() or None, self.remedy_box.currentData()))

    def remove_rule(self) -> None:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 \
            else None
        if item is None:
            set_message(self.message, _("Pick a suggestion in the list first."), "error")
            return
        self._run(lambda: catalog_admin.remove_rule(self.controller.ctx, self.signed_in(),
                                                    item.data(Qt.UserRole)))

    def retranslate(self) -> None:
        self.suggest_title.setText(_("Suggested first on the counter"))
        self.windows_title.setText(_("Time windows"))
        self.table.setHorizontalHeaderLabels([_("Category"), _("Severity"), _("Remedy")])
        self.add_button.setText(_("Add suggestion"))
        self.remove_button.setText(_("Remove selected"))
        self.form.retranslate()
        self.reload()
