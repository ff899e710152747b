"""``comeback verify``: walk the audit log's hash chain and cross-check the tables.

Exit 0 and "intact, N entries"; exit 3 and every problem, the first in the log's order
first (what was expected, what was found). Errors (no such store, …) exit 2 as elsewhere.
"""

from __future__ import annotations

import argparse

from app.i18n import _

EXIT_BROKEN = 3
PROBLEMS_SHOWN = 20


def add_parsers(sub) -> None:
    """Register ``verify`` on ``comeback``'s subparsers."""
    verify = sub.add_parser("verify", help=_("check that the audit log and the records it "
                                             "describes were not changed outside Comeback"))
    verify.add_argument("--anchor", action="append", default=[], metavar="HASH",
                        help=_("a chain head printed earlier (on a weekly summary): it must "
                               "still be in the log; repeat for several"))


def cmd_verify(args: argparse.Namespace, ctx) -> int:
    from app.verify import verify

    verdict = verify(ctx, anchors=args.anchor)
    print(verdict.summary())
    if verdict.intact:
        return 0
    shown = verdict.problems[:PROBLEMS_SHOWN]
    for number, problem in enumerate(shown, start=1):
        print(f"{number}. {problem.text}")
    if len(verdict.problems) > len(shown):
        print(_("…and {n} more.").format(n=len(verdict.problems) - len(shown)))
    print(_("The record of this store was changed outside Comeback. Keep a copy of the "
            "database file as it is now and call the owner."))
    return EXIT_BROKEN
