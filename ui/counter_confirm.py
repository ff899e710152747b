"""The confirmation bar: what was just logged, with Undo while the undo window lasts.

A flagged incident (repeat guest or severe) turns the bar red with "Call the manager now"
and the reason. The countdown ticks once a second, and only while the bar is shown; when
the window has passed the bar hides itself and the incident is final.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.clock import Clock
from app.i18n import _, ngettext
from app.models import Logged, Severity
from app.settings import StoreSettings
from ui import icons
from ui.counter_tiles import repolish
from ui.wrapped_label import WrappedLabel

TICK_MS = 1000
TimerFactory = Callable[[QObject], QTimer]


def flag_text(repeat: bool, severity: Severity, days: int) -> str:
    """Why an incident goes straight to the manager, or "" when it does not."""
    severe = severity is Severity.HIGH
    if repeat and severe:
        return _("Call the manager now — severe, and a repeat guest")
    if repeat:
        return ngettext("Call the manager now — repeat guest (a failure within {n} day)",
                        "Call the manager now — repeat guest (a failure within {n} days)",
                        days).format(n=days)
    if severe:
        return _("Call the manager now — severe failure")
    return ""


def when_text(at: datetime, now: datetime, settings: StoreSettings) -> str:
    """A moment as the cashier says it: "10:00", "tomorrow at 10:00" or a short date."""
    from app.formatting import local_time, short_datetime, short_time

    day = local_time(at, settings.timezone).date()
    today = local_time(now, settings.timezone).date()
    time = short_time(at, settings.timezone, settings.locale)
    if day == today:
        return time
    if day == today + timedelta(days=1):
        return _("tomorrow at {time}").format(time=time)
    return short_datetime(at, settings.timezone, settings.locale)


def reminder_line(plan, flagged: bool, now: datetime, settings: StoreSettings) -> str:
    """The bar's second line with ``{total}`` and ``{name}`` left to fill: what will happen
    to the follow-up under the store's hours (app.followups.reminder_plan)."""
    if plan.kind == "at_opening":
        return _("Total {total} · store closed: the manager is reminded when it opens, "
                 "{when} · by {name}").replace("{when}", when_text(plan.at, now, settings))
    if plan.kind == "none":
        return _("Total {total} · store closed: no reminder — it is listed as left open in "
                 "Follow-ups · by {name}")
    if flagged:
        return _("Total {total} · the manager's check is due now · by {name}")
    return _("Total {total} · manager checks back at {time} · by {name}").replace(
        "{time}", short_time_of(plan.at, settings))


def short_time_of(at: datetime, settings: StoreSettings) -> str:
    from app.formatting import short_time

    return short_time(at, settings.timezone, settings.locale)


