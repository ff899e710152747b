"""What state the database file is in: each bad state raises :class:`DatabaseFileError`
with its :class:`Problem`, so the CLI and the GUI tell the user the same thing.

``inspect`` and ``schema_state`` do the cheap checks every start can afford (a ``stat``,
the header as SQLite reads it, the newest applied migration): a folder, a missing file, a
file that is not SQLite, one that cannot be read or written, one written by a newer
Comeback. The full
``PRAGMA quick_check`` reads every page, so callers run it where it fits (``check``):
the CLI before each command, the GUI in a worker thread after the first paint — and only
when the file may have changed behind Comeback's back or the last full check is a day old
(``sound_since``, ``db.sound_stamp``).
``problem_of`` maps an error SQLite raises later (disk full, locked, damaged…) to the
same kinds. The app layer (``app.dbfile``) turns each kind into the user's words.
"""

from __future__ import annotations

import enum
import errno
import os
import sqlite3
import stat
from pathlib import Path

HEADER = b"SQLite format 3\x00"
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


class Problem(enum.Enum):
    MISSING = "missing"
    DIRECTORY = "directory"
    NOT_DATABASE = "not_database"
    UNREADABLE = "unreadable"
    READ_ONLY = "read_only"
    TOO_NEW = "too_new"
    DAMAGED = "damaged"
    DISK_FULL = "disk_full"
    LOCKED = "locked"
    IO_ERROR = "io_error"
    CANNOT_CREATE = "cannot_create"


class DatabaseFileError(Exception):
    """The database file at ``path`` is in state ``problem``; ``detail`` says more (a
    reason from the OS or SQLite); ``found``/``known`` are schema versions (TOO_NEW)."""

    def __init__(self, problem: Problem, path: Path | str, detail: str = "", *,
                 found: int | str | None = None, known: int | None = None) -> None:
        super().__init__(f"{problem.value}: {path}: {detail}")
        self.problem, self.path, self.detail = problem, Path(path), detail
        self.found, self.known = found, known


_BY_ERROR_NAME = {"SQLITE_FULL": Problem.DISK_FULL, "SQLITE_BUSY": Problem.LOCKED,
                  "SQLITE_LOCKED": Problem.LOCKED, "SQLITE_READONLY": Problem.READ_ONLY,
                  "SQLITE_CORRUPT": Problem.DAMAGED, "SQLITE_NOTADB": Problem.NOT_DATABASE,
                  "SQLITE_CANTOPEN": Problem.UNREADABLE, "SQLITE_IOERR": Problem.IO_ERROR,
                  "SQLITE_PERM": Problem.UNREADABLE, "SQLITE_AUTH": Problem.UNREADABLE}


def problem_of(error: BaseException, path: Path | str | None) -> DatabaseFileError | None:
    """The file state behind an error SQLite raised, or None for other errors."""
    if isinstance(error, DatabaseFileError):
        return error
    if not isinstance(error, sqlite3.Error):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    for prefix, problem in _BY_ERROR_NAME.items():
        if name == prefix or name.startswith(prefix + "_"):
            return DatabaseFileError(problem, path or "", str(error))
    text = str(error).lower()
    for words, problem in (("disk is full", Problem.DISK_FULL), ("locked", Problem.LOCKED),
                           ("readonly", Problem.READ_ONLY), ("malformed", Problem.DAMAGED),
                           ("not a database", Problem.NOT_DATABASE)):
        if words in text:
            return DatabaseFileError(problem, path or "", str(error))
    return None


