"""``comeback migrate-to URL``: copy the store in a SQLite file into PostgreSQL (see
app.moving). The file is ``--db`` (or the default one) and is left as it was."""

from __future__ import annotations

import argparse

from app.i18n import _


def add_parsers(sub) -> None:
    """Register ``migrate-to`` on ``comeback``'s subparsers."""
    move = sub.add_parser("migrate-to", help=_(
        "copy the store in the database file (--db) into an empty PostgreSQL database"))
    move.add_argument("url", metavar="postgresql://USER@HOST/DATABASE",
                      help=_("the PostgreSQL database to copy into (empty; a password comes "
                             "from ~/.pgpass or PGPASSWORD)"))


def cmd_migrate_to(args: argparse.Namespace, db_path) -> int:
    from app.dbtarget import parse, shown
    from app.moving import migrate_to

    url = parse(args.url)
    done = migrate_to(db_path, url if isinstance(url, str) else str(args.url))
    print(_("Copied {file} into {where}:").format(file=done.source, where=done.target))
    width = max(len(table) for table in done.counts) if done.counts else 0
    for table, count in done.counts.items():
        print(f"  {table:<{width}}  {count:>9,}")
    print(_("{path} was not changed. Check the copy with `comeback verify --db {url}`, then "
            "start each counter with --db {url} (or COMEBACK_DB).").format(
        path=done.source, url=shown(url)))
    return 0
