"""A receipt printer on 127.0.0.1 for tests and benches: it keeps what it receives, answers
the status query (DLE EOT 2) like a healthy ESC/POS printer, and can be told to go silent or
hang up after some bytes. Bounded: it stops by itself after ``lifetime`` seconds.

    with LoopbackPrinter() as printer:            # printer.port, printer.received()
        printer.misbehave("silent", after=120)    # or "close"; printer.misbehave("ok")
"""

from __future__ import annotations

import socket
import threading
import time

STATUS_QUERY = b"\x10\x04\x02"
ALL_WELL = b"\x12"
CUT = b"\x1dV\x00"  # the last command of a slip


class LoopbackPrinter:
    def __init__(self, lifetime: float = 20.0) -> None:
        self.lifetime = lifetime
        self.connections: list[bytearray] = []
        #: (time.perf_counter() of each chunk, bytes so far in its connection)
        self.arrivals: list[tuple[float, int]] = []
        #: time.perf_counter() when each connection's slip was in whole (its cut command)
        self.cut_at: list[float] = []
        self._mode, self._after = "ok", 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self._server.settimeout(0.05)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="loopback-printer",
                                        daemon=True)

    def __enter__(self) -> LoopbackPrinter:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def misbehave(self, mode: str, after: int = 0) -> None:
        """From the next connection on: "ok", or "silent"/"close" after ``after`` bytes."""
        with self._lock:
            self._mode, self._after = mode, after

    def received(self) -> list[bytes]:
        with self._lock:
            return [bytes(c) for c in self.connections]

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        self._server.close()

    # -- serving ----------------------------------------------------------------------------
    def _serve(self) -> None:
        deadline = time.monotonic() + self.lifetime
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _addr = self._server.accept()
            except OSError:
                continue
            with self._lock:
                mode, after = self._mode, self._after
                data = bytearray()
                self.connections.append(data)
            threading.Thread(target=self._handle, args=(conn, data, mode, after),
                             daemon=True).start()
        self._stop.set()

    def _handle(self, conn: socket.socket, data: bytearray, mode: str, after: int) -> None:
        conn.settimeout(0.05)
        answered = 0
        try:
            while not self._stop.is_set():
                if mode != "ok" and len(data) >= after:
                    if mode == "close":
                        return
                    self._stop.wait()  # silent: read nothing, answer nothing
                    return
                try:
                    chunk = conn.recv(4096 if mode == "ok" else max(1, after - len(data)))
                except TimeoutError:
                    continue
                if not chunk:
                    return
                with self._lock:
                    seen_cut = CUT in data
                    data.extend(chunk)
                    self.arrivals.append((time.perf_counter(), len(data)))
                    if not seen_cut and CUT in data:
                        self.cut_at.append(time.perf_counter())
                asked = bytes(data).count(STATUS_QUERY)
                if mode != "ok" and len(data) >= after:
                    asked = bytes(data[:after]).count(STATUS_QUERY)
                if asked > answered:
                    conn.sendall(ALL_WELL * (asked - answered))
                    answered = asked
        except OSError:
            return
        finally:
            conn.close()
