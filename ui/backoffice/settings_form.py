"""A form for a group of store settings, built from their one declaration in app.settings.

Each setting gets an input that fits its kind (text, whole number, currency, formats,
language, time zone, opening hours), its title, its help line and an error line. The
object name of each input is ``setting_<name>``. Saving goes through
``app.store_admin.update_settings`` (owner only, all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings as settings_mod
from app import store_admin
from app.errors import ComebackError
from app.i18n import LANGUAGES, N_, _
from ui.backoffice.common import Errors, Field, keep_in_view, message_label, set_message
from ui.backoffice.hours import HoursEditor
from ui.controller import Controller

PRESET_NAMES = {"restaurant": N_("Restaurant"), "retail": N_("Retail")}
COMMON_LOCALES = ("nb_NO", "en_GB", "es_ES", "nl_NL", "nl_BE", "cs_CZ", "en_US", "en_IE",
                  "en_NO", "de_DE", "fr_FR", "sv_SE", "da_DK")


def combo(items: Sequence[str], editable: bool = True) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    box.addItems(list(items))
    if editable:
        completer = QCompleter(list(items), box)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        box.setCompleter(completer)
        box.setInsertPolicy(QComboBox.NoInsert)
    return box


def language_combo() -> QComboBox:
    box = QComboBox()
    for code, name in LANGUAGES.items():
        box.addItem(name, code)
    return box


def locale_name(code: str) -> str:
    """'nb_NO — norsk bokmål (Norge)': the code and its name in its own language."""
    from babel import Locale, UnknownLocaleError

    try:
        return f"{code} — {Locale.parse(code).display_name}"
    except (UnknownLocaleError, ValueError):
        return code


def locale_combo() -> QComboBox:
    box = QComboBox()
    for code in COMMON_LOCALES:
        box.addItem(locale_name(code), code)
    return box


def set_combo_text(box: QComboBox, text: str) -> None:
    index = box.findData(text)
    if index < 0:
        index = box.findText(text)
    if index < 0 and not box.isEditable() and text:
        box.addItem(locale_name(text) if "_" in text else text, text)
        index = box.count() - 1
    if index >= 0:
        box.setCurrentIndex(index)
    elif box.isEditable():
        box.setEditText(text)


def combo_value(box: QComboBox) -> str:
    data = box.currentData()
    return data if data is not None and not box.isEditable() else box.currentText().strip()


def make_input(spec: settings_mod.Setting) -> QWidget:
    """An input widget for one setting, named ``setting_<name>``."""
    if spec.kind == "text":
        widget: QWidget = QLineEdit(maxLength=80)
    elif spec.kind == "folder":
        widget = QLineEdit(maxLength=400)
    elif spec.kind == "bool":
        widget = QCheckBox()
    elif spec.kind == "int":
        widget = QSpinBox()
        low, high = spec.limits or (0, 10**6)
        widget.setRange(low, high)
        widget.setMinimumWidth(120)
    elif spec.kind == "currency":
        widget = combo(store_admin.COMMON_CURRENCIES)
    elif spec.kind == "locale":
        widget = locale_combo()
    elif spec.kind == "language":
        widget = language_combo()
    elif spec.kind == "timezone":
        widget = combo(store_admin.timezones())
    elif spec.kind == "hours":
        widget = HoursEditor()
    elif spec.kind in ("printer", "footer"):
        widget = QLineEdit(maxLength=200 if spec.kind == "printer" else 120)
    elif spec.kind == "paper":
        widget = QComboBox()
        for width in (80, 58):
            widget.addItem(f"{width} mm", str(width))
    else:  # the store type: chosen at first run, shown read-only
        widget = QLabel()
    widget.setObjectName(f"setting_{spec.name}")
    return widget


def get_value(spec: settings_mod.Setting, widget: QWidget) -> Any:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QComboBox):
        return combo_value(widget)
    if isinstance(widget, HoursEditor):
        return widget.value()
    return None


def set_value(spec: settings_mod.Setting, widget: QWidget, value: Any) -> None:
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QComboBox):
        set_combo_text(widget, str(value))
    elif isinstance(widget, HoursEditor):
        widget.set_value(value)
    elif isinstance(widget, QLabel):
        widget.setProperty("value", value)
        widget.setText(_(PRESET_NAMES.get(value, value)))


class SettingsForm(QWidget):
    """Inputs for the settings named in ``columns`` (a list of columns of names), a Save
    button and a message line. ``signed_in`` returns the back-office user's staff id."""

    def __init__(self, controller: Controller, columns: Sequence[Sequence[str]],
                 signed_in: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller, self.signed_in = controller, signed_in
        self.specs = {name: settings_mod.BY_NAME[name] for col in columns for name in col}
        self.inputs: dict[str, QWidget] = {}
        self.fields: dict[str, Field] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(10)
        for col, names in enumerate(columns):
            box = QVBoxLayout()
            box.setSpacing(10)
            for name in names:
                spec = self.specs[name]
                widget = make_input(spec)
                field = Field(name, widget, spec.title, spec.help)
                self.inputs[name], self.fields[name] = widget, field
                box.addWidget(field)
            box.addStretch(1)
            grid.addLayout(box, 0, col)
            grid.setColumnStretch(col, 1)
        outer.addLayout(grid, 1)
        bottom = QHBoxLayout()
        self.message = message_label()
        bottom.addWidget(self.message, 1)
        self.save_button = QPushButton(objectName="Primary")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        self.errors = Errors(self.message, self.fields)
        self.load()
        self.retranslate()

    def load(self) -> None:
        current = self.controller.ctx.settings()
        for name, widget in self.inputs.items():
            set_value(self.specs[name], widget, getattr(current, name))

    def values(self) -> dict[str, Any]:
        return {name: get_value(self.specs[name], widget)
                for name, widget in self.inputs.items()
                if self.specs[name].kind != "choice"}

    def set_editable(self, editable: bool, note: str = "") -> None:
        for widget in self.inputs.values():
            widget.setEnabled(editable)
        self.save_button.setVisible(editable)
        set_message(self.message, note)

    def save(self) -> bool:
        """Validate and write every value of this form; errors go next to their field."""
        self.errors.clear()
        before = self.controller.ctx.settings().language
        try:
            changes = store_admin.update_settings(self.controller.ctx, self.signed_in(),
                                                  self.values())
        except ComebackError as error:
            self.errors.show(error)
            field = self.fields.get(getattr(error, "field", None))
            keep_in_view(*([field.error_label] if field else []), self.save_button)
            return False
        self.controller.announce(changes)
        language = self.controller.ctx.settings().language
        if language != before:
            self.controller.set_language(language)
        self.load()
        set_message(self.message, _("Saved.") if changes.settings else _("Nothing changed."))
        return True

    def retranslate(self) -> None:
        for name, field in self.fields.items():
            field.retranslate()
            if isinstance(self.inputs[name], HoursEditor):
                self.inputs[name].retranslate()
            elif self.specs[name].kind == "choice":
                set_value(self.specs[name], self.inputs[name], self.inputs[name].property("value"))
        self.save_button.setText(_("Save"))
