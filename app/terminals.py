"""Terminals: each counter or tablet of a store has a name (``Context.terminal``), and the
incidents, approvals, voucher redemptions and audit entries written there record it.

The name comes from first-run setup's local config, ``--terminal NAME`` or
``COMEBACK_TERMINAL`` on the command line, else the host name. Its row in ``terminals`` is
made on the terminal's first write (``Context.terminal_id``). The weekly summary breaks its
incidents down by terminal when the store has more than one.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import NamedTuple

from app.errors import ValidationError
from app.i18n import _

NAME_MAX = 40
ENVIRONMENT = "COMEBACK_TERMINAL"

_chosen: list[str | None] = [None]  # --terminal of the running command (app.cli)


class TerminalFigure(NamedTuple):
    """One terminal's week: its name (None: not recorded), incidents and what they cost."""

    name: str | None
    incidents: int
    cost_minor: int


def check_name(name: str) -> str:
    """A terminal's name, trimmed; ValidationError naming the field when it cannot be one."""
    text = " ".join(str(name or "").split())
    if not text or len(text) > NAME_MAX or not text.isprintable():
        raise ValidationError("terminal", _(
            "A terminal name is 1 to {n} characters, e.g. Bar or Counter 2.").format(
            n=NAME_MAX))
    return text


def choose(name: str | None) -> None:
    """The name a command was given (``--terminal``); None forgets it."""
    _chosen[0] = check_name(name) if name is not None else None


def default_name() -> str:
    """``--terminal``, else ``COMEBACK_TERMINAL``, else the name first-run setup saved
    (``terminal.json``), else the host name."""
    if _chosen[0]:
        return _chosen[0]
    from_env = os.environ.get(ENVIRONMENT, "").strip()
    if from_env:
        return check_name(from_env)
    from app import terminal_config

    saved = terminal_config.load()
    if saved is not None and saved.terminal.strip():
        return check_name(saved.terminal)
    import socket

    return " ".join(socket.gethostname().split())[:NAME_MAX] or "counter"


def week_figures(ctx, start: datetime, end: datetime) -> tuple[TerminalFigure, ...]:
    """Incidents and cost per terminal in ``[start, end)``; empty when the store has one
    terminal or none (nothing to break down)."""
    from app.clock import to_iso
    from db import terminals as terminals_db

    if terminals_db.count_terminals(ctx.db, ctx.store_id) < 2:
        return ()
    return tuple(TerminalFigure(row["terminal"], row["incidents"], row["cost_minor"])
                 for row in terminals_db.by_terminal(ctx.db, ctx.store_id, to_iso(start),
                                                     to_iso(end)))


def shown_name(figure: TerminalFigure) -> str:
    return figure.name if figure.name is not None else _("(not recorded)")


def table(summary) -> tuple[list[str], list[list[str]]]:
    """The "By counter" table of a weekly summary (the Reports screen and the PDF): its
    head and one row per terminal; no rows when the store has one terminal."""
    from app.report_text import Formats

    fmt = Formats(summary)
    return ([_("Counter"), _("Incidents"), _("Cost")],
            [[shown_name(f), fmt.number(f.incidents), fmt.money_whole(f.cost_minor)]
             for f in getattr(summary, "terminals", ())])
