"""What the report and follow-up processes no longer spend (issue 13, process floors):
Babel's locale parsed once per process, the PDF's markup escaped without
``xml.sax.saxutils`` (urllib.request, http.client, email, ssl), and reportlab's shape
checking off while a report is built, with the same PDF and the setting given back."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from app import formatting
from tests.conftest import cli_init_store

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.sqlite_only


def test_a_locale_is_parsed_once_and_formats_as_its_name_did():
    from babel.dates import format_date, format_time
    from babel.numbers import format_currency

    first = formatting.babel_locale("nb_NO")
    assert formatting.babel_locale("nb_NO") is first
    assert formatting.babel_locale(first) is first  # a Locale is handed on as it is
    when = datetime(2026, 11, 30, 17, 5, tzinfo=timezone.utc)
    assert formatting.money(123450, "NOK", "nb_NO") == format_currency(
        1234.5, "NOK", locale="nb_NO") == "1\xa0234,50\xa0kr"
    assert formatting.short_time(when, "Europe/Oslo", "nb_NO") == format_time(
        formatting.local_time(when, "Europe/Oslo"), format="short", locale="nb_NO")
    assert formatting.medium_date(date(2026, 11, 30), "cs_CZ") == format_date(
        date(2026, 11, 30), format="medium", locale="cs_CZ")
    assert formatting.parse_money("12,50", "NOK", "nb_NO") == 1250


def test_an_unknown_locale_is_refused_as_babel_refused_it():
    from babel import UnknownLocaleError

    with pytest.raises(UnknownLocaleError):
        formatting.money(100, "EUR", "xx_YY")


def test_the_pdf_s_markup_is_escaped_as_before():
    from xml.sax.saxutils import escape as sax_escape

    from app.pdf import escape

    text = 'Tom & Jerry <b>"the" \'best\'</b> > 5'
    assert escape(text) == sax_escape(text)


@pytest.mark.parametrize("chain", [[], ["--chain"]], ids=["store", "chain"])
def test_the_report_process_loads_neither_saxutils_nor_urllib_request(tmp_path, chain):
    path = tmp_path / "store.db"
    cli_init_store(path)
    out = tmp_path / "week.pdf"
    code = (f"import sys\nfrom app.cli import main\n"
            f"assert main(['report', '--db', {str(path)!r}, '--week', '2026-W47', "
            f"'--out', {str(out)!r}] + {chain!r}) == 0\n"
            f"from reportlab import rl_config\n"
            f"print(' '.join(sorted(sys.modules)), rl_config.shapeChecking)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    words = done.stdout.split()
    assert "xml.sax.saxutils" not in words and "urllib.request" not in words
    assert words[-1] == "1"  # reportlab's setting given back after the report
    assert out.read_bytes().startswith(b"%PDF")


def test_render_pdf_gives_reportlab_s_shape_checking_back(tmp_path):
    from reportlab import rl_config

    from app.pdf import _no_shape_checks

    before = rl_config.shapeChecking
    with pytest.raises(RuntimeError), _no_shape_checks():
        assert rl_config.shapeChecking == 0
        raise RuntimeError("a failed page")
    assert rl_config.shapeChecking == before
