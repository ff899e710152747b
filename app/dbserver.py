"""The database server's bad days in the user's words (the sibling of ``app.dbfile``).

``db.health.DatabaseServerError`` says what went wrong with a PostgreSQL server
(``ServerProblem``) and where (``dbname on host:port``); here each kind becomes one
``app.errors.DatabaseServerProblem`` subclass with a translated message that names the
server and what to do. The CLI prints it (exit 2), the GUI shows it in ``ui.db_problem``.
"""

from __future__ import annotations

from app import errors
from app.i18n import _
from db.health import DatabaseServerError, ServerProblem

_CLASSES = {
    ServerProblem.UNREACHABLE: errors.ServerUnreachable,
    ServerProblem.AUTH: errors.ServerLoginRefused,
    ServerProblem.NO_DATABASE: errors.ServerNoDatabase,
    ServerProblem.PERMISSION: errors.ServerNoPermission,
    ServerProblem.LOST: errors.ServerConnectionLost,
}


def problem(error: DatabaseServerError) -> errors.DatabaseServerProblem:
    """The user-facing exception for a server problem."""
    text = message(error)
    return _CLASSES[error.problem](text, error.where, None, text)


def _reason(error: DatabaseServerError) -> str:
    detail = " ".join(error.detail.split())
    for prefix in ("FATAL:", "ERROR:"):
        if prefix in detail:
            detail = detail.split(prefix, 1)[1].strip()
    return detail if len(detail) <= 200 else detail[:199] + "…"


def message(error: DatabaseServerError) -> str:
    """What is wrong with the server and what to do."""
    where, kind = error.where or _("the database server"), error.problem
    reason = _reason(error) or _("no reason given")
    if kind is ServerProblem.UNREACHABLE:
        return _("Cannot reach the database server for {where} ({reason}). Check that the "
                 "server computer is on and PostgreSQL runs on it, that this computer is on "
                 "the store's network, and the host and port in the database address; then "
                 "try again.").format(where=where, reason=reason)
    if kind is ServerProblem.AUTH:
        return _("The database server did not let this user in to {where} ({reason}). "
                 "Check the user name in the database address and its password in "
                 "~/.pgpass (or PGPASSWORD); Comeback stores no password. If they are "
                 "right, the server's pg_hba.conf must let this computer in.").format(
            where=where, reason=reason)
    if kind is ServerProblem.NO_DATABASE:
        return _("The database server has no such database: {where} ({reason}). Check the "
                 "database name in the address, or create it on the server (createdb -O "
                 "USER NAME).").format(where=where, reason=reason)
    if kind is ServerProblem.PERMISSION:
        return _("This user may not use Comeback's tables in {where} ({reason}). Connect as "
                 "the user that owns the database, or ask whoever looks after the server to "
                 "grant this one access to it.").format(where=where, reason=reason)
    return _("The connection to the database server broke ({where}: {reason}). What was "
             "being saved at that moment was not saved. Check the network and the server, "
             "then try again.").format(where=where, reason=reason)
