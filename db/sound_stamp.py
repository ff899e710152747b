"""The record that a database file was found sound, so the next process need not read every
page again (SQLite-only: it is about the file).

``PRAGMA quick_check`` reads every page of the file: 2.3 s for a 1,000,000-incident store
(507 MB). Running it before every command made each command's cost grow with history. So
the full check runs when the file may have changed behind Comeback's back, and otherwise
at most once a day; in between, the file is recognised by its *stamp*: a small file
``<database>-checked`` next to it (0600, one line of numbers) that holds

- the file's identity and state: device, inode, size, modification and change times, and
  the same (size and times) of its ``-wal`` or that there was none;
- ``sound_since``: when every page was last read and found sound (a full ``quick_check``,
  or the ``integrity_check`` of a backup copied page by page from it).

A Comeback process that found the file sound (by the check, or by a stamp that matched)
and ended well writes the stamp again with the state it leaves the file in and the same
``sound_since``: what changed meanwhile was written by SQLite itself. Anything else that
writes the file (a copy over it, even ``cp -p``, another program, a byte flipped through
the file system, a restore) changes its inode, size or change time, and the next process
runs the full check.

What the stamp cannot see is a disk that changes bytes without a write (a failing
sector). Such damage is found (1) by SQLite itself when a command reads the damaged page
(``cell_size_check`` is on: the command fails with the damaged-file message, its
transaction rolls back, nothing is written, and the stamp is forgotten so the next process
runs the full check), (2) by the full check once ``FULL_CHECK_EVERY`` has passed, and (3)
by the next backup's ``integrity_check``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

SUFFIX = "-checked"
#: How long a full check counts: after that the next process reads every page again.
FULL_CHECK_EVERY = 24 * 60 * 60.0
#: A stamp from the future (the clock was set back) counts for no more than this.
CLOCK_SLACK = 5 * 60.0


def stamp_path(path: Path | str) -> Path:
    return Path(f"{path}{SUFFIX}")


def fingerprint(path: Path | str) -> list[int] | None:
    """What changes whenever the file or its WAL is written (the WAL's three numbers are -1
    when there is none); None if the file cannot be looked at."""
    try:
        main = os.stat(path)
    except OSError:
        return None
    state = [main.st_dev, main.st_ino, main.st_size, main.st_mtime_ns, main.st_ctime_ns]
    try:
        wal = os.stat(f"{path}-wal")
        return [*state, wal.st_size, wal.st_mtime_ns, wal.st_ctime_ns]
    except FileNotFoundError:
        return [*state, -1, -1, -1]
    except OSError:
        return None


def _read(path: Path | str) -> tuple[float, list[int]]:
    """(sound_since, fingerprint) from the stamp: one line of numbers (no json: the GUI
    reads it before its first paint). Raises OSError or ValueError."""
    words = stamp_path(path).read_text(encoding="ascii").split()
    if len(words) != 9:
        raise ValueError("not a stamp")
    return float(words[0]), [int(word) for word in words[1:]]


def sound_since(path: Path | str, now: float | None = None) -> float | None:
    """When the file was last found sound, if its stamp matches the file as it is now and
    that full check is less than ``FULL_CHECK_EVERY`` old; else None (check it)."""
    try:
        since, recorded = _read(path)
    except (OSError, ValueError):
        return None
    now = time.time() if now is None else now
    if not now - FULL_CHECK_EVERY < since <= now + CLOCK_SLACK:
        return None
    return since if recorded == fingerprint(path) else None


def write(path: Path | str, since: float, state: list[int] | None = None) -> None:
    """Record that the file, as it is now (or as ``state`` describes it), was sound at
    ``since``. Best effort: a folder that cannot be written keeps no stamp (the next
    process then checks the whole file, as it would anyway)."""
    state = fingerprint(path) if state is None else state
    if state is None:
        return
    target = stamp_path(path)
    part = Path(f"{target}.{os.getpid()}.part")  # two processes never share one
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(" ".join([repr(float(since)), *map(str, state)]) + "\n")
        os.replace(part, target)
    except OSError:
        part.unlink(missing_ok=True)


def forget(path: Path | str) -> None:
    """The file was found damaged: a stamp that says the main file as it is now is sound
    goes (the next process runs the full check). A stamp of an older state is left as it
    is: it matches nothing."""
    try:
        _since, recorded = _read(path)
        now = fingerprint(path)
        if now is not None and recorded[:5] == now[:5]:
            stamp_path(path).unlink()
    except (OSError, ValueError):
        pass
