"""The ``comeback`` command: the GUI by default, plus init, demo, log and friends.

Errors go to stderr with exit code 2 and no traceback. Heavy modules (Qt, reportlab) are
imported only by the subcommand that needs them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.dbtarget import is_server, shown
from app.errors import ComebackError
from app.i18n import _

if TYPE_CHECKING:
    import argparse

EXIT_ERROR = 2


def default_db_path() -> Path:
    return Path(_user_data_dir()) / "comeback.db"


def _user_data_dir() -> str:
    """platformdirs' data folder for Comeback (terminal.json and the default file are there)."""
    from platformdirs import user_data_dir

    return user_data_dir("comeback", appauthor=False)


def db_target(text: str) -> Path | str:
    """``--db``: a file, or a PostgreSQL URL kept as typed (a Path folds its ``//``); see
    app.dbtarget."""
    from app.dbtarget import parse

    return parse(text)


def _with_parent(add_parser, common, only: str | None = None, init_common=None):
    def add(name, **kwargs):
        if only is not None and name != only:
            return _Unused()
        # init's own --store is the new store's name: the store number goes before "init".
        parent = init_common if name == "init" and init_common is not None else common
        return add_parser(name, parents=[parent], **kwargs)

    return add


class _Unused:
    """Stands in for the parser of a command that is not being run (see ``_command_of``):
    every method (add_argument, add_mutually_exclusive_group, set_defaults…) does nothing
    and returns it again."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self


def _command_of(argv: list[str]) -> str | None:
    """The command ``argv`` runs, when plain to see (its first word that is not ``--db``'s
    value): then only that command's parser is built (every parser costs ~3 ms)."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--store", "--terminal"):
            next(words, None)
        elif word.startswith("-"):
            return None  # --help, --version or a typo: the full parser says what it is
        else:
            return word if word in COMMANDS else None
    return None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="comeback",
        description=_("Service recovery at the counter. Without a command, opens the app."))
    parser.add_argument("--db", type=db_target, default=None, help=_(
        "database file or postgresql:// URL") if only else _(
        "database file or postgresql:// URL (default: ${env}, else {path})").format(
        env="COMEBACK_DB", path=default_db_path()))
    parser.add_argument("--store", dest="store_id", default=None, metavar="ID",
                        help=_("the store this terminal works for, when the database holds "
                               "several (default: $COMEBACK_STORE, else 1)"))
    # --db is accepted before or after the command: "comeback demo --db x.db" works too.
    init_common = argparse.ArgumentParser(add_help=False)
    init_common.add_argument("--db", type=db_target, default=argparse.SUPPRESS,
                             help=_("database file or postgresql:// URL"))
    for where in (parser, init_common):  # this counter's name (app.terminals)
        where.add_argument("--terminal", metavar="NAME", default=argparse.SUPPRESS,
                           help=_("this terminal's name (default: COMEBACK_TERMINAL or the "
                                  "host name)"))
    common = argparse.ArgumentParser(add_help=False, parents=[init_common])
    common.add_argument("--store", dest="store_id", default=argparse.SUPPRESS, metavar="ID",
                        help=_("the store, when the database holds several"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser = _with_parent(sub.add_parser, common, only, init_common)

    init = sub.add_parser("init", help=_("create a store in a new database"))
    init.add_argument("--preset", default="restaurant", help=_("restaurant or retail"))
    init.add_argument("--store", required=True, help=_("store name"))
    init.add_argument("--currency", default=None,
                      help=_("ISO currency code, e.g. NOK (default: the language's country's, "
                             "EUR for English)"))
    init.add_argument("--locale", default=None,
                      help=_("formats, e.g. nb_NO (default: the language's, en_GB for English)"))
    init.add_argument("--language", default=None, help=_("en, nb, es, nl or cs"))
    init.add_argument("--tz", default=None,
                      help=_("time zone, e.g. Europe/Oslo (default: the language's country's, "
                             "Europe/London for English)"))
    init.add_argument("--owner", required=True, help=_("owner's name"))
    init.add_argument("--owner-pin", required=True, help=_("owner's PIN (4–8 digits)"))

    demo = sub.add_parser("demo", help=_("fill a database with realistic demo data"))
    demo.add_argument("--weeks", type=int, default=8, help=_("weeks of history (1–260)"))
    demo.add_argument("--seed", type=int, default=7, help=_("random seed"))
    demo.add_argument("--if-empty", action="store_true",
                      help=_("do nothing when the database already has incidents"))

    log = sub.add_parser("log", help=_("log one incident"))
    log.add_argument("--category", required=True, help=_("category code, e.g. cold_food"))
    log.add_argument("--remedy", action="append", required=True, metavar="CODE[:AMOUNT]",
                     help=_("remedy code, optionally with an amount in the store's currency "
                            "(12, 12.50 or 12,50; 12 means 12.00); repeat for several"))
    log.add_argument("--allow-repeat", action="store_true",
                     help=_("allow the same remedy more than once (refused otherwise)"))
    log.add_argument("--staff", default=None,
                     help=_("who gives it (staff name; default: not recorded, cashier limits)"))
    log.add_argument("--staff-pin", default=None,
                     help=_("that person's PIN (needed when sign-in needs a PIN, and always "
                            "for a manager or owner)"))
    log.add_argument("--severity", default=None, help=_("low, medium or high"))
    log.add_argument("--table", default=None, help=_("table or order number"))
    log.add_argument("--guest", default=None, help=_("guest name"))
    log.add_argument("--contact", default=None, help=_("guest phone or e-mail"))
    log.add_argument("--note", default=None, help=_("note"))
    log.add_argument("--pin", default=None, help=_("manager PIN, for remedies that need it"))
    log.add_argument("--approver", default=None,
                     help=_("who approves (staff name); only their PIN is checked"))

    redeem = sub.add_parser("redeem", help=_("redeem a voucher: the guest came back"))
    redeem.add_argument("code", help=_("the voucher code, e.g. K7M-3QX"))
    redeem.add_argument("--staff", default=None, help=_("who redeemed it (staff name)"))
    sub.add_parser("followups", help=_("list open follow-ups and those left open at the "
                                       "last closing"))
    if only in _BUILT_HERE:
        return parser  # the other modules' commands are not run: not imported either
    if only in PARSER_MODULES:  # only the module of the command that runs
        import importlib

        importlib.import_module(PARSER_MODULES[only]).add_parsers(sub)
        return parser

    from app.cli_reports import add_parsers  # report, export, import (no reportlab here)

    add_parsers(sub)
    from app import cli_backup  # backup, restore

    cli_backup.add_parsers(sub)
    from app.cli_verify import add_parsers as add_verify_parser

    add_verify_parser(sub)
    from app import cli_trust  # reset-pin

    cli_trust.add_parsers(sub)
    from app.cli_slips import add_parsers as add_slip_parsers  # slip (no escpos here)

    add_slip_parsers(sub)
    from app import cli_privacy  # erase-guest

    cli_privacy.add_parsers(sub)
    from app import cli_moving  # migrate-to

    cli_moving.add_parsers(sub)
    from app import cli_watch  # watch

    cli_watch.add_parsers(sub)
    from app import cli_offline  # sync

    cli_offline.add_parsers(sub)
    return parser


def _plain_followups(argv: list[str]):
    """``followups`` with at most ``--db PATH`` (either side of it) needs no parser:
    importing argparse (and the shutil it loads) and building the parser cost a few ms of a
    command meant to be a glance. Anything else (``--help``, a typo) goes to the parser."""
    from types import SimpleNamespace

    if argv.count("followups") != 1 or argv.index("followups") == 1:
        return None  # not followups, or between --db and its value
    rest = [word for word in argv if word != "followups"]
    if not rest:
        return SimpleNamespace(command="followups", db=None)
    db = _plain_start(rest)
    if db is None:
        return None
    return SimpleNamespace(command="followups", db=db)


#: The commands whose parsers ``_parser`` builds itself (the others come from app.cli_*).
_BUILT_HERE = frozenset({"init", "demo", "log", "redeem", "followups"})
#: The module whose ``add_parsers`` registers each other command: a command that runs
#: imports only its own (``comeback report`` need not load ``watch``'s live changes).
PARSER_MODULES = {
    "report": "app.cli_reports", "export": "app.cli_reports", "import": "app.cli_reports",
    "backup": "app.cli_backup", "restore": "app.cli_backup", "verify": "app.cli_verify",
    "reset-pin": "app.cli_trust", "slip": "app.cli_slips", "erase-guest": "app.cli_privacy",
    "migrate-to": "app.cli_moving", "watch": "app.cli_watch", "sync": "app.cli_offline"}


def _plain_start(argv: list[str]) -> Path | str | None:
    """The database (a path or a server URL, see app.dbtarget) when ``argv`` only starts
    the app (``[]``, ``--db PATH`` or ``--db=PATH``); None for anything else, which the
    full parser reads and reports on."""
    from app.dbtarget import default_target

    if not argv:
        return default_target()
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        return db_target(argv[1])
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        return db_target(argv[0][len("--db="):])
    return None


def main(argv: Sequence[str] | None = None,
         gui: Callable[[Path | str], int] | None = None) -> int:
    """Run one command; without a command, start ``gui`` (handed in by ``ui.entry``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    start_path = _plain_start(argv) if gui is not None else None
    if start_path is not None:
        # The app's own start needs no parser: building it costs ~10 ms (every command's
        # options and help, platformdirs for the default path shown in --help).
        from app.stores import chosen_store_id

        try:
            # A bad COMEBACK_STORE: said here, not as a traceback (terminal.json is read
            # only when the database does not say which store: app.context.open_context).
            chosen_store_id(explicit_only=True)
        except ComebackError as error:
            print(_("comeback: error: {message}").format(message=error), file=sys.stderr)
            return EXIT_ERROR
        return gui(start_path)
    args = _plain_followups(argv)
    if args is None:
        parser = _parser(_command_of(argv))
        args = parser.parse_args(argv)
    if args.db is None:
        from app.dbtarget import default_target

        db_path = default_target()
    else:
        db_path = args.db
    try:
        from app import stores, terminals

        terminals.choose(getattr(args, "terminal", None))
        store = getattr(args, "store_id", None)
        stores.choose(None if store is None else stores.parse_store_id(store))
        if args.command is None:
            if gui is None:
                parser.error(_("a command is needed here: init, demo, log…"))
            return gui(db_path)
        handler = COMMANDS[args.command]
        done = False
        try:
            status = handler(args, db_path)
            done = status == 0
            return status
        finally:
            _close_opened(refresh_statistics=done)
    except ComebackError as error:
        print(_("comeback: error: {message}").format(message=error), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # "comeback followups | head": the reader has had enough
        _quiet_stdout()
        return 0
    except Exception as error:  # a bad day of the database file (disk full, locked…)
        from app.dbfile import translate

        problem = translate(error, db_path)
        if problem is None:
            raise
        print(_("comeback: error: {message}").format(message=problem), file=sys.stderr)
        return EXIT_ERROR
    finally:
        from app import terminals

        terminals.choose(None)
        if gui is not None and args.command in ("followups", "report"):
            _leave_to_the_os()


def _leave_to_the_os() -> None:
    """The ``comeback`` process ends when this command returns: what it made is left for the
    operating system to free, without the interpreter's last collection walking every object
    the command's imports made (~17 M instructions, 7 % of ``comeback followups``; with
    reportlab's modules, more of ``comeback report``). Only in
    the program itself (``ui.entry`` hands in the GUI), never in a process that goes on."""
    import gc

    gc.freeze()


def _quiet_stdout() -> None:
    """Standard output's reader went away: what is still buffered goes nowhere (Python
    would otherwise say so at exit, with a traceback)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


#: Contexts a command opened: closed when it ends (closing refreshes the statistics).
_OPENED: list = []


def _close_opened(refresh_statistics: bool) -> None:
    """Close what the command opened; PRAGMA optimize only after a command that succeeded
    (a refused one leaves the file as it found it)."""
    while _OPENED:
        _OPENED.pop().db.close(refresh_statistics=refresh_statistics)


def _context(db_path: Path, must_exist: bool = True, write: bool = True,
             sound_since: float | None = None, terminal: bool | str = False):
    """The store at ``db_path`` for a command: made sure it is sound first (quick_check,
    unless its stamp says so or the caller has just found it sound at ``sound_since``, see
    ``_check_meanwhile``); a missing file is created only when ``must_exist`` is False;
    ``write=False`` for commands that only read (they work on a read-only file).
    ``terminal``: a ``postgresql://`` store opens as a terminal that keeps working while
    the server is away (app.offline: log, sync; ``"read"``: a command that only reads, told
    the server's own problem when this terminal has no copy yet)."""
    from app import i18n
    from app.context import Context
    from app.dbfile import open_checked
    from app.stores import chosen_store_id, missing_store, store_ids
    from db import store as store_db  # app.setup.is_initialised, without what setting up needs

    # A bad COMEBACK_STORE is refused before opening. A file with a single store needs no
    # terminal.json to say which (finding that file imports platformdirs: ~10 % of
    # ``comeback followups``): a file reads it below, only when it holds several stores.
    store_id = chosen_store_id(explicit_only=True)
    if store_id is None and not isinstance(db_path, Path):
        store_id = chosen_store_id()
    if terminal and isinstance(db_path, str):
        from app.offline import open_terminal, unreachable_first

        try:
            ctx = open_terminal(db_path, store_id=store_id)
        except Exception as error:
            if terminal == "read":  # nothing to log: the server's own words, what to check
                raise
            raise unreachable_first(error) from None
    else:
        ctx = Context(open_checked(db_path, create=not must_exist, write=write,
                                   sound_since=sound_since), store_id=store_id)
        if store_id is None:
            held = store_ids(ctx.db)
            ctx.store_id = held[0] if len(held) == 1 else chosen_store_id()
    _OPENED.append(ctx)
    if must_exist:
        if not store_db.store_exists(ctx.db, ctx.store_id):
            if store_ids(ctx.db):
                raise missing_store(ctx.db, ctx.store_id, str(db_path))
            raise ComebackError(_("{path} has no store yet: run comeback init first.").format(
                path=shown(db_path)))
        i18n.set_language(ctx.settings().language)
        # Reading commands too: an export holds no expired contact. Not while away.
        if not ctx.db.read_only and not getattr(ctx.db, "away", False):
            _erase_expired(ctx)
    return ctx


def _check_meanwhile(db_path: Path) -> Callable[[], float | None]:
    """Make sure the file is sound while the command imports what it needs: its stamp
    (``db.sound_stamp``) when it matches the file, else a quick_check in a worker thread
    (SQLite releases Python's lock while it reads every page). Returns the wait for the
    verdict: when the file was found sound, or None for anything else (damaged, missing,
    not a database…): then the command opens the file with the check as usual, which says
    what is wrong. Nothing is opened for writing before the verdict."""
    from db.sound_stamp import sound_since

    since = sound_since(db_path) if isinstance(db_path, Path) else None
    if since is not None:
        return lambda: since
    import threading

    from db.health import check_file

    verdict: list[float] = []

    def check() -> None:
        try:
            if isinstance(db_path, Path) and db_path.is_file():  # a server has no file
                verdict.append(check_file(db_path))
        except Exception:  # noqa: BLE001 - the usual path reports it
            pass

    worker = threading.Thread(target=check, name="quick_check", daemon=True)
    worker.start()

    def wait() -> float | None:
        worker.join()
        return verdict[0] if verdict else None

    return wait


def _erase_expired(ctx) -> None:
    """Guest details past their retention go in every process that opens the store (one
    index probe when there is nothing to erase); a file that cannot be written is left."""
    import sqlite3

    from app.privacy import erase_expired_guest_details

    try:
        erase_expired_guest_details(ctx)
    except sqlite3.OperationalError as error:
        if "readonly" not in str(error) and "read-only" not in str(error):
            raise


def cmd_init(args: argparse.Namespace, db_path: Path) -> int:
    """Create the store; a failed init leaves no file (nor folder) behind."""
    from app.i18n import LANGUAGES
    from app.store_admin import init_defaults
    from app.stores import add_store, chosen_store_id
    from db.health import remove_created

    if args.language is not None and args.language not in LANGUAGES:
        raise ComebackError(_("--language {value}: use one of {allowed}.").format(
            value=args.language, allowed=", ".join(LANGUAGES)))
    existed = is_server(db_path) or db_path.exists()  # a server's database exists already
    missing = [] if existed else [p for p in (*reversed(db_path.parents), db_path)
                                  if not p.exists()]
    ctx = _context(db_path, must_exist=False)
    defaults = init_defaults(args.language)
    try:  # a database that holds stores gets the next one (a chain), unless --store says
        add_store(ctx, explicit=chosen_store_id(explicit_only=True) is not None,
                  store_name=args.store, preset=args.preset,
                  currency=args.currency or defaults["currency"],
                  locale=args.locale or defaults["locale"], language=args.language,
                  timezone=args.tz or defaults["timezone"],
                  owner_name=args.owner, owner_pin=args.owner_pin)
    except BaseException:
        if not existed:
            ctx.db.close()
            remove_created(missing)
        raise
    if ctx.store_id == 1:
        print(_("Created {store} in {path}.").format(store=args.store, path=shown(db_path)))
    else:
        print(_("Created {store} as store {id} in {path}; its terminals start with --store "
                "{id} (or COMEBACK_STORE={id}).").format(store=args.store, id=ctx.store_id,
                                                         path=shown(db_path)))
    return 0


def cmd_demo(args: argparse.Namespace, db_path: Path) -> int:
    from app import demo
    from db.incidents import count_incidents

    if args.weeks < 1 or args.weeks > 260:
        raise ComebackError(_("--weeks must be a whole number from 1 to 260."))
    ctx = _context(db_path, must_exist=False)
    demo.check_may_fill(ctx)  # a real store: exit 2, nothing written
    if args.if_empty and count_incidents(ctx.db, ctx.store_id, include_voided=True):
        print(_("{path} already has data; only the demo staff get new PINs.").format(
            path=shown(db_path)))
        pins = demo.new_pins(ctx)
    else:
        result = demo.generate(ctx, weeks=args.weeks, seed=args.seed)
        print(_("Added {n} incidents over {weeks} weeks to {path}.").format(
            n=result.incidents, weeks=result.weeks, path=shown(db_path)))
        pins = result.pins
    if pins:
        from app.models import Role

        print(_("Demo PINs (new random ones, shown only now):"))
        for name, role, pin in pins:
            print(_("  {name} ({role}): {pin}").format(name=name, role=Role(role).label(),
                                                      pin=pin))
    return 0


def _remedy_requests(ctx, specs: list[str], allow_repeat: bool = False):
    from app import catalog
    from app.csvio import parse_written_amount
    from app.errors import ValidationError
    from app.formatting import minor_digits
    from app.models import RemedyRequest

    currency = ctx.settings().currency
    example = "12" if minor_digits(currency) == 0 else "12.50"
    requests, seen = [], set()
    for spec in specs:
        code, _sep, amount = spec.partition(":")
        remedy = catalog.remedy_by_code(ctx, code.strip())
        if remedy.id in seen and not allow_repeat:
            raise ValidationError("remedy", _(
                "--remedy {code} is given twice; add --allow-repeat if the guest really "
                "got it twice.").format(code=code.strip()))
        seen.add(remedy.id)
        if amount:
            try:
                minor = parse_written_amount(amount, currency)
            except ValueError:
                raise ValidationError("remedy", _(
                    "--remedy {spec}: the amount after ':' must be an amount in {currency} "
                    "like {example}, 0 or more.").format(
                    spec=spec, currency=currency, example=example)) from None
            requests.append(RemedyRequest(remedy.id, minor))
        else:
            requests.append(RemedyRequest(remedy.id))
    return requests


def cmd_log(args: argparse.Namespace, db_path: Path) -> int:
    from app import catalog, incidents, offline, staff
    from app.errors import ApprovalRequired
    from app.formatting import money, short_time

    ctx = _context(db_path, terminal=True)  # a server that is away: kept (app.cli_offline)
    category = catalog.category_by_code(ctx, args.category)
    requests = _remedy_requests(ctx, args.remedy, args.allow_repeat)
    member = None
    if args.staff:
        member = staff.find_by_name(ctx, args.staff)
        if ctx.settings().signin_pin or member.role.can_approve:
            # What is recorded under a name was done by that person: their PIN, counted
            # toward the lockout like every other PIN.
            from app.errors import ValidationError

            if not args.staff_pin:
                raise ValidationError("staff_pin", _(
                    "--staff {name} needs --staff-pin with {name}'s PIN.").format(
                    name=member.name))
            offline.sign_in_check(ctx, member.id, args.staff_pin, for_what="log")
    fields = dict(category_id=category.id, remedies=requests,
                  staff_id=member.id if member else None, severity=args.severity,
                  table_ref=args.table, guest_name=args.guest, guest_contact=args.contact,
                  note=args.note)

    def log(grant=None):
        if offline.is_terminal(ctx):
            from app.cli_offline import submit

            return submit(ctx, fields, grant)
        return incidents.log_incident(ctx, approval=grant, **fields)

    try:
        logged = log()
    except ApprovalRequired as needed:
        if not args.pin:
            raise
        from app.models import Role

        approver = staff.find_by_name(ctx, args.approver) if args.approver else None
        grant = offline.authorize(ctx, args.pin, for_what="log",
                                  staff_id=approver.id if approver else None,
                                  min_role=needed.role or Role.MANAGER,
                                  exclude=needed.not_by)
        logged = log(grant)
    if logged is None:  # kept in the outbox: the server is away (said so)
        return 0
    settings = ctx.settings()
    incident = logged.incident
    print(_("Logged incident #{id}: {category} — {remedies} ({total}).").format(
        id=incident.id, category=_(incident.category_label),
        remedies=", ".join(_(r.label) for r in incident.remedies),
        total=money(incident.total_minor, settings.currency, settings.locale)))
    print(_("Follow-up due at {time}.").format(
        time=short_time(logged.followup.due_at, settings.timezone, settings.locale)))
    if incident.flagged:
        print(_("Call the manager now: repeat guest or severe failure."))
    for code in logged.voucher_codes:
        print(_("Voucher code: {code}").format(code=code))
    return 0


def cmd_report(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_reports

    cli_reports.check_output(args)
    return cli_reports.cmd_report(args, _context(db_path, write=False))


def cmd_export(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_reports

    cli_reports.check_output(args)
    return cli_reports.cmd_export(args, _context(db_path, write=False))


def cmd_import(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_reports

    return cli_reports.cmd_import(args, _context(db_path))


def cmd_verify(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_verify

    return cli_verify.cmd_verify(args, _context(db_path, write=False))  # reads only


def cmd_redeem(args: argparse.Namespace, db_path: Path) -> int:
    from app import staff, vouchers
    from app.formatting import local_time, medium_date, money
    from app.incidents import get_incident

    ctx = _context(db_path, terminal=True)  # a server that is away: kept (offline_vouchers)
    member = staff.find_by_name(ctx, args.staff) if args.staff else None
    done = vouchers.redeem(ctx, args.code, member.id if member else None)
    settings = ctx.settings()
    if done.offline:
        from app.offline_vouchers import redeemed_offline_text

        print(redeemed_offline_text(ctx, done))
        return 0
    incident = get_incident(ctx, done.incident_id)
    print(_("Voucher {code} for {amount} redeemed: the guest came back after “{what}” on "
            "{date} (incident #{id}).").format(
        code=done.code, amount=money(done.amount_minor, settings.currency, settings.locale),
        what=_(incident.category_label), id=incident.id,
        date=medium_date(local_time(incident.occurred_at, settings.timezone).date(),
                         settings.locale)))
    return 0


def cmd_followups(args: argparse.Namespace, db_path: Path) -> int:
    """Open follow-ups, earliest due first, then what the last closing left open.

    Like the app at start-up, it first marks missed what a closing left open.
    """
    sound = _check_meanwhile(db_path)
    from app import followups
    from app.followup_items import countdown, given, items_for, open_items, place, what_happened
    from app.formatting import medium_date, short_time

    # A server's terminal: while the server is away, its copy answers (app.offline).
    ctx = _context(db_path, write=False, sound_since=sound(),
                   terminal=is_server(db_path) and "read")
    away = False
    if is_server(db_path):
        from app.offline import is_away

        away = is_away(ctx)
    if not ctx.db.read_only and not away:
        followups.sweep_missed(ctx)
    settings = ctx.settings()
    now = ctx.clock.now()
    items = open_items(ctx)
    if away:
        print(_("Offline: the server {where} cannot be reached. Shown: the follow-ups of the "
                "incidents logged on this terminal while it is away; the others are on the "
                "server.").format(where=ctx.db.where))
    print(_("Open follow-ups: {n}").format(n=len(items)))
    for item in items:
        line = _("  due {time} ({countdown}) · {place} — {what} · {given}").format(
            time=short_time(item.followup.due_at, settings.timezone, settings.locale),
            countdown=countdown(item.seconds_to_due(now)), place=place(item),
            what=what_happened(item), given=given(item))
        if item.escalated:
            line = _("{line} · escalated").format(line=line)
        print(line)
    left = followups.left_open(ctx)
    if left.followups:
        print(_("Left open at closing on {date}: {n}").format(
            date=medium_date(left.day, settings.locale), n=len(left.followups)))
        for item in items_for(ctx, left.followups):
            print(_("  due {time} · {place} — {what} · {given}").format(
                time=short_time(item.followup.due_at, settings.timezone, settings.locale),
                place=place(item), what=what_happened(item), given=given(item)))
    return 0


def cmd_backup(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_backup

    return cli_backup.cmd_backup(args, _context(db_path, write=False))


def cmd_restore(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_backup

    return cli_backup.cmd_restore(args, db_path)


def cmd_reset_pin(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_trust

    return cli_trust.cmd_reset_pin(args, _context(db_path))


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "log": cmd_log, "report": cmd_report,
            "export": cmd_export, "import": cmd_import, "redeem": cmd_redeem,
            "followups": cmd_followups, "backup": cmd_backup, "restore": cmd_restore,
            "verify": cmd_verify, "reset-pin": cmd_reset_pin,
            "erase-guest": lambda args, db_path: _cli_privacy().cmd_erase_guest(args, db_path)}


def _cli_privacy():
    from app import cli_privacy

    return cli_privacy


def cmd_slip(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_slips

    return cli_slips.cmd_slip(args, db_path)


COMMANDS["slip"] = cmd_slip
COMMANDS["migrate-to"] = lambda args, db_path: _cli_moving().cmd_migrate_to(args, db_path)


def _cli_moving():
    from app import cli_moving

    return cli_moving


def cmd_watch(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_watch

    return cli_watch.cmd_watch(args, cli_watch.opened(lambda: _context(db_path, write=False)))


COMMANDS["watch"] = cmd_watch


def cmd_sync(args: argparse.Namespace, db_path: Path) -> int:
    from app import cli_offline

    return cli_offline.cmd_sync(args, _context(db_path, terminal=True))


COMMANDS["sync"] = cmd_sync


if __name__ == "__main__":
    sys.exit(main())
