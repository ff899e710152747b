"""``comeback reset-pin``: a new PIN for someone who forgot theirs (or the only owner's).

It needs the database file, so only someone at the machine can run it; it is written to the
audit log and says what it did.
"""

from __future__ import annotations

import argparse

from app.i18n import _


def add_parsers(sub) -> None:
    reset = sub.add_parser("reset-pin", help=_("give a staff member a new PIN (audited)"))
    reset.add_argument("--staff", required=True, help=_("staff name"))
    reset.add_argument("--pin", default=None,
                       help=_("the new PIN, 4–8 digits (default: a random one, printed)"))


def cmd_reset_pin(args: argparse.Namespace, ctx) -> int:
    from app import staff

    member = staff.find_by_name(ctx, args.staff)
    pin, made = staff.reset_pin(ctx, member.id, args.pin)
    if made:
        print(_("New PIN for {name} ({role}): {pin}").format(
            name=member.name, role=member.role.label(), pin=pin))
    else:
        print(_("{name} ({role}) now has the PIN you gave.").format(
            name=member.name, role=member.role.label()))
    print(_("Written to the audit log: PIN reset from the command line."))
    return 0
