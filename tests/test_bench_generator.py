"""bench.generator writes files the app's own import accepts."""

from __future__ import annotations

from datetime import timedelta

from app.csv_import import import_csv
from bench.generator import write_csv
from tests.conftest import START


def test_generated_file_is_accepted_by_import_and_is_the_same_for_the_same_seed(ctx, tmp_path):
    first = write_csv(tmp_path / "a.csv", 400, seed=3, end=START - timedelta(minutes=1))
    second = write_csv(tmp_path / "b.csv", 400, seed=3, end=START - timedelta(minutes=1))
    assert first.read_bytes() == second.read_bytes()
    result = import_csv(ctx, first)
    assert result.incidents == 400
