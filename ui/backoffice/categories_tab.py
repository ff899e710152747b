"""Failure categories: label, icon, apology line, follow-up minutes, default severity."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPlainTextEdit, QSpinBox, QWidget

from app import catalog, catalog_admin
from app.i18n import _
from app.models import Changes, Severity
from ui.backoffice.catalog_editor import CatalogEditor, keep_stored
from ui.backoffice.common import Field, IconPicker


class CategoriesTab(CatalogEditor):
    """What can go wrong in this store, in the order of the counter's tiles."""

    list_name = "categories_list"

    def _build_form(self) -> None:
        self.icon_picker = IconPicker(catalog_admin.available_icons())
        self.icon_field = self.add_field(Field("icon", self.icon_picker, lambda: _("Icon")))
        self.apology_edit = QPlainTextEdit(objectName="apology")
        self.apology_edit.setFixedHeight(72)
        self.apology_field = self.add_field(Field(
            "apology", self.apology_edit, lambda: _("Apology line"),
            lambda: _("Shown to the cashier to say: sorry, and what happens now. No "
                      "excuses.")))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(24)
        self.minutes_spin = QSpinBox(objectName="followup_minutes")
        self.minutes_spin.setRange(0, catalog_admin.FOLLOWUP_MAX)
        self.minutes_field = Field("followup_minutes", self.minutes_spin,
                                   lambda: _("Check back after (minutes)"))
        self.severity_box = QComboBox(objectName="default_severity")
        for severity in Severity:
            self.severity_box.addItem(severity.label(), severity.value)
        self.severity_field = Field("default_severity", self.severity_box,
                                    lambda: _("Usual severity"))
        for field in (self.minutes_field, self.severity_field):
            field.label.setWordWrap(True)
        line.addWidget(self.minutes_field, 0, Qt.AlignTop)
        line.addWidget(self.severity_field, 0, Qt.AlignTop)
        line.addStretch(1)
        self.errors.add(self.minutes_field)
        self.errors.add(self.severity_field)
        self.form.addWidget(row)

    def _titles(self) -> dict[str, str]:
        return {"new": _("New category"), "add": _("Add a category"),
                "hide": _("Hide"), "show": _("Show again")}

    def _items(self) -> list:
        return catalog.categories(self.controller.ctx, include_hidden=True)

    def _fill(self, item) -> None:
        self.label_edit.setText(_(item.label) if item else "")
        self.icon_picker.set_value(item.icon if item else None)
        self.apology_edit.setPlainText(_(item.apology) if item else "")
        followup = item.followup_minutes if item else self._default_minutes()
        self.minutes_spin.setValue(followup)
        severity = item.default_severity if item else Severity.MEDIUM
        self.severity_box.setCurrentIndex(self.severity_box.findData(severity.value))

    def _default_minutes(self) -> int:
        items = [c.followup_minutes for c in self.items if not c.hidden]
        return max(set(items), key=items.count) if items else 5

    def _write(self, by: int | None, item) -> tuple[int, Changes]:
        ctx = self.controller.ctx
        label, apology = self.label_edit.text(), self.apology_edit.toPlainText()
        fields = {"icon": self.icon_picker.value(),
                  "followup_minutes": self.minutes_spin.value(),
                  "default_severity": self.severity_box.currentData()}
        if item is None:
            category, changes = catalog_admin.add_category(ctx, by, label=label,
                                                           apology=apology, **fields)
            return category.id, changes
        changes = catalog_admin.update_category(
            ctx, by, item.id, label=keep_stored(label, item.label),
            apology=keep_stored(apology, item.apology), **fields)
        return item.id, changes

    def _move(self, by: int | None, item_id: int, step: int) -> Changes:
        return catalog_admin.move_category(self.controller.ctx, by, item_id, step)

    def _set_hidden(self, by: int | None, item_id: int, hidden: bool) -> Changes:
        return catalog_admin.set_category_hidden(self.controller.ctx, by, item_id, hidden)

    def retranslate(self) -> None:
        for index, severity in enumerate(Severity):
            self.severity_box.setItemText(index, severity.label())
        super().retranslate()
