"""``comeback report``, ``comeback export`` and ``comeback import``.

Kept apart from :mod:`app.cli` so that starting the GUI never imports reportlab; each
handler imports what it needs.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import textwrap
from pathlib import Path

from app.errors import ComebackError
from app.i18n import _

PROBLEMS_SHOWN = 20


def add_parsers(sub) -> None:
    """Register the three subcommands on ``comeback``'s subparsers."""
    report = sub.add_parser("report", help=_("write the weekly recovery summary (PDF or CSV)"))
    report.add_argument("--week", default=None, metavar="YYYY-Www",
                        help=_("ISO week, e.g. 2026-W47 (default: the last complete week)"))
    report.add_argument("--out", type=Path, default=None,
                        help=_("file to write (default: summary-WEEK.pdf or .csv here)"))
    report.add_argument("--format", choices=("pdf", "csv"), default=None,
                        help=_("pdf or csv (default: from --out's extension, else pdf)"))
    report.add_argument("--chain", action="store_true",
                        help=_("every store of the database side by side (owners of a chain)"))
    export = sub.add_parser("export", help=_("write every incident to a CSV file"))
    export.add_argument("--out", required=True,
                        help=_("CSV file to write, or - for standard output"))
    imp = sub.add_parser("import", help=_("add incidents from a CSV file (same format)"))
    imp.add_argument("file", type=Path, help=_("CSV file to read"))
    imp.add_argument("--pin", default=None,
                     help=_("an owner's PIN: importing is an owner's action"))


def write_error(path, error: OSError) -> ComebackError:
    """What to say when an output file could not be written (nothing of it is left)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return ComebackError(_("The disk is full: {path} was not written. Free some space "
                               "on the disk and try again.").format(path=path))
    return ComebackError(_("Could not write {path}: {reason}").format(
        path=path, reason=error.strerror or error))


def check_output(args: argparse.Namespace) -> None:
    """Refuse an --out whose extension does not match the format, before anything runs."""
    if args.command == "export":
        if args.out != "-" and Path(args.out).suffix.lower() != ".csv":
            raise ComebackError(_("--out {path}: an export is a CSV file; give a name "
                                  "ending in .csv, or - for standard output.").format(
                path=args.out))
        return
    if args.out is None:
        return
    suffix = args.out.suffix.lower().lstrip(".")
    allowed = (args.format,) if args.format else ("pdf", "csv")
    if suffix not in allowed:
        raise ComebackError(_("--out {path}: the file name must end in {allowed} "
                              "(the format of the summary).").format(
            path=args.out, allowed=_(" or ").join(f".{a}" for a in allowed)))


def cmd_report(args: argparse.Namespace, ctx) -> int:
    if getattr(args, "chain", False):
        from app.cli_chain import cmd_chain_report

        return cmd_chain_report(args, ctx)
    from app import summary as summary_mod
    from app.files import atomic_private_output

    week = summary_mod.Week.parse(args.week) if args.week else \
        summary_mod.last_complete_week(ctx)
    kind = args.format or ("csv" if args.out and args.out.suffix.lower() == ".csv" else "pdf")
    out = args.out or Path(f"summary-{week}.{kind}")
    data = summary_mod.weekly_summary(ctx, week)
    try:
        with atomic_private_output(out) as temporary:
            if kind == "csv":
                from app.csvio import write_summary_csv

                write_summary_csv(data, temporary)
            else:
                from app.backups import last_backup
                from app.verify import check_for_report

                _render_pdf(data, temporary, check_for_report(ctx, data),
                            last_backup=last_backup(ctx))
    except OSError as error:
        raise write_error(out, error) from None
    print(_("Wrote the summary of {week} to {path}: {n} incidents.").format(
        week=week, path=out, n=data.this.incidents))
    return 0


def _render_pdf(data, target, verdict, last_backup) -> None:
    """app.pdf.render_pdf, with reportlab's shape checking off from its import on: the
    chart classes are then made without their checking ``__setattr__`` (a development
    aid, reportlab says), some 4 % of a report's process; the PDF is the same byte for
    byte. The setting is given back afterwards (classes already made stay as they are)."""
    from app.shape_checks import no_shape_checks

    with no_shape_checks():
        from app.pdf import render_pdf

        render_pdf(data, target, verdict, last_backup=last_backup)


def cmd_export(args: argparse.Namespace, ctx) -> int:
    from app.csvio import ENCODING, export_csv

    if args.out == "-":
        sys.stdout.reconfigure(encoding=ENCODING, newline="")
        try:
            export_csv(ctx, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # "comeback export --out - | head" is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    from app.files import atomic_private_output

    try:
        with atomic_private_output(Path(args.out)) as temporary:
            count = export_csv(ctx, temporary)
    except OSError as error:
        raise write_error(args.out, error) from None
    print(_("Exported {n} incidents to {path}.").format(n=count, path=args.out))
    return 0


def cmd_import(args: argparse.Namespace, ctx) -> int:
    from app.csv_import import import_csv
    from app.csvio import ImportRefused

    try:
        result = import_csv(ctx, args.file, pin=args.pin)
    except ImportRefused as refused:
        print(_("comeback: error: {message}").format(message=refused), file=sys.stderr)
        lines = refused.lines()[:PROBLEMS_SHOWN]
        if refused.total > len(lines):
            lines.append(_("…and {n} more.").format(n=refused.total - len(lines)))
        print(textwrap.indent("\n".join(lines), "  "), file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:
        raise ComebackError(_("Could not read {path}: {reason}").format(
            path=args.file, reason=getattr(error, "strerror", None) or error)) from None
    from app.privacy import erase_expired_guest_details
    from db.connection import optimize

    erase_expired_guest_details(ctx)  # imported rows past the retention keep no guest data
    optimize(ctx.db.conn)  # the planner's statistics follow what was imported
    print(_("Imported {n} incidents from {path}.").format(n=result.incidents, path=args.file))
    if result.assumed_code_page:
        print(_("The file was not UTF-8; it was read as {encoding}. Check that names with "
                "accents (ø, č, ñ) look right.").format(encoding=result.encoding))
    if result.staff_created:
        print(_("Added as inactive cashiers (activate them in the back office): {names}.")
              .format(names=", ".join(result.staff_created)))
    return 0
