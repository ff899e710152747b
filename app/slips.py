"""What a slip says, as plain data: the voucher slip a guest takes home, the optional
"we're sorry" card for every incident, and the back office's test slip.

A :class:`Slip` holds finished, translated text (store language, store money and date
formats); :func:`layout` turns it into a list of :class:`Block` s for a paper width. The
ESC/POS renderer (:mod:`app.slip_escpos`) and the picture preview (:mod:`app.slip_preview`)
both draw that same list, so what the docs show is what the printer gets.

Receipt printers print 12×24-dot characters ("font A") at 203 dpi: 48 per line on 80 mm paper
(72 mm printable), 32 on 58 mm (48 mm printable); double-width text takes two columns.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from app.context import Context
from app.errors import NotFound
from app.i18n import _

#: Paper width (mm) → characters per line in font A.
COLUMNS = {80: 48, 58: 32}
#: The code page a language's letters are in (ESC t; python-escpos' names). PC852 (Latin-2)
#: has every Czech letter, PC865 (Nordic) æ ø å, PC858 is PC850 with €. A letter a page
#: lacks (€ on a Czech slip) makes python-escpos switch page for it, never a "?".
CODEPAGES = {"cs": "CP852", "nb": "CP865", "en": "CP858", "es": "CP858", "nl": "CP858"}
#: Typography a receipt printer has no glyph for, in any code page, and its plain form.
_PLAIN = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2013": "-",
                        "\u2014": "-", "\u2212": "-", "\u201c": '"', "\u201d": '"',
                        "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'",
                        "\u2026": "...", "\u00b7": "-"})


class Slip(NamedTuple):
    """One slip, every text final. ``code`` is empty on a slip without a voucher."""

    kind: str  # "voucher", "sorry" or "test"
    width_mm: int
    language: str
    store_name: str
    headline: str
    message: str
    value: str = ""
    code: str = ""
    expiry: str = ""
    signature: str = ""
    hint: str = ""
    footer: str = ""

    @property
    def columns(self) -> int:
        return COLUMNS.get(self.width_mm, COLUMNS[80])

    @property
    def codepage(self) -> str:
        return CODEPAGES.get(self.language, "CP858")


class Block(NamedTuple):
    """One piece of a laid-out slip: ``kind`` is text, barcode, qr, rule or feed.

    Text blocks are already wrapped to the paper: ``size`` 2 = double width and height.
    """

    kind: str
    text: str = ""
    size: int = 1
    bold: bool = False
    align: str = "center"


def plain(text: str) -> str:
    """Text with typography a receipt printer cannot print made plain (– → -, “ → ")."""
    return text.translate(_PLAIN)


def wrap(text: str, columns: int) -> list[str]:
    return textwrap.wrap(plain(text), columns) or [""]


def layout(slip: Slip) -> list[Block]:
    """The slip as blocks, top to bottom, wrapped for its paper width."""
    cols = slip.columns
    blocks: list[Block] = []

    def text(value: str, size: int = 1, bold: bool = False) -> None:
        if value:
            blocks.extend(Block("text", line, size, bold) for line in wrap(value, cols // size))

    text(slip.store_name, 2, True)
    blocks.append(Block("rule", "-" * cols))
    text(slip.headline, 2 if len(plain(slip.headline)) <= cols // 2 else 1, True)
    blocks.append(Block("feed"))
    text(slip.message)
    if slip.value:
        blocks.append(Block("feed"))
        text(slip.value, 2, True)
    if slip.code:
        blocks.append(Block("feed"))
        text(slip.code, 2, True)
        blocks.append(Block("barcode", slip.code))
        blocks.append(Block("qr", slip.code))
    if slip.expiry:
        text(slip.expiry, 1, True)
    if slip.signature:
        blocks.append(Block("feed"))
        text(slip.signature)
    if slip.hint:
        blocks.append(Block("feed"))
        text(slip.hint)
    if slip.footer:
        blocks.append(Block("rule", "-" * cols))
        text(slip.footer)
    blocks.append(Block("feed"))
    return blocks


# -- the slips ------------------------------------------------------------------------------
def voucher_slip(ctx: Context, code: str) -> Slip:
    """The slip for voucher ``code`` (as issued), in the store's language and formats."""
    from app.clock import from_iso
    from app.formatting import local_time, medium_date, money
    from app.i18n import language
    from db import vouchers as vouchers_db

    row = vouchers_db.voucher_by_code(ctx.db, code)
    if row is None or row["store_id"] != ctx.store_id:
        raise NotFound("code", _("No voucher with code {code}. Check the slip and try again.")
                       .format(code=code))
    s = ctx.settings()
    expires = local_time(from_iso(row["expires_at"]), s.timezone).date()
    return Slip(
        kind="voucher", width_mm=s.paper_width_mm, language=language(),
        store_name=s.store_name,
        headline=_("Voucher"),
        message=_("Sorry about today. We'd love to see you again."),
        value=money(row["amount_minor"], s.currency, s.locale),
        code=row["code"],
        expiry=_("Valid until {date}").format(date=medium_date(expires, s.locale)),
        hint=_("Show this slip at the counter, or tell us the code."),
        footer=s.slip_footer)


def voucher_slips_for_incident(ctx: Context, incident_id: int) -> list[Slip]:
    """Every live voucher of an incident, as slips (for a reprint)."""
    from db import vouchers as vouchers_db

    return [voucher_slip(ctx, row["code"])
            for row in vouchers_db.vouchers_for_incident(ctx.db, incident_id)]


def manager_name(ctx: Context) -> str:
    """Who signs the sorry card: the first active manager, else the owner."""
    from app import staff
    from app.models import Role

    members = staff.list_staff(ctx)
    for role in (Role.MANAGER, Role.OWNER):
        for member in members:
            if member.role is role:
                return member.name
    return ""


def sorry_slip(ctx: Context, incident_id: int) -> Slip:
    """The "we're sorry" card for an incident, signed with the manager's name."""
    from app.i18n import language

    s = ctx.settings()
    name = manager_name(ctx)
    return Slip(
        kind="sorry", width_mm=s.paper_width_mm, language=language(),
        store_name=s.store_name,
        headline=_("We're sorry"),
        message=_("Something went wrong for you today, and that is not how we want your "
                  "visit to be. Thank you for telling us."),
        signature=_("{name}, manager").format(name=name) if name else "",
        footer=s.slip_footer)


def test_slip(ctx: Context) -> Slip:
    """The back office's "Print a test slip": every letter of the language, a sample code."""
    from app.formatting import money
    from app.i18n import language

    s = ctx.settings()
    letters = {"cs": "ÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ áčďéěíňóřšťúůýž", "nb": "ÆØÅ æøå",
               "es": "ÁÉÍÓÚÑÜ áéíóúñü ¿¡", "nl": "ÉËÏÖ éëïö"}.get(language(), "£ €")
    return Slip(
        kind="test", width_mm=s.paper_width_mm, language=language(),
        store_name=s.store_name,
        headline=_("Test slip"),
        message=_("If you can read this, voucher slips will print here.") + " " + letters,
        value=money(12345, s.currency, s.locale),
        code="K7M-3QX",
        expiry=_("{n} mm paper, {columns} characters a line").format(
            n=s.paper_width_mm, columns=COLUMNS.get(s.paper_width_mm, 48)),
        footer=s.slip_footer)
