"""Several stores in one database: ``--store ID``, ``COMEBACK_STORE`` and ``init`` adding
the next store (both backends, through the command line as a user types it)."""

from __future__ import annotations

import pytest

from app import stores
from app.cli import main
from app.context import Context, open_context
from db.connection import open_database

PIN = "4821"


@pytest.fixture
def target(backend, request, tmp_path):
    """An empty database: a file path, or a PostgreSQL URL."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "stores.db")


@pytest.fixture(autouse=True)
def _no_store_chosen(monkeypatch):
    monkeypatch.delenv(stores.ENV, raising=False)
    yield
    stores.choose(None)


def init(target: str, name: str, *extra: str, language: str = "en") -> int:
    return main([*extra, "init", "--db", target, "--store", name, "--language", language,
                 "--owner", "Ingrid", "--owner-pin", PIN])


def store_names(target: str) -> list[tuple[int, str, str]]:
    database = open_database(target)
    try:
        return [(s.id, s.name, s.currency) for s in stores.list_stores(database)]
    finally:
        database.close()


def test_init_on_a_database_with_stores_adds_the_next_store(target, capsys):
    assert init(target, "Fjord Kafé", language="nb") == 0
    assert init(target, "Café Sol", language="es") == 0
    assert store_names(target) == [(1, "Fjord Kafé", "NOK"), (2, "Café Sol", "EUR")]


def test_init_names_the_new_store_and_how_its_terminals_pick_it(target, capsys):
    assert init(target, "First") == 0
    capsys.readouterr()
    assert init(target, "Second") == 0
    assert capsys.readouterr().out.strip() == (
        f"Created Second as store 2 in {target}; its terminals start with --store 2 (or "
        "COMEBACK_STORE=2).")


def test_init_with_a_store_number_that_exists_is_refused_and_writes_nothing(target, capsys):
    assert init(target, "First") == 0
    assert init(target, "Second", "--store", "1") == 2
    assert "already has a store" in capsys.readouterr().err
    assert store_names(target) == [(1, "First", "EUR")]


def test_each_command_works_for_the_store_it_is_told(target, capsys, monkeypatch):
    assert init(target, "Fjord Kafé", language="nb") == 0
    assert init(target, "Café Sol", language="es") == 0
    capsys.readouterr()
    assert main(["--db", target, "--store", "2", "log", "--category", "cold_food",
                 "--remedy", "remake"]) == 0
    assert capsys.readouterr().out.startswith("Incidencia n.º 1 registrada")  # in Spanish
    monkeypatch.setenv(stores.ENV, "1")
    assert main(["log", "--db", target, "--category", "cold_food", "--remedy", "remake"]) == 0
    assert capsys.readouterr().out.startswith("Registrerte hendelse nr. 2: Kald mat")  # Norwegian
    database = open_database(target)
    counts = [database.execute("SELECT count(*) FROM incidents WHERE store_id = ?",
                               [n]).fetchone()[0] for n in (1, 2)]
    database.close()
    assert counts == [1, 1]


def test_a_store_that_is_not_there_is_named_with_the_ones_that_are(target, capsys):
    assert init(target, "Fjord Kafé") == 0
    assert init(target, "Café Sol") == 0
    capsys.readouterr()
    assert main(["followups", "--db", target, "--store", "7"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"comeback: error: There is no store 7 in {target}; it holds: 1 Fjord Kafé, "
        "2 Café Sol. Pick one with --store ID.")


@pytest.mark.parametrize("where", ["option", "environment"])
def test_a_store_number_that_is_not_a_number_is_refused(target, capsys, monkeypatch, where):
    assert init(target, "Fjord Kafé") == 0
    capsys.readouterr()
    if where == "option":
        assert main(["--db", target, "--store", "two", "followups"]) == 2
        setting = "--store two"
    else:
        monkeypatch.setenv(stores.ENV, "two")
        assert main(["--db", target, "followups"]) == 2
        setting = "COMEBACK_STORE=two"
    assert capsys.readouterr().err.strip() == (
        f"comeback: error: {setting}: give a store number, 1 or more (comeback report --chain "
        "lists the stores).")


def test_demo_still_refuses_a_database_holding_a_real_store(target, capsys):
    assert main(["demo", "--db", target, "--weeks", "1"]) == 0
    assert init(target, "Real Store") == 0  # store 2, next to the demo's
    database = open_database(target)
    before = database.execute("SELECT count(*) FROM incidents").fetchone()[0]
    database.close()
    capsys.readouterr()
    assert main(["demo", "--db", target, "--weeks", "1"]) == 2
    assert "real store" in capsys.readouterr().err
    database = open_database(target)
    assert database.execute("SELECT count(*) FROM incidents").fetchone()[0] == before
    database.close()


def test_the_app_opens_the_store_of_comeback_store(target, monkeypatch):
    assert init(target, "Fjord Kafé") == 0
    assert init(target, "Café Sol") == 0
    monkeypatch.setenv(stores.ENV, "2")
    ctx = open_context(target)
    try:
        assert ctx.store_id == 2 and ctx.settings().store_name == "Café Sol"
    finally:
        ctx.db.close()


def test_two_stores_added_at_once_get_two_numbers(db, clock):
    from app.stores import add_store

    first, second = Context(db, clock), Context(db, clock)
    add_store(first, explicit=False, store_name="A", owner_name="Ingrid", owner_pin=PIN)
    add_store(second, explicit=False, store_name="B", owner_name="Ola", owner_pin=PIN)
    assert (first.store_id, second.store_id) == (1, 2)


def test_the_app_with_a_bad_comeback_store_says_so_and_opens_no_window(tmp_path, capsys,
                                                                       monkeypatch):
    opened = []
    monkeypatch.setenv(stores.ENV, "Fjord")
    assert main(["--db", str(tmp_path / "x.db")], gui=opened.append) == 2
    assert opened == []
    assert capsys.readouterr().err.strip() == (
        "comeback: error: COMEBACK_STORE=Fjord: give a store number, 1 or more (comeback "
        "report --chain lists the stores).")
