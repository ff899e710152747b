"""A terminal's copy refreshed off the GUI thread.

When a terminal finds its server again (``ui.offline_bar.ServerWatch``) or starts
(``ui.server_start``), its copy (``db.failover``: the store's settings, staff, menus and
its redeemable vouchers) is made anew from the server. With 5,000 vouchers that was
~340 ms on the GUI thread: the counter froze. Here it runs in the worker thread that
connected, as the backups do (``ui.backup_timer``): the read on the worker's own server
connection (nobody else uses it until the handle adopts it), the write through a
connection of the worker's own to the copy's file (SQLite in WAL: the counter keeps
reading the copy meanwhile, and a tap kept while the server is away waits only for the
write's commit). The GUI thread then adopts the connection without copying again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def refresh_in_worker(handle: Any, server: Any) -> None:
    """Refresh ``handle``'s copy from ``server`` (a connection only this thread uses);
    for a worker thread. Raises what the read or the write raised."""
    from db.failover import open_copy

    read = handle.read_for_copy(server)
    copy = open_copy(handle.copy.path)
    try:
        handle.write_to_copy(copy, read)
    finally:
        copy.close()


def connect_and_refresh(handle: Any) -> tuple[Any, bool]:
    """For a worker thread: one connect to ``handle``'s server and, when it answers, the
    copy refreshed from it. Returns (the new connection or None, whether the copy is
    fresh); when the refresh failed the GUI thread's ``adopt`` tries it again (and finds
    out whether the server went away meanwhile)."""
    server = handle.try_connect()
    if server is None:
        return None, False
    try:
        refresh_in_worker(handle, server)
    except Exception:  # noqa: BLE001 - adopt() refreshes on its own thread and says why
        return server, False
    return server, True


def make_copy_in_worker(url: str, path, store_id: int) -> None:
    """For a worker thread, at a terminal's first start: make its copy's file at ``path``
    and fill it from a server connection of the worker's own (both closed again); the GUI
    thread then opens the copy and puts the terminal's handle in place
    (``ui.server_start.fill_copy``)."""
    from db.failover import Failover, _default_connect, open_copy

    server = _default_connect(url)
    try:
        copy = open_copy(path)
        try:
            handle = Failover(url, copy, store_id=store_id)  # only to read and write
            handle.write_to_copy(copy, handle.read_for_copy(server))
        finally:
            copy.close()
    finally:
        server.close()


def in_worker(work: Callable[[], Any], done: Callable[[tuple], None]) -> None:
    """Run ``work()`` in a thread of its own, then ``done((value, error))`` on the GUI
    thread (ui.gui_thread.post): ``error`` is what ``work`` raised, or None."""
    from PySide6.QtCore import QCoreApplication

    from ui.gui_thread import post

    app = QCoreApplication.instance()

    def run() -> None:
        try:
            result = (work(), None)
        except Exception as error:  # noqa: BLE001 - handed to the GUI thread, which says it
            result = (None, error)
        post(app, done, result)

    threading.Thread(target=run, name="copy-refresh", daemon=True).start()
