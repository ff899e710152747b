"""The chain report: three stores in one database (tests/chain_stores.py), on both backends.

Hand-computed figures for 2026-W47:

============== ===== ========= ========= ============ ========= ======== ===========
store          inc.  cost      per inc.  recovered    came back on time  top fix
============== ===== ========= ========= ============ ========= ======== ===========
Fjord Kafé     3     25 500    8 500     2 of 3       1         3 of 3   Cold food
Café Sol       3     4 050 €   1 350 €   3 of 3       0         2 of 3   Long wait
Bryggen Bistro 4     27 500    6 875     2 of 3       0         3 of 4   Cold food
============== ===== ========= ========= ============ ========= ======== ===========

Fjord Kafé's top fix: cold food 2/3 + 22000/25500 = 1.529 beats long wait 1/3 + 3500/25500.
Café Sol's: long wait 2/3 + 1550/4050 = 1.049 beats wrong order 1/3 + 2500/4050 = 0.951.
Bryggen's: cold food and wrong order tie (1/4 + 12000/27500); the label decides: Cold food.

Ranking: Café Sol (100 %) first; Fjord Kafé and Bryggen both 2/3 in NOK: the lower cost per
incident (Bryggen, 6 875 < 8 500) first. Worst: Fjord Kafé.

The chain's fixes (10 incidents): cold food (3 + 3·22000/25500 + 4·12000/27500) / 10 =
0.733; long wait (5 + 3·3500/25500 + 3·1550/4050 + 4·3500/27500) / 10 = 0.707; wrong order
(2 + 3·2500/4050 + 4·12000/27500) / 10 = 0.560.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.chain import chain_for, chain_report, chain_report_from_summaries, has_chain
from app.context import Context
from app.errors import NotAllowed
from app.stores import list_stores
from tests.chain_stores import build_three_stores

WEEK = "2026-W47"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def chain(db, clock):
    return build_three_stores(db, clock)


def test_each_store_row_holds_its_own_weeks_figures(chain):
    report = chain_report(chain[1], WEEK)
    rows = {row.store.id: row for row in report.stores}
    one, two, three = rows[1], rows[2], rows[3]
    assert (one.incidents, one.value_minor, one.recovered, one.followed_up, one.came_back,
            one.on_time, one.due, one.top_fix) == (3, 25500, 2, 3, 1, 3, 3, "Cold food")
    assert (two.incidents, two.value_minor, two.recovered, two.followed_up, two.came_back,
            two.on_time, two.due, two.top_fix) == (3, 4050, 3, 3, 0, 2, 3, "Long wait")
    assert (three.incidents, three.value_minor, three.recovered, three.followed_up,
            three.came_back, three.on_time, three.due, three.top_fix) == \
        (4, 27500, 2, 3, 0, 3, 4, "Cold food")
    assert one.cost_per_incident == 8500 and three.cost_per_incident == 6875
    assert two.rate == 1.0 and one.rate == pytest.approx(2 / 3)


@pytest.mark.parametrize("week", ["2026-W46", "2026-W47", "2026-W48"])
def test_the_chain_query_says_what_each_stores_weekly_summary_says(chain, week):
    # W48 is not over on the clock's Tuesday: open follow-ups are not missed yet.
    assert chain_report(chain[3], week) == chain_report_from_summaries(chain[3], week)


def test_an_import_still_being_copied_is_not_in_the_chain(chain, db):
    """Incidents of an import that has not switched in yet (db.import_staging) count
    nowhere: not in the weekly summary, not in the chain."""
    ids = [row[0] for row in db.execute(
        "SELECT id FROM incidents WHERE store_id = 3 ORDER BY id").fetchall()]
    db.execute("INSERT INTO import_staging (store_id, first_incident, last_incident, "
               "first_remedy, last_remedy, first_voucher, last_voucher, first_followup, "
               "last_followup, owner, started_at, beat_at) "
               "VALUES (3, ?, ?, 0, -1, 0, -1, 0, -1, 'test', '', '')", [ids[0], ids[-1]])
    report = chain_report(chain[1], WEEK)
    rows = {row.store.id: row for row in report.stores}
    assert rows[3].incidents == 0 and rows[3].rank is None
    assert rows[1].incidents == 3 and rows[2].incidents == 3
    # The other stores as their weekly summaries say. (Store 3's summary reads running
    # totals that an import adds only at its switch - db/summary_rollup - so rows staged by
    # hand after they were counted, as here, are not a state the app can reach.)
    reference = {row.store.id: row for row in chain_report_from_summaries(chain[1], WEEK).stores}
    for store_id in (1, 2):
        assert replace(rows[store_id], rank=None) == replace(reference[store_id], rank=None)


def test_the_stores_are_listed_with_one_query(chain, db, monkeypatch):
    """list_stores reads every store's settings at once (50 stores: one round trip to the
    server, not 50)."""
    statements = []
    real = db.execute

    def counting(sql, *args, **kwargs):
        statements.append(sql)
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(db, "execute", counting)
    stores = list_stores(db)
    assert [(s.id, s.name, s.currency, s.timezone) for s in stores] == [
        (1, "Fjord Kafé", "NOK", "Europe/Oslo"), (2, "Café Sol", "EUR", "Europe/Madrid"),
        (3, "Bryggen Bistro", "NOK", "Europe/Oslo")]
    assert len([s for s in statements if "settings" in s]) == 1


def test_the_chain_query_agrees_with_the_summaries_on_demo_weeks(db, clock):
    from datetime import datetime, timezone

    from app import demo
    from app.setup import init_store

    end = datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc)
    clock.set(end)
    for number, (currency, locale, tz) in enumerate(
            (("NOK", "nb_NO", "Europe/Oslo"), ("EUR", "nl_NL", "Europe/Amsterdam"),
             ("CZK", "cs_CZ", "Europe/Prague")), start=1):
        ctx = Context(db, clock, number)
        init_store(ctx, store_name=f"Demo {number}", currency=currency, locale=locale,
                   timezone=tz, owner_name="Ingrid", owner_pin="4821",
                   made_by=demo.DEMO_MADE_BY)
        demo.generate(ctx, weeks=3, seed=number, end=end, per_day=4)
    ctx = Context(db, clock, 2)
    for week in ("2026-W46", "2026-W47", "2026-W48"):
        fast, reference = chain_report(ctx, week), chain_report_from_summaries(ctx, week)
        assert fast == reference
        assert fast.incidents > 0


def test_best_is_the_highest_rate_then_the_lower_cost_per_incident(chain):
    report = chain_report(chain[2], WEEK)
    assert [(r.rank, r.store.name) for r in report.stores] == [
        (1, "Café Sol"), (2, "Bryggen Bistro"), (3, "Fjord Kafé")]
    assert report.best.store.name == "Café Sol"
    assert report.worst.store.name == "Fjord Kafé"


def test_money_is_totalled_per_currency_never_across(chain):
    report = chain_report(chain[1], WEEK)
    totals = {t.currency: t for t in report.totals}
    assert set(totals) == {"NOK", "EUR"}
    nok, eur = totals["NOK"], totals["EUR"]
    assert (nok.stores, nok.incidents, nok.value_minor, nok.recovered, nok.followed_up,
            nok.came_back, nok.on_time, nok.due) == (2, 7, 53000, 4, 6, 1, 6, 7)
    assert (eur.stores, eur.incidents, eur.value_minor, eur.recovered, eur.followed_up,
            eur.came_back, eur.on_time, eur.due) == (1, 3, 4050, 3, 3, 0, 2, 3)
    assert [t.currency for t in report.totals] == ["NOK", "EUR"]  # most stores first


def test_the_chains_top_three_fixes(chain):
    fixes = chain_report(chain[1], WEEK).fixes
    assert [(f.rank, f.label, f.incidents, f.stores) for f in fixes] == [
        (1, "Cold food", 3, 2), (2, "Long wait", 5, 3), (3, "Wrong order", 2, 2)]
    assert [f.score for f in fixes] == [0.733, 0.707, 0.56]
    assert fixes[0].value == (("NOK", 34000),)
    assert fixes[1].value == (("EUR", 1550), ("NOK", 7000))
    assert fixes[2].value == (("EUR", 2500), ("NOK", 12000))


def test_a_week_without_incidents_ranks_nobody(chain):
    report = chain_report(chain[1], "2026-W40")
    assert report.ranked == () and report.best is None and report.worst is None
    assert report.fixes == ()
    assert [r.store.name for r in report.stores] == ["Bryggen Bistro", "Café Sol",
                                                     "Fjord Kafé"]


def test_only_the_owner_gets_the_chain_report(chain):
    from app import staff

    ctx = chain[1]
    owner, manager = staff.find_by_name(ctx, "Ingrid"), staff.find_by_name(ctx, "Marco")
    assert len(chain_for(ctx, WEEK, owner.id).stores) == 3
    with pytest.raises(NotAllowed):
        chain_for(ctx, WEEK, manager.id)
    with pytest.raises(NotAllowed):
        chain_for(ctx, WEEK, None)


def test_has_chain_only_with_more_than_one_store(db, clock):
    from app.setup import init_store

    ctx = Context(db, clock, 1)
    init_store(ctx, store_name="Alone", owner_name="Ingrid", owner_pin="4821")
    assert not has_chain(ctx)
    init_store(Context(db, clock, 2), store_name="Second", owner_name="Ola",
               owner_pin="4821")
    assert has_chain(ctx)
    assert [(s.id, s.name) for s in list_stores(db)] == [(1, "Alone"), (2, "Second")]


# -- the command line: report --chain on a real file or server --------------------------------

@pytest.fixture
def chain_target(backend, request, tmp_path, clock):
    """A database (file or PostgreSQL) holding the three stores, closed again."""
    from db.connection import open_database

    target = request.getfixturevalue("pg_url") if backend == "postgresql" else \
        str(tmp_path / "chain.db")
    database = open_database(target)
    build_three_stores(database, clock)
    database.close()
    return target


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.entry", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_report_chain_writes_the_csv_with_every_store(chain_target, tmp_path):
    out = tmp_path / "chain.csv"
    done = run_cli("--db", chain_target, "report", "--chain", "--week", WEEK, "--out",
                   str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"Wrote the chain summary of {WEEK} to {out}: 3 stores, "
                                   "10 incidents.")
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    stores = [(r["rank"], r["store"], r["currency"], r["incidents"], r["cost"],
               r["cost_per_incident"], r["recovery_rate"], r["came_back"],
               r["followups_on_time"], r["followups_due"], r["top_fix"])
              for r in rows if r["section"] == "store"]
    assert stores == [
        ("1", "Café Sol", "EUR", "3", "40.50", "13.50", "1.0000", "0", "2", "3", "Long wait"),
        ("2", "Bryggen Bistro", "NOK", "4", "275.00", "68.75", "0.6667", "0", "3", "4",
         "Cold food"),
        ("3", "Fjord Kafé", "NOK", "3", "255.00", "85.00", "0.6667", "1", "3", "3",
         "Cold food")]
    totals = [(r["currency"], r["stores"], r["incidents"], r["cost"]) for r in rows
              if r["section"] == "total"]
    assert totals == [("NOK", "2", "7", "530.00"), ("EUR", "1", "3", "40.50")]
    fixes = [(r["rank"], r["top_fix"], r["currency"], r["cost"]) for r in rows
             if r["section"] == "fix"]
    assert fixes == [("1", "Cold food", "NOK", "340.00"), ("2", "Long wait", "EUR", "15.50"),
                     ("2", "Long wait", "NOK", "70.00"), ("3", "Wrong order", "EUR", "25.00"),
                     ("3", "Wrong order", "NOK", "120.00")]


def test_report_chain_pdf_names_best_worst_and_keeps_currencies_apart(chain_target, tmp_path):
    import shutil

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = tmp_path / "chain.pdf"
    done = run_cli("--db", chain_target, "--store", "2", "report", "--chain", "--week", WEEK,
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    # Store 2 is Spanish-formatted (es_ES) but speaks English (its language setting).
    assert "All stores: 3 stores" in text
    assert "Best: Café Sol — 100 % recovered, 14 € per incident" in text
    assert "Worst: Fjord Kafé — 67 % recovered, 85 NOK per incident" in text
    assert "Total in NOK (2 stores)" in text and "Total in EUR (1 store)" in text
    assert "5 incidents in 3 stores, 16 € · 70 NOK in remedies." in text


def test_report_chain_default_name_and_a_bad_store_number(chain_target, tmp_path):
    done = subprocess.run([sys.executable, "-m", "ui.entry", "--db", chain_target, "report",
                           "--chain", "--week", WEEK], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ,
                                                       "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"chain-{WEEK}.pdf").stat().st_size > 1000
    done = run_cli("--db", chain_target, "--store", "9", "report", "--chain")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"comeback: error: There is no store 9 in {chain_target}; it holds: 1 Fjord Kafé, "
        "2 Café Sol, 3 Bryggen Bistro. Pick one with --store ID.")
