"""The database file's bad days in the user's words: what is wrong and what to do.

``db.health`` finds the state of the file; here each state becomes one
``app.errors.DatabaseProblem`` subclass with a translated message. The CLI prints it
(exit 2), the GUI shows it in ``ui.db_problem`` with the ways out.
"""

from __future__ import annotations

from pathlib import Path

from app import errors
from app.i18n import _
from db.connection import BUSY_TIMEOUT_MS, Database, open_database
from db.health import DatabaseFileError, DatabaseServerError, Problem, problem_of

_CLASSES = {
    Problem.MISSING: errors.DatabaseMissing, Problem.DIRECTORY: errors.DatabaseIsFolder,
    Problem.NOT_DATABASE: errors.NotADatabase, Problem.UNREADABLE: errors.DatabaseUnreadable,
    Problem.READ_ONLY: errors.DatabaseReadOnly, Problem.TOO_NEW: errors.DatabaseTooNew,
    Problem.DAMAGED: errors.DatabaseDamaged, Problem.DISK_FULL: errors.DiskFull,
    Problem.LOCKED: errors.DatabaseLocked, Problem.IO_ERROR: errors.DatabaseIOError,
    Problem.CANNOT_CREATE: errors.DatabaseNotCreated,
}


def open_checked(path: str | Path, *, create: bool = False, check: bool = True,
                 write: bool = True, sound_since: float | None = None) -> Database:
    """Open the database for a command: ``create`` only for commands that make one (init,
    demo, restore); ``check`` makes sure the file is sound first (quick_check, unless its
    stamp or ``sound_since`` says it is, see ``db.sound_stamp``); ``write`` refuses a
    read-only file before anything is done. Raises a DatabaseProblem for every bad state."""
    try:
        database = open_database(path, create=create, check=check, sound_since=sound_since)
    except (DatabaseFileError, DatabaseServerError) as error:
        raise problem(error) from None
    if write and database.read_only:
        database.close()
        raise problem(DatabaseFileError(Problem.READ_ONLY, path))
    return database


def translate(error: BaseException, path: str | Path | None) -> errors.DatabaseProblem | None:
    """The DatabaseProblem behind an error raised while using the database, or None."""
    if isinstance(error, errors.DatabaseProblem):
        return error
    if isinstance(error, DatabaseServerError):
        return problem(error)
    found = problem_of(error, path)
    return problem(found) if found is not None else None


def problem(error: DatabaseFileError | DatabaseServerError) -> errors.DatabaseProblem:
    """The user-facing exception for a state ``db.health`` found (of a file or a server)."""
    if isinstance(error, DatabaseServerError):
        from app import dbserver

        return dbserver.problem(error)
    backup = None
    if error.problem is Problem.DAMAGED:
        from db.sound_stamp import forget

        forget(error.path)  # the next process reads every page again
    if error.problem in (Problem.DAMAGED, Problem.NOT_DATABASE, Problem.TOO_NEW):
        from app.backups import newest_backup

        backup = newest_backup(error.path)
    return _CLASSES[error.problem](message(error, backup), error.path, backup,
                                   message(error, backup, hint=False))


def message(error: DatabaseFileError, backup=None, hint: bool = True) -> str:
    """What is wrong and what to do; ``hint`` adds where the newest backup is."""
    path, kind = error.path, error.problem
    reason = error.detail
    if kind is Problem.MISSING:
        return _("There is no database at {path}. Create one with `comeback init`, or give "
                 "the right file with --db.").format(path=path)
    if kind is Problem.DIRECTORY:
        return _("{path} is a folder, not a database file. Give the file itself, for "
                 "example {example}.").format(path=path, example=path / "comeback.db")
    if kind is Problem.NOT_DATABASE:
        what = _("a PDF document") if reason == "pdf" else _("not a database")
        return _("{path} is not a Comeback database ({what}). Check the file name, or "
                 "restore a backup.").format(path=path, what=what) + _restore_hint(backup, hint)
    if kind is Problem.UNREADABLE:
        return _("{path} cannot be read by this user ({reason}). Ask whoever looks after "
                 "this computer to give you access to the file and its folder, or open "
                 "another file.").format(path=path, reason=reason or _("permission denied"))
    if kind is Problem.READ_ONLY:
        return _("{path} is read-only: nothing can be saved in it. Reports and exports "
                 "still work. To save again, make the file and its folder writable for "
                 "your user, or copy the file to a folder you can write to.").format(path=path)
    if kind is Problem.TOO_NEW:
        return _("{path} was saved by a newer Comeback (database version {found}); this "
                 "Comeback knows versions up to {known}. Nothing was changed. Update "
                 "Comeback on this computer, or restore a backup made with this version."
                 ).format(path=path, found=error.found, known=error.known
                          ) + _restore_hint(backup, hint)
    if kind is Problem.DAMAGED:
        return _("{path} is damaged: part of it can no longer be read. Nothing was written "
                 "to it.").format(path=path) + _restore_hint(backup, hint)
    if kind is Problem.DISK_FULL:
        return _("The disk is full: nothing was saved in {path}. Free some space on the "
                 "disk and try again.").format(path=path)
    if kind is Problem.LOCKED:
        return _("{path} is busy: another program has been writing to it for more than "
                 "{seconds} seconds, so nothing was saved. Try again in a moment; if it "
                 "stays busy, close the other Comeback or wait for its import to finish."
                 ).format(path=path, seconds=BUSY_TIMEOUT_MS // 1000)
    if kind is Problem.IO_ERROR:
        return _("{path} could not be read or written ({reason}). Check that the disk or "
                 "USB stick is still there; nothing was saved.").format(path=path, reason=reason)
    return _("Could not create {path}: {reason}.").format(path=path, reason=reason)


def _restore_hint(backup, hint: bool) -> str:
    if not hint:
        return ""
    if backup is None:
        return " " + _("No backup was found next to it.")
    return " " + _("The newest good backup is {file}: restore it with `comeback restore "
                   "{file}`.").format(file=backup.path)
