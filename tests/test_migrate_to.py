"""Moving up: ``comeback migrate-to URL`` copies a SQLite store into PostgreSQL (every
row, ids kept, the audit chain intact, the file not changed by a byte), and the way back:
``comeback backup`` of a server's database is a SQLite file that migrate-to takes again.
Guest erasure works on the server too."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.connection import open_database
from tests.conftest import OWNER_PIN

pytestmark = pytest.mark.postgresql
ROOT = Path(__file__).resolve().parent.parent
TABLES = ("stores", "settings", "staff", "categories", "remedies", "remedy_rules",
          "incidents", "incident_remedies", "followups", "vouchers", "audit_verified")


def comeback(*args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    environment.pop("COMEBACK_DB", None)
    return subprocess.run([sys.executable, "-m", "ui.entry", *args], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=300)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(target, table: str) -> list[dict]:
    database = open_database(target)
    try:
        order = "id" if table != "settings" else "store_id, name"
        order = "store_id" if table == "audit_verified" else order
        return list(database.query(f"SELECT * FROM {table} ORDER BY {order}"))
    finally:
        database.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A demo store of four weeks in a SQLite file (WAL checkpointed by closing)."""
    path = tmp_path_factory.mktemp("moving") / "kafe.db"
    ok(comeback("demo", "--db", str(path), "--weeks", "4"))
    return path


def test_migrate_to_copies_every_row_with_its_id_and_leaves_the_file_alone(demo_file,
                                                                           pg_url):
    before = sha256(demo_file)
    out = ok(comeback("migrate-to", pg_url, "--db", str(demo_file)))

    assert sha256(demo_file) == before
    wal = demo_file.with_name(demo_file.name + "-wal")  # a reader's, left empty
    assert not wal.exists() or wal.stat().st_size == 0
    incidents = rows(demo_file, "incidents")
    counted = {line.split()[0]: line.split()[1] for line in out.splitlines()
               if line.startswith("  ")}
    assert counted["incidents"] == f"{len(incidents):,}" and counted["stores"] == "1"
    assert "was not changed" in out and "comeback verify --db" in out
    for table in TABLES:
        assert rows(pg_url, table) == rows(demo_file, table), table
    # One entry more in the copy's audit log: where it came from; the rest as they were.
    copied, original = rows(pg_url, "audit_log"), rows(demo_file, "audit_log")
    assert copied[:-1] == original
    assert copied[-1]["action"] == "database.moved_in" and copied[-1]["id"] == len(original) + 1


def test_the_copy_verifies_and_takes_new_rows_after_the_copied_ids(demo_file, pg_url):
    ok(comeback("migrate-to", pg_url, "--db", str(demo_file)))
    assert "intact" in ok(comeback("verify", "--db", pg_url))
    last = rows(demo_file, "incidents")[-1]["id"]
    logged = ok(comeback("log", "--db", pg_url, "--category", "cold_food", "--remedy",
                         "apology"))
    assert f"Logged incident #{last + 1}:" in logged
    assert "intact" in ok(comeback("verify", "--db", pg_url))


def test_a_target_that_holds_the_store_is_refused_and_left_alone(demo_file, pg_url):
    ok(comeback("migrate-to", pg_url, "--db", str(demo_file)))
    count = len(rows(pg_url, "audit_log"))
    again = comeback("migrate-to", pg_url, "--db", str(demo_file))
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "already holds the store" in again.stderr and "Nothing was copied" in again.stderr
    assert len(rows(pg_url, "audit_log")) == count


def test_a_target_with_another_store_is_refused(demo_file, pg_url):
    ok(comeback("init", "--db", pg_url, "--store", "Bakeriet", "--owner", "Eva",
                "--owner-pin", OWNER_PIN))
    refused = comeback("migrate-to", pg_url, "--db", str(demo_file))
    assert refused.returncode == 2
    assert "already holds another store (Bakeriet)" in refused.stderr
    assert "empty database" in refused.stderr


@pytest.mark.parametrize("args, words", [
    (["migrate-to", "/tmp/not-a-server.db"], "is not a PostgreSQL address"),
    (["migrate-to", "postgresql://x@/y", "--db", "postgresql://x@/z"], "from a SQLite file"),
])
def test_what_migrate_to_refuses_is_said(args, words, tmp_path):
    result = comeback(*args, *([] if "--db" in args else ["--db", str(tmp_path / "a.db")]))
    assert result.returncode == 2 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_row_the_server_refuses_stops_the_copy_and_leaves_the_target_empty(demo_file,
                                                                            pg_url, tmp_path):
    import shutil
    import sqlite3

    spoilt = tmp_path / "spoilt.db"
    shutil.copy(demo_file, spoilt)
    conn = sqlite3.connect(spoilt)
    conn.execute("UPDATE incident_remedies SET amount_minor = 'lots' WHERE id = 2")
    conn.commit()
    conn.close()
    result = comeback("migrate-to", pg_url, "--db", str(spoilt))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Could not copy the table incident_remedies into" in result.stderr
    assert "Nothing was copied." in result.stderr
    for table in ("stores", "incidents", "audit_log"):
        assert rows(pg_url, table) == [], table


def test_a_missing_file_is_named(pg_url, tmp_path):
    result = comeback("migrate-to", pg_url, "--db", str(tmp_path / "gone.db"))
    assert result.returncode == 2 and "There is no database at" in result.stderr
    assert not (tmp_path / "gone.db").exists()


def test_a_backup_of_the_server_is_a_file_migrate_to_brings_back(demo_file, pg_url,
                                                                 pg_cluster, tmp_path):
    ok(comeback("migrate-to", pg_url, "--db", str(demo_file)))
    backup = tmp_path / "server-backup.db"
    assert "checked" in ok(comeback("backup", "--db", pg_url, "--out", str(backup)))
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    for table in (*TABLES, "audit_log"):
        assert rows(backup, table) == rows(pg_url, table), table
    assert "intact" in ok(comeback("verify", "--db", str(backup)))

    fresh = pg_cluster.new_database(pg_cluster.template)
    ok(comeback("migrate-to", fresh, "--db", str(backup)))
    assert "intact" in ok(comeback("verify", "--db", fresh))
    assert rows(fresh, "incidents") == rows(pg_url, "incidents")


def test_restore_over_a_server_says_to_migrate_into_a_new_database(demo_file, pg_url,
                                                                  tmp_path):
    ok(comeback("migrate-to", pg_url, "--db", str(demo_file)))
    before = len(rows(pg_url, "audit_log"))
    result = comeback("restore", str(demo_file), "--db", pg_url)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "comeback migrate-to" in result.stderr and "was not changed" in result.stderr
    assert len(rows(pg_url, "audit_log")) == before


def test_erasing_a_guest_on_the_server_removes_the_details(pg_url):
    ok(comeback("init", "--db", pg_url, "--store", "Fjord Kafé", "--owner", "Ingrid",
                "--owner-pin", OWNER_PIN))
    ok(comeback("log", "--db", pg_url, "--category", "cold_food", "--remedy", "remake",
                "--guest", "Kari Nordmann", "--contact", "+47 912 34 567"))
    out = ok(comeback("erase-guest", "--db", pg_url, "--contact", "91234567"))
    assert "erased from 1 incident" in out
    incident = rows(pg_url, "incidents")[0]
    assert incident["guest_name"] is None and incident["guest_contact"] is None
    assert "intact" in ok(comeback("verify", "--db", pg_url))
