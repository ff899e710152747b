"""``comeback backup [--out FILE]`` and ``comeback restore FILE``."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.errors import ComebackError
from app.i18n import _


def add_parsers(sub) -> None:
    backup = sub.add_parser("backup", help=_("back up the database now (a checked copy)"))
    backup.add_argument("--out", type=Path, default=None,
                        help=_("file to write (default: the backup folder, rotated)"))
    restore = sub.add_parser("restore", help=_("put a backup back in place of the database "
                                               "(the current one is kept aside)"))
    restore.add_argument("file", type=Path, help=_("the backup file to restore"))


def cmd_backup(args: argparse.Namespace, ctx) -> int:
    from app.backups import make_backup

    if args.out is not None and args.out.suffix.lower() != ".db":
        raise ComebackError(_("--out {path}: a backup is a database file; give a name "
                              "ending in .db.").format(path=args.out))
    made = make_backup(ctx, args.out)
    print(_("Backed up to {path} (checked).").format(path=made.path))
    return 0


def cmd_restore(args: argparse.Namespace, db_path: Path) -> int:
    from app.restore import restore

    done = restore(db_path, args.file)
    print(_("Restored {file} into {path}.").format(file=done.backup, path=done.path))
    if done.aside:
        print(_("The database as it was is kept in {aside}.").format(aside=done.aside))
    return 0