def not_a_database(path: Path) -> DatabaseFileError:
    """What a file SQLite does not take for a database is (read only when SQLite has
    refused it, so no connection of this process holds locks on it worth keeping)."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(HEADER))
    except OSError:
        head = b""
    if head == HEADER:  # a database whose first page is broken
        return DatabaseFileError(Problem.DAMAGED, path, "file is not a database")
    return DatabaseFileError(Problem.NOT_DATABASE, path,
                             "pdf" if head.startswith(b"%PDF") else "")


def make_private_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents 0700; returns those it created, deepest
    last (so a caller can remove them again if what it was for fails)."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for each in reversed(missing):
        each.mkdir(mode=PRIVATE_FOLDER)
        os.chmod(each, PRIVATE_FOLDER)  # mkdir's mode is masked by the umask
    return list(reversed(missing))


def remove_created(paths: list[Path]) -> None:
    """Remove files (and their -wal/-shm/-journal) and empty folders made for a failed
    command, deepest first."""
    for path in reversed(paths):
        try:
            if path.is_dir():
                path.rmdir()
            else:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass


def tighten(path: Path) -> None:
    """Make an existing database (and its -wal/-shm) 0600 if it is ours and open to
    others; SQLite creates -wal/-shm with the database file's mode."""
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        each = Path(f"{path}{suffix}")
        try:
            info = each.stat()
            if info.st_mode & 0o077 and info.st_uid == os.geteuid():
                os.chmod(each, PRIVATE_FILE)
        except OSError:
            pass


def inspect(path: Path, *, create: bool) -> tuple[bool, list[Path]]:
    """The checks before SQLite opens ``path``: returns (writable, created), where
    ``created`` lists the folders and file made here (only when ``create``)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except NotADirectoryError as error:
        raise DatabaseFileError(Problem.MISSING if not create else Problem.CANNOT_CREATE,
                                path, error.strerror or str(error)) from None
    except PermissionError as error:
        raise DatabaseFileError(Problem.UNREADABLE, path, error.strerror or str(error)) from None
    if info is None:
        if not create:
            raise DatabaseFileError(Problem.MISSING, path)
        try:
            created = make_private_folder(path.parent)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
        except OSError as error:
            raise DatabaseFileError(Problem.CANNOT_CREATE, path,
                                    error.strerror or str(error)) from None
        return True, [*created, path]
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseFileError(Problem.DIRECTORY, path)
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseFileError(Problem.NOT_DATABASE, path, "not a regular file")
    # Not read with open(): closing any descriptor of a database file drops every POSIX
    # lock this process holds on it (a connection already open here would lose its locks,
    # and another process could delete the WAL under it). SQLite reads the header itself
    # and says SQLITE_NOTADB; ``not_a_database`` then looks at what it is.
    if not os.access(path, os.R_OK):
        raise DatabaseFileError(Problem.UNREADABLE, path, os.strerror(errno.EACCES))
    folder = path.parent
    writable = os.access(path, os.W_OK) and (os.access(folder, os.W_OK) or all(
        os.access(f"{path}{suffix}", os.W_OK) for suffix in ("-wal", "-shm")))
    return writable, []


def connect(path: Path, writable: bool, timeout_ms: int) -> sqlite3.Connection:
    """sqlite3 connection to ``path``: read-only by URI when the file or its folder is not
    writable (immutable when not even the -shm file can be made)."""
    if writable:
        return sqlite3.connect(str(path))
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute(f"PRAGMA busy_timeout={timeout_ms}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error:
        conn.close()
    return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def _number(name: str | None) -> int:
    try:
        return int((name or "0").split("_", 1)[0])
    except ValueError:
        return 0


def schema_state(conn: sqlite3.Connection, path: Path, migration_set: str,
                 newest_known: str, count_known: int) -> bool:
    """True when the file has ``newest_known`` applied and ``count_known`` migrations in
    all (nothing to migrate); False when it needs migrating, also when it skipped one (a
    migration landed below the newest); raises TOO_NEW for a file a newer Comeback wrote,
    and the matching problem when SQLite cannot read it."""
    try:
        row = conn.execute("SELECT max(name), count(*) FROM _sqlite_migrations"
                           " WHERE migration_set = ?", [migration_set]).fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error as again:
                raise problem_of(again, path) or again from None
            return False  # a new file (or one from before migrations): migrate it
        raise problem_of(error, path) or error from None
    except sqlite3.Error as error:
        raise problem_of(error, path) or error from None
    newest, count = row if row else (None, 0)
    if _number(newest) > _number(newest_known):
        raise DatabaseFileError(Problem.TOO_NEW, path, newest or "",
                                found=_number(newest), known=_number(newest_known))
    return newest == newest_known and count == count_known


def refuse_unknown(conn: sqlite3.Connection, path: Path, migration_set: str,
                   known: list[str]) -> None:
    """Raise TOO_NEW when the file has a migration this Comeback never had (only asked
    when it is about to migrate, so a renamed column is never half-migrated)."""
    try:
        applied = [row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migration_set])]
    except sqlite3.OperationalError:
        return  # a new file
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise DatabaseFileError(Problem.TOO_NEW, path, unknown[-1],
                                found=unknown[-1], known=_number(known[-1]))


def quick_check(conn: sqlite3.Connection, path: Path | str) -> None:
    """``PRAGMA quick_check``: raises DAMAGED with SQLite's first finding, else returns."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.Error as error:
        raise problem_of(error, path) or error from None
    if [r[0] for r in rows] != ["ok"]:
        raise DatabaseFileError(Problem.DAMAGED, path, "; ".join(str(r[0]) for r in rows))


