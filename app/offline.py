"""A counter whose PostgreSQL server is away keeps logging.

What a terminal does while its server cannot be reached (see :mod:`db.failover` for the
handle and the terminal's copy, :mod:`app.pending` for the outbox):

* A tap is **logged in the terminal's copy** (the same service, so the same checks: the one
  approval rule with the store's limits as last seen, the category's follow-up time) and
  **kept in the outbox** to be sent. Its follow-up is in the copy, so the reminder for that
  guest rings on this terminal; nothing asks the cashier to do anything.
* **Approvals while away**: the PIN is checked against the approvers' PIN hashes in the
  copy (scrypt hashes, never PINs; the file is 0600), and every attempt counts toward the
  lockout in the copy's own audit log, as on the server. The approval travels with the tap
  (who, when, and a proof made with the approver's key derived from the PIN typed:
  :mod:`app.approval_proof`) and is **checked again when the tap is sent**: the proof
  against the approver's key on the server, then the server runs the approval
  rule on the value with its current limits, and the approver must still be active and
  still allowed that amount (and not the giver). A tap that fails that check is not
  applied: it goes to the manager (an ``outbox.refused`` entry in the audit log, with the
  tap and why) instead.
* When the server is back, the outbox is sent oldest first, each tap with its own time and
  its terminal-made ``uid`` (``ON CONFLICT (uid) DO NOTHING`` on the server: a tap sent
  twice, e.g. when the connection broke after the server committed it, is written once).

Nothing here reconnects by itself: :meth:`db.failover.Failover.reconnect` is called by the
GUI from a worker thread on a backoff timer, by the CLI when a command starts.
"""

from __future__ import annotations

from pathlib import Path

from app.approval import Approval
from app.clock import Clock
from app.context import Context
from db.failover import Failover, is_away_error


def data_folder() -> Path:
    """The user's data folder (where the terminal copies live, under ``offline/``)."""
    from app.cli import default_db_path

    return default_db_path().parent


def open_terminal(url: str, clock: Clock | None = None, store_id: int = 1,
                  data_dir: Path | None = None) -> Context:
    """The store at ``url`` as a terminal that keeps working while the server is away.
    Raises the server's :class:`db.health.DatabaseServerError` when it cannot be reached
    and this terminal never had a copy of the store."""
    handle = Failover.open(url, data_dir or data_folder(), store_id=store_id)
    return Context(db=handle, clock=clock, store_id=store_id)


def unreachable_first(error: BaseException) -> BaseException:
    """The error to show when a terminal cannot open: a server away that this terminal has
    never reached (no copy to work with) is said in words; anything else as it is."""
    if not is_away_error(error):
        return error
    from app.errors import ComebackError
    from app.i18n import _

    return ComebackError(_(
        "The server {where} cannot be reached, and this terminal has never been connected "
        "to it, so it has nothing to log with yet. Check the network and that the server "
        "is running, then try again.").format(where=error.where))


def is_away(ctx: Context) -> bool:
    """True while the server of ``ctx`` is known to be away."""
    return bool(getattr(ctx.db, "away", False))


def is_terminal(ctx: Context) -> bool:
    return isinstance(ctx.db, Failover)


def local_context(ctx: Context) -> Context | None:
    """The terminal's copy as a Context, while the server is away (else None)."""
    if not is_away(ctx):
        return None
    return Context(db=ctx.db.copy, clock=ctx.clock, store_id=ctx.store_id)


def copy_context(ctx: Context) -> Context | None:
    """The terminal's copy as a Context (None for a store that is not a terminal)."""
    if not is_terminal(ctx):
        return None
    return Context(db=ctx.db.copy, clock=ctx.clock, store_id=ctx.store_id)


def working_context(ctx: Context) -> Context:
    """Where the counter's own bookkeeping goes now: the copy while away, else ``ctx``."""
    return local_context(ctx) or ctx


def _server_or_copy(ctx: Context, call):
    """``call(where, away)`` on the server, or on the terminal's copy while the server is
    away (also when this very call is the one that finds it away)."""
    local = local_context(ctx)
    if local is None:
        try:
            return call(ctx, False)
        except Exception as error:
            if not is_away_error(error):
                raise
            local = local_context(ctx)
            if local is None:
                raise
    return call(local, True)


def authorize(ctx: Context, pin: str, for_what: str = "", **kwargs) -> Approval:
    """:func:`app.approval.authorize`, checked against the copy while the server is away
    (the lockout counted there); the approval is checked again when the tap is sent."""
    from app import approval
    from app.approval_proof import attach_key

    def check(where: Context, away: bool) -> Approval:
        grant = approval.authorize(where, pin, f"offline:{for_what}" if away else for_what,
                                   **kwargs)
        if away:  # proven when sent (app.approval_proof)
            return attach_key(where, grant, pin, away=True)
        # On a terminal the tap may still be kept: it carries a proof all the same.
        return attach_key(where, grant, pin, away=False) if is_terminal(where) else grant

    return _server_or_copy(ctx, check)


def sign_in_check(ctx: Context, staff_id: int, pin: str, for_what: str = "signin") -> dict:
    """:func:`app.approval.sign_in_check`, against the copy while the server is away. On a
    terminal the person's key is then held to prove the taps they give (app.approval_proof)."""
    from app import approval

    def check(where: Context, away: bool) -> dict:
        row = approval.sign_in_check(where, staff_id, pin,
                                     f"offline:{for_what}" if away else for_what)
        if away or is_terminal(where):
            from app.approval_proof import remember_giver

            remember_giver(ctx, where, staff_id, pin)
        return row

    return _server_or_copy(ctx, check)


def reconnect_if_due(ctx: Context) -> bool:
    """Try the server once when it is away and the backoff allows (blocking: for the CLI
    and worker threads). True when the server is there."""
    db = ctx.db
    if not is_terminal(ctx):
        return True
    if not db.away:
        return True
    if not db.due():
        return False
    return db.reconnect()

