"""Voucher slips at byte level: python-escpos' Dummy printer gets the code in big type, the
Code 128 and QR commands with that code, the value and the expiry, in every language, with
Czech and Norwegian letters in the printer's code page (never "?")."""

from __future__ import annotations

import pytest

from app import catalog, i18n, incidents, printers, settings, slips, store_admin
from app.approval import Approval
from app.errors import ValidationError
from app.models import RemedyRequest
from app.slip_escpos import slip_bytes
from app.voucher_card import card_pdf

ESC_T = b"\x1bt"
CODEPAGE_SLOT = {"CP852": 18, "CP865": 5, "CP858": 19}
# language → (locale, currency, what must be on the slip, in that language)
STORES = {
    "en": ("en_GB", "GBP", ["Voucher", "£250.00", "Valid until 14 Feb 2027"]),
    "nb": ("nb_NO", "NOK", ["Verdikupong", "250,00 kr", "Gyldig til 14. feb. 2027",
                            "Beklager dagen i dag"]),
    "es": ("es_ES", "EUR", ["Vale", "250,00 €", "Válido hasta el 14 feb 2027"]),
    "nl": ("nl_NL", "EUR", ["Tegoedbon", "€ 250,00", "Geldig tot 14 feb 2027"]),
    "cs": ("cs_CZ", "CZK", ["Poukázka", "250,00 Kč", "Platí do 14. 2. 2027",
                            "Omlouváme se za dnešek"]),
}


def _voucher(ctx, owner_id: int) -> str:
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id, 25000)],
        staff_id=None, approval=Approval(owner_id, "Ingrid", ctx.clock.now()))
    return logged.voucher_codes[0]


def _store(ctx, people, language: str, width: int = 80, footer: str = "") -> str:
    locale, currency, _texts = STORES[language]
    store_admin.update_settings(ctx, people["Ingrid"], {
        "language": language, "locale": locale, "currency": currency,
        "paper_width_mm": width, "slip_footer": footer})
    i18n.set_language(language)
    return _voucher(ctx, people["Ingrid"])


def _text_bytes(text: str, codepage: str) -> bytes:
    return slips.plain(text).encode(codepage.lower())


@pytest.mark.parametrize("language", list(STORES))
def test_the_slip_holds_code_barcode_qr_value_and_expiry_in_the_store_language(
        ctx, people, language):
    code = _store(ctx, people, language)
    slip = slips.voucher_slip(ctx, code)
    data = slip_bytes(slip)

    for text in [*STORES[language][2], "Fjord Kafé"]:
        assert any(text in block.text for block in slips.layout(slip)), text
    cp = slip.codepage
    assert data.startswith(b"\x1b@" + ESC_T + bytes([CODEPAGE_SLOT[cp]]))
    for text in [slip.value, slip.expiry, slip.headline]:
        assert _text_bytes(text, cp) in data, text
    # The code in double size, Code 128 (GS k 73, set B) and QR (GS ( k … 1 P 0 data).
    assert b"\x1b!0\x1bE\x01\x1ba\x01" + code.encode() + b"\n" in data
    assert b"\x1dkI" + bytes([len(code) + 2]) + b"{B" + code.encode() in data
    qr_store = b"\x1d(k" + bytes([len(code) + 3, 0]) + b"1P0" + code.encode()
    assert qr_store in data and b"\x1d(k\x03\x001Q0" in data  # …and print it
    assert b"?" not in data
    assert data.endswith(b"\x1dV\x00")  # cut


def test_czech_letters_are_in_code_page_852_not_question_marks(ctx, people):
    code = _store(ctx, people, "cs")
    store_admin.update_settings(ctx, people["Ingrid"], {"store_name": "Kavárna Čtyři Řeky"})
    data = slip_bytes(slips.voucher_slip(ctx, code))
    assert ESC_T + b"\x12" in data  # PC852
    assert "Kavárna Čtyři".encode("cp852") in data and "Řeky".encode("cp852") in data
    assert "Kč".encode("cp852") in data and "Platí".encode("cp852") in data
    assert b"?" not in data


