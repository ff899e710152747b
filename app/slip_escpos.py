"""A :class:`app.slips.Slip` as ESC/POS bytes, drawn with python-escpos (no Qt, no device).

Text goes through python-escpos' magic encoding, starting in the language's code page
(PC852 for Czech, PC865 for Norwegian, PC858 otherwise): a letter that page lacks makes it
switch page for that letter, so nothing comes out as "?". The code is printed three times:
in big type, as a Code 128 barcode and as a QR code, both drawn by the printer itself
(GS k / GS ( k), so a scanner reads back exactly the code.
"""

from __future__ import annotations

from app.slips import Block, Slip, layout, plain

#: Barcode module width (dots) and QR module size per paper width: the barcode of a
#: 7-character code is ~130 modules, which must fit 576 (80 mm) or 384 (58 mm) dots.
BARCODE_MODULE = {80: 3, 58: 2}
QR_MODULE = {80: 8, 58: 6}


def render(slip: Slip, printer) -> None:
    """Draw ``slip`` on a python-escpos printer object (Dummy, Network, Usb…)."""
    printer.hw("INIT")
    printer.charcode(slip.codepage)  # ESC t: the language's page first…
    printer.charcode("AUTO")  # …and another page only for a letter it lacks
    for block in layout(slip):
        _block(printer, slip, block)
    printer.set(align="left", normal_textsize=True, bold=False)
    printer.cut()


def _block(printer, slip: Slip, block: Block) -> None:
    if block.kind == "text":
        printer.set(align=block.align, bold=block.bold, normal_textsize=block.size == 1,
                    double_width=block.size == 2, double_height=block.size == 2)
        printer.textln(plain(block.text))
    elif block.kind == "rule":
        printer.set(align="center", bold=False, normal_textsize=True)
        printer.textln(block.text)
    elif block.kind == "feed":
        printer.ln()
    elif block.kind == "barcode":
        printer.set(align="center", normal_textsize=True, bold=False)
        # Code 128 set B ("{B"): letters, digits and the dash as they are. The hardware
        # renderer is called directly: barcode() prints its choice of renderer to stdout.
        printer._hw_barcode("{B" + block.text, "CODE128", height=80,
                            width=BARCODE_MODULE.get(slip.width_mm, 2), pos="OFF",
                            function_type="B")
        printer.ln()
    elif block.kind == "qr":
        printer.set(align="center")
        printer.qr(block.text, size=QR_MODULE.get(slip.width_mm, 6), native=True)
        printer.ln()


def slip_bytes(slip: Slip) -> bytes:
    """The slip's ESC/POS bytes, drawn on python-escpos' Dummy printer."""
    from escpos.printer import Dummy

    dummy = Dummy()
    render(slip, dummy)
    return dummy.output
