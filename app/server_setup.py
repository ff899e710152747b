"""First run's "Connect to the store's server": the address from its fields, the Test
connection verdict in words, and what is remembered on this computer (terminal.json).

No password is asked for or kept: libpq reads it from ``~/.pgpass``, a service file or
``PGPASSWORD`` (docs/postgresql.md says how to set one up).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from app.errors import ComebackError, ValidationError
from app.i18n import _, ngettext
from app.terminal_config import NAME_MAX, TerminalConfig, default_name, save

__all__ = ["TerminalConfig", "check_server", "remember", "server_url", "terminal_name"]

DEFAULT_PORT = 5432


def server_url(host: str, database: str, user: str = "", port: str | int = "") -> str:
    """``postgresql://user@host:port/database`` from the form's fields; a ValidationError
    names the field that is missing or wrong."""
    host, database, user = host.strip(), database.strip(), user.strip()
    port = str(port).strip()
    if not host:
        raise ValidationError("host", _("Give the server's name or address, for example "
                                        "kafe-server or 192.168.1.20."))
    if not host.startswith("/") and any(c in host for c in " /@?#"):
        raise ValidationError("host", _("{host} is not a server name: use letters, digits, "
                                        "dots and dashes (or an IP address).").format(
            host=host))
    if not database:
        raise ValidationError("database", _("Give the database's name on the server, for "
                                            "example comeback."))
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise ValidationError("port", _("The port is a number from 1 to 65535 (PostgreSQL's "
                                        "usual one is 5432)."))
    who = f"{quote(user, safe='')}@" if user else ""
    # A Unix socket's folder on this computer is quoted whole; an IPv6 address bracketed.
    where = (quote(host, safe="") if host.startswith("/")
             else f"[{host}]" if ":" in host else host)
    at_port = f":{int(port)}" if port and int(port) != DEFAULT_PORT else ""
    return f"postgresql://{who}{where}{at_port}/{quote(database, safe='')}"


@dataclass(frozen=True)
class ServerCheck:
    """What Test connection found: the stores the database holds (id, name) and where."""

    where: str
    stores: list[tuple[int, str]]

    def verdict(self) -> str:
        if not self.stores:
            return _("Connected to {where}. The database is empty: Comeback sets it up, and "
                     "the next page creates your store in it.").format(where=self.where)
        names = ", ".join(name for _id, name in self.stores)
        return ngettext("Connected to {where}. It holds the store {names}.",
                        "Connected to {where}. It holds {n} stores: {names}.",
                        len(self.stores)).format(where=self.where, names=names,
                                                 n=len(self.stores))


def check_server(url: str) -> ServerCheck:
    """Connect (and bring the schema up to date, as the first start would), read which
    stores are there, close. Raises the DatabaseProblem that says what is wrong."""
    from app.dbfile import problem
    from db.connection import open_database
    from db.health import DatabaseFileError, DatabaseServerError
    from db.store_copy import store_names

    try:
        database = open_database(url)
    except (DatabaseFileError, DatabaseServerError) as error:
        raise problem(error) from None
    try:
        return ServerCheck(database.where, store_names(database))
    except DatabaseServerError as error:
        raise problem(error) from None
    finally:
        database.close()


def terminal_name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) > NAME_MAX:
        raise ValidationError("terminal", _("A terminal's name has at most {n} characters.")
                              .format(n=NAME_MAX))
    return name or default_name()


def remember(url: str | None, terminal: str, store_id: int = 1) -> TerminalConfig:
    """Save this terminal's choice (terminal.json); a ComebackError if it cannot be
    written."""
    config = TerminalConfig(database=url, terminal=terminal_name(terminal), store_id=store_id)
    try:
        save(config)
    except OSError as error:
        raise ComebackError(_("Could not remember this choice on this computer: {reason}")
                            .format(reason=error.strerror or error)) from None
    return config
