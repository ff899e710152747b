"""``comeback restore FILE``: put a backup back, keeping the current database aside.

The backup is checked first (a whole SQLite file, ``integrity_check`` ok, not from a newer
Comeback, holds a store). A readable current database is copied aside by SQLite into
``backups/<name>-before-restore-<time>.db`` and then overwritten page by page through
SQLite's backup API, so a running app on it reads the restored data on its next query; a
damaged or foreign current file is moved aside as it is. The restored database is
migrated if it is older, and the restore is written to its audit log.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from app import audit
from app.backups import aside_name, default_folder
from app.clock import Clock, SystemClock
from app.errors import ComebackError
from app.files import atomic_private_output
from app.i18n import _
from db import backup as backup_db
from db.connection import open_database
from db.health import (
    PRIVATE_FILE,
    DatabaseFileError,
    Problem,
    make_private_folder,
)


class Restored(NamedTuple):
    path: Path
    backup: Path
    aside: Path | None


def check_restorable(backup: Path) -> None:
    """Raise ComebackError saying why ``backup`` cannot be restored; return if it can."""
    from app.dbfile import message

    backup = Path(backup)
    try:
        has_store = backup_db.check_backup(backup)
    except DatabaseFileError as error:
        raise ComebackError(_("{file} cannot be restored: {reason}").format(
            file=backup, reason=message(error, hint=False))) from None
    if not has_store:
        raise ComebackError(_("{file} holds no store: there is nothing in it to restore.")
                            .format(file=backup))


def restore(db_path: Path, backup: Path, clock: Clock | None = None) -> Restored:
    """Restore ``backup`` into ``db_path`` (which may be open elsewhere, damaged or
    missing); returns where the old database was kept."""
    from app.dbtarget import is_server, shown

    if is_server(db_path):
        raise ComebackError(_(
            "A backup is not put back over a server's database (its audit log is never "
            "deleted). Put it into a new, empty database instead: `comeback migrate-to "
            "postgresql://USER@HOST/NEW_DATABASE --db {file}`, then use that database. "
            "{where} was not changed.").format(file=backup, where=shown(db_path)))
    db_path, backup, clock = Path(db_path), Path(backup), clock or SystemClock()
    check_restorable(backup)
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise ComebackError(_("{file} is the database itself; pick a backup file.").format(
            file=backup))
    now = clock.now()
    folder = default_folder(db_path)
    aside = folder / aside_name(db_path, now)
    current = None
    if db_path.exists():
        try:
            current = open_database(db_path, create=False, check=True)  # before any write
        except DatabaseFileError as error:
            if current is not None:
                current.close()
                current = None
            if error.problem not in (Problem.DAMAGED, Problem.NOT_DATABASE, Problem.TOO_NEW):
                from app.dbfile import problem

                raise problem(error) from None
            _move_aside(db_path, aside)
    if current is not None:
        try:
            with atomic_private_output(aside) as temporary:
                backup_db.copy_to(current, temporary)
            backup_db.restore_into(backup, current.conn)
        except DatabaseFileError as error:
            from app.dbfile import problem

            raise problem(error) from None
        finally:
            current.close()
    elif not db_path.exists():
        make_private_folder(db_path.parent)
        os.close(os.open(db_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
        import sqlite3

        target = sqlite3.connect(str(db_path))
        try:
            backup_db.restore_into(backup, target)
        finally:
            target.close()
        if not aside.exists():
            aside = None
    from app.context import Context

    ctx = Context(open_database(db_path), clock)  # migrates a backup from an older Comeback
    try:
        audit.record(ctx, None, "database.restored", backup=str(backup),
                     kept_aside=str(aside) if aside else None)
    finally:
        ctx.db.close()
    return Restored(db_path, backup, aside)


def _move_aside(db_path: Path, aside: Path) -> None:
    """Rename a file SQLite cannot use (and its -wal/-shm) into the backup folder."""
    make_private_folder(aside.parent)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{aside}{suffix}"))