def test_norwegian_letters_are_in_code_page_865(ctx, people):
    code = _store(ctx, people, "nb", footer="Ærlig mat på Øvre Slottsgate, Tromsø")
    data = slip_bytes(slips.voucher_slip(ctx, code))
    assert ESC_T + b"\x05" in data  # PC865
    assert "Ærlig mat på Øvre Slottsgate, Tromsø".encode("cp865") in data
    assert b"?" not in data


def test_a_letter_the_page_lacks_switches_page_instead_of_printing_a_question_mark(ctx, people):
    code = _store(ctx, people, "cs")
    store_admin.update_settings(ctx, people["Ingrid"], {"store_name": "Café €uro Ø"})
    data = slip_bytes(slips.voucher_slip(ctx, code))
    assert b"?" not in data
    assert data.count(ESC_T) >= 2  # back to PC852 after € and Ø


@pytest.mark.parametrize("width,columns", [(80, 48), (58, 32)])
def test_every_line_fits_the_paper(ctx, people, width, columns):
    code = _store(ctx, people, "nb", width=width, footer="Åpent hver dag 10–22, "
                  "Strandkaien 12, 5013 Bergen · Takk for besøket og velkommen tilbake!")
    for block in slips.layout(slips.voucher_slip(ctx, code)):
        if block.kind in ("text", "rule"):
            assert len(block.text) * block.size <= columns, block


def test_the_sorry_card_is_signed_by_the_manager(ctx, people):
    i18n.set_language("nb")
    slip = slips.sorry_slip(ctx, 1)
    assert slip.signature == "Marco, leder" and not slip.code
    data = slip_bytes(slip)
    assert "Vi beklager".encode("cp865") in data and b"\x1dk" not in data


def test_the_voucher_card_pdf_embeds_dejavu_with_czech_text(ctx, people):
    code = _store(ctx, people, "cs")
    pdf = card_pdf(slips.voucher_slip(ctx, code))
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf and b"FontFile2" in pdf


@pytest.mark.parametrize("text,target", [
    ("", None),
    ("network:192.168.1.50", printers.Target("network", "192.168.1.50", 9100)),
    ("network:printer.local:9101", printers.Target("network", "printer.local", 9101)),
    ("usb:04b8:0202", printers.Target("usb", "04b8:0202")),
    ("serial:/dev/ttyUSB0:19200", printers.Target("serial", "/dev/ttyUSB0", 19200)),
    ("serial:COM3", printers.Target("serial", "COM3", 9600)),
    ("system:TM-T20", printers.Target("system", "TM-T20")),
    ("pdf:/srv/cards", printers.Target("pdf", "/srv/cards")),
])
def test_printer_setting_names_the_target(text, target):
    assert printers.parse_target(text) == target


@pytest.mark.parametrize("text", ["lpt1", "network:", "usb:epson", "network:host:99999"])
def test_a_printer_setting_that_makes_no_sense_is_refused_with_what_to_write(text):
    with pytest.raises(ValidationError) as refused:
        settings.validate("printer", text)
    assert refused.value.field == "printer" and "Slip printer" in str(refused.value)


def test_a_usb_printer_without_pyusb_says_what_to_install(monkeypatch):
    from escpos.printer import Usb

    monkeypatch.setattr(Usb, "is_usable", staticmethod(lambda: False))
    with pytest.raises(printers.PrinterError, match="pip install pyusb"):
        printers.send(printers.Target("usb", "04b8:0202"), b"x")


def test_a_printer_that_is_not_there_gives_a_clear_reason():
    import socket

    with socket.socket() as probe:  # a free port, nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(printers.PrinterError, match="cannot be reached"):
        printers.send(printers.Target("network", "127.0.0.1", port), b"x", timeout=1)
