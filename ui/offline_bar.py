"""The counter's side of a server that is away: a watch that finds it again, and a bar that
says "Offline — 3 waiting to send".

:class:`ServerWatch` is told by the terminal's handle (:class:`db.failover.Failover`) when
the server goes away, then tries it again on a backoff timer (1 s, 2 s, 4 s … 30 s; the
handle's own schedule). Each try runs in a worker thread, so a server that does not answer
never freezes the counter (a connect waits up to its timeout), and so does the refresh of
the terminal's copy once it answers (``ui.copy_refresh``); taps meanwhile go straight to
the outbox. When the server is back it says so, and the counter sends the outbox.

:class:`OfflineBar` is its own strip on the counter (other status texts have theirs): while
the server is away, "Offline — N waiting to send"; while the outbox is being sent, "Back
online — sending, N waiting"; then "Back online — all sent" until the next tap; and, for the
manager, how many kept taps could not be sent (they are in the audit log). Nothing on it
asks the cashier to do anything.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.i18n import _, ngettext
from ui import icons, theme
from ui.gui_thread import post

TimerFactory = Callable[[QObject], QTimer]
Runner = Callable[[Callable[[], None]], None]


def in_a_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="reconnect", daemon=True).start()


def _drop(found: tuple) -> None:
    """A connection a watch that is gone found: closed, nobody will adopt it."""
    server = found[0]
    if server is not None:
        with contextlib.suppress(Exception):  # closing a connection nobody uses
            server.close()


class ServerWatch(QObject):
    """Finds the server again after it went away.

    Signals:
        away(): the server went away (emitted on the GUI thread).
        back(): the server answers again; the terminal's copy is fresh.
    """

    away = Signal()
    back = Signal()

    def __init__(self, handle, timer_factory: TimerFactory = QTimer,
                 run: Runner | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self._run = run or (lambda work: in_a_thread(work))  # looked up when used
        self.trying = False
        self.timer = timer_factory(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.try_now)
        # Told from any thread (a worker finds the server gone): on the GUI thread, and
        # only while this watch exists (ui.gui_thread).
        handle.listeners.append(lambda: post(self, self._on_away))
        if handle.away:
            post(self, self._on_away)

    def _on_away(self) -> None:
        if not self.trying and not self.timer.isActive():
            self.away.emit()
            self._arm()

    def _arm(self) -> None:
        seconds = self.handle.seconds_to_next_try()
        self.timer.start(max(1000, int(seconds * 1000)))

    def try_now(self) -> None:
        """One try of the server, off the GUI thread."""
        if self.trying or not self.handle.away:
            return
        self.trying = True

        def work() -> None:  # in a worker thread: the connect and the copy's refresh
            from ui.copy_refresh import connect_and_refresh

            try:
                found = connect_and_refresh(self.handle)
            except Exception:  # noqa: BLE001 - e.g. the password changed: keep trying
                found = None, False
            post(self, self._on_tried, found, otherwise=lambda: _drop(found))

        self._run(work)

    def _on_tried(self, found) -> None:
        self.trying = False
        server, fresh = found
        if server is not None and self.handle.adopt(server, fresh=fresh):
            self.timer.stop()
            self.back.emit()
        else:
            self._arm()

    def stop(self) -> None:
        self.timer.stop()
        if self._went.emit in self.handle.listeners:
            self.handle.listeners.remove(self._went.emit)


class OfflineBar(QFrame):
    """The counter's offline strip (see the module docstring)."""

    OFFLINE, SENDING, SENT = "offline", "sending", "sent"
    STYLE = (f"#OfflineBar {{ background: #20324A; border-top: 3px solid {theme.ACCENT}; }}"
             "#OfflineBar QLabel { background: transparent; }"
             "#OfflineTitle { font-size: 15pt; font-weight: 700; }"
             "#OfflineLine { font-size: 12pt; color: #C9D6E8; }"
             f"#OfflineRefused {{ font-size: 12pt; font-weight: 700; color: {theme.WARN}; }}")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OfflineBar")
        self.setStyleSheet(self.STYLE)
        self.state: str | None = None
        self.waiting = 0
        self.refused = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 16, 8)
        row.setSpacing(14)
        self.icon_label = QLabel()
        row.addWidget(self.icon_label, 0, Qt.AlignVCenter)
        column = QVBoxLayout()
        column.setSpacing(2)
        self.title_label = QLabel(objectName="OfflineTitle", wordWrap=True)
        self.line_label = QLabel(objectName="OfflineLine", wordWrap=True)
        self.refused_label = QLabel(objectName="OfflineRefused", wordWrap=True)
        for label in (self.title_label, self.line_label, self.refused_label):
            column.addWidget(label)
        row.addLayout(column, 1)
        self.hide()

    def show_state(self, state: str | None, waiting: int, refused: int | None = None) -> None:
        """OFFLINE, SENDING or SENT with ``waiting`` taps in the outbox; None hides it."""
        self.state, self.waiting = state, waiting
        if refused is not None:
            self.refused = refused
        if state is None and not self.refused:
            self.hide()
            return
        self.icon_label.setPixmap(icons.pixmap(
            {self.OFFLINE: "warning", self.SENDING: "queue"}.get(state, "check"), 32))
        self.retranslate()
        self.show()

    def texts(self) -> tuple[str, str, str]:
        n = self.waiting
        if self.state == self.OFFLINE:
            title = ngettext("Offline — {n} waiting to send", "Offline — {n} waiting to send",
                             n).format(n=n) if n else _("Offline")
            line = _("Keep logging as usual: this counter keeps every tap and sends it by "
                     "itself when the server is back.")
        elif self.state == self.SENDING:
            title = ngettext("Back online — sending, {n} waiting",
                             "Back online — sending, {n} waiting", n).format(n=n)
            line = _("Taps kept on this counter are sent in the order they were tapped.")
        elif self.state == self.SENT:
            title, line = _("Back online — all sent"), ""
        else:
            title, line = "", ""
        refused = ngettext(
            "{n} kept tap could not be sent: a manager finds it in the audit log.",
            "{n} kept taps could not be sent: a manager finds them in the audit log.",
            self.refused).format(n=self.refused) if self.refused else ""
        return title, line, refused

    def on_language_changed(self, _code: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        title, line, refused = self.texts()
        self.title_label.setText(title)
        self.title_label.setVisible(bool(title))
        self.line_label.setText(line)
        self.line_label.setVisible(bool(line))
        self.refused_label.setText(refused)
        self.refused_label.setVisible(bool(refused))
