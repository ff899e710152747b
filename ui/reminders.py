"""The follow-up banner on top of every page, and the wiring of the whole reminder feature.

The banner cannot be missed: a strong colour across the window, large text saying what
happened, where the guest sits, what they were given, how long ago, and the line to open
with; one tap to record the outcome, or snooze 2 / 5 / 10 minutes. An escalated follow-up
turns it red and names the owner. With several due, the most urgent is shown and the rest
are one tap away in the follow-up queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import followups, staff
from app.errors import ComebackError
from app.followup_items import FollowUpItem, ago, due_items, flags, given, opening_line, place
from app.followup_items import what_happened as what
from app.followup_taking import taken_by_text
from app.i18n import _, ngettext
from app.models import Role
from ui.alerts import Alerter
from ui.controller import Controller
from ui.followup_queue import FollowUpQueue
from ui.main_window import MainWindow
from ui.outcome import open_outcome
from ui.scheduler import ReminderScheduler, TimerFactory, qtimer_factory
from ui.wrapped_label import WrappedLabel

#: "How long ago" moves in minutes: a 30 s refresh while the banner is shown is plenty.
AGO_REFRESH_MS = 30_000

_BASE = """
#ReminderBanner {{ background: {bg}; border-bottom: 5px solid {edge}; }}
#ReminderBanner QLabel {{ color: {fg}; background: transparent; }}
#BannerTag {{ font-size: 13pt; font-weight: 800; }}
#BannerHeadline {{ font-size: 22pt; font-weight: 800; }}
#BannerAgo {{ font-size: 16pt; font-weight: 700; }}
#BannerGiven {{ font-size: 14pt; }}
#BannerSay {{ font-size: 17pt; font-style: italic; background: {say}; border-radius: 8px;
    padding: 3px 12px; }}
#BannerOutcome {{ font-size: 16pt; font-weight: 800; color: {btn_fg}; background: {btn_bg};
    border: none; border-radius: 12px; min-height: 48px; padding: 2px 26px; }}
#BannerSnooze, #BannerMore {{ font-size: 14pt; font-weight: 700; color: {fg};
    background: {say}; border: 2px solid {fg}; border-radius: 12px; min-height: 44px;
    padding: 2px 14px; }}
