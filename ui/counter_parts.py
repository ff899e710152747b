"""The counter's widgets: header, status line, the step stack, details panel, undo bar.

:class:`CounterParts` lays them out; what they do is in :class:`ui.counter.CounterPage`.
The parts a first paint does not show (the remedy step, PIN pad, staff list, details panel
and confirmation bar) are built on first use, with their modules, to keep start-up lean;
the page wires each one as it is built (:meth:`CounterParts._wire_part`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import Category, Logged, RemedyRequest, Staff
from ui import icons, qt_values, theme
from ui.controller import Controller
from ui.counter_tiles import repolish
from ui.staff_switch import StaffButton
from ui.tile_grid import TileGrid

if TYPE_CHECKING:
    from ui.counter_confirm import ConfirmationBar, TimerFactory
    from ui.counter_remedies import RemedyStep
    from ui.details_panel import DetailsPanel
    from ui.pinpad import PinPad
    from ui.staff_switch import StaffSwitch
    from ui.table_pad import TablePad

CATEGORIES, REMEDIES, PIN, STAFF = "categories", "remedies", "pin", "staff"
HEADER_H = 64
#: The room kept at the bottom for the status line and the undo bar (a flagged bar with
#: a voucher code fits).
BOTTOM_H = 110


class _CurrentPageStack(QStackedWidget):
    """Asks only for the room the page on show needs (hidden pages do not make the window
    taller: the PIN pad is tall, the failure tiles can shrink)."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()



class _FixedHeightBar(QWidget):
    """A row of fixed height: its height never depends on its width, whatever wraps in it.
    (Else every layout pass asks the wrapped heading's height at several widths, to clamp
    it to the fixed height in the end: text laid out for nothing at every tap.)"""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return False


class FittedHeading(QLabel):
    """The step's heading in the fixed-height header: word-wrapped, and set a little smaller
    when a long heading (Dutch, Czech, a narrow header beside the details panel) would
    otherwise need more lines than the header has room for."""

    SMALLEST_PT = 12

    def __init__(self) -> None:
        super().__init__(objectName="Heading", wordWrap=True)
        self._pt = theme.HEADING_PT

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect()
        if room.width() <= 0 or room.height() <= 0:
            return
        font = QFont(self.font())
        # Wrapped, the lines' width and height do not depend on the alignment (asking for
        # it would build the Qt namespace before the first paint: ui.qt_values).
        flags = qt_values.TEXT_WORD_WRAP
        size = theme.HEADING_PT
        while size > self.SMALLEST_PT:
            font.setPointSize(size)
            needed = QFontMetrics(font).boundingRect(QRect(0, 0, room.width(), 10_000),
                                                     flags, self.text())
            if needed.height() <= room.height() and needed.width() <= room.width():
                break
            size -= 1
        if size != self._pt:
            self._pt = size
            self.setStyleSheet("" if size == theme.HEADING_PT else f"font-size: {size}pt;")


