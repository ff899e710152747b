"""Live updates: what another terminal did shows here within a second, without polling.

The database is the truth. Every change a terminal shows is an entry of the store's audit
log (the change feed, :mod:`db.changes`), written in the same transaction as the change;
this object remembers the last entry it has read and, whenever it is woken, reads every
entry after it and tells the screens what to redraw (``controller.announce`` with a
``Changes(remote=True)``). A wake-up that is lost loses nothing: the next read brings it.

What wakes it:

* **PostgreSQL**: one dedicated connection LISTENs to the store's channel (the trigger of
  migration 0017 NOTIFYs on commit); a ``QSocketNotifier`` on its socket wakes the event
  loop, ``notifies(timeout=0)`` takes what arrived without blocking. No poll; only the
  connect runs in a worker thread (a host that does not answer holds it, not the counter).
  When the connection is lost the strip says "Live updates paused — reconnecting…" and it
  reconnects with backoff (1, 2, 4 … 30 s; a single-shot timer from ``timer_factory``);
  back, it reads everything it missed, in order.
* **SQLite**: a ``QFileSystemWatcher`` on the database file and its ``-wal`` (inotify on
  Linux: no polling), so two windows on one machine see each other's changes. A writer's
  commit is visible only once it has synced the ``-wal`` and updated the ``-shm`` index
  (a memory map: no file event), so the feed is read at the event and again
  :data:`SETTLE_MS` later — a few reads after each write, none while nothing is written.
* Both: the reminder scheduler's 45 s backstop also reads the feed.

A follow-up announced as due by another terminal (``followup.alerted``: whichever terminal
got there first stamps it) rings here too, once, unless someone is on it.

Signals:
    paused_changed(bool): True while the live connection is lost and being re-made.
    due(list): :class:`app.followup_items.FollowUpItem` another terminal announced as due
        (ring for them: sound, tray).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QFileSystemWatcher, QObject, QSocketNotifier, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app import changes, followups
from app.followup_items import FollowUpItem, items_for
from app.i18n import _
from app.models import Changes
from db import changes as changes_db
from db.health import DatabaseServerError
from ui.controller import Controller
from ui.gui_thread import post
from ui.scheduler import TimerFactory, qtimer_factory

#: Reconnect delays: the first try after a second, doubling, never more than 30 s apart.
FIRST_RETRY_MS = 1_000
MAX_RETRY_MS = 30_000
#: Notifications that arrive while the feed is being read are taken right after it; this
#: bounds that loop (a store changing faster than it can be read is read at the next wake).
MAX_ROUNDS = 5
#: SQLite: after a file event, read again this long after it (each read restarts nothing:
#: a new event starts the sequence again). Reads once more at each step.
SETTLE_MS = (30, 120, 400, 1_200)
Runner = Callable[[Callable[[], None]], None]


def in_a_thread(work: Callable[[], None]) -> None:
    """Run ``work`` in a worker thread (a connect that waits for a dead host must not hold
    the counter's event loop)."""
    threading.Thread(target=work, name="live-connect", daemon=True).start()


class LiveUpdates(QObject):
    """Reads the change feed whenever something wakes it; see the module docstring."""

    paused_changed = Signal(bool)
    due = Signal(list)

    def __init__(self, controller: Controller, *, timer_factory: TimerFactory | None = None,
                 settle_factory: TimerFactory | None = None, run: Runner | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run = run or in_a_thread
        self.connecting = False  # a connect is under way in a worker
        self.controller = controller
        self.ctx = controller.ctx
        self.last_id = 0
        self.paused = False
        self.started = False
        self.listener = changes_db.listener(self.ctx.db, self.ctx.store_id)
        self.notifier: QSocketNotifier | None = None
        self.watcher: QFileSystemWatcher | None = None
        self.retry_ms = FIRST_RETRY_MS
        self.retry_timer = (timer_factory or qtimer_factory)(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.reconnect)
        # A real timer by default even in tests: it only follows a real file event.
        self.settle_timer = (settle_factory or qtimer_factory)(self)
        self.settle_timer.setSingleShot(True)
        self.settle_timer.timeout.connect(self._settle)
        self._settle_step = len(SETTLE_MS)
        self._rung: set[tuple[int, datetime]] = set()
        self.reads = 0  # how many times the feed was read (tests, the bench)

    # -- life -------------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        """Something wakes this terminal (a server connection or a watched file)."""
        return self.listener is not None or bool(changes_db.watched_files(self.ctx.db))

    def start(self) -> None:
        """From now on: what is already in the feed is on screen (the window read it)."""
        if self.started:
            return
        self.started = True
        self.last_id = changes.newest_id(self.ctx.db, self.ctx.store_id)
        if self.listener is not None:
            self.reconnect()
        else:
            self._watch_files()

    def stop(self) -> None:
        self.started = False
        self.retry_timer.stop()
        self.settle_timer.stop()
        self._drop_notifier()
        if self.listener is not None:
            self.listener.close()
        if self.watcher is not None:
            self.watcher.fileChanged.disconnect(self._on_file)
            self.watcher = None

    # -- PostgreSQL: the listening connection -----------------------------------------------
    def reconnect(self) -> None:
        """Connect and LISTEN in a worker thread (a server that does not answer holds only
        the worker, up to the connect timeout); then, on the GUI thread, watch the socket
        and read whatever was missed - or, on failure, try again later."""
        if not self.started or self.listener is None or self.connecting:
            return
        self.connecting = True
        listener = self.listener

        def work() -> None:  # in the worker: only the connect; nothing of Qt's
            outcome: DatabaseServerError | None = None
            try:
                listener.connect()
            except DatabaseServerError as error:
                outcome = error
            except Exception as error:  # noqa: BLE001 - said as the server being away
                outcome = DatabaseServerError.lost(error, "")
            # On the GUI thread, if this object still exists then (ui.gui_thread).
            post(self, self._after_connect, outcome, otherwise=listener.close)

        self._run(work)

    def _after_connect(self, error: DatabaseServerError | None) -> None:
        self.connecting = False
        if not self.started:  # stopped while the worker connected
            self.listener.close()
            return
        if error is not None:
            self._set_paused(True)
            self.retry_timer.start(self.retry_ms)
            self.retry_ms = min(self.retry_ms * 2, MAX_RETRY_MS)
            return
        self.retry_ms = FIRST_RETRY_MS
        self.notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Read, self)
        self.notifier.activated.connect(self._on_socket)
        self._set_paused(False)
        self.catch_up()

    def _on_socket(self, *_args) -> None:
        try:
            woken = self.listener.drain()
        except DatabaseServerError:
            self._lost()
            return
        if woken:
            self.catch_up()

    def _lost(self) -> None:
        self._drop_notifier()
        if self.listener is not None:
            self.listener.close()
        self._set_paused(True)
        self.retry_ms = FIRST_RETRY_MS
        self.retry_timer.start(self.retry_ms)
        self.retry_ms *= 2

    def _drop_notifier(self) -> None:
        """Stop watching the socket before it is closed (Qt must never poll a closed one)."""
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.activated.disconnect(self._on_socket)
            self.notifier.setParent(None)
            self.notifier = None

    def _set_paused(self, paused: bool) -> None:
        if paused != self.paused:
            self.paused = paused
            self.paused_changed.emit(paused)

    # -- SQLite: the file and its write-ahead log --------------------------------------------
    def _watch_files(self) -> None:
        files = changes_db.watched_files(self.ctx.db)
        if not files:
            return
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._on_file)
        self._rewatch()

    def _rewatch(self) -> None:
        """Watch the files that exist and are not watched (a -wal made or made anew)."""
        watched = set(self.watcher.files())
        for path in changes_db.watched_files(self.ctx.db):
            if str(path) not in watched and path.exists():
                self.watcher.addPath(str(path))

    def _on_file(self, _path: str) -> None:
        self._rewatch()
        self.catch_up()
        self._settle_step = 0
        self.settle_timer.start(SETTLE_MS[0])

    def _settle(self) -> None:
        self.catch_up()
        self._settle_step += 1
        if self._settle_step < len(SETTLE_MS):
            self.settle_timer.start(SETTLE_MS[self._settle_step]
                                    - SETTLE_MS[self._settle_step - 1])

    # -- the read ---------------------------------------------------------------------------
    def catch_up(self) -> list[changes.Change]:
        """Read every change after the last one seen; tell the screens; ring for follow-ups
        another terminal announced. Returns what was read."""
        if not self.started or self.paused:
            return []
        try:
            found = self._read()
        except DatabaseServerError:
            self._lost()
            return []
        except sqlite3.Error:  # locked by a backup, say: the next wake reads it
            return []
        self.reads += 1
        if not found:
            return []
        self.last_id = found[-1].id
        changes.forget_kept(self.ctx.db)  # this handle may not have heard of them yet
        from app.offline_vouchers import note_changes

        note_changes(self.ctx, found)  # a terminal's copy: vouchers redeemed elsewhere
        summary = changes.summary(found)
        if summary != Changes():
            self.controller.announce(summary)
        self._ring(changes.alerted(found))
        return found

    def _read(self) -> list[changes.Change]:
        if self.listener is None:
            return changes.since(self.ctx.db, self.ctx.store_id, self.last_id)
        if self.connecting or not self.listener.connected:
            return []
        found: list[changes.Change] = []
        after = self.last_id
        for _round in range(MAX_ROUNDS):
            found += changes.read_all(self.listener.read, found[-1].id if found else after)
            # Notifications that came in while reading were taken off the socket by the
            # query (the event loop will not see them): a commit during the read is read now.
            if not self.listener.drain():
                break
        return found

    def note_rung(self, items: list[FollowUpItem]) -> None:
        """These were announced on this terminal (its own scheduler): never twice."""
        self._rung.update((item.id, item.followup.due_at) for item in items)

    def _ring(self, followup_ids: list[int]) -> None:
        if not followup_ids:
            return
        try:
            fresh = [f for f in followups.due_to_announce(self.ctx)
                     if f.id in followup_ids and (f.id, f.due_at) not in self._rung]
            items = items_for(self.ctx, fresh) if fresh else []
        except sqlite3.Error:
            return
        if items:
            self.note_rung(items)
            self.due.emit(items)


