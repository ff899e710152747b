"""The SQLite file: pragmas, migrations, and the append-only audit log."""

from __future__ import annotations

import sqlite3

import pytest

from db.connection import open_database, pending_migrations, pragma
from db.migrations import migrations

TABLES = {"stores", "settings", "staff", "categories", "remedies", "remedy_rules", "incidents",
          "incident_remedies", "followups", "vouchers", "audit_log"}


def test_a_file_database_is_wal_with_foreign_keys_and_full_sync(tmp_path):
    database = open_database(tmp_path / "store.db")
    assert pragma(database, "journal_mode") == "wal"
    assert pragma(database, "foreign_keys") == 1
    assert pragma(database, "synchronous") == 2  # FULL
    database.close()


def test_migrations_build_the_schema_on_an_empty_file(tmp_path):
    database = open_database(tmp_path / "new.db")
    assert set(database.table_names()) >= TABLES
    assert pending_migrations(database) == []
    assert [m.name for m in migrations.applied(database)][0] == "0001_initial_schema"
    database.close()


def test_opening_an_already_migrated_file_changes_nothing(tmp_path):
    path = tmp_path / "store.db"
    first = open_database(path)
    first["stores"].insert({"id": 1, "created_at": "2026-11-16T11:00:00+00:00"})
    applied = [(m.name, m.applied_at) for m in migrations.applied(first)]
    first.close()
    again = open_database(path)
    assert [(m.name, m.applied_at) for m in migrations.applied(again)] == applied
    assert again["stores"].count == 1
    again.close()


def test_summary_indexes_exist(db):
    names = set(db.index_names())
    assert {"idx_incidents_store_time", "idx_followups_open", "idx_incidents_guest"} <= names


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO incident_remedies (incident_id, remedy_id, kind, label, "
                   "amount_minor, given_at) VALUES (42, 42, 'remake', 'x', 0, 'now')")


def test_audit_log_refuses_update_and_delete(ctx):
    entry = next(iter(ctx.db["audit_log"].rows))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ctx.db.execute("UPDATE audit_log SET action = 'tampered' WHERE id = ?", [entry["id"]])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        ctx.db.execute("DELETE FROM audit_log WHERE id = ?", [entry["id"]])
    assert ctx.db["audit_log"].get(entry["id"])["action"] == entry["action"]


def test_the_newest_migration_named_in_connection_is_the_last_registered():
    from db.connection import MIGRATION_COUNT, MIGRATION_SET, NEWEST_MIGRATION

    assert (migrations.name, migrations._migrations[-1].name,
            len(migrations._migrations)) == (MIGRATION_SET, NEWEST_MIGRATION, MIGRATION_COUNT)


def test_a_migrated_file_opens_reads_and_writes_without_sqlite_utils(tmp_path):
    path = tmp_path / "store.db"
    open_database(path).close()
    database = open_database(path)
    assert not database.is_full  # nothing to migrate, nothing written yet
    assert list(database.query("SELECT name FROM _sqlite_migrations ORDER BY id"))[0] == {
        "name": "0001_initial_schema"}
    assert database.execute("SELECT count(*) FROM stores").fetchone()[0] == 0
    assert pragma(database, "foreign_keys") == 1
    assert pragma(database, "recursive_triggers") == 1  # as sqlite-utils sets it
    database.execute("INSERT INTO stores (id, created_at) VALUES (1, 'x')")  # a write
    assert not database.conn.in_transaction  # committed, as sqlite-utils' execute does
    with database.atomic():
        database.execute("INSERT INTO stores (id, created_at) VALUES (2, 'y')")
        with pytest.raises(sqlite3.IntegrityError), database.atomic():  # a savepoint
            database.execute("INSERT INTO stores (id, created_at) VALUES (3, 'z')")
            database.execute("INSERT INTO stores (id, created_at) VALUES (3, 'z')")
        assert database.conn.in_transaction
    with pytest.raises(ZeroDivisionError), database.atomic():
        database.execute("INSERT INTO stores (id, created_at) VALUES (4, 'w')")
        1 / 0  # noqa: B018
    with pytest.raises(sqlite3.IntegrityError):  # a failed write leaves nothing open
        database.execute("INSERT INTO stores (id, created_at) VALUES (1, 'again')")
    assert not database.conn.in_transaction
    assert not database.is_full
    database.close()
    assert [r["id"] for r in open_database(path)["stores"].rows] == [1, 2]


def test_reads_give_the_same_rows_before_and_after_sqlite_utils_is_built(tmp_path):
    path = tmp_path / "store.db"
    open_database(path).close()
    sql = "SELECT 1 AS id, 2 AS id, 'a' AS name"  # a repeated column name, too
    database = open_database(path)
    plain = list(database.query(sql)), list(database.query("SELECT 7 AS n"))
    database.full  # noqa: B018
    assert (list(database.query(sql)), list(database.query("SELECT 7 AS n"))) == plain
    assert plain[0] == [{"id": 1, "id_2": 2, "name": "a"}]


def test_a_new_file_is_migrated_on_open(tmp_path):
    database = open_database(tmp_path / "new.db")
    assert database.is_full and pending_migrations(database) == []
