"""PySide6's import hook, made cheap.

Once PySide6 is imported, every module imported after it is looked at by PySide's
``__feature__`` machinery (``shibokensupport.feature.feature_imported``), which asks
whether the module's source mentions "PySide6" - through ``inspect.getsource``: the file
read line by line into ``linecache`` (and kept there), ~0.3 ms a module. A cold start
imports some 150-300 modules after PySide6 (the counter, sqlite-utils, the reminders; on a
server psycopg too): 50-100 ms of CPU, and the lines stay in memory.

:func:`install` answers the same question from the file's bytes (the same answer for
every ``.py`` file; anything else goes to PySide's own check). PySide's check is a
private function: if a PySide6 release renames or drops it, nothing is replaced and
PySide's own check runs as before.
"""

from __future__ import annotations

import sys


def install() -> bool:
    """Import PySide6's core and replace its source check; True when replaced."""
    import PySide6.QtCore  # noqa: F401 - installs the hook

    feature = sys.modules.get("shibokensupport.feature")
    own = getattr(feature, "_mod_uses_pyside", None)
    if own is None or getattr(own, "from_bytes", False):
        return getattr(own, "from_bytes", False)

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return own(module)

    uses_pyside.from_bytes = True
    uses_pyside.pyside_own = own
    feature._mod_uses_pyside = uses_pyside
    return True
