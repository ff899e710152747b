"""Qt's own strings (standard buttons, dialogs) follow the UI language, without a restart.

Qt ships qtbase catalogs for cs, es and nl in the PySide6 wheel, and none for Norwegian
Bokmål: nb stacks Nynorsk (qtbase_nn) with Comeback's own Bokmål overlay on top.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n
from ui import qt_translations

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    # lang: (Cancel, Save, the print dialog's "Print")
    "nb": ("Avbryt", "Lagre", "Skriv ut"),
    "es": ("Cancelar", "Guardar", "Imprimir"),
    "nl": ("Annuleren", "Opslaan", "Afdrukken"),
    "cs": ("Zrušit", "Uložit", "Tisk"),
}


def _needs_qt_catalog(lang: str) -> None:
    names = [path.name for path in qt_translations.catalog_files(lang)]
    if not any(name.startswith("qtbase_") for name in names):
        pytest.skip(f"this Qt has no qtbase catalog for {lang}")


def _buttons() -> dict[str, str]:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save)
    texts = {
        "cancel": box.button(QDialogButtonBox.StandardButton.Cancel).text(),
        "save": box.button(QDialogButtonBox.StandardButton.Save).text(),
    }
    box.deleteLater()
    return texts


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_qt_standard_buttons_switch_language_at_run_time(qapp, lang):
    _needs_qt_catalog(lang)
    qt_translations.install()
    assert _buttons() == {"cancel": "Cancel", "save": "Save"}
    i18n.set_language(lang)
    cancel, save, print_ = EXPECTED[lang]
    assert _buttons() == {"cancel": cancel, "save": save}
    assert QCoreApplication.translate("QPrintDialog", "Print") == print_
    i18n.set_language("en")
    assert _buttons() == {"cancel": "Cancel", "save": "Save"}


def test_wheel_ships_qtbase_for_cs_es_nl_and_nb_uses_nynorsk_with_a_bokmal_overlay(qapp):
    names = {lang: [path.name for path in qt_translations.catalog_files(lang)]
             for lang in EXPECTED}
    for lang in ("cs", "es", "nl"):
        assert f"qtbase_{lang}.qm" in names[lang]
    assert names["nb"][-1] == "qtbase_nb.qm"  # the overlay is searched first
    assert qt_translations.catalog_files("en") == []


def test_bokmal_overlay_replaces_nynorsk_words_on_the_print_dialog(qapp):
    _needs_qt_catalog("nb")
    qt_translations.install()
    i18n.set_language("nb")
    assert QCoreApplication.translate("QPrintPreviewDialog", "Print Preview") == "Forhåndsvisning"
    assert QCoreApplication.translate("QPlatformTheme", "Open") == "Åpne"
    assert QCoreApplication.translate("QPlatformTheme", "Close") == "Lukk"  # from qtbase_nn


def test_installing_twice_keeps_one_set_of_qt_translators(qapp):
    qt_translations.install()
    qt_translations.install()
    i18n.set_language("cs")
    loaded = qt_translations.apply("cs")
    assert [path.name for path in loaded] == ["qtbase_cs.qm"]


def test_bokmal_overlay_qm_is_in_sync_with_its_ts():
    script = ROOT / "scripts" / "i18n.py"
    code = ("import importlib.util, sys; "
            f"spec = importlib.util.spec_from_file_location('t', {str(script)!r}); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "print('\\n'.join(m.stale_qt_overlays()))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_switching_language_retranslates_visible_window_texts(qtbot, ctx):
    from PySide6.QtWidgets import QLabel, QPushButton

    from app.i18n import _
    from ui.controller import Controller
    from ui.main_window import MainWindow

    qt_translations.install()
    controller = Controller(ctx)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.add_page("counter", QLabel(), lambda: _("Counter"))
    nav = window.findChild(QPushButton, "nav_counter")
    assert nav.text() == "Counter"
    controller.set_language("cs")
    assert nav.text() == "Pokladna"
    assert _buttons()["cancel"] == "Zrušit"
    controller.set_language("nl")
    assert nav.text() == "Kassa"
    controller.set_language("en")
    assert nav.text() == "Counter"
