"""Every bad state of the database file through the real ``comeback`` command: exit 2, a
message that says what is wrong and what to do, no traceback, and no file left behind."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from db.connection import NEWEST_MIGRATION
from tests.conftest import cli_init_store
from tests.dbstates import (
    CAN_DROP_PRIVILEGES,
    FULL_DISK,
    SHORT_BUSY_TIMEOUT,
    checkpoint,
    files_under,
    flip_bytes_in_the_middle,
    mark_as_newer,
    run_cli,
)

LOG = ["log", "--category", "cold_food", "--remedy", "remake", "--note", "cold soup"]
needs_real_permissions = pytest.mark.skipif(
    not CAN_DROP_PRIVILEGES, reason="running as root without setpriv: file modes do not apply")


def _store(folder: Path) -> Path:
    """A store made by ``comeback init``, closed (no -wal or -shm left)."""
    path = folder / "store.db"
    cli_init_store(path)
    checkpoint(path)
    return path


def _packed_store(folder: Path) -> Path:
    """A store with two weeks of incidents, vacuumed into 512-byte pages: nothing is left
    free, and an incident with a long note overflows its page whatever the free space at
    the end of each table (which shifts when a row grows a column), so it needs a new one."""
    from app.cli import main

    path = folder / "store.db"
    assert main(["demo", "--db", str(path), "--weeks", "2"]) == 0
    checkpoint(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")  # the page size changes outside WAL only
    conn.execute("PRAGMA page_size=512")
    conn.execute("VACUUM")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return path


def directory(folder):
    (folder / "adir").mkdir()
    return folder / "adir", LOG, "is a folder, not a database file"


def random_bytes(folder):
    path = folder / "random.db"
    path.write_bytes(os.urandom(8192))
    return path, LOG, "is not a Comeback database (not a database)"


def a_pdf(folder):
    path = folder / "summary.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return path, ["report", "--out", str(folder / "week.pdf")], "(a PDF document)"


def unreadable(folder):
    path = _store(folder)
    path.chmod(0)
    return path, ["report", "--out", str(folder / "week.pdf")], "cannot be read by this user"


def unreadable_folder(folder):
    path = _store(folder)
    path.parent.chmod(0)
    return path, ["followups"], "cannot be read by this user"


def read_only_file(folder):
    path = _store(folder)
    path.chmod(0o444)
    return path, LOG, "is read-only: nothing can be saved in it"


def read_only_folder(folder):
    path = _store(folder)
    path.parent.chmod(0o555)
    return path, LOG, "is read-only: nothing can be saved in it"


def newer(folder):
    path = _store(folder)
    mark_as_newer(path)
    return path, LOG, "saved by a newer Comeback (database version 99); this Comeback knows"


def damaged(folder):
    path = _store(folder)
    checkpoint(path)
    flip_bytes_in_the_middle(path)
    return path, LOG, "is damaged: part of it can no longer be read. Nothing was written"


def damaged_report(folder):
    path, _args, message = damaged(folder)
    return path, ["report", "--out", str(folder / "week.pdf")], message


def missing(folder):
    return folder / "nope" / "sub" / "x.db", ["report"], \
        "There is no database at {path}. Create one with `comeback init`"


CASES = {
    "directory": (directory, {}), "not_a_database": (random_bytes, {}), "pdf": (a_pdf, {}),
    "unreadable": (unreadable, {"unprivileged": True}),
    "unreadable_folder": (unreadable_folder, {"unprivileged": True}),
    "read_only_file": (read_only_file, {"unprivileged": True}),
    "read_only_folder": (read_only_folder, {"unprivileged": True}),
    "newer_comeback": (newer, {}), "damaged": (damaged, {}),
    "damaged_report": (damaged_report, {}), "missing": (missing, {}),
    "disk_full": (lambda f: (_packed_store(f), [*LOG[:-1], "soup " * 100],
                             "The disk is full: nothing was saved in"),
                  {"preamble": FULL_DISK}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_state_of_the_database_file_gets_a_clear_message_and_exit_2(tmp_path, case):
    make, options = CASES[case]
    if options.get("unprivileged") and not CAN_DROP_PRIVILEGES:
        pytest.skip("running as root without setpriv: file modes do not apply")
    folder = tmp_path / "store"
    folder.mkdir()
    path, args, message = make(folder)
    before = files_under(tmp_path) if case not in ("unreadable_folder",) else None
    bytes_before = path.read_bytes() if path.is_file() and case not in (
        "unreadable", "disk_full") else None
    done = run_cli(["--db", str(path), *args], **options, cwd=tmp_path)
    folder.chmod(0o755)
    path.chmod(0o644) if path.is_file() else None
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert message.format(path=path) in done.stderr
    assert done.stderr.startswith("comeback: error: ")
    if before is not None:
        assert files_under(tmp_path) == before  # no database, folder, -wal or output made
    if bytes_before is not None:
        assert path.read_bytes() == bytes_before  # nothing written into it
    if case == "disk_full":  # the incident is not half-written: nothing of it is there
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT count(*) FROM incidents WHERE note LIKE 'soup%'"
                            ).fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


@pytest.mark.parametrize("case", ["damaged", "not_a_database", "newer_comeback"])
def test_the_message_names_the_newest_good_backup(tmp_path, case):
    path = tmp_path / "store.db"
    cli_init_store(path)
    assert run_cli(["backup", "--db", str(path)]).returncode == 0
    checkpoint(path)
    if case == "not_a_database":
        path.write_bytes(os.urandom(4096))
    elif case == "damaged":
        flip_bytes_in_the_middle(path)
    else:
        mark_as_newer(path)
    done = run_cli(["--db", str(path), *LOG])
    assert done.returncode == 2
    backup = next((tmp_path / "backups").glob("store-*.db"))
    assert f"restore it with `comeback restore {backup}`" in done.stderr


def test_a_lock_held_past_the_busy_timeout_says_busy_and_saves_nothing(tmp_path):
    path = _store(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = run_cli(["--db", str(path), *LOG], preamble=SHORT_BUSY_TIMEOUT)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "is busy: another program has been writing to it" in done.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
    conn.close()


@needs_real_permissions
@pytest.mark.parametrize("mode", ["file", "folder"])
def test_reading_commands_work_on_a_read_only_database(tmp_path, mode):
    folder = tmp_path / "store"
    folder.mkdir()
    path = _store(folder)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o777)
    before = sorted(p.name for p in folder.iterdir())  # the store and init's sound stamp
    (path if mode == "file" else folder).chmod(0o444 if mode == "file" else 0o555)
    try:
        report = run_cli(["--db", str(path), "report", "--week", "2026-W47",
                          "--out", str(out / "w.pdf")], unprivileged=True)
        export = run_cli(["--db", str(path), "export", "--out", str(out / "all.csv")],
                         unprivileged=True)
        followups = run_cli(["--db", str(path), "followups"], unprivileged=True)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert report.returncode == 0, report.stderr
    assert export.returncode == 0, export.stderr
    assert followups.returncode == 0, followups.stderr
    assert (out / "w.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in folder.iterdir()) == before  # no -wal, -shm or stamp made


def test_a_failed_init_leaves_no_file_and_no_folder(tmp_path):
    target = tmp_path / "new" / "sub" / "store.db"
    done = run_cli(["init", "--db", str(target), "--store", "X", "--currency", "QQQ",
                    "--owner", "Ingrid", "--owner-pin", "4821"])
    assert done.returncode == 2 and "ISO currency code" in done.stderr
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("args, message", [
    (["init", "--store", "X", "--owner", "Ingrid", "--owner-pin", "4821", "--language", "xx"],
     "--language xx: use one of en, nb, es, nl, cs."),
    (["report", "--out", "week.xlsx"], "the file name must end in .pdf or .csv"),
    (["report", "--format", "csv", "--out", "week.pdf"], "the file name must end in .csv"),
    (["export", "--out", "all.pdf"], "an export is a CSV file"),
    (["backup", "--out", "copy.zip"], "a backup is a database file"),
])
def test_wrong_options_are_refused_with_the_allowed_values(tmp_path, args, message):
    path = _store(tmp_path)
    before = files_under(tmp_path)
    done = run_cli(["--db", str(path), *args], cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert files_under(tmp_path) == before


def test_new_files_are_private_and_folders_0700(tmp_path):
    path = tmp_path / "data" / "store.db"
    cli_init_store(path)
    assert run_cli(["--db", str(path), *LOG]).returncode == 0
    assert run_cli(["--db", str(path), "backup"]).returncode == 0
    assert run_cli(["--db", str(path), "report", "--out",
                    str(tmp_path / "reports" / "w.pdf")]).returncode == 0
    assert run_cli(["--db", str(path), "export", "--out", str(tmp_path / "all.csv")]
                   ).returncode == 0
    made = [path, *path.parent.glob("store.db-*"), *(path.parent / "backups").iterdir(),
            tmp_path / "reports" / "w.pdf", tmp_path / "all.csv"]
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in made} == {
        p.name: "0o600" for p in made}
    for folder in (path.parent, path.parent / "backups", tmp_path / "reports"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_an_existing_database_open_to_others_is_made_private(tmp_path):
    path = tmp_path / "store.db"
    cli_init_store(path)
    path.chmod(0o644)
    assert run_cli(["--db", str(path), "followups"]).returncode == 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("command", ["report", "export"])
def test_a_full_disk_while_writing_a_report_or_export_leaves_no_partial_file(
        tmp_path, monkeypatch, capsys, command):
    """The disk fills up half-way through the file: the message says so, and neither a
    partial file nor a temporary one is left; an older file of that name stays whole."""
    import errno

    from app import csvio, pdf
    from app.cli import main

    path = _store(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    target = out / ("week.pdf" if command == "report" else "all.csv")
    target.write_text("last week's file")

    def half_then_full(*args, **kwargs):
        destination = next(a for a in args if isinstance(a, Path))
        destination.write_bytes(b"%PDF-1.4 half a page" if command == "report" else b"id,")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pdf, "render_pdf", half_then_full)
    monkeypatch.setattr(csvio, "export_csv", half_then_full)
    assert main(["--db", str(path), command, "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"The disk is full: {target} was not written. Free some space" in err
    assert [p.name for p in out.iterdir()] == [target.name]
    assert target.read_text() == "last week's file"


def test_an_unknown_migration_below_the_newest_is_a_newer_comeback_too(tmp_path):
    """A file that another Comeback migrated with a name this one never had, and that
    lacks this one's newest migration, is refused rather than half-migrated."""
    path = _store(tmp_path)
    conn = sqlite3.connect(path)
    with conn:  # this Comeback's newest is missing: it would migrate the file
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [NEWEST_MIGRATION])
    conn.close()
    mark_as_newer(path, "0002_renamed_note_column")
    before = path.read_bytes()
    done = run_cli(["--db", str(path), *LOG])
    assert done.returncode == 2 and "saved by a newer Comeback" in done.stderr
    assert path.read_bytes() == before