#BannerMore {{ background: transparent; border-style: dashed; }}
#BannerSnoozeLabel {{ font-size: 13pt; font-weight: 700; }}
"""
NORMAL = _BASE.format(bg="#F4B740", edge="#A86F12", fg="#17130B", say="rgba(255,255,255,90)",
                      btn_fg="#FFFFFF", btn_bg="#17130B")
ESCALATED = _BASE.format(bg="#C9302C", edge="#6E1512", fg="#FFFFFF", say="rgba(0,0,0,60)",
                         btn_fg="#C9302C", btn_bg="#FFFFFF")
#: Someone is on it (on this or another terminal): calm, nothing to ring for.
TAKEN = _BASE.format(bg="#4F6D85", edge="#2C4152", fg="#FFFFFF", say="rgba(0,0,0,50)",
                     btn_fg="#FFFFFF", btn_bg="#2C4152")


def _label(name: str, wrap: bool = False) -> QLabel:
    label = WrappedLabel(objectName=name)  # asked its height at each step of the counter
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.PlainText)
    return label


class ReminderBanner(QFrame):
    """The banner for the most urgent due follow-up (hidden when nothing is due).

    Signals:
        outcome_requested(int): "Record how it went" for this follow-up id.
        queue_requested(): "N more waiting": open the follow-up queue.
    """

    outcome_requested = Signal(int)
    queue_requested = Signal()
    #: Posted to itself (queued): a change read from the database later in the same turn of
    #: the event loop, before anything is painted, not inside the tap that made it.
    _refresh_soon = Signal()

    def __init__(self, controller: Controller, *, timer_factory: TimerFactory | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.ctx = controller.ctx
        self.setObjectName("ReminderBanner")
        self.items: list[FollowUpItem] = []
        self._level = ""
        self._compact = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 8, 20, 10)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self.tag_label = _label("BannerTag", wrap=True)
        top.addWidget(self.tag_label, 1)
        self.ago_label = _label("BannerAgo")
        top.addWidget(self.ago_label, 0, Qt.AlignRight | Qt.AlignTop)
        outer.addLayout(top)
        self.headline_label = _label("BannerHeadline", wrap=True)
        outer.addWidget(self.headline_label)
        self.given_label = _label("BannerGiven", wrap=True)
        outer.addWidget(self.given_label)
        self.say_label = _label("BannerSay", wrap=True)
        outer.addWidget(self.say_label)
        actions = QHBoxLayout()
        actions.setSpacing(10)
        self.outcome_button = QPushButton(objectName="BannerOutcome")
        self.outcome_button.clicked.connect(self._outcome)
        actions.addWidget(self.outcome_button)
        actions.addSpacing(12)
        self.snooze_label = _label("BannerSnoozeLabel")
        actions.addWidget(self.snooze_label)
        self.snooze_buttons: dict[int, QPushButton] = {}
        for minutes in followups.SNOOZE_MINUTES:
            button = QPushButton(objectName="BannerSnooze")
            button.clicked.connect(lambda _checked=False, m=minutes: self.snooze(m))
            self.snooze_buttons[minutes] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.more_button = QPushButton(objectName="BannerMore")
        self.more_button.clicked.connect(self.queue_requested.emit)
        actions.addWidget(self.more_button)
        outer.addLayout(actions)
        self.message_label = _label("BannerTag", wrap=True)
        self.message_label.hide()
        outer.addWidget(self.message_label)
        self.ago_timer = (timer_factory or qtimer_factory)(self)
        self.ago_timer.setInterval(AGO_REFRESH_MS)
        self.ago_timer.timeout.connect(self._show_current)
        self._refresh_queued = False
        self._owner_names: str | None = None
        self._refresh_soon.connect(self._refresh_if_queued, Qt.QueuedConnection)
        # Bound methods, not lambdas: Qt drops them when this widget is destroyed.
        controller.changed.connect(self._on_changed)
        controller.language_changed.connect(self._on_language)
        self._set_level("normal")
        self.retranslate()
        self.hide()

    def _on_changed(self, changes: object) -> None:
        """A change while a cashier is in the middle of logging (the banner small: the tap
        that saves is one): what is due is read once the tap's turn is over, not inside it.
        A queued call runs before the (low-priority) repaint, so the first frame after the
        tap shows it; several changes in one turn, and the scheduler's look after them,
        read it once. Otherwise (an outcome, a snooze, another terminal) at once."""
        if getattr(changes, "staff", True):
            self._owner_names = None
        if not self._compact:
            self.refresh()
        elif not self._refresh_queued:
            self._refresh_queued = True
            self._refresh_soon.emit()

    def _refresh_if_queued(self) -> None:
        if self._refresh_queued:
            self.refresh()

    def _on_language(self, _code: str) -> None:
        self.retranslate()

    # -- state ------------------------------------------------------------------------------
    def current(self) -> FollowUpItem | None:
        return self.items[0] if self.items else None

    def refresh(self) -> None:
        """Read what is due now from the database and show the most urgent."""
        self._refresh_queued = False
        self.items = due_items(self.ctx)
        self.message_label.hide()
        self._show_current()

    def set_compact(self, on: bool) -> None:
        """While a cashier is in the middle of logging (remedy tiles, PIN pad) the banner
        keeps to what happened and "Record how it went": on a short screen the remedy tiles
        need the room. The rest comes back with the failure tiles."""
        if on != self._compact:
            self._compact = on
            self._show_current()

    def is_compact(self) -> bool:
        return self._compact

    def _set_level(self, level: str) -> None:
        if level != self._level:
            self._level = level
            self.setStyleSheet({"escalated": ESCALATED, "taken": TAKEN}.get(level, NORMAL))
            self.setProperty("level", level)

    def _owners(self) -> str:
        """The owners' names, read once until the staff changes (not at every redraw)."""
        if self._owner_names is None:
            self._owner_names = ", ".join(m.name for m in staff.list_staff(self.ctx)
                                          if m.role is Role.OWNER)
        return self._owner_names

    def _show_current(self) -> None:
        item = self.current()
        if item is None:
            self.ago_timer.stop()
            self.hide()
            return
        now = self.ctx.clock.now()
        taken = item.taken(now)
        self._set_level("taken" if taken else "escalated" if item.escalated else "normal")
        if taken:
            tag = taken_by_text(item.taker)  # "Marco is on it"
        elif item.escalated:
            owners = self._owners()
            tag = (_("Escalated · for the owner ({names}): nobody has checked on this guest yet")
                   .format(names=owners) if owners else
                   _("Escalated · for the owner: nobody has checked on this guest yet"))
        else:
            tag = _("Time to check on the guest")
        extra = flags(item)
        if extra:
            tag = _("{tag} · {flags}").format(tag=tag, flags=" · ".join(extra))
        self.tag_label.setText(tag)
        self.ago_label.setText(ago(item.seconds_since_incident(now)))
        self.headline_label.setText(_("{place} — {what}").format(place=place(item),
                                                                 what=what(item)))
        self.given_label.setText(_("Given: {given}").format(given=given(item)))
        self.say_label.setText(_("Say: “{line}”").format(line=opening_line(item)))
        full, more = not self._compact, len(self.items) - 1
        shown = {part: full for part in (self.tag_label, self.ago_label, self.given_label,
                                         self.say_label)}
        # Someone is on it (app.followup_taking): nothing to snooze here.
        shown.update({part: full and not taken
                      for part in (self.snooze_label, *self.snooze_buttons.values())})
        shown[self.more_button] = more > 0
        if self.isVisible() and any(part.isHidden() == on for part, on in shown.items()) \
                and not self.isAncestorOf(QApplication.focusWidget()):
            # Showing a child of a shown widget lays the whole window out at once (Qt
            # activates every parent layout), each time: ~4 ms of a tap for these parts.
            # Switched while the banner is hidden (not while it holds the keyboard focus,
            # which hiding would move), the window is laid out once, at show().
            self.hide()
        for part, on in shown.items():
            part.setVisible(on)
        self.more_button.setText(ngettext("{n} more waiting", "{n} more waiting", more)
                                 .format(n=more))
        self.show()
        if not self.ago_timer.isActive():
            self.ago_timer.start()

    # -- actions ----------------------------------------------------------------------------
    def _staff_id(self) -> int | None:
        member = self.controller.current_staff
        return member.id if member else None

    def _outcome(self) -> None:
        item = self.current()
        if item is not None:
            self.outcome_requested.emit(item.id)

    def snooze(self, minutes: int) -> None:
        item = self.current()
        if item is None:
            return
        from app.pending import short_wait

        try:
            with short_wait(self.ctx):  # locked or full: says so at once, nothing written
                changes = followups.snooze(self.ctx, item.id, minutes, self._staff_id())
        except ComebackError as error:
            self.message_label.setText(str(error))
            self.message_label.show()
            self.controller.error.emit(str(error))
            return
        self.controller.announce(changes)

    def retranslate(self) -> None:
        self.outcome_button.setText(_("Record how it went"))
        self.snooze_label.setText(_("Snooze:"))
        for minutes, button in self.snooze_buttons.items():
            button.setText(_("{n} min").format(n=minutes))
            button.setToolTip(ngettext("Remind me again in {n} minute",
                                       "Remind me again in {n} minutes", minutes)
                              .format(n=minutes))
        self._show_current()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.items and not self.ago_timer.isActive():
            self.ago_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        self.ago_timer.stop()


