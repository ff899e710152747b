"""The weekly summary PDF in each language: translated headings, money in the store's locale,
Czech letters intact — read back with ``pdftotext``."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from app import approval, catalog, i18n, incidents, staff
from app.i18n import _
from app.models import RemedyRequest, Role
from app.pdf import render_pdf
from app.setup import init_store
from app.summary import weekly_summary
from app.weeks import Week

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

STORES = {  # language: (store name, currency, locale, time zone)
    "en": ("Harbour Café", "GBP", "en_GB", "Europe/London"),
    "nb": ("Fjord Kafé", "NOK", "nb_NO", "Europe/Oslo"),
    "es": ("Café del Puerto", "EUR", "es_ES", "Europe/Madrid"),
    "nl": ("Grachtcafé", "EUR", "nl_NL", "Europe/Amsterdam"),
    "cs": ("Kavárna U Mostu", "CZK", "cs_CZ", "Europe/Prague"),
}
OWNER_PIN = "4821"
# Three incidents in 2026-W47 (Mon 16 – Sun 22 Nov): (UTC time, category, remedy, minor units).
WEEK = [
    (datetime(2026, 11, 16, 11, 30, tzinfo=timezone.utc), "cold_food", "refund", 100_000),
    (datetime(2026, 11, 18, 18, 0, tzinfo=timezone.utc), "long_wait", "comp_item", 20_000),
    (datetime(2026, 11, 20, 12, 15, tzinfo=timezone.utc), "cold_food", "free_drink", 3_450),
]
TOTAL = Decimal("1234.50")  # 1 000,00 + 200,00 + 34,50 in the store's currency
CZECH_NOTE = "Jiří: řízek byl studený, půl hodiny čekání, ěščřžýáíéůú"
HEADINGS = ("What to fix first", "Cost of remedies", "Remedies given")


def _plain(text: str) -> str:
    """pdftotext prints no-break (U+00A0) and narrow no-break (U+202F) spaces as plain ones,
    and breaks lines where the PDF wraps: compare both sides with single plain spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _pdf_text(path) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                            capture_output=True, text=True, encoding="utf-8")
    return _plain(result.stdout)


@pytest.fixture(params=sorted(STORES))
def store_week(request, bare_ctx, clock):
    """A store in ``request.param``'s language, currency and zone, with three incidents in
    2026-W47 whose remedies add up to :data:`TOTAL`; the clock then stands in W48."""
    language = request.param
    name, currency, locale, tz = STORES[language]
    init_store(bare_ctx, store_name=name, preset="restaurant", currency=currency,
               locale=locale, language=language, timezone=tz, owner_name="Olga",
               owner_pin=OWNER_PIN)
    cashier, _changes = staff.add_staff(bare_ctx, "Jiří", Role.CASHIER)
    for when, category, remedy, amount in WEEK:
        clock.set(when)
        incidents.log_incident(
            bare_ctx, category_id=catalog.category_by_code(bare_ctx, category).id,
            remedies=[RemedyRequest(catalog.remedy_by_code(bare_ctx, remedy).id, amount)],
            staff_id=cashier.id, note=CZECH_NOTE if remedy == "refund" else None,
            approval=approval.authorize(bare_ctx, OWNER_PIN))
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))  # Tuesday of W48
    return language, bare_ctx


def test_summary_pdf_prints_translated_headings_local_money_and_czech_letters(store_week,
                                                                              tmp_path):
    language, ctx = store_week
    _name, currency, locale, _tz = STORES[language]
    i18n.set_language(language)
    summary = weekly_summary(ctx, Week.parse("2026-W47"))
    path = tmp_path / f"summary-{language}.pdf"
    render_pdf(summary, path)
    text = _pdf_text(path)

    for english in HEADINGS:
        translated = _(english)
        assert _plain(translated) in text, f"{language}: {translated!r} not in the PDF"
        if language != "en":
            assert translated != english, f"{language}: {english!r} is not translated"
            assert english not in text, f"{language}: English {english!r} in the PDF"

    # The expected amount comes from Babel/CLDR here, not from app.formatting.
    expected = format_currency(TOTAL, currency, locale=locale)
    assert _plain(expected) in text, f"{language}: {expected!r} not in the PDF"
    assert _plain(expected) == {"en": "£1,234.50", "nb": "1 234,50 kr", "es": "1.234,50 €",
                                "nl": "€ 1.234,50", "cs": "1 234,50 Kč"}[language]
    assert CZECH_NOTE in text
    assert "Jiří" in text
