"""``comeback erase-guest``: erase one guest's details on request (see app.privacy)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.i18n import _, ngettext


def add_parsers(sub) -> None:
    """Register ``erase-guest`` on ``comeback``'s subparsers."""
    erase = sub.add_parser("erase-guest", help=_(
        "erase one guest's name, contact and notes from every incident"))
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--contact", default=None,
                     help=_("the guest's phone or e-mail, written any way"))
    who.add_argument("--name", default=None, help=_("the guest's name (case is ignored)"))
    erase.add_argument("--dry-run", action="store_true",
                       help=_("only say how many incidents hold these details"))


def cmd_erase_guest(args: argparse.Namespace, db_path: Path) -> int:
    from app import privacy
    from app.cli import _context

    ctx = _context(db_path)
    match = privacy.find_guest(ctx, contact=args.contact, name=args.name)
    if not match.count:
        print(_("No incident holds these guest details; nothing to erase."))
        return 0
    if args.dry_run:
        print(ngettext("{n} incident holds these guest details.",
                       "{n} incidents hold these guest details.", match.count).format(
            n=match.count))
        return 0
    erased = privacy.erase_guest(ctx, None, contact=args.contact, name=args.name)
    print(ngettext("Guest details erased from {n} incident.",
                   "Guest details erased from {n} incidents.", erased).format(n=erased))
    return 0
