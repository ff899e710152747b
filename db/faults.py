"""Which write failures pass: the database is locked by another writer, the disk is full,
the disk reported an I/O error. A write that failed for such a reason can be tried again
later and may well succeed; so can one whose PostgreSQL server cannot be reached or dropped
the connection (:data:`OFFLINE`: the counter keeps logging into its outbox). Anything else
(a broken constraint, a damaged file, a database from a newer version) will fail the same
way every time.
"""

from __future__ import annotations

import errno
import sqlite3

BUSY, FULL, IO, OFFLINE = "busy", "full", "io", "offline"

# Primary result codes (the low byte of an extended code), from sqlite3.h.
_SQLITE_CODES = {5: BUSY,    # SQLITE_BUSY: another connection holds the write lock
                 6: BUSY,    # SQLITE_LOCKED: a table lock inside this process
                 15: BUSY,   # SQLITE_PROTOCOL: a WAL lock race
                 13: FULL,   # SQLITE_FULL: the disk (or max_page_count) is full
                 10: IO}     # SQLITE_IOERR: read/write/fsync failed
_SQLITE_TEXTS = (("locked", BUSY), ("busy", BUSY), ("disk is full", FULL),
                 ("disk i/o error", IO))
_OS_ERRNOS = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EIO: IO}


def passing_reason(error: BaseException) -> str | None:
    """:data:`BUSY`, :data:`FULL`, :data:`IO` or :data:`OFFLINE` when ``error`` is a write
    failure that may pass; None for every other error (which should not be retried).

    OFFLINE: the server is away (``db.health.DatabaseServerError`` UNREACHABLE or LOST); a
    wrong password, a missing database or a missing permission do not pass by themselves."""
    from db.health import DatabaseServerError, ServerProblem

    if isinstance(error, DatabaseServerError):
        return OFFLINE if error.problem in (ServerProblem.UNREACHABLE, ServerProblem.LOST) \
            else None
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        if isinstance(error, sqlite3.OperationalError):
            text = str(error).casefold()
            return next((reason for words, reason in _SQLITE_TEXTS if words in text), None)
        return None
    if isinstance(error, OSError):
        return _OS_ERRNOS.get(error.errno)
    return None


def is_storage_error(error: BaseException) -> bool:
    """Any error of the database or the file system (kept apart from programming errors)."""
    return isinstance(error, sqlite3.Error | OSError)
