#!/usr/bin/env python3
"""Comeback's translation catalogs: extract → update → compile → check.

    python scripts/i18n.py update    # extract every string, merge it into each .po
    python scripts/i18n.py compile   # .po → .mo and Qt overlays .ts → .qm (all committed)
    python scripts/i18n.py check     # missing, untranslated, fuzzy, obsolete, placeholders,
                                     # plural forms, stale .mo/.qm; exit status 1 if any

Strings come from app/, ui/ and db/ (``_``, ``N_``, ``ngettext``, ``pgettext``) and from the
preset menus (scripts/i18n_presets.py). New strings arrive untranslated; an English string that
changed a little arrives fuzzy with its old translation as a hint. Standard library and Babel's
API, plus the wheel's lrelease for Qt overlays (assets/locale/qt/*.ts).
"""

from __future__ import annotations

import argparse
import gettext
import io
import string
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
from i18n_presets import extract_presets  # noqa: E402

from app.i18n import DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

TARGETS = tuple(code for code in LANGUAGES if code != "en")
POT = LOCALE_DIR / f"{DOMAIN}.pot"
QT_OVERLAYS = LOCALE_DIR / "qt"  # qtbase_<lang>.ts: Qt's own strings the wheel lacks for us
SOURCE_DIRS = ("app", "ui", "db")
PRESET_DIR = ROOT / "assets" / "presets"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# The plural rule each catalog must carry (as in the GNU gettext manual): (nplurals, rule).
PLURALS = {"nb": (2, lambda n: int(n != 1)), "es": (2, lambda n: int(n != 1)),
           "nl": (2, lambda n: int(n != 1)),
           "cs": (3, lambda n: 0 if n == 1 else 1 if 2 <= n <= 4 else 2)}
_DATE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def extract() -> Catalog:
    """Every translatable string in the code and the presets, as a template catalog."""
    template = new_catalog(None)
    sources = [(path, "python") for folder in SOURCE_DIRS
               for path in sorted((ROOT / folder).rglob("*.py"))]
    for path, method in sources + [(p, extract_presets) for p in sorted(PRESET_DIR.glob("*.toml"))]:
        where = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
                method, path, keywords=KEYWORDS, comment_tags=("Translators:",),
                strip_comment_tags=True):
            if message and (message if isinstance(message, str) else message[0]):
                template.add(message, None, [(where, lineno)], auto_comments=comments,
                             context=context)
    return template


def new_catalog(lang: str | None) -> Catalog:
    name = LANGUAGES.get(lang or "", "")
    catalog = Catalog(
        locale=lang, domain=DOMAIN, project="Comeback", version="1", charset="utf-8",
        header_comment=f"# {name or 'Template'} catalog of Comeback: UI, CLI, PDF and presets.\n"
        "# Update with: python scripts/i18n.py update; see assets/locale/GLOSSARY.md.",
        copyright_holder="Comeback", fuzzy=False, last_translator="Comeback translators",
        language_team=name or "Comeback translators")
    catalog.msgid_bugs_address = ""  # Babel turns an empty argument into EMAIL@ADDRESS
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def load(lang: str) -> Catalog:
    return read_po(io.BytesIO(po_path(lang).read_bytes()), locale=lang, domain=DOMAIN)


def save(catalog: Catalog, path: Path) -> bool:
    """Write a .po/.pot, leaving the file alone when only its dates would change."""
    for message in catalog:
        message.flags.discard("python-format")  # our strings are str.format, never %
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False,
             ignore_obsolete=True, include_previous=True)

    def undated(data: bytes) -> list[bytes]:
        return [line for line in data.splitlines() if not line.startswith(_DATE_HEADERS)]

    if path.exists() and undated(path.read_bytes()) == undated(buffer.getvalue()):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
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


def lrelease(ts: Path, qm: Path) -> None:
    """Compile a Qt .ts with the lrelease binary inside the PySide6 wheel."""
    import PySide6

    tool = next(Path(PySide6.__file__).parent.glob("lrelease*"))
    subprocess.run([str(tool), "-silent", str(ts), "-qm", str(qm)], check=True)


