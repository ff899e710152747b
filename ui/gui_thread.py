"""A worker thread's result handed to the GUI thread without racing a window that closes.

A QObject's own signal emitted from a worker thread races with the object's deletion on
the GUI thread: the window closes (and deletes its children) while a connect is under way,
PySide's check that the object is alive and the emit are not one step, and an object
deleted in between crashes the process. So workers post through one relay that lives as
long as the process (:func:`post`); on the GUI thread the callback runs only if its
receiver is still alive then, and the check and the call happen on the thread that
deletes widgets, so nothing can come between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal


class _Relay(QObject):
    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._deliver, Qt.QueuedConnection)

    def _deliver(self, item: tuple) -> None:
        receiver, callback, args, otherwise = item
        if shiboken6.isValid(receiver):
            callback(*args)
        elif otherwise is not None:
            otherwise()


# Made when ui modules are imported, on the GUI thread (its events are delivered there);
# never deleted, so emitting on it from any thread is safe.
_RELAY = _Relay()


def post(receiver: QObject, callback: Callable[..., Any], *args: Any,
         otherwise: Callable[[], Any] | None = None) -> None:
    """From any thread: ``callback(*args)`` on the GUI thread if ``receiver`` (the QObject
    whose method ``callback`` is) still exists by then; else ``otherwise()`` there (e.g.
    close a connection nobody will use)."""
    _RELAY.posted.emit((receiver, callback, args, otherwise))
