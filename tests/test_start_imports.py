"""What a cold start imports, and how: PySide6's import hook answered from the file's bytes
(ui.pyside_imports), and a PostgreSQL start that needs neither sqlite-utils nor the
migrations when the server's schema is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_pyside_check_gives_pysides_own_answer():
    import json

    import ui.pyside_imports as quick
    from ui import counter

    assert quick.install()
    feature = sys.modules["shibokensupport.feature"]
    check = feature._mod_uses_pyside
    assert check.from_bytes and quick.install()  # once; a second call changes nothing
    own = check.pyside_own
    for module in (counter, json, quick, sys, feature, pytest):
        assert check(module) == own(module), module.__name__
    assert check(counter) and not check(json)


def test_the_gui_start_installs_it_before_ui_app_is_imported():
    code = ("import sys\n"
            "import ui.entry, ui.app\n"
            "sys.modules['ui.app'].main = lambda target: print("
            "sys.modules['shibokensupport.feature']._mod_uses_pyside.from_bytes)\n"
            "ui.entry._gui('/nonexistent/store.db')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_an_up_to_date_server_is_opened_without_the_migrations_or_sqlite_utils(pg_url):
    code = ("import sys\n"
            "from db.pg import open_pg\n"
            "open_pg(sys.argv[1]).close()\n"
            "print(sorted(m for m in ('sqlite_utils', 'db.migrations') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code, pg_url], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_server_from_a_newer_comeback_is_refused_in_the_one_statement_check(pg_url):
    from db.connection import NEWEST_MIGRATION
    from db.health import DatabaseFileError, Problem
    from db.pg import open_pg

    database = open_pg(pg_url)
    number = int(NEWEST_MIGRATION[:4]) + 1
    database.execute("INSERT INTO _comeback_migrations (migration_set, name, applied_at) "
                     "VALUES ('comeback', ?, 'x')", [f"{number:04d}_from_the_future"])
    database.close()
    with pytest.raises(DatabaseFileError) as raised:
        open_pg(pg_url)
    assert raised.value.problem is Problem.TOO_NEW


def test_a_new_server_database_is_still_migrated(pg_cluster):
    from db.connection import NEWEST_MIGRATION
    from db.pg import open_pg
    from db.pg_migrations import newest_applied

    database = open_pg(pg_cluster.new_database())
    try:
        assert newest_applied(database) == NEWEST_MIGRATION
        assert database.execute("SELECT count(*) FROM stores").fetchone()[0] == 0
    finally:
        database.close()


@pytest.mark.parametrize("url", [
    "postgresql://comeback@/t_1?host=/tmp/comeback-pg-x&port=33707",
    "postgresql://kasse:secret@kafe-server:5433/comeback",
    "postgres://kafe-server/comeback%20two",
    "postgresql:///comeback",
    "postgresql://kafe-server",
    "postgresql://kafe-server:/comeback?sslmode=require&port=6000",
    "postgresql://kafe-server/comeback?dbname=other",
    "postgresql://kasse@kafe-server/comeback?host=%2Fvar%2Frun%2Fpostgresql",
])
def test_a_terminals_copy_is_found_without_psycopg_where_psycopg_finds_it(url, tmp_path):
    from db.failover import copy_path, copy_path_without_psycopg

    assert copy_path_without_psycopg(tmp_path, url, 3) == copy_path(tmp_path, url, 3)


@pytest.mark.parametrize("url", [
    "postgresql://[::1]:5432/comeback", "postgresql://one,two/comeback",
    "postgresql://%2Ftmp%2Fsocket/comeback", "postgresql://kafe/comeback?service=kasse",
])
def test_what_libpq_might_read_otherwise_is_left_to_psycopg(url, tmp_path):
    from db.failover import copy_path_without_psycopg

    assert copy_path_without_psycopg(tmp_path, url, 1) is None


def test_a_tap_and_a_follow_up_need_no_sqlite_utils(tmp_path):
    from tests.conftest import cli_init_store

    path = tmp_path / "store.db"
    cli_init_store(path)
    code = ("import sys\n"
            "from app import catalog, followups, incidents\n"
            "from app.context import Context\n"
            "from app.models import RemedyRequest\n"
            "from db.connection import open_database\n"
            "ctx = Context(open_database(sys.argv[1]))\n"
            "logged = incidents.log_incident(ctx, category_id=catalog.category_by_code(ctx, "
            "'cold_food').id, staff_id=None, remedies=[RemedyRequest(catalog.remedy_by_code("
            "ctx, 'remake').id)])\n"
            "print(len(followups.open_followups(ctx)), 'sqlite_utils' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.stdout.split() == ["1", "False"], done.stderr
