"""The owner's back office: staff and PINs, categories, remedies, rules, store settings and
the audit log, behind a manager's or owner's PIN."""

from ui.backoffice.page import BackOfficePage

__all__ = ["BackOfficePage"]
