"""The Reports screen's "By counter" panel: incidents and cost per terminal of the shown
week, when the store has more than one terminal (app.terminals). Hidden otherwise."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from app.i18n import _


class CounterPanel(QFrame):
    """A small table in the style of the page's figure panels (``#FigurePanel``)."""

    def __init__(self) -> None:
        super().__init__(objectName="FigurePanel")
        inner = QVBoxLayout(self)
        inner.setContentsMargins(14, 10, 14, 12)
        self.title = QLabel(objectName="FigureTitle")
        inner.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(4)
        inner.addLayout(self.grid)
        self.setVisible(False)

    def show_summary(self, summary) -> None:
        from app.terminals import table

        head, rows = table(summary)
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # gone now, not at the next turn of the event loop
                item.widget().deleteLater()
        self.title.setText(_("By counter"))
        for row, cells in enumerate([head, *rows]):
            for column, text in enumerate(cells):
                label = QLabel(text, objectName="FigureTitle" if row == 0 else "Figures")
                if column:
                    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.grid.addWidget(label, row, column)
        self.grid.setColumnStretch(0, 1)
        self.setVisible(bool(rows) and not summary.empty)
