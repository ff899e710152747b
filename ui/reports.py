"""The owner's Reports screen: pick a week, see the key numbers, print or save the PDF.

The figures come from :func:`app.summary.weekly_summary` and their words from
:mod:`app.report_text`, so the screen, the printout and the PDF say the same thing.
The summary is computed when the page is shown (never at start-up) and again when an
incident, follow-up or voucher changes while it is visible. reportlab is imported only
when a PDF is saved, so opening the app stays fast.

Printing goes through :mod:`ui.report_print` (QPrintDialog → QTextDocument), because
PySide6-Essentials has no QtPdf to draw the PDF's own pages on a printer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import Changes
from app.report_text import Formats, approvals_line, fix_detail, headlines, trend_text
from app.summary import Week, WeeklySummary, current_week
from ui import theme
from ui.controller import Controller

SavePathAsker = Callable[[QWidget, str], str | None]
VALUE_PT = 26

STYLE = f"""
#ReportsPage, #ReportScroll, #ReportBody {{ background: {theme.BG}; }}
#ReportCard {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER};
    border-top: 4px solid {theme.ACCENT}; border-radius: 12px; }}
#ReportCard QLabel, #FixRow QLabel {{ background: transparent; }}
#CardLabel {{ color: {theme.MUTED}; font-size: 12pt; }}
#CardValue {{ font-size: {VALUE_PT}pt; font-weight: 700; }}
#CardChange {{ font-size: 11pt; color: {theme.MUTED}; }}
#CardChange[tone="good"] {{ color: #5CC98A; }}
#CardChange[tone="bad"] {{ color: #F08A80; }}
#WeekLabel {{ font-size: 16pt; font-weight: 600; }}
#SectionTitle {{ font-size: 15pt; font-weight: 600; margin-top: 6px; }}
#FixRow {{ background: {theme.SURFACE}; border-radius: 10px; }}
#FixRank {{ font-size: 24pt; font-weight: 800; color: {theme.ACCENT}; min-width: 40px; }}
#FixTitle {{ font-size: 15pt; font-weight: 700; }}
#FixTrend {{ font-size: 11pt; color: {theme.MUTED}; }}
#FixTrend[tone="bad"] {{ color: #F08A80; }}
#FixTrend[tone="good"] {{ color: #5CC98A; }}
#FixDetail {{ font-size: 12pt; color: {theme.MUTED}; }}
#FigurePanel {{ background: {theme.SURFACE}; border-radius: 10px; }}
#FigurePanel QLabel {{ background: transparent; }}
#FigureTitle {{ font-size: 13pt; font-weight: 600; }}
#Figures {{ font-size: 12pt; color: {theme.MUTED}; }}
#EmptyWeek {{ font-size: 18pt; color: {theme.MUTED}; padding: 24px; }}
QDateEdit {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER};
    border-radius: 8px; padding: 4px 10px; min-height: 34px; font-size: 12pt; }}
