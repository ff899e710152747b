"""Audit entries as sentences in the store's language: never raw actions, keys or None."""

from __future__ import annotations

import re

import pytest

from app import audit, i18n, staff
from app.audit_sentences import sentence
from tests.test_audit_chain import _fill


def _sentences(ctx) -> dict[str, list[str]]:
    settings = ctx.settings()
    names = {m.id: m.name for m in staff.list_staff(ctx, include_inactive=True)}
    found: dict[str, list[str]] = {}
    for entry in reversed(audit.entries(ctx)):
        found.setdefault(entry["action"], []).append(sentence(entry, settings, names))
    return found


def test_an_approved_refund_reads_who_approved_how_much_for_whom(ctx, clock):
    _fill(ctx, clock)
    said = _sentences(ctx)
    assert said["incident.logged"][0] == (
        "Sam logged Cold food at 12:00 and gave Remake 120,00\xa0kr, Refund 250,00\xa0kr. "
        "Marco approved Refund 250,00\xa0kr for Sam.")
    assert said["approval.pin_ok"] == ["Marco entered their PIN to approve at 12:00."]
    assert said["incident.voided"] == ["Sam undid incident 3 at 12:04."]
    assert said["followup.outcome"] == [
        "Marco checked back at 12:09: the guest was still unhappy."]
    assert said["incident.further_remedy"] == [
        "Marco gave Free dessert 65,00\xa0kr more on incident 1 at 12:09."]
    assert said["voucher.redeemed"][0].startswith("Sam redeemed voucher ")
    assert said["staff.added"] == ["Ingrid was added as owner at 12:00.",
                                   "Marco was added as manager at 12:00.",
                                   "Sam was added as cashier at 12:00."]


def test_no_sentence_shows_a_raw_key_or_none(ctx, clock):
    _fill(ctx, clock)
    for texts in _sentences(ctx).values():
        for text in texts:
            assert not re.search(r"\w\.\w+_|_\w|None|\{", text), text


def test_an_action_without_a_sentence_still_reads_as_one(ctx, people):
    audit.record(ctx, people["Marco"], "staff.signed_in", "staff", people["Marco"],
                 approved_by=None)
    assert _sentences(ctx)["staff.signed_in"] == ["Marco recorded “staff signed in” at 12:00."]


@pytest.mark.parametrize("language, words", [
    ("nb", "Marco godkjente Refusjon 250,00\xa0kr for Sam."),
    ("es", "Marco autorizó"), ("nl", "Marco keurde"), ("cs", "Marco schválil")])
def test_the_sentences_speak_the_store_language(ctx, clock, language, words):
    _fill(ctx, clock)
    i18n.set_language(language)
    assert words in _sentences(ctx)["incident.logged"][0]
