"""The translation catalogs match the code: every string used is translated in every language.

The strings are extracted now, from the current sources and presets, with the same extractor
as ``python scripts/i18n.py update`` (so a new ``_()`` without a translation fails here), and
``_()`` switches language at run time without a restart.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from app import i18n
from app.i18n import _, ngettext, pgettext

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("i18n_tool", module)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
LANGS = tool.TARGETS


@pytest.fixture(scope="module")
def template():
    return tool.extract()


@pytest.fixture(scope="module")
def found(template):
    return {lang: tool.problems(lang, template) for lang in LANGS}


def _report(items: list[str]) -> str:
    shown = "\n  ".join(repr(item) for item in items[:25])
    more = f"\n  … and {len(items) - 25} more" if len(items) > 25 else ""
    return (f"{len(items)} entries:\n  {shown}{more}\n"
            "Run: python scripts/i18n.py update, translate, python scripts/i18n.py compile")


def test_catalogs_exist_for_every_language_but_english():
    assert set(LANGS) == set(i18n.LANGUAGES) - {"en"}
    for lang in LANGS:
        assert tool.po_path(lang).is_file()
        assert tool.mo_path(lang).is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_used_in_the_code_is_in_the_catalog(found, lang):
    assert not found[lang]["missing"], _report(found[lang]["missing"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated_and_none_is_fuzzy(found, lang):
    todo = found[lang]["untranslated"] + [f"fuzzy: {m}" for m in found[lang]["fuzzy"]]
    assert not todo, _report(todo)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_has_no_entries_the_code_no_longer_uses(found, lang):
    assert not found[lang]["obsolete"], _report(found[lang]["obsolete"])


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders_of_the_english(found, lang):
    assert not found[lang]["placeholders"], _report(found[lang]["placeholders"])


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_mo_is_in_sync_with_the_po(found, lang):
    assert not found[lang]["stale .mo"], found[lang]["stale .mo"]


@pytest.mark.parametrize(("lang", "nplurals", "forms"), [
    ("nb", 2, {0: 1, 1: 0, 2: 1, 5: 1, 21: 1}),
    ("es", 2, {0: 1, 1: 0, 2: 1, 5: 1, 21: 1}),
    ("nl", 2, {0: 1, 1: 0, 2: 1, 5: 1, 21: 1}),
    ("cs", 3, {0: 2, 1: 0, 2: 1, 3: 1, 4: 1, 5: 2, 11: 2, 21: 2, 22: 2, 101: 2}),
])
def test_plural_forms_header_is_right_for_the_language(found, lang, nplurals, forms):
    catalog = tool.load(lang)
    assert catalog.num_plurals == nplurals
    assert not found[lang]["plural forms"]
    import gettext

    plural = gettext.c2py(catalog.plural_expr)
    assert {n: plural(n) for n in forms} == forms


def test_extraction_covers_every_translation_function(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        'from app.i18n import N_, _, ngettext, pgettext\n'
        'A = N_("Marked")\n'
        'b = _("Shown")\n'
        'c = ngettext("{n} guest", "{n} guests", 2)\n'
        'd = pgettext("button", "Open")\n', encoding="utf-8")
    found = {(context, message) for _line, message, _comments, context in
             extract_from_file("python", source, keywords=tool.KEYWORDS)}
    assert found == {(None, "Marked"), (None, "Shown"), (None, ("{n} guest", "{n} guests")),
                     ("button", "Open")}


def test_extraction_includes_preset_labels_and_apology_lines(template):
    cold = template.get("Cold food")
    apology = template.get("I'm sorry your food was cold, and I'm having a fresh, hot plate "
                           "made for you right now.")
    remedy = template.get("Free dessert")
    assert cold and apology and remedy
    assert any("restaurant.toml" in path for path, _line in apology.locations)
    assert any("no excuses" in comment for comment in apology.auto_comments)
    assert template.get("Damaged item") is not None  # retail preset too


def test_preset_extractor_skips_codes_icons_and_numbers():
    data = (b'[[category]]\ncode = "x"\nlabel = "Late"\nicon = "late"\n'
            b'apology = "Sorry."\nfollowup_minutes = 5\n'
            b'[[remedy]]\ncode = "y"\nlabel = "Gift"\nkind = "comp_item"\nvalue = 100\n')
    texts = [(line, text) for line, _f, text, _c in
             tool.extract_presets(io.BytesIO(data), {}, (), {})]
    assert texts == [(3, "Late"), (5, "Sorry."), (9, "Gift")]


def test_check_flags_placeholders_that_differ_from_the_english():
    from babel.messages.catalog import Message

    assert tool.placeholder_problem(Message("Hi {name}", "Hei {navn}")) is not None
    assert tool.placeholder_problem(Message("Hi {name}", "Hei {name}!")) is None
    one_form_without_n = Message(("{n} try left", "{n} tries left"),
                                 ("Ett forsøk igjen", "{n} forsøk igjen"))
    assert tool.placeholder_problem(one_form_without_n) is None
    assert tool.placeholder_problem(Message(("{n} try", "{n} tries"), ("a", "b"))) is not None


def test_set_language_switches_translations_at_run_time_and_back():
    assert _("Cold food") == "Cold food"
    i18n.set_language("cs")
    assert i18n.language() == "cs"
    assert _("Cold food") == "Studené jídlo"
    assert _("Voucher") == "Poukázka"
    i18n.set_language("nb")
    assert _("Cold food") == "Kald mat"
    i18n.set_language("es_ES")
    assert _("Cold food") == "Comida fría"
    i18n.set_language("nl-NL")
    assert _("Cold food") == "Koud eten"
    i18n.set_language("en")
    assert _("Cold food") == "Cold food"


def test_czech_uses_its_three_plural_forms_at_run_time():
    i18n.set_language("cs")
    text = "That PIN is not a manager's or owner's PIN. {n} try left."
    plural = "That PIN is not a manager's or owner's PIN. {n} tries left."
    got = {n: ngettext(text, plural, n).format(n=n) for n in (1, 3, 5)}
    assert got[1].endswith("Zbývá 1 pokus.")
    assert got[3].endswith("Zbývají 3 pokusy.")
    assert got[5].endswith("Zbývá 5 pokusů.")


def test_unknown_language_and_unknown_context_fall_back_to_english():
    i18n.set_language("xx")
    assert i18n.language() == "en"
    assert _("Cold food") == "Cold food"
    i18n.set_language("nb")
    assert pgettext("no such context", "Cold food") == "Cold food"


def test_check_reports_missing_obsolete_fuzzy_and_stale_mo(tmp_path, monkeypatch, template):
    import shutil

    shutil.copytree(tool.LOCALE_DIR, tmp_path / "locale")
    monkeypatch.setattr(tool, "LOCALE_DIR", tmp_path / "locale")
    catalog = tool.load("nl")
    del catalog["Cold food"]
    catalog.add("A string nobody uses any more", "Een string die niemand meer gebruikt")
    catalog["Voucher"].flags.add("fuzzy")
    catalog["Remake"].string = "Opnieuw bereiden"
    tool.save(catalog, tool.po_path("nl"))
    found = tool.problems("nl", template)
    assert found["missing"] == ["Cold food"]
    assert found["obsolete"] == ["A string nobody uses any more"]
    assert found["fuzzy"] == ["Voucher"]
    assert found["stale .mo"]
    catalog["{n} incident"].string = ("{n} incident", "")
    tool.save(catalog, tool.po_path("nl"))
    assert "{n} incident" in tool.problems("nl", template)["untranslated"]
