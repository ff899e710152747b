"""The weekly summary PDF in each language: a translated heading and money in the locale."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from app import approval, catalog, i18n, incidents, staff
from app.formatting import money
from app.i18n import _
from app.models import RemedyRequest, Role
from app.pdf import render_pdf
from app.setup import init_store
from app.summary import weekly_summary

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

STORES = {  # language: (currency, locale, time zone)
    "en": ("GBP", "en_GB", "Europe/London"),
    "nb": ("NOK", "nb_NO", "Europe/Oslo"),
    "es": ("EUR", "es_ES", "Europe/Madrid"),
    "nl": ("EUR", "nl_NL", "Europe/Amsterdam"),
    "cs": ("CZK", "cs_CZ", "Europe/Prague"),
}
TOTAL_MINOR = 123450  # a refund of 1 234,50 in the store's currency
NOTE = "Řízek byl studený, ůčet opraven, host odešel spokojený: ě š č ž"


def _plain(text: str) -> str:
    """pdftotext may print no-break and narrow spaces as plain ones: compare on plain."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize("language", sorted(STORES))
def test_summary_pdf_speaks_the_store_language_with_local_money(bare_ctx, clock, tmp_path,
                                                                language):
    currency, locale, tz = STORES[language]
    init_store(bare_ctx, store_name="Store", preset="restaurant", currency=currency,
               locale=locale, language=language, timezone=tz, owner_name="Olga",
               owner_pin="4821")
    cashier, _changes = staff.add_staff(bare_ctx, "Sam", Role.CASHIER)
    clock.set(datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc))  # Wed of 2026-W47
    grant = approval.authorize(bare_ctx, "4821")
    incidents.log_incident(
        bare_ctx, category_id=catalog.category_by_code(bare_ctx, "cold_food").id,
        remedies=[RemedyRequest(catalog.remedy_by_code(bare_ctx, "refund").id, TOTAL_MINOR)],
        staff_id=cashier.id, note=NOTE, severity="high", approval=grant)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))
    i18n.set_language(language)
    path = tmp_path / f"summary-{language}.pdf"
    render_pdf(weekly_summary(bare_ctx, "2026-W47"), path)
    text = _plain(subprocess.run(["pdftotext", str(path), "-"], check=True,
                                 capture_output=True, text=True).stdout)

    heading = _("What to fix first")
    assert _plain(heading) in text
    if language != "en":
        assert heading != "What to fix first"
        assert "What to fix first" not in text
    expected_money = _plain(money(TOTAL_MINOR, currency, locale))
    assert expected_money in text
    assert {"en": "£1,234.50", "nb": "1 234,50 kr", "es": "1.234,50 €", "nl": "€ 1.234,50",
            "cs": "1 234,50 Kč"}[language] == expected_money
    assert _plain(NOTE) in text
