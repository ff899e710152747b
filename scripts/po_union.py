#!/usr/bin/env python3
"""Merge translation catalogs from several git revisions: for branches that each added strings.

    python scripts/po_union.py REV [REV ...]
    python scripts/i18n.py update && python scripts/i18n.py compile

For every language, the .po file is rebuilt from the given revisions: each message keeps the
first non-empty, non-fuzzy translation found (revisions in the order given), so two branches
that translated different new strings both keep theirs. Then ``i18n.py update`` re-extracts
from the merged code (dropping strings no longer used) and ``compile`` rebuilds .mo files.
Use it to settle a merge or rebase conflict in ``assets/locale/*/LC_MESSAGES/comeback.po``.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
from i18n import TARGETS, po_path, save  # noqa: E402


def _catalog_at(rev: str, lang: str):
    rel = po_path(lang).relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True)
    if shown.returncode != 0:
        return None
    return read_po(io.BytesIO(shown.stdout), locale=lang)


def _translated(message) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def union(revs: list[str]) -> None:
    for lang in TARGETS:
        catalogs = [c for c in (_catalog_at(rev, lang) for rev in revs) if c is not None]
        if not catalogs:
            continue
        merged = catalogs[0]
        for other in catalogs[1:]:
            for message in other:
                if not message.id or not _translated(message):
                    continue
                mine = merged.get(message.id, context=message.context)
                if mine is None:
                    merged[message.id] = message
                elif not _translated(mine):
                    mine.string = message.string
                    mine.flags.discard("fuzzy")
        save(merged, po_path(lang))
        print(f"{lang}: merged from {len(catalogs)} revisions")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    union(sys.argv[1:])
