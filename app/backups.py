"""Backups that restore: consistent copies made by SQLite, checked, rotated, private.

A server's (PostgreSQL) database is backed up the same way into a SQLite file, row by row
in one snapshot (``app.moving.copy_to_file``): ``comeback migrate-to`` brings it back into
an empty database, and the file opens as a store of its own. The app makes no automatic
backups of a server's database: every counter would copy the whole store every day; the
server's own ``pg_dump`` is the right tool there (docs/postgresql.md).

A backup is written to a temporary name in the backup folder, checked with
``integrity_check`` and only then renamed to ``<db name>-<UTC time>.db``: a file with
that name is a good backup, and a kill in the middle leaves only a ``.part`` file (swept
by the next backup). The folder is ``backups/`` next to the database unless the owner
picks another (setting ``backup_folder``). Rotation keeps the newest backup of each of the
last ``backups_daily`` days that have one, plus the newest of each of the last
``backups_weekly`` ISO weeks; anything else of this database's backups goes.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from app.errors import ComebackError
from app.files import PART_SUFFIX, atomic_private_output
from app.i18n import _
from db import sound_stamp

FOLDER_NAME = "backups"
DAILY_EVERY = timedelta(days=1)
_STAMP = "%Y-%m-%dT%H%M%SZ"


class Backup(NamedTuple):
    path: Path
    taken_at: datetime  # UTC


def default_folder(db_path: Path) -> Path:
    return Path(db_path).parent / FOLDER_NAME


def folder_for(ctx, db_path: Path | None = None) -> Path:
    """Where this store's backups go: the owner's folder, else backups/ by the database."""
    db_path = db_path or _db_path(ctx)
    chosen = ctx.settings().backup_folder.strip()
    return Path(chosen).expanduser() if chosen else default_folder(db_path)


def _db_path(ctx) -> Path:
    """The database file; for a server's database, a name for its backups in this
    user's data folder (``<database name>.db``: backups go in backups/ beside it)."""
    path = ctx.db.path
    if path is None and on_server(ctx):
        from app.terminal_config import folder

        return folder() / f"{ctx.db.where.split(' on ')[0]}.db"
    if path is None:
        raise ComebackError(_("An in-memory database has no backups."))
    return Path(path)


def on_server(ctx) -> bool:
    return getattr(ctx.db, "backend", "sqlite") == "postgresql"


def _pattern(db_path: Path) -> re.Pattern:
    return re.compile(re.escape(Path(db_path).stem) + r"-(\d{4}-\d\d-\d\dT\d{6}Z)\.db")


def list_backups(folder: Path, db_path: Path) -> list[Backup]:
    """This database's backups in ``folder``, newest first."""
    pattern, found = _pattern(db_path), []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        match = pattern.fullmatch(name)
        if match:
            taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=timezone.utc)
            found.append(Backup(Path(folder) / name, taken))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def newest_backup(db_path: Path, folder: Path | None = None) -> Backup | None:
    """The newest good backup of ``db_path`` (in ``folder``, default backups/ by it)."""
    found = list_backups(folder or default_folder(Path(db_path)), Path(db_path))
    return found[0] if found else None


def last_backup(ctx) -> Backup | None:
    """The newest good backup of the open store, or None (also for an in-memory one)."""
    if ctx.db.path is None and not on_server(ctx):
        return None
    return newest_backup(_db_path(ctx), folder_for(ctx))


class Plan(NamedTuple):
    """One backup to make, worked out on the app's thread (it reads the settings):
    ``carry_out`` then needs no connection of the app's, so a worker thread can run it."""

    db_path: Path
    target: Path
    taken_at: datetime  # UTC, the name's time
    rotation: tuple[int, int] | None  # (daily, weekly), or None for ``--out``
    marker: tuple | None = None  # db.backup.write_marker when planned


class Made(NamedTuple):
    backup: Backup
    began: float  # when the copy began (time.time())
    state: list[int] | None  # the file's fingerprint then (db.sound_stamp)
    marker: tuple | None = None  # the plan's


def plan_backup(ctx, out: Path | None = None) -> Plan:
    from db.backup import write_marker

    db_path, marker = _db_path(ctx), write_marker(ctx.db)
    now = ctx.clock.now().astimezone(timezone.utc).replace(microsecond=0)
    if out:
        return Plan(db_path, Path(out), now, None, marker)
    settings = ctx.settings()
    folder = folder_for(ctx, db_path)
    return Plan(db_path, folder / f"{db_path.stem}-{now.strftime(_STAMP)}.db", now,
                (settings.backups_daily, settings.backups_weekly), marker)


