"""Pieces every back-office tab uses: a labelled field with its error line, a message
line, the icon picker, and the page's own style sheet (on top of the dark theme)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import ComebackError, ValidationError
from app.i18n import _
from ui import icons

try:  # the dark counter theme; its colours are reused when it is there
    from ui import theme as _theme
    ALERT_TEXT, MUTED, ACCENT, SURFACE, BORDER, BG = (
        "#F08A80", _theme.MUTED, _theme.ACCENT, _theme.SURFACE, _theme.BORDER, _theme.BG)
except ImportError:  # pragma: no cover - the theme lands with the counter screen
    ALERT_TEXT, MUTED, ACCENT, SURFACE, BORDER, BG = (
        "#F08A80", "#9AA8B5", "#5AA9E6", "#1E242B", "#323C47", "#14181D")

CHECK_ICON = (icons.ICON_DIR / "check.svg").as_posix()
CHEVRON = (Path(__file__).resolve().parent / "chevron-down.svg").as_posix()
CHEVRON_UP = (Path(__file__).resolve().parent / "chevron-up.svg").as_posix()
QSS = f"""
#BoLabel {{ font-size: 12pt; font-weight: 600; }}
#BoHelp {{ font-size: 10pt; color: {MUTED}; }}
#BoError {{ font-size: 11pt; color: {ALERT_TEXT}; }}
#BoMessage {{ font-size: 12pt; color: {MUTED}; }}
#BoMessage[kind="error"] {{ color: {ALERT_TEXT}; }}
#BoSection {{ font-size: 15pt; font-weight: 600; }}
#BackOfficeHeader {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
#backoffice_lock {{ min-height: 24px; padding: 2px 16px; font-size: 12pt; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {BORDER}; }}
QTabBar::tab {{ background: transparent; padding: 8px 18px; margin-right: 2px;
    color: {MUTED}; border: none; border-bottom: 3px solid transparent; }}
QTabBar::tab:selected {{ color: palette(window-text); border-bottom-color: {ACCENT}; }}
QListWidget, QTableWidget {{ background: {BG}; border: 1px solid {BORDER}; border-radius: 8px;
    font-size: 13pt; }}
QListWidget::item, QTableWidget::item {{ padding: 6px 4px; }}
QListWidget::item:selected, QTableWidget::item:selected {{ background: #1D3447;
    color: palette(window-text); }}
QHeaderView::section {{ background: {SURFACE}; border: none; padding: 6px;
    border-bottom: 1px solid {BORDER}; font-weight: 600; }}
QLineEdit, QComboBox, QSpinBox, QTimeEdit {{ min-height: 30px; padding: 2px 8px;
    font-size: 13pt; border-radius: 6px; }}