def compile_all() -> None:
    for lang in TARGETS:
        with mo_path(lang).open("wb") as handle:
            write_mo(handle, load(lang), use_fuzzy=False)
    for ts in sorted(QT_OVERLAYS.glob("*.ts")):
        lrelease(ts, ts.with_suffix(".qm"))


def stale_qt_overlays() -> list[str]:
    """Qt overlay .qm files that differ from a fresh lrelease of their .ts."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for ts in sorted(QT_OVERLAYS.glob("*.ts")):
            qm, fresh = ts.with_suffix(".qm"), Path(tmp) / "fresh.qm"
            lrelease(ts, fresh)
            if not qm.exists() or qm.read_bytes() != fresh.read_bytes():
                stale.append(f"{qm.relative_to(ROOT)}: run python scripts/i18n.py compile")
    return stale


def forms(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def key(message: Message) -> tuple[str | None, str]:
    context = message.context  # Babel's read_mo leaves a .mo file's context as bytes
    context = context.decode() if isinstance(context, bytes) else context
    return context, message.id if isinstance(message.id, str) else message.id[0]


def fields(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a str.format template."""
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def placeholder_problem(message: Message) -> str | None:
    plural = not isinstance(message.id, str)
    wanted = set().union(*(fields(text) for text in (message.id if plural else [message.id])))
    got = [fields(form) for form in forms(message)]
    if any(form - wanted for form in got) or (set().union(*got) if plural else got[0]) != wanted:
        return f"placeholders {sorted(wanted)} vs {[sorted(form) for form in got]}"
    return None


def translated(catalog: Catalog) -> dict[tuple, tuple[str, ...]]:
    return {key(m): forms(m) for m in catalog if m.id and not m.fuzzy}


def problems(lang: str, template: Catalog) -> dict[str, list[str]]:
    """Everything wrong with one language's catalog, by kind (empty lists when all is well)."""
    found: dict[str, list[str]] = {kind: [] for kind in (
        "missing", "untranslated", "fuzzy", "obsolete", "placeholders", "plural forms",
        "stale .mo")}
    wanted = {key(m): m for m in template if m.id}
    if not po_path(lang).exists():
        found["missing"] = [k[1] for k in wanted]
        return found
    catalog = load(lang)
    have = {key(m): m for m in catalog if m.id}
    found["missing"] = [k[1] for k in wanted if k not in have]
    found["obsolete"] = [k[1] for k in have if k not in wanted]
    found["obsolete"] += [f"#~ {m.id}" for m in catalog.obsolete.values()]
    count, rule = PLURALS[lang]
    plural_fn = gettext.c2py(catalog.plural_expr)
    if catalog.num_plurals != count or any(plural_fn(n) != rule(n) for n in range(1000)):
        found["plural forms"].append(catalog.plural_forms)
    for k, message in ((k, m) for k, m in have.items() if k in wanted):
        plural = not isinstance(message.id, str)
        if isinstance(wanted[k].id, str) == plural:
            found["missing"].append(f"{k[1]} (plural form changed)")
        elif message.fuzzy:
            found["fuzzy"].append(k[1])
        elif not all(forms(message)) or (plural and len(forms(message)) != count):
            found["untranslated"].append(k[1])
        elif problem := placeholder_problem(message):
            found["placeholders"].append(f"{k[1]}: {problem}")
    compiled = read_mo(io.BytesIO(mo_path(lang).read_bytes())) if mo_path(lang).exists() else None
    if compiled is None or translated(compiled) != translated(catalog) or (
            compiled.plural_forms != catalog.plural_forms):
        found["stale .mo"].append(f"{mo_path(lang).name}: run python scripts/i18n.py compile")
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
    stale = stale_qt_overlays()
    print(f"Qt overlays: {'ok' if not stale else ', '.join(stale)}")
    return int(bool(status or stale))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    command = parser.parse_args(argv).command
    if command == "update":
        template = update()
        print(f"{len([m for m in template if m.id])} strings; catalogs updated.")
        for lang in TARGETS:
            todo = [m for m in load(lang) if m.id and (m.fuzzy or not all(forms(m)))]
            print(f"{lang}: {len(todo)} to translate or review")
    elif command == "compile":
        compile_all()
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
