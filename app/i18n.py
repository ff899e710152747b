"""The one translation catalog for UI, CLI and PDF (GNU gettext, compiled with Babel).

Use ``_("text")`` for every user-visible string and ``ngettext`` for plurals; ``N_`` marks a
string for extraction without translating it yet (translate it where it is shown). The
active language can change at run time: ``_`` looks it up on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext

DOMAIN = "comeback"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"
LANGUAGES: dict[str, str] = {
    "en": "English",
    "nb": "Norsk bokmål",
    "es": "Español",
    "nl": "Nederlands",
    "cs": "Čeština",
}

class _Source:
    """English, the source language: every message as written - what an empty
    ``gettext.NullTranslations`` answers, without importing gettext (a command of an English
    store needs no catalog)."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        return message


_translations: gettext.NullTranslations | _Source = _Source()
_language = "en"
_listeners: list[Callable[[str], None]] = []


def language() -> str:
    return _language


def set_language(code: str) -> None:
    """Switch the catalog for every later ``_`` call; unknown codes fall back to English."""
    global _translations, _language
    code = (code or "en").split("_")[0].split("-")[0].lower()
    if code not in LANGUAGES:
        code = "en"
    _translations = _catalog(code)
    _language = code
    for listener in list(_listeners):
        listener(code)


def _catalog(code: str) -> gettext.NullTranslations | _Source:
    """The compiled catalog of ``code`` (English, the source language, needs none).

    Opened by its known path: ``gettext.translation`` would first expand the code through
    the ``locale`` module's alias tables, ~1.5 ms of every non-English start."""
    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if code == "en" or not path.is_file():
        return _Source()
    import gettext

    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translations.pgettext(context, message)


def N_(message: str) -> str:
    return message