class ConfirmationBar(QFrame):
    """Shown after every save.

    Signals:
        undo_clicked(int): the incident id whose Undo was tapped.
        details_clicked(): "Add details" was tapped.
        table_clicked(): "Table" was tapped (the optional third tap: the table pad).
        expired(int): the undo window of this incident id passed; it is final now.
    """

    undo_clicked = Signal(int)
    details_clicked = Signal()
    table_clicked = Signal()
    expired = Signal(int)

    def __init__(self, clock: Clock, timer_factory: TimerFactory = QTimer,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConfirmBar")
        self._clock = clock
        self._logged: Logged | None = None
        self._texts: Callable[[], tuple[str, str, str, str]] = lambda: ("", "", "", "")
        self._deadline: datetime | None = None
        self.timer = timer_factory(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 4, 16, 4)
        row.setSpacing(16)
        self.icon_label = QLabel()
        row.addWidget(self.icon_label, 0, Qt.AlignVCenter)
        column = QVBoxLayout()
        column.setSpacing(1)
        self.flag_label = WrappedLabel(objectName="FlagLine", wordWrap=True)
        column.addWidget(self.flag_label)
        self.title_label = WrappedLabel(objectName="ConfirmTitle", wordWrap=True)
        column.addWidget(self.title_label)
        self.line_label = WrappedLabel(objectName="ConfirmLine", wordWrap=True)
        column.addWidget(self.line_label)
        row.addLayout(column, 1)
        self.details_button = QPushButton(objectName="BigButton")
        self.details_button.setFocusPolicy(Qt.NoFocus)
        self.details_button.clicked.connect(self.details_clicked)
        self.table_button = QPushButton(objectName="BigButton")
        self.table_button.setFocusPolicy(Qt.NoFocus)
        self.table_button.clicked.connect(self.table_clicked)
        extras = QVBoxLayout()  # the optional taps, one above the other: the text keeps room
        extras.setSpacing(6)
        extras.addWidget(self.table_button)
        extras.addWidget(self.details_button)
        row.addLayout(extras)
        self.undo_button = QPushButton(objectName="UndoButton")
        self.undo_button.setFocusPolicy(Qt.NoFocus)
        self.undo_button.setIcon(icons.icon("undo", 26))
        self.undo_button.setIconSize(QSize(26, 26))
        self.undo_button.clicked.connect(self._undo)
        row.addWidget(self.undo_button, 0, Qt.AlignVCenter)
        self.hide()

    # -- showing ----------------------------------------------------------------------------
    def show_logged(self, logged: Logged, settings: StoreSettings, staff_name: str | None) -> None:
        """Show ``logged`` and start the undo countdown from its logging time."""
        from app.followups import reminder_plan  # only once something is logged
        from app.formatting import money

        incident = logged.incident
        self._logged = logged
        self._deadline = incident.occurred_at + timedelta(seconds=settings.undo_window_seconds)
        total = money(incident.total_minor, settings.currency, settings.locale)
        plan = reminder_plan(settings, logged.followup.due_at)
        days, codes = settings.repeat_guest_days, ", ".join(logged.voucher_codes)
        flagged = incident.flagged
        state = "flagged" if flagged else "ok"
        if self.property("state") != state:  # re-polished only when the look changes
            self.setProperty("state", state)
            repolish(self)
        self.icon_label.setPixmap(icons.pixmap("warning" if flagged else "check", 44))
        now = self._clock.now()

        def texts() -> tuple[str, str, str, str]:
            title = _("Logged: {category} — {remedies}").format(
                category=_(incident.category_label),
                remedies=", ".join(_(r.label) for r in incident.remedies))
            line = reminder_line(plan, flagged, now, settings).format(
                total=total, name=staff_name or _("nobody"))
            if codes:
                line = _("{line} · voucher code {codes}").format(line=line, codes=codes)
            return title, line, flag_text(incident.repeat_guest, incident.severity,
                                                days), _("Add details")

        self._texts = texts
        self.retranslate()
        self.undo_button.setEnabled(True)
        self.show()
        self.timer.start()
        self.tick()

    def remaining_seconds(self) -> int:
        if self._deadline is None:
            return 0
        return max(0, math.ceil((self._deadline - self._clock.now()).total_seconds()))

    def incident_id(self) -> int | None:
        return self._logged.incident.id if self._logged else None

    def is_flagged(self) -> bool:
        return self.property("state") == "flagged"

    def tick(self) -> None:
        """Once a second while shown: count down; at zero the incident is final."""
        if self._logged is None:
            self.timer.stop()
            return
        left = self.remaining_seconds()
        if left <= 0:
            self.finish()
            return
        self.undo_button.setText(_("Undo ({n} s)").format(n=left))

    def finish(self) -> None:
        """The undo window is over (or the incident was undone): hide, stop ticking."""
        self.timer.stop()
        logged, self._logged = self._logged, None
        self.hide()
        if logged is not None:
            self.expired.emit(logged.incident.id)

    def clear(self) -> None:
        """Hide without announcing expiry (after an undo)."""
        self.timer.stop()
        self._logged = None
        self.hide()

    def set_table(self, ref: str | None, retail: bool = False) -> None:
        """The table (or order) of the incident shown, as the table button reads it."""
        self._table, self._retail = ref, retail
        self._retranslate_table()

    def _retranslate_table(self) -> None:
        ref, retail = getattr(self, "_table", None), getattr(self, "_retail", False)
        if ref:
            text = (_("Order {ref}") if retail else _("Table {ref}")).format(ref=ref)
        else:
            text = _("Order…") if retail else _("Table…")
        self.table_button.setText(text)

    def _undo(self) -> None:
        if self._logged is not None:
            self.undo_clicked.emit(self._logged.incident.id)

    def retranslate(self) -> None:
        title, line, flag, details = self._texts()
        self.title_label.setText(title)
        self.line_label.setText(line)
        self.flag_label.setText(flag)
        self.flag_label.setVisible(bool(flag))
        self.details_button.setText(details)
        self.undo_button.setToolTip(_("Undo: the incident is taken out of every figure"))
        self._retranslate_table()
        if self._logged is not None:
            self.tick()

