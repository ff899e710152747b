#!/usr/bin/env python3
"""Comeback's translation catalogs: extract → update → compile → check.

    python scripts/i18n.py update    # extract every string, merge it into each .po
    python scripts/i18n.py compile   # .po → .mo (both are committed: a fresh clone just runs)
    python scripts/i18n.py check     # missing, untranslated, fuzzy, obsolete, placeholders,
                                     # stale .mo, plural forms; exit status 1 if anything is off

Strings come from the Python sources in app/, ui/ and db/ (keywords ``_``, ``N_``,
``ngettext``, ``pgettext``) and from the preset menus in assets/presets/*.toml (category
``label`` and ``apology``, remedy ``label``): the UI shows those through ``_()``, so a store's
stored English preset text is translated on screen while labels the owner typed pass through.
New strings arrive untranslated; an English string that changed a little arrives as a fuzzy
entry with its old translation as a hint. Only the standard library and Babel's API are used.
"""

from __future__ import annotations

import argparse
import gettext
import io
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import tomllib
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from app.i18n import DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

TARGETS = tuple(code for code in LANGUAGES if code != "en")
POT = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_DIRS = ("app", "ui", "db")
PRESET_DIR = ROOT / "assets" / "presets"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ("Translators:",)
PRESET_FIELDS = {"category": ("label", "apology"), "remedy": ("label",)}
# The plural rule every catalog must carry (gettext's, as in the GNU gettext manual).
PLURALS = {
    "nb": (2, lambda n: int(n != 1)),
    "es": (2, lambda n: int(n != 1)),
    "nl": (2, lambda n: int(n != 1)),
    "cs": (3, lambda n: 0 if n == 1 else 1 if 2 <= n <= 4 else 2),
}
_DATE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def extract_presets(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method for a preset menu (TOML): the texts the UI shows via ``_()``."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    data = tomllib.loads(text)
    for table, fields in PRESET_FIELDS.items():
        for item in data.get(table, []):
            for field in fields:
                value = item.get(field)
                if not isinstance(value, str) or not value.strip():
                    continue
                lineno = next((n for n, line in enumerate(lines, 1)
                               if line.lstrip().startswith(field) and value in line), 1)
                note = f"Preset {table} '{item.get('code', '?')}': {field}"
                if field == "apology":
                    note += " (said to the guest; a sincere apology, no excuses)"
                yield lineno, "_", value.strip(), [note]


def sources() -> Iterator[tuple[Path, object]]:
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, "python"
    for path in sorted(PRESET_DIR.glob("*.toml")):
        yield path, extract_presets


def extract() -> Catalog:
    """Every translatable string in the code and the presets, as a template catalog."""
    template = new_catalog(None)
    for path, method in sources():
        where = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
                method, path, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
                strip_comment_tags=True):
            if message and (message[0] if isinstance(message, tuple) else message):
                template.add(message, None, [(where, lineno)], auto_comments=comments,
                             context=context)
    return template


