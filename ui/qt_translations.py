"""Qt's own strings (standard buttons, message boxes, print and file dialogs) in the UI language.

Qt translates its built-in texts through QTranslator catalogs named ``qtbase_<lang>.qm``;
PySide6 ships them in ``QLibraryInfo``'s translations folder. :func:`install` loads the one for
the current :mod:`app.i18n` language and swaps it whenever the language changes, so Qt's
Cancel turns into Avbryt / Cancelar / Annuleren / Zrušit without a restart.

The PySide6-Essentials wheel has qtbase for cs, es and nl but none for Norwegian Bokmål. For
``nb`` we load Nynorsk (``qtbase_nn``, the other written Norwegian, which shares most button
words) and on top of it ``assets/locale/qt/qtbase_nb.qm``: a small Bokmål overlay for the
strings where the two differ on the dialogs Comeback opens (Lagre/Lagra, Åpne/Opna, …).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from app import i18n

OVERLAY_DIR = i18n.LOCALE_DIR / "qt"
#: Qt catalogs to stack under a language that Qt itself does not ship (lowest first).
FALLBACKS: dict[str, tuple[str, ...]] = {"nb": ("nn",)}

_installed: list[QTranslator] = []
_following = False


def qt_translations_dir() -> Path:
    from PySide6.QtCore import QLibraryInfo  # not for English (its enum: ~1.5 M instructions)

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def catalog_files(code: str) -> list[Path]:
    """The .qm files that make up Qt's strings for ``code``, lowest priority first."""
    if code == "en":
        return []
    candidates = [qt_translations_dir() / f"qtbase_{lang}.qm"
                  for lang in (*FALLBACKS.get(code, ()), code)]
    candidates.append(OVERLAY_DIR / f"qtbase_{code}.qm")
    return [path for path in candidates if path.is_file()]


def apply(code: str) -> list[Path]:
    """Replace the installed Qt catalogs with those for ``code``; returns the files loaded.

    Without a running QCoreApplication this does nothing (the CLI never needs Qt's strings).
    """
    app = QCoreApplication.instance()
    if app is None:
        return []
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    loaded = []
    for path in catalog_files(code):
        translator = QTranslator()
        if translator.load(str(path)):
            # Installed later = searched first, so the overlay wins over its fallback.
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(path)
    return loaded


def install() -> list[Path]:
    """Load Qt's catalogs for the current language and follow every later language switch.

    Safe to call more than once (each window build does): the listener is added once.
    """
    global _following
    if not _following:
        i18n.on_language_changed(apply)
        _following = True
    return apply(i18n.language())
