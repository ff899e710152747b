"""Babel extraction method for the preset menus (assets/presets/*.toml).

The UI shows a category's ``label`` and ``apology`` and a remedy's ``label`` through ``_()``,
so a store's stored English preset text is translated on screen while labels the owner typed
pass through unchanged. Used by scripts/i18n.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import tomllib

PRESET_FIELDS = {"category": ("label", "apology"), "remedy": ("label",)}


def extract_presets(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield ``(lineno, funcname, message, comments)`` for each shown text, as Babel expects."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for table, names in PRESET_FIELDS.items():
        for item in tomllib.loads(text).get(table, []):
            for name in names:
                value = item.get(name)
                if not isinstance(value, str) or not value.strip():
                    continue
                lineno = next((n for n, line in enumerate(lines, 1)
                               if line.lstrip().startswith(name) and value in line), 1)
                note = f"Preset {table} '{item.get('code', '?')}': {name}"
                if name == "apology":
                    note += " (said to the guest; a sincere apology, no excuses)"
                yield lineno, "_", value.strip(), [note]
