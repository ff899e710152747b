"""kill -9 in the middle of logging loses nothing and half-writes nothing; two counters and a
report at once lose nothing (real subprocesses; see bench/durability.py).

The run of 100 kill trials takes about a minute, so it is marked ``slow`` and left out of
the default run: ``pytest -m slow`` runs it (as does ``python -m bench.durability``). A few
trials of each kind run every time.
"""

from __future__ import annotations

import pytest

from bench import durability


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.db"
    durability.make_store(path)
    return path


def report(result: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in result.items())


def test_a_few_kill_9_trials_lose_nothing_and_half_write_nothing(store):
    result = durability.kill_trials(store, trials=4, seed=3)
    print(report(result))
    assert result["killed"] == 4 and result["reported"] > 0
    assert durability.healthy(result), report(result)
    assert result["unannounced"] <= 4 + 1  # at most the tap each kill cut short


def test_two_writers_and_a_report_at_once_lose_nothing(store):
    result = durability.writers_and_report(store, per_writer=15, seed=3)
    print(report(result))
    assert result["incidents"] == result["reported"] == 30
    assert durability.healthy(result) and not result["report_failures"], report(result)
    assert not result["writer_failures"]


@pytest.mark.slow
def test_a_hundred_kill_9_trials_lose_nothing_and_half_write_nothing(store, capsys):
    result = durability.kill_trials(store, trials=100, seed=11)
    with capsys.disabled():
        print(f"\nkill -9 durability: {report(result)}")
    assert result["killed"] == 100 and result["kept"] > 0
    assert durability.healthy(result), report(result)
    assert result["unannounced"] <= 100 + 1


@pytest.mark.slow
def test_two_writers_and_a_report_lose_nothing_over_300_taps(store, capsys):
    result = durability.writers_and_report(store, per_writer=150, seed=11)
    with capsys.disabled():
        print(f"\ntwo writers + report: {report(result)}")
    assert result["incidents"] == result["reported"] == 300
    assert durability.healthy(result) and not result["report_failures"], report(result)
