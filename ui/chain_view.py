"""The chain view of the Reports screen: every store of the database side by side.

Shown by the Reports page's "All stores" button, which only the owner sees and only when
the database holds more than one store (docs/roles.md, ``chain_report``). The figures come
from :func:`app.chain.chain_for` and their words from :mod:`app.chain_text`, so the screen
and the chain PDF say the same thing. reportlab is imported only when the PDF is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.chain import ChainReport
from app.i18n import _
from app.summary import Week
from ui import theme

STYLE = f"""
#ChainView {{ background: {theme.BG}; }}
#ChainView QLabel {{ background: transparent; }}
#ChainTitle {{ font-size: 15pt; font-weight: 600; }}
#ChainBest {{ font-size: 13pt; font-weight: 600; color: #5CC98A; }}
#ChainWorst {{ font-size: 13pt; font-weight: 600; color: #F08A80; }}
#ChainNote {{ font-size: 10pt; color: {theme.MUTED}; }}
#ChainFix {{ font-size: 12pt; }}
#ChainTable {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER};
    border-radius: 8px; gridline-color: {theme.BORDER}; font-size: 10.5pt; }}
#ChainTable QHeaderView::section {{ background: {theme.SURFACE}; color: {theme.MUTED};
    border: none; border-bottom: 1px solid {theme.BORDER}; padding: 4px 6px;
    font-size: 10pt; font-weight: 600; }}
"""
BEST_BG, WORST_BG, TOTAL_BG = QColor("#173326"), QColor("#4A1C1A"), QColor(theme.SURFACE_HI)


def ask_save_path(parent: QWidget, suggested: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _filter = QFileDialog.getSaveFileName(parent, _("Save the chain summary"),
                                                suggested, _("PDF files (*.pdf)"))
    return path or None


def two_lines(text: str) -> str:
    """A column heading on two lines, broken at the space nearest its middle, so that the
    figures rather than the words set the column widths."""
    spaces = [i for i, char in enumerate(text) if char == " "]
    if not spaces:
        return text
    middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:middle] + "\n" + text[middle + 1:]


class ChainView(QWidget):
    """Every store's week, best first; the totals per currency; the chain's top fixes.

    ``by()`` says who is signed in (the owner sees it; anyone else gets the refusal).
    Signals: none.
    """

    def __init__(self, ctx, by: Callable[[], int | None], parent: QWidget | None = None, *,
                 ask_save_path: Callable[[QWidget, str], str | None] = ask_save_path,
                 say: Callable[[str, bool], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChainView")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self._by = by
        self._ask_save_path = ask_save_path
        self._say = say or (lambda text, error: None)
        self.week: Week | None = None
        self.report: ChainReport | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.title = QLabel(objectName="ChainTitle")
        column.addWidget(self.title)
        self.best = QLabel(objectName="ChainBest", wordWrap=True)
        self.worst = QLabel(objectName="ChainWorst", wordWrap=True)
        self.means = QLabel(objectName="ChainNote", wordWrap=True)
        for label in (self.best, self.worst, self.means):
            column.addWidget(label)
        self.fixes = QLabel(objectName="ChainFix", wordWrap=True, textFormat=Qt.RichText)
        column.addWidget(self.fixes)
        self.table = QTableWidget(objectName="ChainTable")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        column.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.message = QLabel(objectName="ChainNote", wordWrap=True)
        bottom.addWidget(self.message, 1)
        self.save_button = QPushButton(objectName="Primary")
        self.save_button.clicked.connect(self.save_pdf)
        bottom.addWidget(self.save_button)
        column.addLayout(bottom)
        self.retranslate()

    def show_week(self, week: Week) -> None:
        self.week = week
        self.refresh()

    def refresh(self) -> None:
        from app.chain import chain_for
        from app.errors import NotAllowed

        if self.week is None:
            return
        try:
            self.report = chain_for(self.ctx, self.week, self._by())
        except NotAllowed as refused:
            self.report = None
            self._render_refusal(str(refused))
            return
        self._render()

    def retranslate(self) -> None:
        self.save_button.setText(_("Save chain PDF…"))
        if self.report is not None:
            self._render()

    # -- drawing --------------------------------------------------------------------------
    def _render_refusal(self, why: str) -> None:
        for widget in (self.best, self.worst, self.means, self.fixes, self.table,
                       self.save_button):
            widget.setVisible(False)
        self.title.setText(_("All stores"))
        self.message.setText(why)

    def _render(self) -> None:
        from html import escape

        from app.chain_text import ChainFormats, best_means, fix_detail, standing, title

        report = self.report
        fmt = ChainFormats(report)
        for widget in (self.means, self.fixes, self.table, self.save_button):
            widget.setVisible(True)
        self.title.setText(title(report))  # the week is in the page's own top bar
        lines = dict(standing(report, fmt))
        for key, label in (("best", self.best), ("worst", self.worst)):
            label.setText(lines.get(key, ""))
            label.setVisible(key in lines)
        self.means.setText(best_means())
        if report.fixes:
            items = "".join(
                f"<tr><td style='padding-right:10px; color:{theme.ACCENT}; font-weight:800'>"
                f"{fix.rank}</td><td><b>{escape(fix.label)}</b> &nbsp;"
                f"<span style='color:{theme.MUTED}'>{escape(fix_detail(fix, fmt))}</span>"
                "</td></tr>" for fix in report.fixes)
            heading = escape(_("The chain's top three fixes"))
            self.fixes.setText(f"<b>{heading}</b><table>{items}</table>")
        else:
            self.fixes.setText(_("No incidents this week"))
        self._fill_table(report, fmt)
        self.message.setText("")

    def _fill_table(self, report: ChainReport, fmt) -> None:
        from app.chain_text import columns, store_cells, total_cells

        heads = columns()
        rows = [store_cells(row, fmt) for row in report.stores]
        totals = [total_cells(total, fmt) for total in report.totals]
        table = self.table
        table.clear()
        table.setColumnCount(len(heads))
        table.setRowCount(len(rows) + len(totals))
        table.setHorizontalHeaderLabels([two_lines(head) for head in heads])
        best = 0 if report.best is not None else None
        worst = report.stores.index(report.worst) if report.worst is not None else None
        for r, cells in enumerate(rows + totals):
            background = (BEST_BG if r == best else WORST_BG if r == worst else
                          TOTAL_BG if r >= len(rows) else None)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                align = Qt.AlignLeft if c in (0, len(heads) - 1) else Qt.AlignRight
                item.setTextAlignment(align | Qt.AlignVCenter)
                if background is not None:
                    item.setBackground(QBrush(background))
                if r >= len(rows):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)  # long names may be cut
        header.setDefaultAlignment(Qt.AlignRight | Qt.AlignVCenter)
        for c in (0, len(heads) - 1):  # the text columns, as their cells
            table.horizontalHeaderItem(c).setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)

    # -- output ---------------------------------------------------------------------------
    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def save_pdf(self) -> None:
        from app.chain import save_chain_pdf
        from app.errors import NotAllowed

        if self.report is None:
            return
        path = self._ask_save_path(self, str(Path.home() / f"chain-{self.report.week}.pdf"))
        if not path:
            return
        try:
            save_chain_pdf(self.ctx, self.report, path, self._by())
        except NotAllowed as refused:
            self._render_refusal(str(refused))
            return
        except OSError as error:
            self._say(_("Could not save {path}: {reason}").format(
                path=path, reason=error.strerror or error), True)
            return
        self._say(_("Saved {path}").format(path=path), False)
