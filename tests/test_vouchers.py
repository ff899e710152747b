"""Vouchers: a short unique code on issue; redeeming marks the guest as having come back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import catalog, incidents, settings, vouchers
from app.errors import NotFound, StateError, ValidationError
from app.models import RemedyRequest


def _voucher(ctx, people) -> tuple[int, str]:
    logged = incidents.log_incident(
        ctx, category_id=catalog.category_by_code(ctx, "long_wait").id, staff_id=people["Sam"],
        remedies=[RemedyRequest(catalog.remedy_by_code(ctx, "voucher").id)])
    return logged.incident.id, logged.voucher_codes[0]


def test_a_voucher_remedy_gets_a_short_code_easy_to_read_aloud(ctx, people):
    incident_id, code = _voucher(ctx, people)
    assert len(code) == 7 and code[3] == "-"
    assert set(code.replace("-", "")) <= set(vouchers.ALPHABET)
    assert not set(code) & set("0O1IL5S2Z")
    row = next(ctx.db["vouchers"].rows_where("code = ?", [code]))
    assert row["incident_id"] == incident_id
    assert row["expires_at"] > row["issued_at"]


def test_codes_are_unique(ctx, people):
    codes = {_voucher(ctx, people)[1] for _n in range(30)}
    assert len(codes) == 30


def test_redeeming_records_the_comeback_linked_to_the_incident(ctx, clock, people):
    incident_id, code = _voucher(ctx, people)
    clock.advance(days=12)
    redeemed = vouchers.redeem(ctx, code.lower().replace("-", " "), people["Sam"])
    assert redeemed.incident_id == incident_id and redeemed.code == code
    row = next(ctx.db["vouchers"].rows_where("code = ?", [code]))
    assert row["redeemed_at"] == clock.now().isoformat()
    assert row["redeemed_by"] == people["Sam"]
    entry = next(ctx.db["audit_log"].rows_where("action = 'voucher.redeemed'"))
    assert entry["entity_id"] == incident_id
    assert redeemed.changes.vouchers


def test_redeeming_twice_says_when_it_was_used_in_the_store_locale(ctx, clock, people):
    _id, code = _voucher(ctx, people)
    clock.advance(days=2)
    vouchers.redeem(ctx, code, people["Sam"])
    clock.advance(days=1)
    with pytest.raises(StateError) as error:
        vouchers.redeem(ctx, code, people["Sam"])
    # Wednesday 18 November 2026, 12:00 in Oslo, written the Norwegian way; by whom, where.
    assert str(error.value) == (f"Voucher {code} was already redeemed on 18. nov. 2026 at "
                                f"12:00 by Sam ({ctx.terminal}); a voucher can be used once.")


def test_an_expired_voucher_is_refused_with_its_date(ctx, clock, people):
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"voucher_validity_days": 30})
    _id, code = _voucher(ctx, people)
    clock.advance(days=30, seconds=1)
    with pytest.raises(StateError, match="expired on 16. des. 2026"):
        vouchers.redeem(ctx, code, people["Sam"])
    assert next(ctx.db["vouchers"].rows_where("code = ?", [code]))["redeemed_at"] is None


def test_a_voucher_on_its_last_moment_still_works(ctx, clock, people):
    _id, code = _voucher(ctx, people)
    clock.advance(days=ctx.settings().voucher_validity_days)
    assert vouchers.redeem(ctx, code, people["Sam"]).code == code


def test_an_unknown_code_is_refused_clearly(ctx, people):
    with pytest.raises(NotFound, match="No voucher with code KKK-KKK"):
        vouchers.redeem(ctx, "kkk-kkk", people["Sam"])


@pytest.mark.parametrize("code", ["", "AB", "ABCDEFGH", "K7M-3Q"])
def test_a_malformed_code_says_what_a_code_looks_like(ctx, people, code):
    with pytest.raises(ValidationError, match="6 letters and digits"):
        vouchers.redeem(ctx, code, people["Sam"])


def test_a_voucher_of_an_undone_incident_is_cancelled(ctx, clock, people):
    incident_id, code = _voucher(ctx, people)
    clock.advance(seconds=10)
    incidents.void_incident(ctx, incident_id, people["Sam"])
    with pytest.raises(StateError, match="cancelled"):
        vouchers.redeem(ctx, code, people["Sam"])


def test_validity_follows_the_setting(ctx, clock, people):
    with ctx.db.atomic():
        settings.write(ctx.db, ctx.store_id, {"voucher_validity_days": 7})
    _id, code = _voucher(ctx, people)
    row = next(ctx.db["vouchers"].rows_where("code = ?", [code]))
    assert row["expires_at"] == (clock.now() + timedelta(days=7)).isoformat()