@dataclass
class Reminders:
    """The pieces of the reminder feature inside one main window."""

    scheduler: ReminderScheduler
    banner: ReminderBanner
    queue: FollowUpQueue
    alerter: Alerter


def install_reminders(window: MainWindow, *, timer_factory: TimerFactory | None = None,
                      alerter: Alerter | None = None) -> Reminders:
    """Banner on top, the queue page, sound/tray, and the scheduler started at once.

    Starting looks at the database before the window is first painted: after a restart or a
    crash every overdue follow-up is on screen with the window.
    """
    controller = window.controller
    banner = ReminderBanner(controller, timer_factory=timer_factory)
    window.banner_area.addWidget(banner)
    queue = FollowUpQueue(controller, timer_factory=timer_factory)
    window.add_page("followups", queue, lambda: _("Follow-ups"), position=1)
    alerter = alerter or Alerter(window)
    scheduler = ReminderScheduler(controller, timer_factory=timer_factory, parent=window)

    def outcome(followup_id: int) -> None:
        open_outcome(controller, followup_id, window)

    scheduler.checked.connect(banner.refresh)
    scheduler.checked.connect(queue.mark_dirty)
    scheduler.due.connect(alerter.announce_due)
    scheduler.escalated.connect(alerter.announce_escalated)
    banner.outcome_requested.connect(outcome)
    banner.queue_requested.connect(lambda: window.show_page("followups"))
    queue.outcome_requested.connect(outcome)
    scheduler.start()
    return Reminders(scheduler, banner, queue, alerter)
