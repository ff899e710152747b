"""Pictures of the voucher slip (80 and 58 mm) and the PDF voucher card, for docs/.

The slip is drawn from the same :func:`app.slips.layout` the ESC/POS renderer prints, one
pixel per printer dot (203 dpi: 576 dots on 80 mm paper, 384 on 58 mm), with a monospaced
font in font A's 12×24 cell; the barcode is python-barcode's Code 128 modules and the QR the
qrcode package's modules, at the module sizes sent to the printer. The card is the PDF
rendered at 60 dpi with pdftoppm.

    python scripts/screenshots_slips.py [--out docs]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from app.slip_escpos import BARCODE_MODULE, QR_MODULE  # noqa: E402
from app.slips import Slip, layout  # noqa: E402

DOTS = {80: 576, 58: 384}
MONO = Path("/usr/share/fonts/truetype/dejavu")


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    path = MONO / name if (MONO / name).exists() else \
        ROOT / "assets" / "fonts" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size)


def slip_picture(slip: Slip) -> Image.Image:
    """The slip as the printer draws it: black on white, one pixel per dot."""
    import barcode
    import qrcode

    width = DOTS.get(slip.width_mm, 576)
    image = Image.new("L", (width + 48, 2400), 255)
    draw = ImageDraw.Draw(image)
    x0, y = 24, 24
    for block in layout(slip):
        if block.kind in ("text", "rule"):
            size = block.size
            font = _font(block.bold, 20 * size)
            text_width = draw.textlength(block.text, font=font)
            draw.text((x0 + (width - text_width) / 2, y), block.text, font=font, fill=0)
            y += 24 * size + 4
        elif block.kind == "feed":
            y += 24
        elif block.kind == "barcode":
            modules = barcode.get_barcode_class("code128")(block.text).build()[0]
            unit = BARCODE_MODULE.get(slip.width_mm, 2)
            x = x0 + (width - len(modules) * unit) // 2
            for n, bit in enumerate(modules):
                if bit == "1":
                    draw.rectangle([x + n * unit, y, x + (n + 1) * unit - 1, y + 79], fill=0)
            y += 80 + 24
        elif block.kind == "qr":
            code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_L)
            code.add_data(block.text)
            code.make(fit=True)
            matrix = code.get_matrix()
            unit = QR_MODULE.get(slip.width_mm, 6)
            x = x0 + (width - len(matrix) * unit) // 2
            for row, cells in enumerate(matrix):
                for col, dark in enumerate(cells):
                    if dark:
                        draw.rectangle([x + col * unit, y + row * unit,
                                        x + (col + 1) * unit - 1, y + (row + 1) * unit - 1],
                                       fill=0)
            y += len(matrix) * unit + 24
    # Tear-off edge under the cut.
    image = image.crop((0, 0, width + 48, y + 24))
    frame = Image.new("L", (image.width + 2, image.height + 2), 180)
    frame.paste(image, (1, 1))
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    out = Path(args.out)

    from app import catalog, i18n, incidents, slips, store_admin
    from app.approval import Approval
    from app.clock import FixedClock
    from app.context import Context
    from app.models import RemedyRequest
    from app.setup import init_store
    from app.voucher_card import card_pdf
    from db.connection import open_database

    def store(name: str, currency: str, locale: str, language: str, tz: str, footer: str,
              amount: int) -> tuple[Context, str]:
        ctx = Context(open_database(None), FixedClock(datetime(2026, 11, 16, 11, 0,
                                                               tzinfo=timezone.utc)))
        init_store(ctx, store_name=name, preset="restaurant", currency=currency,
                   locale=locale, language=language, timezone=tz, owner_name="Ingrid",
                   owner_pin="4821")
        i18n.set_language(language)
        store_admin.update_settings(ctx, 1, {"slip_footer": footer})
        logged = incidents.log_incident(
            ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
            remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id, amount)],
            staff_id=None, approval=Approval(1, "Ingrid", ctx.clock.now()))
        return ctx, logged.voucher_codes[0]

    ctx, code = store("Fjord Kafé", "NOK", "nb_NO", "nb", "Europe/Oslo",
                      "Strandkaien 12, Bergen · åpent hver dag 10–22 · fjordkafe.no", 15000)
    for width in (80, 58):
        store_admin.update_settings(ctx, 1, {"paper_width_mm": width})
        slip_picture(slips.voucher_slip(ctx, code)).save(out / f"slip-{width}mm.png")
    # The card in Czech: the letters the PDF font must carry.
    ctx, code = store("Kavárna U Čtyř Řek", "CZK", "cs_CZ", "cs", "Europe/Prague",
                      "Náměstí Míru 8, Praha 2 · otevřeno denně 8–22", 30000)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "card.pdf"
        pdf.write_bytes(card_pdf(slips.voucher_slip(ctx, code)))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf),
                        str(out / "voucher-card")], check=True)
    print(f"wrote {out}/slip-80mm.png, slip-58mm.png, voucher-card.png")


if __name__ == "__main__":
    main()
