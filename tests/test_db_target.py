"""Choosing the database: a file or a ``postgresql://`` URL (``--db``, COMEBACK_DB, the
terminal's saved server, the default file), shown without a password; what first run
remembers on this computer (terminal.json, private, no password); the server form's
address; ``make test``'s PostgreSQL install line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app import dbtarget, server_setup, terminal_config
from app.cli import _plain_start
from app.errors import ValidationError


@pytest.fixture
def config_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "data" / "terminal.json"
    monkeypatch.setattr(terminal_config, "path", lambda: path)
    monkeypatch.delenv("COMEBACK_DB", raising=False)
    return path


@pytest.mark.parametrize("text, expected", [
    ("postgresql://counter@kafe-server/comeback", "postgresql://counter@kafe-server/comeback"),
    ("postgres://counter@kafe-server:5433/comeback", "postgres://counter@kafe-server:5433/comeback"),
    ("/srv/comeback/store.db", Path("/srv/comeback/store.db")),
    ("store.db", Path("store.db")),
])
def test_a_url_stays_text_and_a_file_becomes_a_path(text, expected):
    assert dbtarget.parse(text) == expected
    assert type(dbtarget.parse(text)) is type(expected)


@pytest.mark.parametrize("url, shown, saved", [
    ("postgresql://counter:s3cret@kafe-server/comeback",
     "postgresql://counter:***@kafe-server/comeback",
     "postgresql://counter@kafe-server/comeback"),
    ("postgresql://counter@kafe-server/comeback?password=s3cret&sslmode=require",
     "postgresql://counter@kafe-server/comeback?password=***&sslmode=require",
     "postgresql://counter@kafe-server/comeback?sslmode=require"),
    ("postgresql://counter@kafe-server/comeback?sslmode=verify-full",
     "postgresql://counter@kafe-server/comeback?sslmode=verify-full",
     "postgresql://counter@kafe-server/comeback?sslmode=verify-full"),
])
def test_a_password_is_never_shown_nor_saved(url, shown, saved):
    assert dbtarget.shown(url) == shown
    assert dbtarget.without_password(url) == saved


def test_which_database_a_start_uses_first_found(config_file, monkeypatch, tmp_path):
    monkeypatch.setattr("app.cli.default_db_path", lambda: tmp_path / "comeback.db")
    assert _plain_start([]) == tmp_path / "comeback.db"
    terminal_config.save(terminal_config.TerminalConfig(
        "postgresql://counter:s3cret@kafe-server/comeback", "Bar", 1))
    assert _plain_start([]) == "postgresql://counter@kafe-server/comeback"
    monkeypatch.setenv("COMEBACK_DB", "postgresql://owner@hq/chain")
    assert _plain_start([]) == "postgresql://owner@hq/chain"
    assert _plain_start(["--db", "x.db"]) == Path("x.db")
    assert _plain_start(["--db=postgresql://a@b/c"]) == "postgresql://a@b/c"


def test_terminal_json_is_private_and_holds_no_password(config_file):
    terminal_config.save(terminal_config.TerminalConfig(
        "postgresql://counter:s3cret@kafe-server/comeback", "Bar", 2))
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_file.parent.stat().st_mode) == 0o700
    text = config_file.read_text()
    assert "s3cret" not in text
    assert json.loads(text) == {"database": "postgresql://counter@kafe-server/comeback",
                                "terminal": "Bar", "store_id": 2}
    assert terminal_config.load() == terminal_config.TerminalConfig(
        "postgresql://counter@kafe-server/comeback", "Bar", 2)


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]"])
def test_a_broken_terminal_json_is_no_configuration(config_file, content):
    config_file.parent.mkdir()
    config_file.write_text(content)
    assert terminal_config.load() is None
    assert terminal_config.configured_url() is None


def test_no_terminal_json_is_no_configuration(config_file):
    assert terminal_config.load() is None and terminal_config.configured_url() is None


@pytest.mark.parametrize("fields, url", [
    (("kafe-server", "comeback", "counter", ""), "postgresql://counter@kafe-server/comeback"),
    (("kafe-server", "comeback", "", "5433"), "postgresql://kafe-server:5433/comeback"),
    (("192.168.1.20", "comeback", "counter", "5432"),
     "postgresql://counter@192.168.1.20/comeback"),
    (("fe80::1", "shop", "", ""), "postgresql://[fe80::1]/shop"),
    (("/var/run/postgresql", "shop", "ana maria", ""),
     "postgresql://ana%20maria@%2Fvar%2Frun%2Fpostgresql/shop"),
])
def test_the_server_form_makes_the_address(fields, url):
    assert server_setup.server_url(*fields) == url


@pytest.mark.parametrize("fields, field", [
    (("", "comeback", "", ""), "host"),
    (("kafe server", "comeback", "", ""), "host"),
    (("kafe-server", " ", "", ""), "database"),
    (("kafe-server", "comeback", "", "80000"), "port"),
    (("kafe-server", "comeback", "", "five"), "port"),
])
def test_a_wrong_server_field_is_named(fields, field):
    with pytest.raises(ValidationError) as refused:
        server_setup.server_url(*fields)
    assert refused.value.field == field


def test_make_test_prints_the_postgresql_install_when_not_root(monkeypatch, capsys):
    from scripts import sysdeps

    monkeypatch.setattr(sysdeps, "installed", lambda: set(sysdeps.BASE))
    monkeypatch.setattr(sysdeps.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(sysdeps.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(sysdeps.os, "geteuid", lambda: 1000)
    monkeypatch.setattr("sys.argv", ["sysdeps.py", "install", "--test"])
    assert sysdeps.main() == 0  # the PostgreSQL tests skip; the rest run
    err = capsys.readouterr().err
    assert "sudo apt-get install -y postgresql" in err


def test_make_test_installs_postgresql_as_root(monkeypatch):
    from scripts import sysdeps

    installed: list[list[str]] = []
    monkeypatch.setattr(sysdeps, "installed", lambda: set(sysdeps.BASE))
    monkeypatch.setattr(sysdeps.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(sysdeps.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(sysdeps.os, "geteuid", lambda: 0)
    monkeypatch.setattr(sysdeps, "install_packages",
                        lambda missing, update=True: installed.append(missing) or 0)
    monkeypatch.setattr("sys.argv", ["sysdeps.py", "install", "--test"])
    assert sysdeps.main() == 0 and installed == [["postgresql"]]
