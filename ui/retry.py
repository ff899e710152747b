"""The counter's taps when the database cannot take them: retried with backoff, and a bar
that says "Not saved yet — trying again" until they are saved.

:class:`TapRetry` hands each tap to :class:`app.pending.TapSaver` and, while taps wait,
arms one single-shot timer (1 s, 2 s, 4 s … up to 30 s; no timer at all when nothing
waits). A tap kept by a previous run (in the outbox next to the database) is retried as
soon as the counter is up. :class:`PendingBar` is the amber bar shown instead of the
"Logged" bar while a tap waits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models import Severity
from app.pending import Kept, PendingTap, Saved, TapSaver, reason_text
from app.settings import StoreSettings
from ui import icons, theme

BACKOFF_MS = (1000, 2000, 4000, 8000, 15000, 30000)
#: Seconds of saving kept taps per event-loop turn: a restart with many kept taps does not
#: hold the loop (one turn saves one tap at least).
BATCH_S = 0.04
TimerFactory = Callable[[QObject], QTimer]


class TapRetry(QObject):
    """Saves the counter's taps; keeps and retries those the database cannot take yet.

    Signals:
        saved(object): a list of :class:`app.pending.Saved` - taps kept earlier, saved now
            (oldest first; one list per retry).
        failed(object): an :class:`app.pending.Failed` - a kept tap cannot be applied.
        waiting_changed(int): how many taps wait now.
    """

    saved = Signal(object)
    failed = Signal(object)
    waiting_changed = Signal(int)

    def __init__(self, saver: TapSaver, timer_factory: TimerFactory = QTimer,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.saver = saver
        self.timer = timer_factory(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.retry_now)
        self._step = 0
        if saver.count():  # kept by an earlier run: try them as soon as the loop runs
            self.timer.start(0)

    def waiting(self) -> int:
        return self.saver.count()

    def submit(self, tap: PendingTap) -> Saved | Kept:
        """Save ``tap`` now or keep it for a retry (refusals raise, as the service's)."""
        result = self.saver.submit(tap)
        if isinstance(result, Kept):
            self._arm_backoff()
            self.waiting_changed.emit(self.saver.count())
        elif self.saver.count():
            self._step = 0  # the database takes writes again: the older ones now
            self.timer.start(0)
        return result

    def cancel(self, uid: str) -> bool:
        """Take back a waiting tap (see TapSaver.cancel)."""
        if not self.saver.cancel(uid):
            return False
        waiting = self.saver.count()
        if not waiting:
            self._step = 0
            self.timer.stop()
        self.waiting_changed.emit(waiting)
        return True

    def retry_now(self) -> None:
        """Try every waiting tap (the timer calls this; a test may too)."""
        flushed = self.saver.flush(BATCH_S)
        if flushed.saved:
            self.saved.emit(flushed.saved)
        for failed in flushed.failed:
            self.failed.emit(failed)
        if flushed.waiting and flushed.reason is None:
            self.timer.start(0)  # the database takes them: the next batch, next turn
        elif flushed.waiting:
            self._arm_backoff()
        else:
            self._step = 0
            self.timer.stop()
        self.waiting_changed.emit(flushed.waiting)

    def _arm_backoff(self) -> None:
        self.timer.start(BACKOFF_MS[min(self._step, len(BACKOFF_MS) - 1)])
        self._step += 1


def what_text(tap: PendingTap) -> str:
    category, remedies = tap.shown
    return _("{category} — {remedies}").format(
        category=_(category), remedies=", ".join(_(r) for r in remedies))


class PendingBar(QFrame):
    """Amber, where the "Logged" bar goes: the newest tap that is not saved yet.

    Signals:
        undo_clicked(str): the uid of the tap whose Undo was tapped (take it back).
    """

    undo_clicked = Signal(str)

    STYLE = (f"#PendingBar {{ background: #3A2C12; border-top: 3px solid {theme.WARN}; }}"
             "#PendingBar QLabel { background: transparent; }"
             "#PendingTitle { font-size: 16pt; font-weight: 700; }"
             "#PendingLine { font-size: 13pt; }"
             "#PendingReason { font-size: 13pt; color: #F3D9A6; }"
             f"#PendingBar #FlagLine {{ font-size: 16pt; font-weight: 800; color: #FFFFFF; "
             f"background: {theme.ALERT}; border-radius: 8px; padding: 6px 14px; }}")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PendingBar")
        self.setStyleSheet(self.STYLE)
        self._texts: Callable[[], tuple[str, str, str, str]] = lambda: ("", "", "", "")
        self.uid: str | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 10, 16, 10)
        row.setSpacing(16)
        self.icon_label = QLabel()
        row.addWidget(self.icon_label, 0, Qt.AlignVCenter)
        column = QVBoxLayout()
        column.setSpacing(2)
        self.flag_label = QLabel(objectName="FlagLine", wordWrap=True)  # theme: red
        self.flag_label.hide()
        column.addWidget(self.flag_label)
        self.title_label = QLabel(objectName="PendingTitle", wordWrap=True)
        self.line_label = QLabel(objectName="PendingLine", wordWrap=True)
        self.reason_label = QLabel(objectName="PendingReason", wordWrap=True)
        for label in (self.title_label, self.line_label, self.reason_label):
            column.addWidget(label)
        row.addLayout(column, 1)
        self.undo_button = QPushButton(objectName="UndoButton")
        self.undo_button.setFocusPolicy(Qt.NoFocus)
        self.undo_button.setIcon(icons.icon("undo", 26))
        self.undo_button.setIconSize(QSize(26, 26))
        self.undo_button.clicked.connect(lambda: self.uid and self.undo_clicked.emit(self.uid))
        row.addWidget(self.undo_button, 0, Qt.AlignVCenter)
        self.hide()

    def show_waiting(self, tap: PendingTap, reason: str | None, on_disk: bool, waiting: int,
                     settings: StoreSettings) -> None:
        """Show ``tap`` as not saved yet; ``waiting`` taps wait in all."""
        from app.formatting import short_time

        self.uid = tap.uid
        self._tap, self._on_disk = tap, on_disk
        self._at = short_time(tap.tapped_at, settings.timezone, settings.locale)
        self.icon_label.setPixmap(icons.pixmap("warning", 44))
        self.update_waiting(waiting, reason)
        self.show()

    def update_waiting(self, waiting: int, reason: str | None,
                       on_disk: bool | None = None) -> None:
        """How many taps wait now, and why (None: not known yet, e.g. after a restart)."""
        if on_disk is not None:
            self._on_disk = on_disk
        tap, at, on_disk = self._tap, self._at, self._on_disk

        def texts() -> tuple[str, str, str, str]:
            from ui.counter_confirm import flag_text

            line = _("{what} · tapped at {time}").format(what=what_text(tap), time=at)
            if waiting > 1:
                line = ngettext("{line} · {n} tap waiting", "{line} · {n} taps waiting",
                                waiting).format(line=line, n=waiting)
            from app.pending import OFFLINE

            title = (_("Kept on this counter — sent when the server is back")
                     if reason == OFFLINE else _("Not saved yet — trying again"))
            return (title, line,  # offline: the offline bar above says why, once
                    reason_text(reason, on_disk) if reason and reason != OFFLINE else "",
                    flag_text(False, Severity.HIGH, 0) if tap.severe else "")

        self._texts = texts
        self.retranslate()

    def clear(self) -> None:
        self.uid = None
        self.hide()

    def on_language_changed(self, _code: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        title, line, reason, flag = self._texts()
        self.flag_label.setText(flag)
        self.flag_label.setVisible(bool(flag))
        self.title_label.setText(title)
        self.line_label.setText(line)
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        self.undo_button.setText(_("Undo"))
        self.undo_button.setToolTip(_("Undo: this tap is not saved, and never will be"))
