"""The one translation catalog for UI, CLI and PDF (GNU gettext, compiled with Babel).

Use ``_("text")`` for every user-visible string and ``ngettext`` for plurals; ``N_`` marks a
string for extraction without translating it yet (translate it where it is shown). The
active language can change at run time: ``_`` looks it up on every call.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

DOMAIN = "comeback"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"
LANGUAGES: dict[str, str] = {
    "en": "English",
    "nb": "Norsk bokmål",
    "es": "Español",
    "nl": "Nederlands",
    "cs": "Čeština",
}

_translations: gettext.NullTranslations = gettext.NullTranslations()
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
    # English is the source language: no catalog to look for (~1 ms at start-up).
    _translations = gettext.NullTranslations() if code == "en" else gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[code], fallback=True
    )
    _language = code
    for listener in list(_listeners):
        listener(code)


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
