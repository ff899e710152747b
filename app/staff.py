"""Staff members, roles and PINs (scrypt with a per-person salt; never shown or exported)."""

from __future__ import annotations

from app import audit
from app.context import Context
from app.errors import NotFound, ValidationError
from app.i18n import _
from app.models import Changes, Role, Staff
from db import staff as staff_db

PIN_MIN, PIN_MAX = 4, 8
NAME_MAX = 40
# Cost of new hashes: n=2**14, r=8 is ~16 MB and ~50 ms per check, so guessing a short PIN
# offline is slow. The parameters are stored with each hash, so they can be raised later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_pin(pin: str, salt: bytes, n: int | None = None, r: int | None = None,
             p: int | None = None) -> str:
    import hashlib  # on the first PIN, not at start-up (~3 ms)

    n, r, p = n or SCRYPT_N, r or SCRYPT_R, p or SCRYPT_P
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32,
                            maxmem=256 * 1024 * 1024)
    return f"scrypt${n}${r}${p}${digest.hex()}"


def new_approval_kdf() -> str:
    """How a new approval key is derived: scrypt at the PIN hash's cost, with a salt of its
    own (``scrypt$n$r$p$<salt hex>``; see app.approval_proof)."""
    import secrets

    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${secrets.token_bytes(16).hex()}"


def approval_key(pin: str, kdf: str) -> bytes:
    """The approval key ``kdf`` derives from ``pin`` (32 bytes; as slow as a PIN check)."""
    import hashlib

    _scheme, n, r, p, salt = kdf.split("$")
    return hashlib.scrypt(str(pin).strip().encode(), salt=bytes.fromhex(salt), n=int(n),
                          r=int(r), p=int(p), dklen=32, maxmem=256 * 1024 * 1024)


def pin_matches(row: dict, pin: str) -> bool:
    stored = row.get("pin_hash")
    if not stored:
        return False
    _scheme, n, r, p, _digest = stored.split("$")
    candidate = hash_pin(pin, bytes.fromhex(row["pin_salt"]), int(n), int(r), int(p))
    import hmac

    return hmac.compare_digest(candidate, stored)


