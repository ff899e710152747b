"""ui.gui_thread.post: a worker's result reaches the GUI thread, and a receiver deleted
meanwhile (the window closed while a connect was under way) gets nothing - no crash - and
what it held is let go."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject

from ui.gui_thread import post


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[tuple] = []

    def take(self, value) -> None:
        self.got.append((value, threading.current_thread() is threading.main_thread()))


def _from_a_worker(*args, **kwargs) -> None:
    worker = threading.Thread(target=lambda: post(*args, **kwargs))
    worker.start()
    worker.join()


def test_a_result_posted_from_a_worker_is_taken_on_the_gui_thread(qtbot):
    receiver = Receiver()
    _from_a_worker(receiver, receiver.take, 42)
    assert receiver.got == []  # queued, not called on the worker
    qtbot.waitUntil(lambda: receiver.got == [(42, True)], timeout=1000)


def test_a_receiver_deleted_meanwhile_gets_nothing_and_what_it_held_is_let_go(qtbot):
    receiver, closed = Receiver(), []
    shiboken6.delete(receiver)  # the window closed while the worker connected
    assert not shiboken6.isValid(receiver)
    _from_a_worker(receiver, receiver.take, 42, otherwise=lambda: closed.append(True))
    qtbot.waitUntil(lambda: closed == [True], timeout=1000)
