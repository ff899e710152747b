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
