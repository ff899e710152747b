"""Redeeming a voucher on a terminal whose server is away, and what the server says later.

While the server cannot be reached (:mod:`app.offline`) a voucher is checked against the
terminal's copy, which holds the store's vouchers that were not redeemed at the last connect
(:mod:`db.voucher_copy`). When the copy knows it and it has not expired, it is **marked
redeemed in the copy** (this terminal cannot redeem it twice) and **kept in the outbox**
(kind :data:`KIND_REDEEM`, a terminal-made uid, the time it was redeemed, who, on which
terminal), behind the taps waiting there; the cashier reads "Redeemed — will be confirmed
when the server is back". A code the copy does not know (given on another counter since the
server went away, mistyped) is refused at the counter: nothing can vouch for it.

When the outbox is sent (:mod:`app.pending`), :func:`apply_redemption` runs on the server
in the entry's transaction. Exactly once: the uid goes into ``offline_redemptions``
(UNIQUE); a resend finds its row and does nothing again. The voucher is redeemed there with
the offline time, terminal and person - unless it cannot be: redeemed elsewhere first
(another terminal online, or another offline terminal that sent first), unknown to the
server, cancelled (its incident undone) or expired at the time it was redeemed. Then the
redemption is **refused**: its row says why (and who redeemed the voucher first), an
``outbox.refused`` audit entry keeps it, the rest of the outbox goes on, and the manager
finds it on the follow-up page (:func:`refused`, "Seen" = :func:`mark_seen`) until they
mark it seen.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from app import audit, offline
from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import NotFound, StateError
from app.formatting import local_time, medium_date, money, short_time
from app.i18n import _
from app.models import Changes
from app.settings import StoreSettings
from db import voucher_copy
from db import vouchers as vouchers_db

KIND_REDEEM = "voucher.redeem"
#: Why a redemption sent later could not be applied.
FIRST, UNKNOWN, CANCELLED, EXPIRED = "redeemed_first", "unknown", "cancelled", "expired"


@dataclass(frozen=True)
class SentRedemption:
    """What the server did with a redemption made offline (``applied`` False: refused,
    ``message`` says why, for the manager); ``again``: the uid was there already."""

    uid: str
    code: str
    applied: bool
    message: str
    changes: Changes
    again: bool = False


@dataclass(frozen=True)
class Refusal:
    """A refused offline redemption the manager has not marked seen."""

    id: int
    code: str
    message: str
    sent_at: datetime


# -- at the counter, while the server is away -------------------------------------------------

def redeem_offline(ctx: Context, clean: str, staff_id: int | None):
    """Redeem the (normalised) ``clean`` code against the terminal's copy and keep it in the
    outbox; returns an :class:`app.vouchers.Redeemed` with ``offline`` True."""
    from app.pending import OFFLINE, OTHER, NotSavedYet, PendingTap, TapSaver
    from app.vouchers import Redeemed, expired_error

    local = offline.copy_context(ctx)
    row = voucher_copy.find(local.db, clean) if local is not None else None
    if row is None:
        raise NotFound("code", _(
            "Voucher {code} is not known on this counter, and the server cannot be reached to "
            "check it. Nothing was redeemed: try again when the server is back.").format(
            code=clean))
    if row["local_uid"]:
        day, time = _local(ctx.settings(), row["local_at"])
        raise StateError(_("Voucher {code} was already redeemed on this counter on {date} at "
                           "{time}; a voucher can be used once.").format(
            code=clean, date=day, time=time))
    now = ctx.clock.now()
    if from_iso(row["expires_at"]) < now:
        raise expired_error(ctx, clean, row["expires_at"])
    tap = PendingTap(str(uuid.uuid4()), KIND_REDEEM, ctx.store_id, now, {
        "code": clean, "voucher_id": row["id"], "incident_id": row["incident_id"],
        "amount_minor": row["amount_minor"], "staff_id": staff_id,
        "terminal": getattr(ctx, "terminal", None),
        "shown": {"category": row["category_label"], "remedies": [], "severity": None}})
    if not voucher_copy.mark_redeemed(local.db, clean, tap.uid, to_iso(now), staff_id):
        raise StateError(_("Voucher {code} was already redeemed on this counter; a voucher can "
                           "be used once.").format(code=clean))
    saver = TapSaver.for_database(ctx)
    try:  # the same outbox as the taps, in tap order, durable on return
        kept = saver._keep(tap, OFFLINE)
        if not kept.on_disk:  # this saver's memory is gone with it: nothing was kept
            raise NotSavedYet(OTHER)
    except BaseException:
        voucher_copy.unmark(local.db, tap.uid)
        raise
    finally:
        saver.close()
    return Redeemed(clean, row["incident_id"], row["amount_minor"], from_iso(row["issued_at"]),
                    Changes(vouchers=True), offline=True, category_label=row["category_label"],
                    occurred_at=from_iso(row["occurred_at"]))


def redeemed_offline_text(ctx: Context, done) -> str:
    """What the cashier reads after redeeming a voucher while the server is away."""
    settings = ctx.settings()
    text = _("Redeemed — will be confirmed when the server is back.")
    if done.occurred_at is None:
        return text
    return _("{redeemed} Voucher {code} for {amount}: the guest came back after “{what}” on "
             "{date}.").format(
        redeemed=text, code=done.code,
        amount=money(done.amount_minor, settings.currency, settings.locale),
        what=_(done.category_label) if done.category_label else "—",
        date=medium_date(local_time(done.occurred_at, settings.timezone).date(),
                         settings.locale))


def note_changes(ctx: Context, found) -> None:
    """Keep the copy's vouchers fresh between connects: those redeemed or cancelled on the
    server since (``found``: :class:`app.changes.Change` entries of the change feed, or what
    this terminal just did) cannot be redeemed here while the server is away."""
    local = offline.copy_context(ctx)
    if local is None:
        return
    codes = [str(c.detail.get("code")) for c in found
             if c.kind == "voucher.redeemed" and c.detail.get("code")]
    undone = [c.entity_id for c in found
              if c.kind == "incident.voided" and isinstance(c.entity_id, int)]
    if codes or undone:
        voucher_copy.forget(local.db, codes, undone)


# -- on the server, when the outbox is sent ---------------------------------------------------

def apply_redemption(ctx: Context, tap) -> SentRedemption:
    """Apply one redemption made offline (inside the caller's transaction on the server).
    Its uid is claimed first (``offline_redemptions.uid`` is UNIQUE): a resend - or the
    same entry sent at the same moment by another process of this terminal, which waits
    for the first to commit - finds it taken and does nothing again."""
    p = tap.payload
    code = str(p.get("code", ""))
    at = to_iso(tap.tapped_at)
    staff_id = p.get("staff_id")
    if vouchers_db.staff_name(ctx.db, ctx.store_id, staff_id) is None:
        staff_id = None  # not (or no longer) this store's
    terminal_id = ctx.terminal_id()
    claimed = vouchers_db.insert_offline_redemption(ctx.db, {
        "uid": tap.uid, "store_id": ctx.store_id, "code": code, "redeemed_at": at,
        "redeemed_by": staff_id, "terminal_id": terminal_id, "sent_at": ctx.now_iso(),
        "outcome": "applied"})
    if claimed is None:  # sent before (the connection broke after the server took it)
        prior = vouchers_db.offline_redemption(ctx.db, tap.uid) or {}
        fields = json.loads(prior["detail"]) if prior.get("detail") else {}
        return SentRedemption(tap.uid, code, prior.get("outcome") == "applied",
                              refusal_text(ctx.settings(), fields) if fields else "",
                              Changes(), again=True)
    row = vouchers_db.voucher_by_code(ctx.db, code)
    if row is not None and row["store_id"] != ctx.store_id:
        row = None
    reason = _why_not(row, tap.tapped_at)
    if reason is None and not vouchers_db.mark_redeemed(ctx.db, row["id"], at, staff_id,
                                                        terminal_id):
        row, reason = vouchers_db.voucher_by_code(ctx.db, code), FIRST  # just now, elsewhere
    fields = {"reason": reason, "code": code, "redeemed_at": at,
              "by": vouchers_db.staff_name(ctx.db, ctx.store_id, staff_id),
              "terminal": p.get("terminal"),
              "amount_minor": row["amount_minor"] if row else p.get("amount_minor")}
    if reason == FIRST:
        fields.update(first_at=row["redeemed_at"], first_by=row.get("redeemed_by_name"),
                      first_terminal=row.get("redeemed_terminal"))
    elif reason == EXPIRED:
        fields["expires_at"] = row["expires_at"]
    vouchers_db.settle_offline_redemption(
        ctx.db, claimed, voucher_id=row["id"] if row else None,
        outcome="applied" if reason is None else "refused",
        detail=None if reason is None else json.dumps(fields, ensure_ascii=False,
                                                      sort_keys=True))
    if reason is None:
        audit.record(ctx, staff_id, "voucher.redeemed", "incident", row["incident_id"],
                     code=code, voucher_id=row["id"], amount_minor=row["amount_minor"],
                     offline_uid=tap.uid, redeemed_at=at)
        return SentRedemption(tap.uid, code, True, "",
                              Changes(vouchers=True, incident_id=row["incident_id"]))
    message = refusal_text(ctx.settings(), fields)
    audit.record(ctx, staff_id, "outbox.refused", "voucher", row["id"] if row else None,
                 uid=tap.uid, kind=KIND_REDEEM, tapped_at=at, message=message, **{
                     k: v for k, v in fields.items() if k != "redeemed_at"})
    return SentRedemption(tap.uid, code, False, message, Changes(vouchers=True))


def _why_not(row: dict | None, at: datetime) -> str | None:
    if row is None:
        return UNKNOWN
    if row["incident_voided_at"]:
        return CANCELLED
    if row["redeemed_at"]:
        return FIRST
    if from_iso(row["expires_at"]) < at:
        return EXPIRED
    return None


# -- words --------------------------------------------------------------------------------------

def _local(settings: StoreSettings, iso: str) -> tuple[str, str]:
    when = from_iso(iso)
    return (medium_date(local_time(when, settings.timezone).date(), settings.locale),
            short_time(when, settings.timezone, settings.locale))


def refusal_text(settings: StoreSettings, fields: dict) -> str:
    """"Sam redeemed voucher K7M-3QX (50,00 kr) on Counter 2 on 3 Nov at 14:02 while the
    server was away. It was not applied: Marco had already redeemed it on 3 Nov at 13:55
    (Bar). …" - in the language now in use."""
    day, time = _local(settings, fields["redeemed_at"])
    amount = fields.get("amount_minor")
    head = _("{who} redeemed voucher {code} ({amount}) on {terminal} on {date} at {time} "
             "while the server was away.").format(
        who=fields.get("by") or _("Someone"), code=fields.get("code", "—"),
        amount=money(amount if isinstance(amount, int) else 0, settings.currency,
                     settings.locale),
        terminal=fields.get("terminal") or _("a counter"), date=day, time=time)
    reason = fields.get("reason")
    if reason == FIRST and fields.get("first_at"):
        first_day, first_time = _local(settings, fields["first_at"])
        why = _("It was not applied: {who} had already redeemed it on {date} at {time} "
                "({terminal}). The guest may have been given its value twice.").format(
            who=fields.get("first_by") or _("someone"), date=first_day, time=first_time,
            terminal=fields.get("first_terminal") or _("counter unknown"))
    elif reason == EXPIRED and fields.get("expires_at"):
        why = _("It was not applied: the voucher had expired on {date}.").format(
            date=_local(settings, fields["expires_at"])[0])
    elif reason == CANCELLED:
        why = _("It was not applied: the voucher was cancelled when its incident was undone.")
    else:
        why = _("It was not applied: the server has no voucher with this code in this store.")
    return f"{head} {why}"


# -- for the manager ------------------------------------------------------------------------------

def refused(ctx: Context) -> list[Refusal]:
    """Offline redemptions that were refused and that no manager has marked seen (none
    while the server is away: they are on the server)."""
    if offline.is_away(ctx):
        return []
    settings = ctx.settings()
    found = []
    for row in vouchers_db.refused_redemptions(ctx.db, ctx.store_id):
        fields = json.loads(row["detail"]) if row["detail"] else {}
        fields.setdefault("redeemed_at", row["redeemed_at"])
        fields.setdefault("code", row["code"])
        fields["by"] = row.get("redeemed_by_name") or fields.get("by")
        fields["terminal"] = row.get("terminal_name") or fields.get("terminal")
        found.append(Refusal(row["id"], row["code"], refusal_text(settings, fields),
                             from_iso(row["sent_at"])))
    return found


def mark_seen(ctx: Context, refusal_id: int, staff_id: int | None) -> Changes:
    """A manager has read it (recorded in the audit log; other terminals stop showing it)."""
    with ctx.db.atomic():
        if vouchers_db.mark_refusal_seen(ctx.db, refusal_id, ctx.now_iso(), staff_id):
            audit.record(ctx, staff_id, "voucher.refusal_seen", "voucher", None,
                         refusal_id=refusal_id)
    return Changes(vouchers=True)
