"""The weekly summary for a person: Reports, Save and Print need a manager or the owner.

The Reports screen gets its figures and writes its PDF only through here (docs/roles.md);
the command line works on the database file itself, which only the store can read.
"""

from __future__ import annotations

from pathlib import Path

from app import roles
from app.context import Context
from app.summary import Week, WeeklySummary, weekly_summary


def summary_for(ctx: Context, week: Week | str, by: int | None) -> WeeklySummary:
    roles.require(ctx, by, roles.REPORTS)
    return weekly_summary(ctx, week)


def may_print(ctx: Context, by: int | None) -> None:
    """Raises NotAllowed unless ``by`` may print the summary."""
    roles.require(ctx, by, roles.REPORTS)


def save_pdf(ctx: Context, summary: WeeklySummary, path: str | Path, by: int | None) -> None:
    """Write the PDF with the audit log's verdict (app.verify) and the last backup under
    every page; written whole and 0600 (app.files) or not at all."""
    roles.require(ctx, by, roles.REPORTS)
    from app.backups import last_backup
    from app.files import atomic_private_output
    from app.pdf import render_pdf
    from app.verify import check_for_report

    with atomic_private_output(path) as temporary:
        render_pdf(summary, temporary, check_for_report(ctx, summary), last_backup=last_backup(ctx))
