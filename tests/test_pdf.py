"""The weekly summary PDF, read back with pdftotext / pdffonts (poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from app import incidents
from app.catalog import category_by_code, remedy_by_code
from app.models import RemedyRequest
from app.pdf import render_pdf
from app.summary import weekly_summary

CZECH_NOTE = "Příliš dlouhé čekání u stolu 7, polévka vychladla, host odešel domů"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")


def pdf_text(path, *options: str) -> str:
    """The PDF's text, with no-break and narrow spaces made plain spaces."""
    text = subprocess.run(["pdftotext", "-layout", *options, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def pages(path) -> list[str]:
    return pdf_text(path).split("\f")[:-1]


@pytest.fixture
def week_pdf(ctx, hand_built_week, tmp_path):
    path = tmp_path / "week.pdf"
    render_pdf(weekly_summary(ctx, "2026-W47"), path)
    return path


def test_page_one_has_the_store_week_and_headline_numbers_with_changes(week_pdf):
    first = pages(week_pdf)[0]
    assert "Fjord Kafé" in first
    assert "Week 47, 2026" in first and "16–22 Nov 2026" in first
    assert "Incidents" in first and "▲ 4 vs last week (3)" in first
    assert "615,00 kr" in first and "▲ 360 kr vs last week" in first
    assert "60 %" in first and "▼ 40 points vs last week" in first
    assert "Guests who came back" in first and "▲ 2 vs last week (0)" in first


def test_page_one_names_the_top_fix_with_its_trend(week_pdf):
    first = " ".join(pages(week_pdf)[0].split())
    plan = first.split("What to fix first", 1)[1]
    assert plan.index("Long wait") < plan.index("Wrong order") < plan.index("Undercooked")
    assert "▲ from 1 last week" in plan
    assert "4 incidents, 170 kr in remedies" in plan


def test_the_czech_note_is_printed_as_typed(week_pdf):
    text = " ".join(pdf_text(week_pdf).split())
    assert CZECH_NOTE in text
    assert "Kylling var rå i midten — kokken er varslet" in text
    assert "Fortsatt misfornøyd med ventetiden" in text


def test_tables_and_flags_are_on_page_two(week_pdf):
    second = pages(week_pdf)[1]
    for heading in ("By category", "By staff member", "Follow-ups", "Outcomes",
                    "Remedies given", "Expect abuse: who to watch", "Notes from the week"):
        assert heading in second
    assert "Kari Nordmann" in second
    assert "Sam gave 440 kr in 4 comps this week" in " ".join(second.split())


def test_every_page_is_numbered_and_dated(week_pdf):
    numbered = pages(week_pdf)
    assert len(numbered) == 2
    for number, page in enumerate(numbered, start=1):
        assert f"Page {number} of 2" in page
        assert "Printed 24/11/2026, 10:00" in page


def test_dejavu_sans_is_embedded(week_pdf):
    fonts = subprocess.run(["pdffonts", str(week_pdf)], check=True, capture_output=True,
                           text=True).stdout
    rows = [line.split() for line in fonts.splitlines() if "DejaVuSans" in line]
    assert rows and all(row[-5] == "yes" for row in rows)  # the "emb" column


def test_an_empty_week_prints_one_clean_no_incidents_page(ctx, hand_built_week, tmp_path):
    path = tmp_path / "empty.pdf"
    render_pdf(weekly_summary(ctx, "2026-W45"), path)
    numbered = pages(path)
    assert len(numbered) == 1
    assert "No incidents this week" in numbered[0] and "Page 1 of 1" in numbered[0]
    assert "Fjord Kafé" in numbered[0]


def test_markup_in_names_and_notes_is_printed_literally(ctx, clock, people, tmp_path):
    clock.set(datetime(2026, 11, 10, 12, 0, tzinfo=timezone.utc))
    incidents.log_incident(ctx, category_id=category_by_code(ctx, "cold_food").id,
                           remedies=[RemedyRequest(remedy_by_code(ctx, "remake").id)],
                           staff_id=people["Sam"], guest_name="Bob <b> & Co",
                           note="Soup <i>cold</i> & late")
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc))
    path = tmp_path / "markup.pdf"
    render_pdf(weekly_summary(ctx, "2026-W46"), path)
    text = pdf_text(path)
    assert "Soup <i>cold</i> & late" in text and "Bob <b> & Co" in text


def test_dates_speak_the_summary_language_and_money_keeps_the_store_format(
        ctx, hand_built_week, tmp_path, monkeypatch):
    from app import report_text

    # Only the dates' language: switching the whole catalog would wake every window's
    # language listener left over from other tests.
    monkeypatch.setattr(report_text.i18n, "language", lambda: "nb")
    path = tmp_path / "nb.pdf"
    render_pdf(weekly_summary(ctx, "2026-W47"), path)
    first = pages(path)[0]
    assert "16.–22. nov. 2026" in first and "615,00 kr" in first


@pytest.mark.parametrize("locale, language, expected", [
    ("nb_NO", "en", "en_NO"), ("nb_NO", "nb", "nb_NO"), ("cs_CZ", "cs", "cs_CZ"),
    ("nb_NO", "cs", "cs"), ("es_ES", "nl", "nl")])
def test_words_locale_keeps_the_country_where_cldr_knows_it(locale, language, expected):
    from app.report_text import words_locale

    assert words_locale(locale, language) == expected
