"""A PostgreSQL server's bad days on the command line, made for real: the server stopped,
no such database, a user without rights, a wrong password (a cluster of its own with
scram-sha-256), the connection lost in the middle of a write. Each: one clear message on
stderr naming the server (``dbname on host:port``) and what to do, exit 2, no traceback,
never a password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.connection import open_database
from tests.conftest import OWNER_PIN

pytestmark = pytest.mark.postgresql
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "right-horse-battery"


def comeback(args: list[str], *, preamble: str = "", **env: str
             ) -> subprocess.CompletedProcess:
    """``comeback ARGS`` in a child process, with ``env`` added to its environment."""
    code = preamble + "\nimport sys\nfrom ui.entry import main\nsys.exit(main(sys.argv[1:]))\n"
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **env)
    environment.pop("COMEBACK_DB", None) if "COMEBACK_DB" not in env else None
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def init(url: str) -> None:
    result = comeback(["init", "--db", url, "--store", "Fjord Kafé", "--currency", "NOK",
                       "--owner", "Ingrid", "--owner-pin", OWNER_PIN])
    assert result.returncode == 0, result.stderr


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("comeback: error: ")
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def with_user(url: str, user: str, password: str | None = None) -> str:
    who = f"{user}:{password}" if password else user
    return url.replace("postgresql://comeback@", f"postgresql://{who}@")


def dbname(url: str) -> str:
    return url.split("@/")[1].split("?")[0]


@pytest.fixture(scope="module")
def own_cluster():
    """A cluster of this module's own: it is stopped by one test, and asks for passwords
    (scram-sha-256) for everyone."""
    from tests.pg_cluster import Cluster

    if os.environ.get("COMEBACK_TEST_PG"):
        pytest.skip("stopping a server needs a cluster of the tests' own")
    try:
        cluster = Cluster().start()
    except RuntimeError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    cluster.admin(f"ALTER ROLE comeback PASSWORD '{PASSWORD}'")
    cluster.admin("CREATE DATABASE shop")
    (cluster.folder / "data" / "pg_hba.conf").write_text("local all all scram-sha-256\n")
    cluster._run([str(cluster.bin / "pg_ctl"), "-D", str(cluster.folder / "data"), "reload"])
    yield cluster
    cluster.remove()


def test_comeback_db_chooses_the_server_for_every_command(pg_url):
    init(pg_url)
    logged = comeback(["log", "--category", "cold_food", "--remedy", "remake"],
                      COMEBACK_DB=pg_url)
    assert logged.returncode == 0, logged.stderr
    assert "Logged incident #1" in logged.stdout
    verified = comeback(["verify"], COMEBACK_DB=pg_url)
    assert verified.returncode == 0 and "intact" in verified.stdout
    database = open_database(pg_url)
    try:
        assert database["incidents"].count == 1
    finally:
        database.close()


def test_a_url_is_printed_whole_and_never_as_a_path(pg_url):
    result = comeback(["init", "--db", pg_url, "--store", "Fjord Kafé", "--owner", "Ingrid",
                       "--owner-pin", OWNER_PIN])
    assert result.returncode == 0, result.stderr
    assert f"in {pg_url}." in result.stdout
    assert "postgresql:/" + "/" in result.stdout and "postgresql:/t" not in result.stdout


def test_no_such_database_names_it_and_says_create_it(pg_url):
    url = pg_url.replace(dbname(pg_url), "no_such_store")
    message = refused(comeback(["followups", "--db", url]),
                      "no such database: no_such_store on localhost:", "createdb")
    assert "postgresql://" not in message


def test_a_user_without_rights_is_told_to_connect_as_the_owner(pg_cluster, pg_url):
    pg_cluster.admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                     "'visitor') THEN CREATE ROLE visitor LOGIN; END IF; END $$")
    init(pg_url)
    refused(comeback(["followups", "--db", with_user(pg_url, "visitor")]),
            f"may not use Comeback's tables in {dbname(pg_url)} on localhost:",
            "grant this one access")


def test_a_wrong_password_is_refused_without_printing_it(own_cluster):
    url = with_user(own_cluster.url("shop"), "comeback", "not-the-password")
    message = refused(comeback(["init", "--db", url, "--store", "S", "--owner", "Ingrid",
                                "--owner-pin", OWNER_PIN]),
                      "did not let this user in to shop on localhost:", "~/.pgpass",
                      "Comeback stores no password")
    assert "not-the-password" not in message


def test_the_password_comes_from_pgpass(own_cluster, tmp_path):
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"*:*:*:comeback:{PASSWORD}\n")
    passfile.chmod(0o600)
    result = comeback(["init", "--db", own_cluster.url("shop"), "--store", "Bakeriet",
                       "--owner", "Ingrid", "--owner-pin", OWNER_PIN], PGPASSFILE=str(passfile))
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout


def test_a_stopped_server_is_named_with_what_to_check(own_cluster):
    own_cluster.stop()
    try:
        refused(comeback(["followups", "--db", own_cluster.url("shop")],
                         PGPASSWORD=PASSWORD),
                "Cannot reach the database server for shop on localhost:",
                "PostgreSQL runs on it", "try again")
    finally:
        own_cluster.restart_server()


LOSE_CONNECTION_MID_WRITE = """
import db.pg_tap as pg_tap
_real = pg_tap.write
_cut = []
def _broken(database, tap, stamp):
    written = _real(database, tap, stamp)
    if not _cut:  # once: the tap kept meanwhile is written normally
        _cut.append(True)
        # goes out with the tap's write, after it, before its COMMIT
        database.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return written
pg_tap.write = _broken
"""


def test_a_connection_lost_mid_write_keeps_the_tap_and_writes_nothing_half(pg_url, tmp_path):
    """The connection breaks after the incident and its remedy were written, before the
    COMMIT: nothing of that transaction reaches the server, and the tap is kept on this
    terminal to be sent (issue 15: ``log`` while the server is away saves to the outbox,
    says so, exit 0)."""
    init(pg_url)
    result = comeback(["log", "--db", pg_url, "--category", "cold_food", "--remedy", "remake"],
                      preamble=LOSE_CONNECTION_MID_WRITE, XDG_DATA_HOME=str(tmp_path))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "The server cannot be reached: saved on this terminal (1 waiting to send)" \
        in result.stdout
    database = open_database(pg_url)
    try:  # the incident went with its remedy: nothing half-written on the server
        assert database["incidents"].count == 0
    finally:
        database.close()


def test_after_a_lost_connection_the_next_statement_connects_again(pg_cluster, pg_url):
    from db.health import DatabaseServerError, ServerProblem

    database = open_database(pg_url)
    try:
        pid = database.execute("SELECT pg_backend_pid()").fetchone()[0]
        pg_cluster.admin(f"SELECT pg_terminate_backend({pid})")
        with pytest.raises(DatabaseServerError) as lost, database.atomic():
            database.execute("INSERT INTO stores (created_at) VALUES ('x')")
        assert lost.value.problem is ServerProblem.LOST
        assert lost.value.where.startswith(f"{dbname(pg_url)} on localhost:")
        with database.atomic():  # a kept tap, saved once the server answers again
            database.execute("INSERT INTO stores (created_at) VALUES ('y')")
        assert database.execute("SELECT created_at FROM stores").fetchall() == [("y",)]
        assert database.execute("SELECT pg_backend_pid()").fetchone()[0] != pid
    finally:
        database.close()
    with pytest.raises(DatabaseServerError):  # closed on purpose: not connected again
        database.execute("SELECT 1")