def make_backup(ctx, out: Path | None = None) -> Backup:
    """Back up the open database now: to ``out``, or into the backup folder (then rotate).

    Raises ComebackError when the copy cannot be written or fails its check; nothing is
    left behind then, and older backups are untouched.
    """
    made = carry_out(plan_backup(ctx, out), ctx.db)
    found_sound(ctx, made)
    return made.backup


def carry_out(plan: Plan, source=None) -> Made:
    """Copy, check, rename into place, rotate. ``source``: the app's open database (its
    own thread), a server's; None: a connection of its own to ``plan.db_path`` (any
    thread: what the app's automatic backups run in a worker thread). Raises
    ComebackError; nothing is left behind then, and older backups are untouched."""
    from db.backup import copy_file_to, copy_to
    from db.health import DatabaseFileError

    folder = plan.target.parent
    if plan.rotation:
        _sweep_parts(folder, plan.db_path)
    began, state = time.time(), sound_stamp.fingerprint(plan.db_path)
    try:
        with atomic_private_output(plan.target) as temporary:  # an empty file: SQLite takes it
            if getattr(source, "backend", "sqlite") == "postgresql":  # a logical copy
                from app.moving import copy_to_file

                copy_to_file(source, temporary)
            elif source is None:
                copy_file_to(plan.db_path, temporary)
            else:
                copy_to(source, temporary)
    except DatabaseFileError as error:
        from app.dbfile import problem

        raise problem(error) from None
    except OSError as error:
        raise ComebackError(_("Could not write the backup {path}: {reason}").format(
            path=plan.target, reason=error.strerror or error)) from None
    if plan.rotation:
        rotate(folder, plan.db_path, *plan.rotation)
    return Made(Backup(plan.target, plan.taken_at), began, state, plan.marker)


def changed_since(ctx, made: Made | None) -> bool:
    """Whether the open database may hold anything the backup ``made`` lacks: rows this
    connection changed or a commit by any other since the backup's plan
    (``db.backup.write_marker``; exact, and no page is read). On the app's thread."""
    from db.backup import write_marker

    return made is None or made.marker is None or write_marker(ctx.db) != made.marker


def found_sound(ctx, made: Made) -> None:
    """The copy is page for page what the file held and passed ``integrity_check``: the
    file was sound when the backup began, which counts as its daily full check
    (``db.sound_stamp``). On the app's thread."""
    _found_sound(ctx, made.began, made.state)


def _found_sound(ctx, began: float, state: list[int] | None) -> None:
    """The copy is page for page what the file held and passed ``integrity_check``: the
    file was sound when the backup began, which counts as its daily full check
    (``db.sound_stamp``)."""
    db = ctx.db
    if db.read_only or state is None:
        return
    db.sound_since = began
    sound_stamp.write(db.path, began, state)


def _sweep_parts(folder: Path, db_path: Path) -> None:
    """Remove what an interrupted backup of this database left (a ``.part`` file)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    prefix = f".{Path(db_path).stem}-"
    for name in names:
        if name.startswith(prefix) and name.endswith(PART_SUFFIX):
            (Path(folder) / name).unlink(missing_ok=True)


def to_keep(backups: list[Backup], daily: int, weekly: int) -> set[Path]:
    """Which of ``backups`` (newest first) rotation keeps: the newest of each of the last
    ``daily`` days and of each of the last ``weekly`` ISO weeks (UTC)."""
    keep: set[Path] = set()
    days: set = set()
    weeks: set = set()
    for backup in backups:
        day, week = backup.taken_at.date(), backup.taken_at.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(backup.path)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(backup.path)
    return keep


def rotate(folder: Path, db_path: Path, daily: int, weekly: int) -> list[Path]:
    """Delete this database's backups that rotation does not keep; returns them. The newest
    is always kept."""
    backups = list_backups(folder, db_path)
    keep = to_keep(backups, daily, weekly) | ({backups[0].path} if backups else set())
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_due(ctx, now: datetime | None = None) -> datetime | None:
    """When the next daily backup is due (now or earlier: due now); None in memory."""
    if ctx.db.path is None:
        return None
    last = last_backup(ctx)
    now = now or ctx.clock.now()
    return now if last is None else last.taken_at + DAILY_EVERY


def aside_name(db_path: Path, now: datetime) -> str:
    return f"{db_path.stem}-before-restore-{now.astimezone(timezone.utc).strftime(_STAMP)}.db"
