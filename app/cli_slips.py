"""``comeback slip``: print a voucher's slip again, a test slip, or the voucher card as PDF.

Kept apart from :mod:`app.cli`: python-escpos and reportlab load only when a slip is made.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.errors import ComebackError, ValidationError
from app.i18n import _


def add_parsers(sub) -> None:
    slip = sub.add_parser("slip", help=_("print a voucher's slip on the store's printer, or "
                                         "write its voucher card as a PDF"))
    slip.add_argument("code", nargs="?", default=None,
                      help=_("the voucher code, e.g. K7M-3QX"))
    slip.add_argument("--test", action="store_true",
                      help=_("print a test slip instead (checks the printer setting)"))
    slip.add_argument("--card", type=Path, default=None, metavar="FILE.pdf",
                      help=_("write the voucher card PDF here instead of printing"))


def cmd_slip(args: argparse.Namespace, db_path: Path) -> int:
    from app import printers, slips, vouchers
    from app.cli import _context

    ctx = _context(db_path)
    if args.test:
        slip = slips.test_slip(ctx)
    elif args.code:
        slip = slips.voucher_slip(ctx, vouchers.normalise(args.code))
    else:
        raise ValidationError("code", _("Give a voucher code, e.g. comeback slip K7M-3QX, or "
                                        "--test."))
    if args.card is not None:
        from app.voucher_card import card_pdf

        try:
            args.card.write_bytes(card_pdf(slip))
        except OSError as error:
            raise ComebackError(_("Could not write {path}: {reason}").format(
                path=args.card, reason=error.strerror or error)) from None
        print(_("Wrote the voucher card to {path}.").format(path=args.card))
        return 0
    try:
        target = printers.parse_target(ctx.settings().printer)
    except ValueError as error:
        raise ValidationError("printer", str(error)) from None
    if target is None:
        raise ComebackError(_("No printer is set: comeback slip CODE --card card.pdf writes "
                              "the voucher card, or set the printer in the back office."))
    if target.kind == "pdf":
        from app.voucher_card import card_file_name, card_pdf

        path = printers.write_pdf(target.address, card_file_name(slip), card_pdf(slip))
        print(_("Voucher card saved: {path}").format(path=path))
        return 0
    from app.slip_escpos import slip_bytes

    printers.send(target, slip_bytes(slip))
    print(_("Printed on {target}.").format(target=target.describe()))
    return 0


COMMANDS = {"slip": cmd_slip}