"""


def ask_save_path(parent: QWidget, suggested: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, _("Save the weekly summary"),
                                                suggested, _("PDF files (*.pdf)"))
    return path or None


class _Card(QFrame):
    """One headline number; the figure shrinks to fit the card (big amounts, long words)."""

    def __init__(self, key: str) -> None:
        super().__init__(objectName="ReportCard")
        self.setProperty("key", key)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 12)
        column.setSpacing(2)
        self.label = QLabel(objectName="CardLabel")
        self.value = QLabel(objectName="CardValue")
        self.change = QLabel(objectName="CardChange", wordWrap=True)
        for widget in (self.label, self.value, self.change):
            column.addWidget(widget)
        column.addStretch(1)

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width() - 34
        font = QFont(self.value.font())
        for size in range(VALUE_PT, 11, -1):
            font.setPointSize(size)
            if QFontMetrics(font).horizontalAdvance(self.value.text()) <= room:
                break
        self.value.setStyleSheet(f"font-size: {size}pt;")


class _FixRow(QFrame):
    def __init__(self) -> None:
        super().__init__(objectName="FixRow")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 8)
        row.setSpacing(14)
        self.rank = QLabel(objectName="FixRank", alignment=Qt.AlignTop | Qt.AlignHCenter)
        row.addWidget(self.rank)
        column = QVBoxLayout()
        column.setSpacing(2)
        title_row = QHBoxLayout()
        title_row.setSpacing(12)
        self.title = QLabel(objectName="FixTitle")
        self.trend = QLabel(objectName="FixTrend")
        title_row.addWidget(self.title)
        title_row.addWidget(self.trend, 0, Qt.AlignBottom)
        title_row.addStretch(1)
        column.addLayout(title_row)
        self.detail = QLabel(objectName="FixDetail", wordWrap=True)
        column.addWidget(self.detail)
        row.addLayout(column, 1)


class ReportsPage(QWidget):
    """Pick a week, preview its key numbers and top fixes, Print or Save PDF.

    ``ask_save_path(parent, suggested) -> path | None`` and ``ask_printer(parent) ->
    QPrinter | None`` are the file and print dialogs; tests hand in their own.

    Signals: none (it listens to ``controller.changed``).
    """

    def __init__(self, controller: Controller, parent: QWidget | None = None, *,
                 ask_save_path: SavePathAsker = ask_save_path,
                 ask_printer: Callable | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReportsPage")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.controller = controller
        self._ask_save_path = ask_save_path
        self._ask_printer = ask_printer
        self.week: Week = current_week(controller.ctx).shifted(-1)  # the last complete one
        self.summary: WeeklySummary | None = None
        self._stale = True
        self._build()
        self._connect()
        self.retranslate()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 12)
        outer.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.previous_button = QPushButton("◀", objectName="PreviousWeek")
        self.week_label = QLabel(objectName="WeekLabel")
        self.next_button = QPushButton("▶", objectName="NextWeek")
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(48)
        top.addWidget(self.previous_button)
        top.addWidget(self.week_label, 1)
        top.addWidget(self.next_button)
        self.this_week_button = QPushButton(objectName="ThisWeek")
        self.last_week_button = QPushButton(objectName="LastWeek")
        self.date_edit = QDateEdit(objectName="WeekPicker", calendarPopup=True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMinimumWidth(150)
        # The owner of a chain: every store side by side (ui.chain_view).
        self.chain_button = QPushButton(objectName="ChainToggle", checkable=True)
        for widget in (self.this_week_button, self.last_week_button, self.date_edit,
                       self.chain_button):
            top.addWidget(widget)
        outer.addLayout(top)
        # The middle scrolls if a long translation or a small screen needs it, so this page
        # never makes the main window taller than the screen.
        scroll = QScrollArea(objectName="ReportScroll", widgetResizable=True,
                             frameShape=QFrame.NoFrame)
        body = QWidget(objectName="ReportBody")
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.scroll = scroll
        from ui.chain_view import ChainView

        self.chain_view = ChainView(self.controller.ctx, self._by, say=self._say_chain)
        self.chain_view.setVisible(False)
        outer.addWidget(self.chain_view, 1)
        page = QVBoxLayout(body)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(10)
        cards = QHBoxLayout()
        cards.setSpacing(12)
        self.cards = {key: _Card(key) for key in ("incidents", "cost", "recovery",
                                                  "came_back")}
        for card in self.cards.values():
            cards.addWidget(card, 1)
        page.addLayout(cards)
        self.fixes_title = QLabel(objectName="SectionTitle")
        page.addWidget(self.fixes_title)
        self.fix_rows = [_FixRow() for _i in range(3)]
        for row in self.fix_rows:
            page.addWidget(row)
        self.empty_label = QLabel(objectName="EmptyWeek", alignment=Qt.AlignCenter)
        page.addWidget(self.empty_label)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.figure_titles = [QLabel(objectName="FigureTitle") for _i in range(3)]
        self.figure_labels = [QLabel(objectName="Figures", wordWrap=True) for _i in range(3)]
        self.figure_panels = []
        for column, (title, label) in enumerate(zip(self.figure_titles, self.figure_labels,
                                                    strict=True)):
            panel = QFrame(objectName="FigurePanel")
            inner = QVBoxLayout(panel)
            inner.setContentsMargins(14, 10, 14, 12)
            inner.addWidget(title)
            inner.addWidget(label)
            inner.addStretch(1)
            grid.addWidget(panel, 0, column)
            grid.setColumnStretch(column, 1)
            self.figure_panels.append(panel)
        page.addLayout(grid)
        from ui.report_counters import CounterPanel

        self.by_counter = CounterPanel()  # shown when the store has several terminals
        page.addWidget(self.by_counter)
        page.addStretch(1)
        bottom = QHBoxLayout()
        self.status = QLabel(objectName="Status", wordWrap=True)
        bottom.addWidget(self.status, 1)
        self.print_button = QPushButton(objectName="BigButton")
        self.save_button = QPushButton(objectName="Primary")
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)

    def _connect(self) -> None:
        self.previous_button.clicked.connect(lambda: self.show_week(self.week.shifted(-1)))
        self.next_button.clicked.connect(lambda: self.show_week(self.week.shifted(1)))
        self.this_week_button.clicked.connect(
            lambda: self.show_week(current_week(self.controller.ctx)))
        self.last_week_button.clicked.connect(
            lambda: self.show_week(current_week(self.controller.ctx).shifted(-1)))
        self.date_edit.dateChanged.connect(self._picked_date)
        self.print_button.clicked.connect(self.print_summary)
        self.save_button.clicked.connect(self.save_pdf)
        self.chain_button.toggled.connect(self._show_chain)
        self.controller.changed.connect(self._on_changed)
        self.controller.staff_changed.connect(self._on_staff_changed)

    # -- data ------------------------------------------------------------------------------
    def show_week(self, week: Week) -> None:
        """Show ``week`` (recomputed now when visible, else when next shown)."""
        self.week = week
        self._stale = True
        self.status.setText("")
        if self.isVisible():
            self.refresh()
            if self.chain_button.isChecked():
                self.chain_view.show_week(week)

    def _by(self) -> int | None:
        member = self.controller.current_staff
        return member.id if member else None

    def _on_staff_changed(self, _member) -> None:
        self.summary, self._stale = None, True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        from app.errors import NotAllowed
        from app.report_access import summary_for

        try:  # Reports, Save and Print: a manager or the owner (docs/roles.md)
            self.summary = summary_for(self.controller.ctx, self.week, self._by())
        except NotAllowed as refused:
            self._show_locked(str(refused))
            return
        self._set_open(True)
        self._stale = False
        # The calendar pop-up in the store's formats: its month names, Monday first.
        locale = QLocale(self.summary.locale)
        if self.date_edit.locale() != locale:
            self.date_edit.setLocale(locale)
        monday = self.week.monday()
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(monday.year, monday.month, monday.day))
        self.date_edit.blockSignals(False)
        self.next_button.setEnabled(self.week < current_week(self.controller.ctx))
        self._render()
        self._offer_chain()

    def _show_locked(self, why: str) -> None:
        """Someone who may not see the reports is signed in: no figures, no Save, no Print."""
        self.summary, self._stale = None, True
        self._set_open(False)
        self._offer_chain()
        self.week_label.setText(_("Reports"))
        self.empty_label.setText(why)
        self.empty_label.setVisible(True)

    def _set_open(self, is_open: bool) -> None:
        for widget in [*self.cards.values(), *self.fix_rows, *self.figure_panels,
                       self.fixes_title, self.print_button, self.save_button,
                       self.previous_button, self.next_button, self.this_week_button,
                       self.last_week_button, self.date_edit]:
            widget.setVisible(is_open)
        if not is_open:
            self.by_counter.setVisible(False)

    def _offer_chain(self) -> None:
        """"All stores" for the owner of a database that holds more than one store."""
        from app import roles
        from app.chain import has_chain

        offered = roles.may(self.controller.current_staff, roles.CHAIN) and \
            has_chain(self.controller.ctx)
        self.chain_button.setVisible(offered)
        if not offered and self.chain_button.isChecked():
            self.chain_button.setChecked(False)
        elif self.chain_button.isChecked():  # the store's own Print and Save stay hidden
            self.print_button.setVisible(False)
            self.save_button.setVisible(False)

    def _show_chain(self, on: bool) -> None:
        """The chain view in place of this store's figures (same week), or back."""
        self.scroll.setVisible(not on)
        for widget in (self.print_button, self.save_button):
            widget.setVisible(not on and self.summary is not None)
        self.chain_view.setVisible(on)
        self.chain_button.setText(_("This store") if on else _("All stores"))
        if on:
            self.chain_view.show_week(self.week)

    def _say_chain(self, text: str, error: bool) -> None:
        self._say(text, error)

    def locked(self) -> bool:
        return not self.save_button.isVisibleTo(self)

    def _picked_date(self, picked: QDate) -> None:
        week = Week.containing(date(picked.year(), picked.month(), picked.day()))
        if week != self.week:
            self.show_week(week)

    def _on_changed(self, changes: Changes) -> None:
        if changes.incidents or changes.followups or changes.vouchers or changes.settings \
                or changes.catalog or changes.staff:
            self._stale = True
            if self.isVisible():
                self.refresh()
                if self.chain_button.isChecked():
                    self.chain_view.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- words -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.this_week_button.setText(_("This week"))
        self.last_week_button.setText(_("Last week"))
        self.date_edit.setToolTip(_("Pick any day: its week is shown"))
        self.previous_button.setToolTip(_("Previous week"))
        self.next_button.setToolTip(_("Next week"))
        self.fixes_title.setText(_("What to fix first"))
        self.print_button.setText(_("Print…"))
        self.save_button.setText(_("Save PDF…"))
        self.chain_button.setText(_("This store") if self.chain_button.isChecked() else
                                  _("All stores"))
        self.chain_button.setToolTip(_("Every store of the chain side by side"))
        self.chain_view.retranslate()
        self.empty_label.setText(_("No incidents this week"))
        again = getattr(self, "_say_again", None)
        if self.status.text():
            self._say(again() if again else "", getattr(self, "_say_error", False), again)
        if self.summary is not None:
            self._render()
        elif self.isVisible():
            self.refresh()

    def _render(self) -> None:
        summary = self.summary
        fmt = Formats(summary)
        self.week_label.setText(_("{week} · {dates}").format(week=fmt.week_title(),
                                                              dates=fmt.week_range()))
        for item in headlines(summary):
            card = self.cards[item.key]
            card.label.setText(item.label)
            card.set_value(item.value)
            card.change.setText(item.change)
            card.change.setProperty("tone", item.tone)
            card.change.style().unpolish(card.change)
            card.change.style().polish(card.change)
        for index, row in enumerate(self.fix_rows):
            fix = summary.fixes[index] if index < len(summary.fixes) else None
            row.setVisible(fix is not None)
            if fix is None:
                continue
            row.rank.setText(str(fix.rank))
            row.title.setText(fix.label)
            row.trend.setText(trend_text(fix))
            row.trend.setProperty("tone", {"up": "bad", "new": "bad", "down": "good"}.get(
                fix.trend, "neutral"))
            row.trend.style().unpolish(row.trend)
            row.trend.style().polish(row.trend)
            row.detail.setText(fix_detail(summary, fix))
        self.fixes_title.setVisible(bool(summary.fixes))
        self.empty_label.setVisible(summary.empty)
        self._render_figures(summary)

    def _render_figures(self, summary: WeeklySummary) -> None:
        this, fmt = summary.this, Formats(summary)
        fu, o = this.followups, this.outcomes
        minutes = "–" if fu.median_minutes is None else fmt.number(fu.median_minutes)
        titles = (_("Follow-ups"), _("Outcomes"), _("Expect abuse: who to watch"))
        texts = (
            _("{on_time} on time, {late} late, {missed} missed.\nMedian {minutes} min to the "
              "check.").format(on_time=fu.on_time, late=fu.late, missed=fu.missed,
                               minutes=minutes),
            _("{delighted} delighted, {satisfied} satisfied,\n{unhappy} still unhappy, "
              "{left} left.").format(delighted=o.delighted, satisfied=o.satisfied,
                                     unhappy=o.unhappy, left=o.left),
            _("Guests to watch: {guests} · staff: {staff}\nRepeat guests: {repeat} · "
              "severe: {severe}").format(repeat=this.repeat_guests, severe=this.severe,
                                  guests=this.guests_to_watch, staff=this.staff_to_watch)
            + "\n" + approvals_line(summary),
        )
        for title, label, panel, heading, text in zip(
                self.figure_titles, self.figure_labels, self.figure_panels, titles, texts,
                strict=True):
            title.setText(heading)
            label.setText(text)
            panel.setVisible(not summary.empty)
        self.by_counter.show_summary(summary)

    # -- output ----------------------------------------------------------------------------
    def suggested_name(self) -> str:
        return str(Path.home() / f"summary-{self.week}.pdf")

    def save_pdf(self) -> None:
        """Ask where, then write the PDF of the shown week."""
        from app.errors import NotAllowed
        from app.report_access import save_pdf

        if self.summary is None or self._stale:
            self.refresh()
        if self.summary is None:
            return
        path = self._ask_save_path(self, self.suggested_name())
        if not path:
            return
        try:  # the PDF prints the audit log's verdict (app.report_access)
            save_pdf(self.controller.ctx, self.summary, path, self._by())
        except NotAllowed as refused:
            self._show_locked(str(refused))
            return
        except OSError as error:
            self._say(_("Could not save {path}: {reason}").format(
                path=path, reason=error.strerror or error), error=True)
            return
        self._say(_("Saved {path}").format(path=path),
                  again=lambda: _("Saved {path}").format(path=path))

    def print_summary(self) -> None:
        """QPrintDialog, then the summary printed as a laid-out document."""
        from app.errors import NotAllowed
        from app.report_access import may_print
        from ui import report_print

        if self.summary is None or self._stale:
            self.refresh()
        if self.summary is None:
            return
        try:
            may_print(self.controller.ctx, self._by())
        except NotAllowed as refused:
            self._show_locked(str(refused))
            return
        ask = self._ask_printer or report_print.ask_printer
        printer = ask(self)
        if printer is None:
            return
        report_print.print_summary(self.summary, printer)
        self._say(_("Sent to the printer."), again=lambda: _("Sent to the printer."))

    def _say(self, text: str, error: bool = False,
             again: Callable[[], str] | None = None) -> None:
        """The status line; ``again`` makes it anew after a language switch, which
        otherwise clears it."""
        self._say_again, self._say_error = (again if text else None), error
        self.status.setText(text)
        self.status.setProperty("kind", "error" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
