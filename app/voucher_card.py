"""The voucher as a card (PDF, A6 landscape) for stores without a receipt printer: print it on
an ordinary printer, or send it to the guest. The same texts as the slip (:mod:`app.slips`),
with the code as a Code 128 barcode and a QR code; DejaVu Sans is embedded, so Czech and
Norwegian letters print as they are.
"""

from __future__ import annotations

import io

from app.slips import Slip

WIDTH_MM, HEIGHT_MM = 148, 105


def card_pdf(slip: Slip) -> bytes:
    """The card for a voucher slip, as PDF bytes."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import code128
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    from app.pdf_charts import ACCENT, FONT, FONT_BOLD, INK, MUTED, RULE, register_fonts

    register_fonts()
    width, height = WIDTH_MM * mm, HEIGHT_MM * mm
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"{slip.headline} {slip.code}".strip())
    pdf.setAuthor(slip.store_name)
    margin = 9 * mm
    # A band with the store's name.
    pdf.setFillColor(ACCENT)
    pdf.rect(0, height - 19 * mm, width, 19 * mm, stroke=0, fill=1)
    pdf.setFillColor("white")
    pdf.setFont(FONT_BOLD, 17)
    pdf.drawString(margin, height - 12.5 * mm, slip.store_name)
    # Left column: what it is, the message, the value, the code, until when.
    text_width = width - 2 * margin - 44 * mm
    y = height - 29 * mm
    pdf.setFillColor(INK)
    pdf.setFont(FONT_BOLD, 13)
    pdf.drawString(margin, y, slip.headline)
    y -= 6 * mm
    pdf.setFont(FONT, 9.5)
    for line in simpleSplit(slip.message, FONT, 9.5, text_width):
        pdf.drawString(margin, y, line)
        y -= 4.6 * mm
    if slip.value:
        y -= 8 * mm
        pdf.setFont(FONT_BOLD, 24)
        pdf.drawString(margin, y, slip.value)
        y -= 11 * mm
    if slip.code:
        pdf.setFont(FONT_BOLD, 20)
        pdf.drawString(margin, y, slip.code)
        y -= 7 * mm
    if slip.expiry:
        pdf.setFont(FONT_BOLD, 9.5)
        pdf.drawString(margin, y, slip.expiry)
    if slip.signature:  # the sorry card
        pdf.setFont(FONT_BOLD, 11)
        pdf.drawString(margin, y - 6 * mm, slip.signature)
    # Right column: QR above, barcode below.
    if slip.code:
        qr = QrCodeWidget(slip.code, barLevel="M")
        left, bottom, right, top = qr.getBounds()
        size = 36 * mm
        drawing = Drawing(size, size, transform=[size / (right - left), 0, 0,
                                                 size / (top - bottom), 0, 0])
        drawing.add(qr)
        renderPDF.draw(drawing, pdf, width - margin - size, height - 23 * mm - size)
        barcode = code128.Code128(slip.code, barHeight=11 * mm, barWidth=0.36 * mm,
                                  quiet=False)
        barcode.drawOn(pdf, width - margin - barcode.width, 25 * mm)
    # Bottom: how to use it, and the store's footer.
    pdf.setStrokeColor(RULE)
    pdf.line(margin, 19 * mm, width - margin, 19 * mm)
    pdf.setFillColor(MUTED)
    pdf.setFont(FONT, 8.5)
    y = 14 * mm
    for line in ([slip.hint] if slip.hint else []) + ([slip.footer] if slip.footer else []):
        for part in simpleSplit(line, FONT, 8.5, width - 2 * margin)[:1]:
            pdf.drawString(margin, y, part)
            y -= 4.4 * mm
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def card_file_name(slip: Slip, incident_id: int | None = None) -> str:
    """``voucher-K7M-3QX.pdf``; a card without a code: ``sorry-<incident>.pdf``."""
    if slip.code:
        return f"voucher-{slip.code}.pdf"
    return f"{slip.kind}-{incident_id}.pdf" if incident_id is not None else f"{slip.kind}.pdf"