class LiveStatus(QLabel):
    """The strip that says live updates are paused (its own widget: the counter's status
    bar belongs to the offline outbox)."""

    def __init__(self, live: LiveUpdates, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LiveStatus")
        self.setTextFormat(Qt.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet("#LiveStatus { background: #4E5A66; color: #FFFFFF; "
                           "font-size: 13pt; font-weight: 700; padding: 6px 20px; }")
        self.retranslate()
        self.setVisible(live.paused)
        live.paused_changed.connect(self.setVisible)
        live.controller.language_changed.connect(self._on_language)

    def _on_language(self, _code: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(_("Live updates paused — reconnecting… This counter still works; "
                       "changes from other counters show when it is back."))


def install_live(window, *, timer_factory: TimerFactory | None = None,
                 backstop: Callable | None = None, run: Runner | None = None) -> LiveUpdates:
    """Live updates for a main window with reminders (``window.reminders``): the strip on
    top, ringing for what other terminals announced, the scheduler's backstop reading the
    feed too. Started at once."""
    live = LiveUpdates(window.controller, timer_factory=timer_factory, run=run,
                       parent=window)
    if live.live:  # a database in memory has no other terminal
        window.live_status = LiveStatus(live)
        window.banner_area.insertWidget(0, window.live_status)
    reminders = getattr(window, "reminders", None)
    if reminders is not None:
        reminders.scheduler.due.connect(live.note_rung)
        live.due.connect(reminders.alerter.announce_due)
        if live.live:
            reminders.scheduler.backstop.timeout.connect(live.catch_up)
    if backstop is not None:
        backstop.connect(live.catch_up)
    live.start()
    return live
