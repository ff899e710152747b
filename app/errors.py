"""One exception class per kind of failure. Messages are translated, user-facing text."""

from __future__ import annotations

from datetime import datetime


class ComebackError(Exception):
    """Base class: ``str(error)`` is a message fit to show the user."""


class ValidationError(ComebackError):
    """Bad input: names the field and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ComebackError):
    """A referenced row (category, remedy, staff member, voucher…) does not exist."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ApprovalRequired(ComebackError):
    """Value above the giver's limit without a valid approval (see app.approval_rule).

    ``role``: the lowest role that may approve (manager or owner); ``not_by``: the staff id
    who may not approve it (the giver, when the four-eyes rule is on)."""

    def __init__(self, message: str, remedy_codes: list[str], role=None,
                 not_by: int | None = None) -> None:
        super().__init__(message)
        self.remedy_codes = remedy_codes
        self.role = role
        self.not_by = not_by


class PinRejected(ComebackError):
    """Wrong PIN, or the person is not allowed to approve."""

    def __init__(self, message: str, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class ApprovalLocked(ComebackError):
    """Too many wrong PINs: approvals are locked until ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class WindowClosed(ComebackError):
    """An undo or edit window has passed."""


class PresetError(ComebackError):
    """A preset file is broken: the message names the file, line and field."""


class StateError(ComebackError):
    """The action does not fit the current state (already done, already redeemed…)."""


class NotAllowed(ComebackError):
    """The person's role may not do this (see docs/roles.md)."""


class DatabaseProblem(ComebackError):
    """The database file cannot be used as it is; one subclass per state of the file
    (see app.dbfile, which makes them from db.health's findings). ``path`` is the file,
    ``backup`` the newest good backup found for it (or None); ``plain`` is the message
    without the command to type (for a window that offers the backup as a button)."""

    def __init__(self, message: str, path, backup=None, plain: str | None = None) -> None:
        super().__init__(message)
        self.path, self.backup = path, backup
        self.plain = message if plain is None else plain


class DatabaseMissing(DatabaseProblem):
    """No database at the path, and the command only reads."""


class DatabaseIsFolder(DatabaseProblem):
    """The path is a folder."""


class NotADatabase(DatabaseProblem):
    """The file is something else: random bytes, a PDF…"""


class DatabaseUnreadable(DatabaseProblem):
    """The file (or its folder) cannot be read by this user."""


class DatabaseReadOnly(DatabaseProblem):
    """The file or its folder is read-only: reading works, writing does not."""


class DatabaseTooNew(DatabaseProblem):
    """Written by a newer Comeback (a migration this one does not know)."""


class DatabaseDamaged(DatabaseProblem):
    """SQLite finds the file damaged (quick_check, or 'malformed' on reading)."""


class DiskFull(DatabaseProblem):
    """The disk (or SQLite's page limit) is full."""


class DatabaseLocked(DatabaseProblem):
    """Another program held the write lock longer than the busy timeout."""


class DatabaseIOError(DatabaseProblem):
    """The disk failed to read or write (a removed USB stick, a network share gone)."""


class DatabaseNotCreated(DatabaseProblem):
    """A new database could not be created at the path."""


class DatabaseServerProblem(DatabaseProblem):
    """The PostgreSQL server cannot be used (see app.dbserver); ``path`` is where it is,
    as ``dbname on host:port`` (never a password)."""


class ServerUnreachable(DatabaseServerProblem):
    """No server answers at the address (down, wrong host or port, no network)."""


class ServerLoginRefused(DatabaseServerProblem):
    """Wrong user or password, or the server does not let this computer in."""


class ServerNoDatabase(DatabaseServerProblem):
    """The server has no database of that name."""


class ServerNoPermission(DatabaseServerProblem):
    """Connected, but the user may not use (or create) Comeback's tables."""


class ServerConnectionLost(DatabaseServerProblem):
    """The connection broke while in use."""
