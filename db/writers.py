"""Who is waiting to write: the counter's taps go before a long writer's next slice.

SQLite's write lock is not fair: a writer that commits and begins again a few milliseconds
later mostly wins against one that sleeps between its tries, more so on a busy machine.
So a tap announces itself: while it waits for (and holds) the write lock it holds a shared
lock on one byte of a small file next to the database (``comeback.db-writers``). A long
writer (a big import, :mod:`app.import_switch`) checks that byte before each slice it
copies and waits while anyone holds it; a tap then waits for one slice at most.

POSIX byte-range locks (``fcntl``), never on the database file itself (closing another
descriptor of that file would drop SQLite's own locks). They go with the process, also on
kill -9. Where there is no ``fcntl`` (Windows) or the file cannot be made, nothing is
announced and the long writer's short pauses are all a tap has.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def writers_path(database: Path | None) -> Path | None:
    return None if database is None else Path(f"{database}-writers")


class Turnstile:
    """The announcement byte of one database file (see the module docstring)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int | None:
        if self._fd is None and self.path is not None and fcntl is not None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                self.path = None  # cannot be made here: announce nothing
        return self._fd

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Announce a write for the block (a tap: waiting for the lock, then writing)."""
        fd = self._open()
        locked = False
        if fd is not None:
            try:  # a long writer holds it exclusively only for its check, microseconds
                fcntl.lockf(fd, fcntl.LOCK_SH, 1, 0)
                locked = True
            except OSError:
                pass
        try:
            yield
        finally:
            if locked:
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0)

    def anyone_waiting(self) -> bool:
        """Whether another process announces a write now."""
        fd = self._open()
        if fd is None:
            return False
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0)
        return False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