def sound_since(conn: sqlite3.Connection, path: Path | str) -> float:
    """When the file was last found sound: its stamp's time when the stamp matches the file
    as it is (``db.sound_stamp``), else now, after a ``quick_check`` that found it sound
    (which raises DAMAGED otherwise)."""
    import time

    from db import sound_stamp

    since = sound_stamp.sound_since(path)
    if since is None:
        began = time.time()
        quick_check(conn, path)
        since = began
    return since


def check_file(path: Path | str) -> float:
    """``quick_check`` on a connection of its own (for a worker thread: SQLite releases
    the GIL while it reads). Raises DatabaseFileError when the file is damaged; returns
    the time the check began (the file was sound then)."""
    import time

    began = time.time()
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)
    try:
        quick_check(conn, path)
    finally:
        conn.close()
    return began


class ServerProblem(enum.Enum):
    UNREACHABLE = "unreachable"      # no server answers at that address
    AUTH = "auth"                    # wrong user or password, or not allowed in (pg_hba)
    NO_DATABASE = "no_database"      # the server has no database of that name
    PERMISSION = "permission"        # connected, but the user may not use the tables
    LOST = "lost"                    # the connection broke while in use


class DatabaseServerError(sqlite3.OperationalError):
    """The PostgreSQL server at ``where`` (URL without password) is in state ``problem``.

    A subclass of sqlite3's OperationalError so every place that retries a write on a
    passing database error (a tap kept for later) does so for a lost server too."""

    def __init__(self, problem: ServerProblem, where: str, detail: str = "") -> None:
        super().__init__(f"server {problem.value}: {where}: {detail}")
        self.problem, self.where, self.detail = problem, where, detail

    @classmethod
    def on_connect(cls, where: str, error: BaseException) -> DatabaseServerError:
        text = str(error)
        low = text.lower()
        code = getattr(error, "sqlstate", None)
        if code == "3D000" or ("database" in low and "does not exist" in low):
            kind = ServerProblem.NO_DATABASE
        elif code in ("28P01", "28000") or "password" in low or "authentication" in low \
                or "no pg_hba.conf entry" in low or "role" in low and "does not exist" in low:
            kind = ServerProblem.AUTH
        elif code == "42501" or "permission denied" in low:
            kind = ServerProblem.PERMISSION
        else:
            kind = ServerProblem.UNREACHABLE
        return cls(kind, where, text.strip().splitlines()[-1] if text.strip() else "")

    @classmethod
    def lost(cls, error: BaseException, where: str = "") -> DatabaseServerError:
        return cls(ServerProblem.LOST, where, str(error).strip())
