"""The manager's follow-up queue: every open follow-up with a live countdown, oldest first.

Overdue rows are highlighted, escalated ones marked for the owner. Below them, what was left
open at the last closing ("left open yesterday"); on top, the voucher redeem field. The
countdown ticks once a second only while the page is on screen; hidden, it costs nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import followups
from app.errors import ComebackError
from app.followup_items import (
    FollowUpItem,
    countdown,
    flags,
    given,
    items_for,
    open_items,
    place,
    what_happened,
)
from app.followup_taking import taken_by_text
from app.formatting import short_time, weekday_name
from app.i18n import _, ngettext
from ui.controller import Controller
from ui.scheduler import TimerFactory, qtimer_factory
from ui.voucher_redeem import VoucherRedeem

TICK_MS = 1000
COUNTDOWN_WIDTH = 200
STYLE = """
#QueueTitle { font-size: 20pt; font-weight: 700; }
#QueueEmpty { font-size: 15pt; color: #9AA8B5; padding: 18px 4px; }
#QueueSection { font-size: 15pt; font-weight: 700; color: #9AA8B5; padding-top: 10px; }
#QueueRow { background: #1E242B; border: 2px solid #323C47; border-radius: 12px; }
#QueueRow[state="overdue"] { background: #3A2A12; border-color: #F4B740; }
#QueueRow[state="escalated"] { background: #4A1C1A; border-color: #E05A4F; }
#QueueRow QLabel { background: transparent; }
#RowCountdown { font-size: 19pt; font-weight: 800; }
#QueueRow[state="overdue"] #RowCountdown { color: #F4B740; }
#QueueRow[state="escalated"] #RowCountdown { color: #FF8A80; }
#RowHeadline { font-size: 15pt; font-weight: 700; }
#RowDetail { font-size: 12pt; color: #9AA8B5; }
#RowTag { font-size: 11pt; font-weight: 800; color: #FF8A80; }
#RowButton { font-size: 13pt; font-weight: 700; min-height: 44px; padding: 2px 14px; }
#MissedRow { background: #191D22; border: 1px dashed #323C47; border-radius: 10px; }
#MissedRow QLabel { background: transparent; color: #9AA8B5; font-size: 12pt; }
"""


def _label(name: str, wrap: bool = False) -> QLabel:
    label = QLabel(objectName=name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.PlainText)
    return label


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class QueueRow(QFrame):
    """One open follow-up: countdown, where and what, what was given, and its buttons."""

    def __init__(self, item: FollowUpItem, queue: FollowUpQueue) -> None:
        super().__init__(objectName="QueueRow")
        self.item = item
        self.queue = queue
        self.state = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.setSpacing(12)
        self.countdown_label = _label("RowCountdown", wrap=True)
        self.countdown_label.setFixedWidth(COUNTDOWN_WIDTH)
        layout.addWidget(self.countdown_label)
        middle = QVBoxLayout()
        middle.setSpacing(2)
        self.tag_label = _label("RowTag")
        middle.addWidget(self.tag_label)
        self.headline_label = _label("RowHeadline", wrap=True)
        middle.addWidget(self.headline_label)
        self.detail_label = _label("RowDetail", wrap=True)
        middle.addWidget(self.detail_label)
        layout.addLayout(middle, 1)
        from ui.slip_actions import ReprintButton

        self.reprint_button = ReprintButton(queue.controller, item.incident.id,
                                            item.voucher_codes, bar_host=queue,
                                            printer_set=bool(item.settings.printer))
        layout.addWidget(self.reprint_button)
        self.outcome_button = QPushButton(objectName="RowButton")
        self.outcome_button.clicked.connect(lambda: queue.outcome_requested.emit(item.id))
        layout.addWidget(self.outcome_button)
        self.snooze_button = QPushButton(objectName="RowButton")
        self.snooze_button.clicked.connect(lambda: queue.snooze(item.id, 5))
        layout.addWidget(self.snooze_button)
        self.retranslate()

    def tick(self, now: datetime) -> None:
        seconds = self.item.seconds_to_due(now)
        self.countdown_label.setText(countdown(seconds))
        state = "escalated" if self.item.escalated else "overdue" if seconds <= 0 else "waiting"
        if state != self.state:
            self.state = state
            self.setProperty("state", state)
            _repolish(self)
            _repolish(self.countdown_label)
            self.snooze_button.setVisible(seconds <= 0)

    def retranslate(self) -> None:
        item = self.item
        tags = ([_("Escalated · for the owner")] if item.escalated else []) + flags(item)
        if item.taken(self.queue.ctx.clock.now()):  # on this or another terminal
            tags.insert(0, taken_by_text(item.taker))
        self.tag_label.setText(" · ".join(tags))
        self.tag_label.setVisible(bool(tags))
        self.headline_label.setText(_("{place} — {what}").format(place=place(item),
                                                                 what=what_happened(item)))
        settings = item.settings
        self.detail_label.setText(_("{time} · {given}").format(
            time=short_time(item.incident.occurred_at, settings.timezone, settings.locale),
            given=given(item)))
        self.outcome_button.setText(_("How did it go?"))
        self.snooze_button.setText(_("{n} min").format(n=5))
        self.snooze_button.setToolTip(_("Snooze 5 minutes"))


class FollowUpQueue(QWidget):
    """The follow-up page.

    Signals:
        outcome_requested(int): open the outcome step for this follow-up id.
    """

    outcome_requested = Signal(int)

    def __init__(self, controller: Controller, *, timer_factory: TimerFactory | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FollowUpQueue")
        self.setStyleSheet(STYLE)
        self.controller = controller
        self.ctx = controller.ctx
        self.rows: list[QueueRow] = []
        self._dirty = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 14, 20, 10)
        outer.setSpacing(10)
        header = QHBoxLayout()
        self.title_label = _label("QueueTitle")
        header.addWidget(self.title_label, 1)
        outer.addLayout(header)
        self.voucher = VoucherRedeem(controller)
        outer.addWidget(self.voucher)
        from ui.offline_refusals import OfflineRefusals  # redeemed offline, not applied

        self.refusals = OfflineRefusals(controller)
        outer.addWidget(self.refusals)
        self.status_label = _label("RowDetail", wrap=True)
        self.status_label.hide()
        outer.addWidget(self.status_label)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 6, 0)
        self.body_layout.setSpacing(8)
        self.empty_label = _label("QueueEmpty", wrap=True)
        self.body_layout.addWidget(self.empty_label)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(8)
        self.body_layout.addLayout(self.rows_layout)
        self.missed_title = _label("QueueSection")
        self.body_layout.addWidget(self.missed_title)
        self.missed_layout = QVBoxLayout()
        self.missed_layout.setSpacing(6)
        self.body_layout.addLayout(self.missed_layout)
        self.body_layout.addStretch(1)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)
        self.tick_timer = (timer_factory or qtimer_factory)(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)
        self._left_open = followups.LeftOpen(None, ())
        self._missed_items: list[FollowUpItem] = []
        self.missed_rows: list[QLabel] = []
        controller.changed.connect(self._on_changed)

    # -- data -------------------------------------------------------------------------------
    def _on_changed(self, _changes: object) -> None:
        self.mark_dirty()

    def mark_dirty(self) -> None:
        """Something changed: redraw now if on screen, else when next shown."""
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = [QueueRow(item, self) for item in open_items(self.ctx)]
        for row in self.rows:
            self.rows_layout.addWidget(row)
        self._left_open = followups.left_open(self.ctx)
        self._missed_items = items_for(self.ctx, self._left_open.followups)
        self._fill_missed()
        self.refusals.refresh()
        self.tick()

    def _fill_missed(self) -> None:
        while self.missed_layout.count():
            widget = self.missed_layout.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.missed_rows = []
        for _item in self._missed_items:
            frame = QFrame(objectName="MissedRow")
            layout = QHBoxLayout(frame)
            layout.setContentsMargins(12, 6, 12, 6)
            label = _label("RowDetail", wrap=True)
            layout.addWidget(label)
            self.missed_rows.append(label)
            self.missed_layout.addWidget(frame)
        self._word_missed()

    def _word_missed(self) -> None:
        for label, item in zip(self.missed_rows, self._missed_items, strict=True):
            settings = item.settings
            label.setText(_("{time} · {place} — {what} · {given}").format(
                time=short_time(item.incident.occurred_at, settings.timezone, settings.locale),
                place=place(item), what=what_happened(item), given=given(item)))
        day = self._left_open.day
        count = len(self._missed_items)
        self.missed_title.setVisible(count > 0)
        if day is None or not count:
            return
        settings = self.ctx.settings()
        today = followups.service_hours(self.ctx).local_date(self.ctx.clock.now())
        if day == today:
            title = ngettext("Left open at closing today: {n}, counted as missed",
                             "Left open at closing today: {n}, counted as missed", count)
        elif day == today - timedelta(days=1):
            title = ngettext("Left open yesterday: {n}, counted as missed",
                             "Left open yesterday: {n}, counted as missed", count)
        else:
            title = ngettext("Left open on {day}: {n}, counted as missed",
                             "Left open on {day}: {n}, counted as missed", count)
        self.missed_title.setText(title.format(
            n=count, day=weekday_name(day, settings.locale, "wide")))

    def tick(self) -> None:
        """Once a second while shown: countdowns, highlights and the header count."""
        now = self.ctx.clock.now()
        for row in self.rows:
            row.tick(now)
        self.retranslate_header()

    def row_ids(self) -> list[int]:
        return [row.item.id for row in self.rows]

    def snooze(self, followup_id: int, minutes: int) -> None:
        from app.pending import short_wait

        member = self.controller.current_staff
        try:
            with short_wait(self.ctx):  # locked or full: says so at once, nothing written
                changes = followups.snooze(self.ctx, followup_id, minutes,
                                           member.id if member else None)
        except ComebackError as error:
            self.status_label.setText(str(error))
            self.status_label.show()
            return
        self.status_label.hide()
        self.controller.announce(changes)

    # -- words ------------------------------------------------------------------------------
    def retranslate_header(self) -> None:
        count = len(self.rows)
        overdue = sum(1 for r in self.rows if r.item.seconds_to_due(self.ctx.clock.now()) <= 0)
        self.title_label.setText(ngettext(
            "Follow-ups: {n} open, {overdue} due now", "Follow-ups: {n} open, {overdue} due now",
            count).format(n=count, overdue=overdue))
        self.empty_label.setText(_("Nothing to follow up right now. New ones appear here "
                                   "as soon as an incident is logged."))
        self.empty_label.setVisible(count == 0)

    def retranslate(self) -> None:
        self.retranslate_header()
        for row in self.rows:
            row.retranslate()
        self._word_missed()
        self.voucher.retranslate()
        self.refusals.retranslate()
        self.tick()

    # -- only tick while on screen ----------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._dirty:
            self.refresh()
        else:
            self.tick()
        self.tick_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        self.tick_timer.stop()
