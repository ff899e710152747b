"""Remedies: label, icon, kind, usual value, discount percent and approval threshold.

Amounts are typed in major units the way the store's locale writes them ("12,50") and
stored as minor units; an empty threshold means the remedy never needs a PIN.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app import catalog, catalog_admin
from app.i18n import _
from app.models import Changes, RemedyKind
from ui.backoffice.catalog_editor import CatalogEditor, keep_stored
from ui.backoffice.common import Field, IconPicker


def money_input(name: str, currency_label: QLabel) -> tuple[QWidget, QLineEdit]:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit(objectName=name)
    edit.setMaximumWidth(160)
    row.addWidget(edit)
    row.addWidget(currency_label)
    row.addStretch(1)
    return box, edit


class RemediesTab(CatalogEditor):
    """What the store gives to put things right, in the counter's order."""

    list_name = "remedies_list"

    def _build_form(self) -> None:
        self.icon_picker = IconPicker(catalog_admin.available_icons())
        self.icon_field = self.add_field(Field("icon", self.icon_picker, lambda: _("Icon")))
        self.kind_box = QComboBox(objectName="kind")
        for kind in RemedyKind:
            self.kind_box.addItem(kind.label(), kind.value)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.kind_field = Field("kind", self.kind_box, lambda: _("Kind"))
        self.percent_spin = QSpinBox(objectName="percent")
        self.percent_spin.setRange(0, 100)
        self.percent_spin.setSuffix(" %")
        self.percent_field = Field("percent", self.percent_spin, lambda: _("Discount"))
        self._row(self.kind_field, self.percent_field)
        self.value_currency, self.threshold_currency = QLabel(), QLabel()
        value_box, self.value_edit = money_input("value", self.value_currency)
        self.value_field = Field("value_minor", value_box, lambda: _("Usual value"),
                                 lambda: _("What it usually costs the store."))
        self.value_field.widget = self.value_edit
        threshold_box, self.threshold_edit = money_input("approval_above",
                                                         self.threshold_currency)
        self.threshold_field = Field(
            "approval_above_minor", threshold_box, lambda: _("Needs a manager's PIN above"),
            lambda: _("Empty: never needs a PIN."))
        self.threshold_field.widget = self.threshold_edit
        self._row(self.value_field, self.threshold_field)

    def _row(self, first: Field, second: Field) -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(24)
        for field in (first, second):
            field.label.setWordWrap(True)
        line.addWidget(first, 1, Qt.AlignTop)
        line.addWidget(second, 1, Qt.AlignTop)
        self.errors.add(first)
        self.errors.add(second)
        self.form.addWidget(row)

    def _titles(self) -> dict[str, str]:
        return {"new": _("New remedy"), "add": _("Add a remedy"),
                "hide": _("Hide"), "show": _("Show again")}

    def _items(self) -> list:
        return catalog.remedies(self.controller.ctx, include_hidden=True)

    def _money(self) -> tuple[str, str]:
        settings = self.controller.ctx.settings()
        return settings.currency, settings.locale

    def _fill(self, item) -> None:
        currency, locale = self._money()
        self.value_currency.setText(currency)
        self.threshold_currency.setText(currency)
        self.label_edit.setText(_(item.label) if item else "")
        self.icon_picker.set_value(item.icon if item else None)
        kind = item.kind if item else RemedyKind.COMP_ITEM
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind.value))
        self.value_edit.setText(catalog_admin.amount_text(item.value_minor if item else 0,
                                                          currency, locale))
        self.percent_spin.setValue(item.percent or 0 if item else 0)
        self.threshold_edit.setText(catalog_admin.amount_text(
            item.approval_above_minor if item else None, currency, locale))
        self.threshold_edit.setPlaceholderText(_("never"))
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind_box.currentData()
        self.percent_field.setVisible(kind == RemedyKind.DISCOUNT_PERCENT.value)
        self.value_field.setEnabled(kind != RemedyKind.APOLOGY.value)

    def _write(self, by: int | None, item) -> tuple[int, Changes]:
        ctx = self.controller.ctx
        currency, locale = self._money()
        kind = self.kind_box.currentData()
        value = (0 if kind == RemedyKind.APOLOGY.value else catalog_admin.parse_amount(
            "value_minor", self.value_edit.text(), currency, locale))
        threshold = catalog_admin.parse_amount("approval_above_minor",
                                               self.threshold_edit.text(), currency, locale,
                                               allow_empty=True)
        fields = {"icon": self.icon_picker.value(), "kind": kind, "value_minor": value,
                  "percent": self.percent_spin.value(), "approval_above_minor": threshold}
        label = self.label_edit.text()
        if item is None:
            remedy, changes = catalog_admin.add_remedy(ctx, by, label=label, **fields)
            return remedy.id, changes
        changes = catalog_admin.update_remedy(ctx, by, item.id,
                                              label=keep_stored(label, item.label), **fields)
        return item.id, changes

    def _move(self, by: int | None, item_id: int, step: int) -> Changes:
        return catalog_admin.move_remedy(self.controller.ctx, by, item_id, step)

    def _set_hidden(self, by: int | None, item_id: int, hidden: bool) -> Changes:
        return catalog_admin.set_remedy_hidden(self.controller.ctx, by, item_id, hidden)

    def retranslate(self) -> None:
        for index, kind in enumerate(RemedyKind):
            self.kind_box.setItemText(index, kind.label())
        super().retranslate()