def new_catalog(lang: str | None) -> Catalog:
    name = LANGUAGES.get(lang or "", "")
    catalog = Catalog(
        locale=lang, domain=DOMAIN, project="Comeback", version="1", charset="utf-8",
        header_comment=f"# {name or 'Template'} catalog of Comeback: UI, CLI, PDF and presets.\n"
        "# Update with: python scripts/i18n.py update; see assets/locale/GLOSSARY.md.",
        msgid_bugs_address="", copyright_holder="Comeback", fuzzy=False,
        last_translator="Comeback translators", language_team=name or "Comeback translators")
    catalog.msgid_bugs_address = ""  # Babel turns an empty argument into EMAIL@ADDRESS
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def load(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def save(catalog: Catalog, path: Path) -> bool:
    """Write a .po/.pot, leaving the file alone when only its dates would change."""
    for message in catalog:
        message.flags.discard("python-format")  # our strings are str.format, never %
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False,
             ignore_obsolete=True, include_previous=True)
    new = buffer.getvalue()

    def undated(data: bytes) -> list[bytes]:
        return [line for line in data.splitlines() if not line.startswith(_DATE_HEADERS)]

    if path.exists() and undated(path.read_bytes()) == undated(new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def update() -> Catalog:
    template = extract()
    save(template, POT)
    for lang in TARGETS:
        catalog = load(lang) if po_path(lang).exists() else new_catalog(lang)
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()
        save(catalog, po_path(lang))
    return template


def compile_all() -> None:
    for lang in TARGETS:
        with mo_path(lang).open("wb") as handle:
            write_mo(handle, load(lang), use_fuzzy=False)


def key(message: Message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


def fields(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a str.format template."""
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def placeholder_problem(message: Message) -> str | None:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    wanted = set().union(*(fields(text) for text in ids))
    got = [fields(form) for form in forms]
    plural = isinstance(message.id, tuple)
    if any(form - wanted for form in got) or (set().union(*got) if plural else got[0]) != wanted:
        return f"placeholders {sorted(wanted)} vs {[sorted(form) for form in got]}"
    return None


def translated(catalog: Catalog) -> dict[tuple, object]:
    return {key(m): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalog if m.id and not m.fuzzy}


def problems(lang: str, template: Catalog) -> dict[str, list[str]]:
    """Everything wrong with one language's catalog, by kind (empty lists when all is well)."""
    found: dict[str, list[str]] = {kind: [] for kind in (
        "missing", "untranslated", "fuzzy", "obsolete", "placeholders", "plural forms",
        "stale .mo")}
    if not po_path(lang).exists():
        found["missing"] = [key(m)[1] for m in template if m.id]
        return found
    catalog = load(lang)
    wanted = {key(m): m for m in template if m.id}
    have = {key(m): m for m in catalog if m.id}
    found["missing"] = [k[1] for k in wanted if k not in have]
    found["obsolete"] = [k[1] for k in have if k not in wanted]
    found["obsolete"] += [f"#~ {m.id}" for m in catalog.obsolete.values()]
    count, rule = PLURALS[lang]
    plural_fn = gettext.c2py(catalog.plural_expr)
    if catalog.num_plurals != count or any(plural_fn(n) != rule(n) for n in range(1000)):
        found["plural forms"].append(catalog.plural_forms)
    for k, message in have.items():
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if k in wanted and isinstance(wanted[k].id, tuple) != isinstance(message.id, tuple):
            found["missing"].append(f"{k[1]} (plural form changed)")
        elif message.fuzzy:
            found["fuzzy"].append(k[1])
        elif not all(forms) or (isinstance(message.id, tuple) and len(forms) != count):
            found["untranslated"].append(k[1])
        elif problem := placeholder_problem(message):
            found["placeholders"].append(f"{k[1]}: {problem}")
    if not mo_path(lang).exists():
        found["stale .mo"].append(f"{mo_path(lang).name} does not exist")
    else:
        with mo_path(lang).open("rb") as handle:
            compiled = read_mo(handle)
        if translated(compiled) != translated(catalog) or (
                compiled.plural_forms != catalog.plural_forms):
            found["stale .mo"].append("run: python scripts/i18n.py compile")
    return found


def check() -> int:
    template = extract()
    print(f"{len([m for m in template if m.id])} strings in the code and presets.")
    status = 0
    for lang in TARGETS:
        found = problems(lang, template)
        total = sum(len(items) for items in found.values())
        print(f"{lang}: {'ok' if not total else f'{total} problem(s)'}")
        for kind, items in found.items():
            for item in items:
                print(f"  {kind}: {item!r}")
        status |= bool(total)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    if args.command == "update":
        template = update()
        print(f"{len([m for m in template if m.id])} strings; catalogs updated.")
        for lang in TARGETS:
            todo = [m for m in load(lang) if m.id and (m.fuzzy or not all(
                m.string if isinstance(m.string, tuple) else (m.string,)))]
            print(f"{lang}: {len(todo)} to translate or review")
        return 0
    if args.command == "compile":
        compile_all()
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
