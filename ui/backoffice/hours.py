"""Opening hours per weekday: an editor (open/closed, from–to) and a one-line summary.

A closing time of 00:00 means midnight ("24:00" in the setting), since a day cannot close
before it opens.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.formatting import weekday_name
from app.i18n import _
from app.settings import DEFAULT_HOURS, WEEKDAYS

MONDAY = date(2024, 1, 1)


def day_name(index: int, width: str = "abbreviated") -> str:
    """Weekday name in the UI language (0 = Monday)."""
    return weekday_name(MONDAY + timedelta(days=index), i18n.language(), width)


def summary(hours: dict) -> str:
    """'Mon–Fri 10:00–22:00 · Sat 11:00–23:00 · Sun closed' in the UI language."""
    groups: list[tuple[int, int, object]] = []
    for index, day in enumerate(WEEKDAYS):
        value = tuple(hours.get(day) or ()) or None
        if groups and groups[-1][2] == value:
            groups[-1] = (groups[-1][0], index, value)
        else:
            groups.append((index, index, value))
    parts = []
    for first, last, value in groups:
        days = day_name(first) if first == last else _("{first}–{last}").format(
            first=day_name(first), last=day_name(last))
        if value is None:
            parts.append(_("{days} closed").format(days=days))
        else:
            parts.append(_("{days} {opens}–{closes}").format(days=days, opens=value[0],
                                                           closes=value[1]))
    if len(groups) == 1 and groups[0][2] is not None:
        return _("Every day {opens}–{closes}").format(opens=groups[0][2][0],
                                                     closes=groups[0][2][1])
    return " · ".join(parts)


def _time(text: str) -> QTime:
    hours, minutes = (int(x) for x in text.split(":"))
    return QTime(0, 0) if hours >= 24 else QTime(hours, minutes)


class HoursEditor(QWidget):
    """Seven rows: a day checkbox (open that day), opening and closing time.

    Signals:
        edited(): any day, time or checkbox changed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.days: dict[str, QCheckBox] = {}
        self.opens: dict[str, QTimeEdit] = {}
        self.closes: dict[str, QTimeEdit] = {}
        self._dashes: list[QLabel] = []
        for row, day in enumerate(WEEKDAYS):
            check = QCheckBox(objectName=f"hours_{day}")
            opens = QTimeEdit(displayFormat="HH:mm", objectName=f"hours_{day}_opens")
            closes = QTimeEdit(displayFormat="HH:mm", objectName=f"hours_{day}_closes")
            dash = QLabel("–")
            self._dashes.append(dash)
            for widget in (opens, closes):
                widget.timeChanged.connect(self.edited)
            check.toggled.connect(lambda on, o=opens, c=closes: (o.setEnabled(on),
                                                                 c.setEnabled(on)))
            check.toggled.connect(self.edited)
            grid.addWidget(check, row, 0)
            grid.addWidget(opens, row, 1)
            grid.addWidget(dash, row, 2)
            grid.addWidget(closes, row, 3)
            self.days[day], self.opens[day], self.closes[day] = check, opens, closes
        grid.setColumnStretch(4, 1)
        outer.addLayout(grid)
        tools = QHBoxLayout()
        self.copy_button = QPushButton(objectName="copy_monday")
        self.copy_button.clicked.connect(self.copy_monday)
        tools.addWidget(self.copy_button)
        tools.addStretch(1)
        outer.addLayout(tools)
        self.set_value(DEFAULT_HOURS)
        self.retranslate()

    def set_value(self, hours: dict) -> None:
        for day in WEEKDAYS:
            value = hours.get(day)
            self.days[day].setChecked(value is not None)
            opens, closes = value or DEFAULT_HOURS[day]
            self.opens[day].setTime(_time(opens))
            self.closes[day].setTime(_time(closes))
            self.opens[day].setEnabled(value is not None)
            self.closes[day].setEnabled(value is not None)

    def value(self) -> dict:
        result: dict = {}
        for day in WEEKDAYS:
            if not self.days[day].isChecked():
                result[day] = None
                continue
            closes = self.closes[day].time().toString("HH:mm")
            result[day] = [self.opens[day].time().toString("HH:mm"),
                           "24:00" if closes == "00:00" else closes]
        return result

    def copy_monday(self) -> None:
        monday = self.value()["mon"]
        self.set_value({day: monday for day in WEEKDAYS})
        self.edited.emit()

    def retranslate(self) -> None:
        for index, day in enumerate(WEEKDAYS):
            self.days[day].setText(day_name(index, "wide"))
            self.days[day].setToolTip(_("Ticked: open that day"))
        self.copy_button.setText(_("Same hours as Monday every day"))