QComboBox {{ background: {SURFACE}; border: 1px solid {BORDER}; }}
QComboBox:focus {{ border-color: {ACCENT}; }}
QComboBox:disabled, QLineEdit:disabled {{ color: {MUTED}; }}
QComboBox::drop-down {{ border: none; width: 28px; }}
QComboBox::down-arrow {{ image: url({CHEVRON}); width: 16px; height: 16px; }}
QComboBox QAbstractItemView {{ background: {SURFACE}; border: 1px solid {BORDER};
    selection-background-color: #1D3447; }}
QPlainTextEdit {{ padding: 4px 8px; font-size: 13pt; }}
QSpinBox, QTimeEdit {{ max-width: 150px; background: {BG}; border: 1px solid {BORDER}; }}
QSpinBox:focus, QTimeEdit:focus {{ border-color: {ACCENT}; }}
QAbstractSpinBox:disabled {{ color: #5C6975; border-color: #262E37; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ border: none; width: 24px;
    background: transparent; }}
QAbstractSpinBox::up-button {{ subcontrol-origin: border; subcontrol-position: top right; }}
QAbstractSpinBox::down-button {{ subcontrol-origin: border; subcontrol-position: bottom right; }}
QAbstractSpinBox::up-arrow {{ image: url({CHEVRON_UP}); width: 14px; height: 14px; }}
QAbstractSpinBox::down-arrow {{ image: url({CHEVRON}); width: 14px; height: 14px; }}
QCheckBox::indicator {{ width: 18px; height: 18px; border: 2px solid {MUTED};
    border-radius: 4px; background: {BG}; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT};
    image: url({CHECK_ICON}); }}
QCheckBox::indicator:disabled {{ border-color: {BORDER}; }}
QPushButton {{ min-height: 30px; padding: 4px 14px; }}
#Primary {{ font-size: 14pt; min-height: 40px; padding: 4px 28px; }}
#IconPicker {{ background: {BG}; }}
#IconPicker::item {{ border-radius: 6px; padding: 2px; }}
#IconPicker::item:selected {{ background: #1D3447; border: 2px solid {ACCENT}; }}
"""


class Field(QWidget):
    """A label above an input, an optional help line, and an error line under it."""

    def __init__(self, name: str, widget: QWidget, title: Callable[[], str],
                 help_text: Callable[[], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.widget = name, widget
        self._title, self._help = title, help_text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.label = QLabel(objectName="BoLabel")
        self.label.setBuddy(widget)
        layout.addWidget(self.label)
        layout.addWidget(widget)
        self.help_label = QLabel(objectName="BoHelp", wordWrap=True)
        self.help_label.setVisible(help_text is not None)
        layout.addWidget(self.help_label)
        self.error_label = QLabel(objectName="BoError", wordWrap=True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self.retranslate()

    def set_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def error(self) -> str:
        return self.error_label.text()

    def retranslate(self) -> None:
        self.label.setText(self._title())
        if self._help is not None:
            self.help_label.setText(self._help())


class Errors:
    """Shows a refusal next to the field it names, or on the form's message line."""

    def __init__(self, message: QLabel, fields: dict[str, Field] | None = None) -> None:
        self.message = message
        self.fields: dict[str, Field] = dict(fields or {})

    def add(self, field: Field, *aliases: str) -> Field:
        for name in (field.name, *aliases):
            self.fields[name] = field
        return field

    def clear(self) -> None:
        for field in self.fields.values():
            field.set_error("")
        set_message(self.message, "")

    def show(self, error: ComebackError) -> None:
        """Put ``error`` next to its field (ValidationError.field) or on the message line."""
        self.clear()
        field = self.fields.get(error.field) if isinstance(error, ValidationError) else None
        if field is not None:
            field.set_error(str(error))
            field.widget.setFocus()
            set_message(self.message, _("Not saved: see {field}.").format(
                field=field.label.text()), "error")
        else:
            set_message(self.message, str(error), "error")


def keep_in_view(*widgets: QWidget) -> None:
    """Scroll the tab so each widget is on screen, the last one for sure (a refusal that
    grew the form must not push its Save button out of sight)."""
    for widget in widgets:
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            inner = parent.widget().layout()
            if inner is not None:
                inner.activate()  # the grown form's geometry, before scrolling to it
            parent.ensureWidgetVisible(widget, 0, 12)


def let_combos_shrink(root: QWidget) -> None:
    """Combo boxes under ``root`` stop demanding the width of their longest item (a long
    time zone or a Czech label), so every screen fits 1024 px in every language."""
    for box in root.findChildren(QComboBox):
        box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(8)


def set_message(label: QLabel, text: str, kind: str = "info") -> None:
    label.setText(text)
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)


def message_label() -> QLabel:
    label = QLabel(objectName="BoMessage", wordWrap=True)
    label.setMinimumHeight(24)
    return label


def section(text: str = "") -> QLabel:
    return QLabel(text, objectName="BoSection")


class IconPicker(QListWidget):
    """A grid of the bundled icons; the selected one is the value."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IconPicker")
        self.setViewMode(QListView.IconMode)
        self.setMovement(QListView.Static)
        self.setResizeMode(QListView.Adjust)
        self.setWrapping(True)
        self.setIconSize(QSize(28, 28))
        self.setGridSize(QSize(42, 42))
        self.setSpacing(0)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        for name in names:
            item = QListWidgetItem(icons.icon(name, 28), "")
            item.setData(Qt.UserRole, name)
            item.setToolTip(name.replace("-", " "))
            self.addItem(item)
        self._fit()

    def _fit(self) -> None:
        """As tall as all rows at the current width: every icon visible, no scrolling."""
        per_row = max(1, ((self.viewport().width() or 600) - 4) // self.gridSize().width())
        rows = -(-self.count() // per_row)
        self.setFixedHeight(rows * self.gridSize().height() + 2 * self.frameWidth() + 4)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit()

    def value(self) -> str | None:
        item = self.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def set_value(self, name: str | None) -> None:
        for row in range(self.count()):
            if self.item(row).data(Qt.UserRole) == name:
                self.setCurrentRow(row)
                return
        self.setCurrentRow(-1)
        self.clearSelection()
