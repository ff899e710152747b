"""``comeback report --chain``: every store of the database side by side (PDF or CSV).

Like ``comeback report`` it asks no PIN: the command line works on the database itself
(docs/roles.md). Kept apart so that ``report`` alone never imports the chain's modules.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.i18n import _, ngettext


def cmd_chain_report(args: argparse.Namespace, ctx) -> int:
    from app import summary as summary_mod
    from app.chain import chain_report, write_chain_csv
    from app.cli_reports import write_error
    from app.files import atomic_private_output

    week = summary_mod.Week.parse(args.week) if args.week else \
        summary_mod.last_complete_week(ctx)
    kind = args.format or ("csv" if args.out and args.out.suffix.lower() == ".csv" else "pdf")
    out = args.out or Path(f"chain-{week}.{kind}")
    report = chain_report(ctx, week)
    try:
        with atomic_private_output(out) as temporary:
            if kind == "csv":
                write_chain_csv(report, temporary)
            else:
                from app.pdf_chain import render_chain_pdf

                render_chain_pdf(report, temporary)
    except OSError as error:
        raise write_error(out, error) from None
    stores = ngettext("{n} store", "{n} stores", len(report.stores)).format(
        n=len(report.stores))
    print(_("Wrote the chain summary of {week} to {path}: {stores}, {n} incidents.").format(
        week=week, path=out, stores=stores, n=report.incidents))
    return 0
