"""A command's start on PostgreSQL: what it pays before its own work (the chain report's
process target, issue 14). A migrated database is recognised with one statement and
without importing the migrations (nor sqlite-utils); one from a newer Comeback is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from db.connection import NEWEST_MIGRATION, open_database
from db.health import DatabaseFileError, Problem

ROOT = Path(__file__).resolve().parent.parent


def test_a_migrated_server_database_opens_without_the_migrations_module(pg_url):
    code = ("import sys; from db.connection import open_database; "
            f"open_database({pg_url!r}).close(); "
            "print(sorted(m for m in ('db.migrations', 'sqlite_utils') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_server_database_from_a_newer_comeback_is_refused(pg_url):
    database = open_database(pg_url)
    database.execute("INSERT INTO _comeback_migrations (migration_set, name, applied_at) "
                     "SELECT migration_set, '9999_from_the_future', '2030-01-01' "
                     "FROM _comeback_migrations LIMIT 1")
    database.close()
    with pytest.raises(DatabaseFileError) as refused:
        open_database(pg_url)
    assert refused.value.problem is Problem.TOO_NEW


def test_an_empty_server_database_is_migrated(pg_cluster):
    from db import pg_migrations

    database = open_database(pg_cluster.new_database())  # no migrations table yet
    try:
        assert NEWEST_MIGRATION in pg_migrations.applied(database)
    finally:
        database.close()