class CounterParts(QWidget):
    """The widgets of the counter page, laid out for a touch screen (no signals of its own)."""

    def __init__(self, controller: Controller, timer_factory: TimerFactory = QTimer,
                 parent: QWidget | None = None) -> None:
        """``timer_factory(parent)`` makes the undo countdown's timer (tests pass a fake)."""
        super().__init__(parent)
        self.setObjectName("CounterPage")
        qt_values.set_focus_policy(self, qt_values.STRONG_FOCUS)
        self.controller = controller
        self.ctx = controller.ctx
        self.step = CATEGORIES
        self.last_logged: Logged | None = None
        self._categories: list[Category] = []
        self._approving: list[RemedyRequest] | None = None
        self._switching_to: Staff | None = None
        self._needed = None  # the ApprovalRequired being answered (role, not_by)
        self._undoing: int | None = None  # incident whose undo waits for a manager's PIN
        self._timer_factory = timer_factory
        self._remedy_step: RemedyStep | None = None
        self._pinpad: PinPad | None = None
        self._staff_switch: StaffSwitch | None = None
        self._details: DetailsPanel | None = None
        self._confirm_bar: ConfirmationBar | None = None
        self._table_pad: TablePad | None = None
        self._build()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self._outer = outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self._body = body = QHBoxLayout()
        body.setSpacing(0)
        outer.addLayout(body, 1)
        main = QVBoxLayout()
        main.setContentsMargins(20, 14, 20, 16)
        main.setSpacing(10)
        body.addLayout(main, 1)
        # A header of fixed height: the tiles below keep their size from step to step
        # (no re-layout of every tile on each tap).
        header_bar = _FixedHeightBar()
        header_bar.setFixedHeight(HEADER_H)
        header = QHBoxLayout(header_bar)
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(12)
        self.back_button = QPushButton(objectName="BackButton")
        qt_values.set_focus_policy(self.back_button, qt_values.NO_FOCUS)
        self.back_button.setIcon(icons.icon("back", 24))
        self.back_button.setIconSize(QSize(24, 24))
        self.back_button.hide()
        header.addWidget(self.back_button)
        self.heading = FittedHeading()
        header.addWidget(self.heading, 1)
        self.staff_button = StaffButton()
        header.addWidget(self.staff_button)
        self.details_toggle = QPushButton(objectName="DetailsToggle", checkable=True)
        qt_values.set_focus_policy(self.details_toggle, qt_values.NO_FOCUS)
        header.addWidget(self.details_toggle)
        main.addWidget(header_bar)
        self.stack = _CurrentPageStack()
        self.category_grid = TileGrid()
        self.empty_label = QLabel(objectName="Heading", wordWrap=True)
        qt_values.set_alignment(self.empty_label, qt_values.ALIGN_CENTER)
        categories_page = QWidget()
        categories_layout = QVBoxLayout(categories_page)
        categories_layout.setContentsMargins(0, 0, 0, 0)
        categories_layout.addWidget(self.empty_label)
        categories_layout.addWidget(self.category_grid, 1)
        self._pages: dict[str, QWidget] = {CATEGORIES: categories_page}
        self.stack.addWidget(categories_page)
        main.addWidget(self.stack, 1)
        # What appears after a tap (the status line, the undo bar) sits in a strip of its own
        # at the bottom whose room is kept even when empty: the tiles never move under the
        # cashier's thumb (issue 16.2).
        self.bottom_strip = QWidget(objectName="BottomStrip")
        self.bottom_strip.setMinimumHeight(BOTTOM_H)
        self._bottom = QVBoxLayout(self.bottom_strip)
        self._bottom.setContentsMargins(0, 0, 0, 0)
        self._bottom.setSpacing(0)
        self.status_label = QLabel(objectName="Status", wordWrap=True)
        self.status_label.setContentsMargins(20, 6, 20, 6)
        self.status_label.hide()
        self._bottom.addWidget(self.status_label)
        self._bottom.addStretch(1)
        outer.addWidget(self.bottom_strip)

    # -- parts built on first use -----------------------------------------------------------
    @property
    def remedy_step(self) -> RemedyStep:
        if self._remedy_step is None:
            from ui.counter_remedies import RemedyStep

            self._remedy_step = RemedyStep()
            self._add_page(REMEDIES, self._remedy_step)
            self._wire_part(self._remedy_step)
        return self._remedy_step

    @property
    def pinpad(self) -> PinPad:
        if self._pinpad is None:
            from ui.pinpad import PinPad

            self._pinpad = PinPad()
            self._add_page(PIN, self._pinpad)
            self._wire_part(self._pinpad)
        return self._pinpad

    @property
    def staff_switch(self) -> StaffSwitch:
        if self._staff_switch is None:
            from ui.staff_switch import StaffSwitch

            self._staff_switch = StaffSwitch()
            self._add_page(STAFF, self._staff_switch)
            self._wire_part(self._staff_switch)
        return self._staff_switch

    @property
    def details(self) -> DetailsPanel:
        if self._details is None:
            from ui.details_panel import DetailsPanel

            self._details = panel = DetailsPanel()
            panel.hide()
            self._body.addWidget(panel)
            self._wire_part(panel)
        return self._details

    @property
    def confirm_bar(self) -> ConfirmationBar:
        if self._confirm_bar is None:
            from ui.counter_confirm import ConfirmationBar

            self._confirm_bar = ConfirmationBar(self.ctx.clock, self._timer_factory)
            self._bottom.insertWidget(1, self._confirm_bar)
            self._wire_part(self._confirm_bar)
        return self._confirm_bar

    @property
    def table_pad(self) -> TablePad:
        if self._table_pad is None:
            from ui.table_pad import TablePad

            self._table_pad = TablePad(self)  # floats over the page, above the bottom strip
            self._wire_part(self._table_pad)
        return self._table_pad

    def _add_page(self, step: str, widget: QWidget) -> None:
        self._pages[step] = widget
        self.stack.addWidget(widget)

    def _wire_part(self, part: QWidget) -> None:
        """Connect a part just built (the page's behaviour lives in the subclass)."""

    # -- status line ------------------------------------------------------------------------
    def set_status(self, text: str, kind: str = "info",
                   again: Callable[[], str] | None = None) -> None:
        """The status line; ``again`` makes the text anew after a language switch (without
        it, a switch clears the line: no message stays in the old language)."""
        self._status_again = again if text else None
        self._status_kind = kind
        self.status_label.setText(text)
        if self.status_label.property("kind") != kind:  # a new look: the sheet again
            self.status_label.setProperty("kind", kind)
            repolish(self.status_label)
        self.status_label.setVisible(bool(text))

    def status(self) -> str:
        return self.status_label.text()

    def _retranslate_status(self) -> None:
        again = getattr(self, "_status_again", None)
        self.set_status(again() if again else "", getattr(self, "_status_kind", "info"), again)