def check_pin_format(pin: str) -> str:
    pin = str(pin).strip()
    if not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise ValidationError("pin", _("PIN must be {low} to {high} digits.").format(
            low=PIN_MIN, high=PIN_MAX))
    digits = [int(d) for d in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if len(set(digits)) == 1 or steps in ({1}, {-1}):
        raise ValidationError("pin", _("PIN is too easy to guess (like 0000 or 1234): "
                                       "choose another."))
    return pin


def _to_staff(row: dict) -> Staff:
    return Staff(id=row["id"], name=row["name"], role=Role(row["role"]),
                 has_pin=row["pin_hash"] is not None, active=bool(row["active"]))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", _("Name must not be empty."))
    if len(name) > NAME_MAX:
        raise ValidationError("name", _("Name can be at most {n} characters.").format(n=NAME_MAX))
    return name


def _check_role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError("role", _("Role must be cashier, manager or owner.")) from None


def list_staff(ctx: Context, include_inactive: bool = False) -> list[Staff]:
    return [_to_staff(r) for r in staff_db.staff_members(ctx.db, ctx.store_id, include_inactive)]


def get_staff(ctx: Context, staff_id: int) -> Staff:
    row = staff_db.staff_member(ctx.db, ctx.store_id, staff_id)
    if row is None:
        raise NotFound("staff", _("No staff member with id {id}.").format(id=staff_id))
    return _to_staff(row)


def find_by_name(ctx: Context, name: str) -> Staff:
    for member in list_staff(ctx):
        if member.name.casefold() == name.strip().casefold():
            return member
    raise NotFound("staff", _("No active staff member called {name}.").format(name=name))


def _pin_values(pin: str) -> dict:
    """Hash a new PIN. PINs need not be unique, and nothing ever says one is taken: that
    would tell whose PIN it is (approvers are found by PIN among those allowed, or by name)."""
    pin = check_pin_format(pin)
    import secrets

    salt = secrets.token_bytes(16)
    return {"pin_hash": hash_pin(pin, salt), "pin_salt": salt.hex(),
            "approval_kdf": new_approval_kdf()}


def _write_pin(ctx: Context, staff_id: int, values: dict, pin: str) -> None:
    """Store a new PIN's hash and its approval key (the key on the server only: see
    db.approval_keys), inside the caller's transaction."""
    from db import approval_keys

    values = dict(values)
    kdf = values.pop("approval_kdf")
    staff_db.update_staff(ctx.db, ctx.store_id, staff_id, values)
    approval_keys.replace_key(ctx.db, ctx.store_id, staff_id, kdf,
                              approval_key(pin, kdf).hex(), ctx.now_iso())


def add_staff(ctx: Context, name: str, role: str | Role, pin: str | None = None,
              by: int | None = None) -> tuple[Staff, Changes]:
    """Add a person; a PIN is needed for managers and owners (they approve comps)."""
    name, role = _check_name(name), _check_role(role)
    if role.can_approve and not pin:
        raise ValidationError("pin", _("Managers and owners need a PIN of {low} to {high} "
                                       "digits.").format(low=PIN_MIN, high=PIN_MAX))
    pin_values = _pin_values(pin) if pin else {}
    with ctx.db.atomic():
        staff_id = staff_db.insert_staff(ctx.db, ctx.store_id, name, role.value, ctx.now_iso())
        if pin_values:
            _write_pin(ctx, staff_id, pin_values, pin)
        audit.record(ctx, by, "staff.added", "staff", staff_id, name=name, role=role.value)
    return get_staff(ctx, staff_id), Changes(staff=True)


def update_staff(ctx: Context, staff_id: int, *, by: int | None, name: str | None = None,
                 role: str | Role | None = None, active: bool | None = None) -> Changes:
    current = get_staff(ctx, staff_id)
    values: dict = {}
    if name is not None:
        values["name"] = _check_name(name)
    if role is not None:
        new_role = _check_role(role)
        if new_role.can_approve and not current.has_pin:
            raise ValidationError("role", _("Set a PIN before making someone a manager or "
                                            "owner."))
        values["role"] = new_role.value
    if active is not None:
        values["active"] = int(bool(active))
    if not values:
        return Changes()
    stays_owner = values.get("role", current.role.value) == Role.OWNER.value \
        and values.get("active", int(current.active)) == 1
    if current.role is Role.OWNER and current.active and not stays_owner \
            and not any(m.role is Role.OWNER and m.id != staff_id for m in list_staff(ctx)):
        raise ValidationError("active" if values.get("active") == 0 else "role", _(
            "The store needs at least one active owner: make someone else owner first."))
    with ctx.db.atomic():
        staff_db.update_staff(ctx.db, ctx.store_id, staff_id, values)
        audit.record(ctx, by, "staff.changed", "staff", staff_id, **values)
    return Changes(staff=True)


def set_pin(ctx: Context, staff_id: int, pin: str, by: int | None) -> Changes:
    get_staff(ctx, staff_id)
    values = _pin_values(pin)
    with ctx.db.atomic():
        _write_pin(ctx, staff_id, values, pin)
        audit.record(ctx, by, "staff.pin_set", "staff", staff_id)
    return Changes(staff=True)


def reset_pin(ctx: Context, staff_id: int, pin: str | None = None) -> tuple[str, bool]:
    """A new PIN from the command line (at the machine): ``pin``, or a random one.

    Returns the PIN and whether it was made here; audited as ``staff.pin_reset``.
    """
    member = get_staff(ctx, staff_id)
    made = not pin
    if made:
        from app.demo import random_pin

        pin = random_pin()
    values = _pin_values(pin)
    with ctx.db.atomic():
        _write_pin(ctx, staff_id, values, pin)
        audit.record(ctx, None, "staff.pin_reset", "staff", staff_id, name=member.name,
                     via="command line")
    return pin, made


def verify_pin(ctx: Context, staff_id: int, pin: str) -> bool:
    """True when ``pin`` is this active person's PIN. Goes through the one PIN check, so it
    counts toward the lockout (and is refused while locked)."""
    from app import approval
    from app.errors import ApprovalLocked, PinRejected

    try:
        approval.sign_in_check(ctx, staff_id, pin, for_what="verify")
    except (PinRejected, ApprovalLocked):
        return False
    return True
