"""Voucher codes: short, unique, easy to read aloud; redeeming one = the guest came back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from app import audit
from app.clock import from_iso, to_iso
from app.context import Context
from app.errors import NotFound, StateError, ValidationError
from app.formatting import local_time, medium_date, short_time
from app.i18n import _
from app.models import Changes
from db import vouchers as vouchers_db

# No 0/O, 1/I/L, 5/S, 2/Z: nothing that is misread on a slip or misheard at the counter.
ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 6


class Redeemed(NamedTuple):
    code: str
    incident_id: int
    amount_minor: int
    issued_at: datetime
    changes: Changes
    #: Redeemed on a terminal whose server is away: kept to be confirmed when it is back
    #: (app.offline_vouchers); the incident's category and time come from the copy.
    offline: bool = False
    category_label: str | None = None
    occurred_at: datetime | None = None


def new_code() -> str:
    import secrets  # hashlib and OpenSSL come with it: not for commands that only read

    raw = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalise(code: str) -> str:
    raw = "".join(ch for ch in str(code).upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{raw[:3]}-{raw[3:]}" if len(raw) == CODE_LENGTH else raw


def issue(ctx: Context, incident_id: int, incident_remedy_id: int, amount_minor: int,
          validity_days: int) -> str:
    """Create a voucher (inside the caller's transaction) and return its code."""
    row = voucher_row(ctx, amount_minor, validity_days)
    vouchers_db.insert_voucher(ctx.db, {**row, "incident_id": incident_id,
                                        "incident_remedy_id": incident_remedy_id})
    return row["code"]


def voucher_row(ctx: Context, amount_minor: int, validity_days: int,
                code: str | None = None) -> dict:
    """A new voucher's row (without what it was given on): a code no voucher has (``code``
    when it is free, made in advance), valid from now for ``validity_days``."""
    code = code or new_code()
    while vouchers_db.code_exists(ctx.db, code):
        code = new_code()
    now = ctx.clock.now()
    return {"code": code, "amount_minor": amount_minor, "issued_at": to_iso(now),
            "expires_at": to_iso(now + timedelta(days=validity_days))}


def _local(ctx: Context, iso: str) -> tuple[str, str]:
    """A stored UTC time as the store's local date and time, in the store's locale."""
    settings = ctx.settings()
    when = from_iso(iso)
    return (medium_date(local_time(when, settings.timezone).date(), settings.locale),
            short_time(when, settings.timezone, settings.locale))


def could_be_code(text: str) -> bool:
    """Only letters and digits of the code alphabet, with spaces or dashes between: what a
    slip or a scanner gives. Anything else ("💥<script>") cannot be a voucher code."""
    raw = "".join(ch for ch in str(text).upper() if ch not in " -")
    return bool(raw) and all(ch.isascii() and ch.isalnum() for ch in raw)


def already_redeemed(ctx: Context, code: str, row: dict) -> StateError:
    """"Voucher K7M-3QX was already redeemed on 3 Nov at 12:04 by Marco (Bar); …"."""
    day, time = _local(ctx, row["redeemed_at"])
    who, where = row.get("redeemed_by_name"), row.get("redeemed_terminal")
    if who and where:
        text = _("Voucher {code} was already redeemed on {date} at {time} by {name} "
                 "({terminal}); a voucher can be used once.")
    elif who:
        text = _("Voucher {code} was already redeemed on {date} at {time} by {name}; "
                 "a voucher can be used once.")
    elif where:
        text = _("Voucher {code} was already redeemed on {date} at {time} ({terminal}); "
                 "a voucher can be used once.")
    else:
        text = _("Voucher {code} was already redeemed on {date} at {time}; a voucher "
                 "can be used once.")
    return StateError(text.format(code=code, date=day, time=time, name=who, terminal=where))


def checked_code(code: str) -> str:
    """``code`` normalised, or a ValidationError naming the field."""
    clean = normalise(code)
    if str(code).strip() and not could_be_code(code):
        raise ValidationError("code", _("That is not a voucher code: a code has {n} letters "
                                        "and digits, like K7M-3QX.").format(n=CODE_LENGTH))
    if len(clean.replace("-", "")) != CODE_LENGTH:
        raise ValidationError("code", _("A voucher code has {n} letters and digits, like "
                                        "K7M-3QX.").format(n=CODE_LENGTH))
    return clean


def expired_error(ctx: Context, clean: str, expires_at: str) -> StateError:
    day, _time = _local(ctx, expires_at)
    return StateError(_("Voucher {code} expired on {date} and can no longer be used.")
                      .format(code=clean, date=day))


def redeem(ctx: Context, code: str, staff_id: int | None) -> Redeemed:
    """Record that the guest came back with their voucher, linked to the original incident.
    On a terminal whose server is away: against its copy, kept to be sent
    (:mod:`app.offline_vouchers`; ``offline`` True)."""
    clean = checked_code(code)
    from app import offline

    if offline.is_away(ctx):
        from app.offline_vouchers import redeem_offline

        return redeem_offline(ctx, clean, staff_id)
    try:
        if not offline.is_terminal(ctx):
            return _redeem_online(ctx, clean, staff_id)
        with ctx.db.server_only():  # nothing from the copy: the server's answer or away
            done = _redeem_online(ctx, clean, staff_id)
        from app.changes import Change
        from app.offline_vouchers import note_changes

        note_changes(ctx, [Change(0, "", "voucher.redeemed", None, None, staff_id, None,
                                  detail={"code": done.code})])  # not again here, offline
        return done
    except Exception as error:
        if not (offline.is_terminal(ctx) and offline.is_away_error(error)
                and offline.is_away(ctx)):
            raise
    from app.offline_vouchers import redeem_offline  # the server went away just now

    return redeem_offline(ctx, clean, staff_id)


def _redeem_online(ctx: Context, clean: str, staff_id: int | None) -> Redeemed:
    row = vouchers_db.voucher_by_code(ctx.db, clean)
    if row is None or row["store_id"] != ctx.store_id:
        raise NotFound("code", _("No voucher with code {code}. Check the slip and try again.")
                       .format(code=clean))
    if row["incident_voided_at"]:
        raise StateError(_("Voucher {code} was cancelled when its incident was undone.")
                         .format(code=clean))
    if row["redeemed_at"]:
        raise already_redeemed(ctx, clean, row)
    now = ctx.clock.now()
    if from_iso(row["expires_at"]) < now:
        raise expired_error(ctx, clean, row["expires_at"])
    terminal_id = ctx.terminal_id()
    with ctx.db.atomic():
        if not vouchers_db.mark_redeemed(ctx.db, row["id"], to_iso(now), staff_id,
                                         terminal_id):
            # Another terminal redeemed it since we looked: say when, where and by whom.
            raise already_redeemed(ctx, clean, vouchers_db.voucher_by_code(ctx.db, clean))
        audit.record(ctx, staff_id, "voucher.redeemed", "incident", row["incident_id"],
                     code=clean, voucher_id=row["id"], amount_minor=row["amount_minor"])
    return Redeemed(clean, row["incident_id"], row["amount_minor"], from_iso(row["issued_at"]),
                    Changes(vouchers=True, incident_id=row["incident_id"]))
