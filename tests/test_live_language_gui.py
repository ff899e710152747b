"""The store's language changed on another terminal applies on this one live, as other
settings changes do: the catalog and Qt's translator swapped, every visible text
retranslated, no restart (two terminals on one store: a SQLite file woken by the file
watcher, a PostgreSQL database by LISTEN)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n, staff, store_admin
from tests.conftest import shown_main_window
from tests.live_helpers import make_store, terminal

pytestmark = pytest.mark.gui
WAIT_MS = 20_000  # the longest a wake may take on a loaded machine (usually milliseconds)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "store.db")


def test_a_language_changed_on_another_terminal_applies_here_live(qtbot, target, clock):
    a_ctx = make_store(target, clock)  # the owner's terminal
    b_ctx = terminal(target, clock)  # the counter
    _language_follows_live(qtbot, a_ctx, b_ctx)


def test_the_language_applies_even_when_the_counters_own_connection_hears_of_it_late(
        qtbot, pg_url, clock, monkeypatch):
    """A server's NOTIFY reaches each connection in its own time: the counter's listening
    connection may read the owner's change before its main connection has heard of it
    (whose settings are kept until it does: db.pg data_mark). Woken by the feed, the
    counter reads them again anyway (app.changes.forget_kept); it used to redraw from the
    kept ones and stay in English until the next change (now and then under load)."""
    a_ctx = make_store(pg_url, clock)
    b_ctx = terminal(pg_url, clock)
    hears = b_ctx.db.data_mark

    def not_heard_yet(store_id=None):
        hears(store_id)
        return ("not heard yet", b_ctx.db.conn.writes)  # moves with its own writes only

    monkeypatch.setattr(b_ctx.db, "data_mark", not_heard_yet)
    _language_follows_live(qtbot, a_ctx, b_ctx)


def _language_follows_live(qtbot, a_ctx, b_ctx) -> None:
    window = shown_main_window(qtbot, b_ctx)  # with its live updates (ui.app.add_reminders)
    try:
        qtbot.waitUntil(lambda: not window.live.connecting, timeout=WAIT_MS)
        counter = window.page("counter")
        assert counter.heading.text() == "What went wrong? Tap it."
        assert i18n.language() == "en"

        owner = staff.find_by_name(a_ctx, "Ingrid")
        store_admin.update_settings(a_ctx, owner.id, {"language": "nb"})  # on terminal A

        qtbot.waitUntil(lambda: counter.heading.text() == "Hva gikk galt? Trykk på det.",
                        timeout=WAIT_MS)
        assert i18n.language() == "nb"
        assert window._pages["backoffice"][1].text() == "Administrasjon"  # the nav too
        assert counter.category_tile("cold_food").title() == "Kald mat"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)  # Qt's own strings
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Avbryt"
        box.deleteLater()

        store_admin.update_settings(a_ctx, owner.id, {"language": "es"})
        qtbot.waitUntil(lambda: i18n.language() == "es", timeout=WAIT_MS)
        assert counter.heading.text() != "Hva gikk galt? Trykk på det."
    finally:
        window.live.stop()
        window.close()
        b_ctx.db.close()
        a_ctx.db.close()
