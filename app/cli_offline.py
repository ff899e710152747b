"""``comeback log`` on a terminal whose server is away, and ``comeback sync``.

On a ``postgresql://`` store, ``comeback log`` works as a terminal (:mod:`app.offline`):
when the server cannot be reached the incident is saved in this terminal's outbox, the
command says so and exits 0; it is sent by the next command that reaches the server, by
the app, or by ``comeback sync``. ``comeback sync`` sends what waits now and prints what
it sent and what it could not (those go to the manager); exit 0 when nothing is left
waiting, 2 with a message while the server is still away. On a SQLite store it sends the
taps kept in ``<file>-outbox`` (a database that was locked or full).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from app.i18n import _, ngettext

if TYPE_CHECKING:
    import argparse

    from app.context import Context
    from app.models import Logged
    from app.pending import Flushed, PendingTap, TapSaver

EXIT_ERROR = 2
KIND_REDEEM = "voucher.redeem"  # app.offline_vouchers


def add_parsers(sub) -> None:
    sub.add_parser("sync", help=_("send the incidents this terminal kept while the server "
                                  "was away (or the database was busy)"))


def what_text(tap: PendingTap) -> str:
    category, remedies = tap.shown
    return _("{category} — {remedies}").format(
        category=_(category), remedies=", ".join(_(r) for r in remedies))


def _tapped(ctx: Context, tap: PendingTap) -> str:
    from app.formatting import short_time

    settings = ctx.settings()
    return _("{what}, tapped at {time}").format(
        what=what_text(tap), time=short_time(tap.tapped_at, settings.timezone,
                                             settings.locale))


def send_all(saver: TapSaver) -> Flushed:
    """Send every waiting tap, oldest first, until none waits or the server is away."""
    from app.pending import Flushed

    saved, failed, redeemed = [], [], []
    while True:
        flushed = saver.flush()
        saved += flushed.saved
        failed += flushed.failed
        redeemed += flushed.redeemed
        if not flushed.waiting or flushed.reason is not None:
            return Flushed(saved, failed, flushed.waiting, flushed.reason, redeemed)


def report(ctx: Context, flushed: Flushed, out=None) -> None:
    """What was sent and what could not be (to ``out``, stdout by default)."""
    out = out or sys.stdout
    if flushed.saved:
        print(ngettext("Sent {n} incident kept on this terminal:",
                       "Sent {n} incidents kept on this terminal:",
                       len(flushed.saved)).format(n=len(flushed.saved)), file=out)
        for done in flushed.saved:
            print(_("  #{id}: {tapped}").format(id=done.logged.incident.id,
                                               tapped=_tapped(ctx, done.tap)), file=out)
    if flushed.redeemed:
        print(ngettext("Sent {n} voucher redeemed on this terminal:",
                       "Sent {n} vouchers redeemed on this terminal:",
                       len(flushed.redeemed)).format(n=len(flushed.redeemed)), file=out)
        for done in flushed.redeemed:
            print(_("  Voucher {code}: redeemed").format(code=done.code), file=out)
    taps = [f for f in flushed.failed if f.tap.kind != KIND_REDEEM]
    if taps:
        print(ngettext("Could not send {n} incident; it is in the audit log for the manager:",
                       "Could not send {n} incidents; they are in the audit log for the "
                       "manager:", len(taps)).format(n=len(taps)),
              file=out)
        for refused in taps:
            print(_("  {tapped}: {why}").format(tapped=_tapped(ctx, refused.tap),
                                               why=refused.message), file=out)
    redemptions = [f for f in flushed.failed if f.tap.kind == KIND_REDEEM]
    if redemptions:
        print(ngettext(
            "Could not apply {n} voucher redeemed on this terminal; the manager finds it on "
            "the follow-up page and in the audit log:",
            "Could not apply {n} vouchers redeemed on this terminal; the manager finds them "
            "on the follow-up page and in the audit log:", len(redemptions)).format(
            n=len(redemptions)), file=out)
        for refused in redemptions:  # the message says what, when, where and who was first
            print(_("  {why}").format(why=refused.message), file=out)


def submit(ctx: Context, fields: dict, grant=None) -> Logged | None:
    """Log through the terminal's saver: the taps kept earlier are sent first (in order);
    None when this one is kept in the outbox (the server is away), after saying so."""
    from app import catalog, pending
    from app.models import RemedyRequest

    saver = pending.TapSaver.for_database(ctx)
    try:
        if saver.count() and not _away(ctx):
            report(ctx, send_all(saver))
        category = catalog.get_category(ctx, fields["category_id"])
        remedies = [catalog.get_remedy(ctx, r.remedy_id) for r in fields["remedies"]]
        details = {k: v for k, v in fields.items()
                   if k not in ("category_id", "remedies", "staff_id")}
        tap = pending.incident_tap(
            ctx, category_id=category.id,
            remedies=[RemedyRequest(r.remedy_id, r.amount_minor) for r in fields["remedies"]],
            staff_id=fields["staff_id"], approval=grant,
            shown=(category.label, [r.label for r in remedies]),
            default_severity=category.default_severity, **details)
        result = saver.submit(tap)
        if isinstance(result, pending.Kept):
            waiting = saver.count()
            print(ngettext(
                "The server cannot be reached: saved on this terminal ({n} waiting to send). "
                "It is sent when the server is back: by the app, the next command, or "
                "comeback sync.",
                "The server cannot be reached: saved on this terminal ({n} waiting to send). "
                "They are sent when the server is back: by the app, the next command, or "
                "comeback sync.", waiting).format(n=waiting))
            return None
        return result.logged
    finally:
        saver.close()


def _away(ctx: Context) -> bool:
    from app import offline

    return offline.is_away(ctx)


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    from app import offline, pending

    if offline.is_away(ctx):
        try:
            ctx.db.reconnect()
        except Exception as error:  # noqa: BLE001 - said below, as the server's problem
            if not offline.is_away_error(error):
                raise
    saver = pending.TapSaver.for_database(ctx)
    try:
        waiting = saver.count()
        if offline.is_away(ctx):
            print(ngettext(
                "comeback: error: the server {where} cannot be reached; {n} incident waits "
                "on this terminal. Try again when the network is back.",
                "comeback: error: the server {where} cannot be reached; {n} incidents wait "
                "on this terminal. Try again when the network is back.", waiting).format(
                where=ctx.db.where, n=waiting), file=sys.stderr)
            return EXIT_ERROR
        if not waiting:
            print(_("Nothing waiting to send."))
            return 0
        flushed = send_all(saver)
        report(ctx, flushed)
        if flushed.waiting:
            print(ngettext(
                "comeback: error: {problem} {n} incident still waits on this terminal.",
                "comeback: error: {problem} {n} incidents still wait on this terminal.",
                flushed.waiting).format(problem=pending.problem_text(flushed.reason or ""),
                                        n=flushed.waiting), file=sys.stderr)
            return EXIT_ERROR
        return 0
    finally:
        saver.close()


