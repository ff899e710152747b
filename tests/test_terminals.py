"""Terminal names: where they come from (--terminal, COMEBACK_TERMINAL, the host name),
the "By counter" table of the weekly summary (PDF, Reports screen) and the CSV column."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timezone

import pytest

from app import incidents, terminals
from app.catalog import category_by_code, remedy_by_code
from app.cli import main
from app.context import Context
from app.csvio import COLUMNS, ENCODING, export_bytes
from app.models import RemedyRequest
from app.summary import weekly_summary
from db.connection import open_database
from tests.conftest import OWNER_PIN, cli_init_store


def _terminals_of_incidents(path) -> list[str | None]:
    database = open_database(path)
    try:
        return [row[0] for row in database.execute(
            "SELECT t.name FROM incidents i LEFT JOIN terminals t ON t.id = i.terminal_id "
            "ORDER BY i.id")]
    finally:
        database.close()


def _log_args(path) -> list[str]:
    return ["log", "--db", str(path), "--category", "cold_food", "--remedy", "remake"]


def test_the_cli_takes_the_terminal_from_the_option_then_the_environment(
        tmp_path, monkeypatch, capsys):
    path = tmp_path / "store.db"
    cli_init_store(path)
    assert main(["--terminal", "Terrace", *_log_args(path)]) == 0
    assert main([*_log_args(path), "--terminal", "Kiosk 2"]) == 0
    monkeypatch.setenv("COMEBACK_TERMINAL", "Window")
    assert main(_log_args(path)) == 0

    assert _terminals_of_incidents(path) == ["Terrace", "Kiosk 2", "Window"]


def test_a_bad_terminal_name_is_refused_with_exit_2_and_nothing_written(tmp_path, capsys):
    path = tmp_path / "store.db"
    cli_init_store(path)
    assert main(["--terminal", "x" * 41, *_log_args(path)]) == 2
    err = capsys.readouterr().err
    assert "A terminal name is 1 to 40 characters" in err and "Traceback" not in err
    assert _terminals_of_incidents(path) == []


def test_without_a_name_a_terminal_is_called_after_its_host(monkeypatch, db, clock):
    import socket

    monkeypatch.delenv("COMEBACK_TERMINAL")
    monkeypatch.setattr(socket, "gethostname", lambda: "kasse-1.local")
    assert Context(db, clock).terminal == "kasse-1.local"


def _second_terminal_logs_in_week_47(ctx, clock, people) -> None:
    """The terrace (a second terminal on the same database) logs one incident on Thursday
    19 November; the clock goes back to where it was."""
    terrace = Context(ctx.db, clock, terminal="Terrace")
    was = clock.now()
    clock.set(datetime(2026, 11, 19, 13, 0, tzinfo=timezone.utc))
    incidents.log_incident(terrace, category_id=category_by_code(ctx, "long_wait").id,
                           remedies=[RemedyRequest(remedy_by_code(ctx, "free_drink").id)],
                           staff_id=people["Sam"])
    clock.set(was)


def test_the_week_breaks_down_by_counter_only_with_several_terminals(ctx, hand_built_week,
                                                                    people):
    assert weekly_summary(ctx, "2026-W47").terminals == ()
    _second_terminal_logs_in_week_47(ctx, hand_built_week, people)
    summary = weekly_summary(ctx, "2026-W47")
    head, rows = terminals.table(summary)
    assert head == ["Counter", "Incidents", "Cost"]
    assert [row[:2] for row in rows] == [["Bar", "7"], ["Terrace", "1"]]
    assert rows[1][2].replace("\u00a0", " ") == "35 kr"  # a free drink, whole kroner


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_has_a_by_counter_table_when_the_store_has_two_terminals(
        ctx, hand_built_week, people, tmp_path):
    from app.pdf import render_pdf
    from tests.test_pdf import pdf_text

    one = tmp_path / "one.pdf"
    render_pdf(weekly_summary(ctx, "2026-W47"), one)
    assert "By counter" not in pdf_text(one)
    _second_terminal_logs_in_week_47(ctx, hand_built_week, people)
    two = tmp_path / "two.pdf"
    render_pdf(weekly_summary(ctx, "2026-W47"), two)
    text = pdf_text(two)
    assert "By counter" in text
    assert any("Terrace" in line and " 1 " in line for line in text.splitlines())


@pytest.mark.sqlite_only  # CSV import/export is not on PostgreSQL yet
def test_the_export_names_the_terminal_and_an_import_keeps_it(ctx, hand_built_week, people,
                                                              clock):
    from app.csv_import import import_csv
    from app.setup import init_store

    _second_terminal_logs_in_week_47(ctx, hand_built_week, people)
    exported = export_bytes(ctx).decode(ENCODING)
    header, *rows = [line for line in exported.split("\r\n") if line]
    assert header.split(",")[-1] == "terminal" and COLUMNS[-1] == "terminal"
    assert sorted({row.rsplit(",", 1)[1] for row in rows}) == ["Bar", "Terrace"]

    other = Context(open_database(None), clock)
    init_store(other, store_name="Copy", preset="restaurant", currency="NOK",
               locale="nb_NO", language="en", timezone="Europe/Oslo", owner_name="Ingrid",
               owner_pin=OWNER_PIN)
    import_csv(other, io.StringIO(exported), pin=OWNER_PIN)
    assert export_bytes(other).decode(ENCODING) == exported
    names = [r[0] for r in other.db.execute("SELECT name FROM terminals ORDER BY name")]
    assert names == ["Bar", "Terrace"]


@pytest.mark.sqlite_only  # CSV import/export is not on PostgreSQL yet
def test_a_bad_terminal_cell_is_refused_with_its_line(ctx):
    from app.csv_import import import_csv
    from app.csvio import ImportRefused

    text = "occurred_at,category,remedies,terminal\r\n" \
           "2026-11-09T11:00:00+00:00,cold_food,remake,Bar\r\n" \
           f"2026-11-09T12:00:00+00:00,cold_food,remake,{'x' * 41}\r\n"
    with pytest.raises(ImportRefused) as refused:
        import_csv(ctx, io.StringIO(text), pin=OWNER_PIN)
    assert refused.value.problems[0][0] == 3
    assert "terminal: A terminal name is 1 to 40" in refused.value.problems[0][1]


def test_the_reports_screen_shows_the_counters_when_there_are_two(qtbot, ctx,
                                                                  hand_built_week, people):
    from tests.test_reports_gui import manager_at
    from ui.reports import ReportsPage

    page = ReportsPage(manager_at(ctx))
    qtbot.addWidget(page)
    page.resize(1024, 708)
    page.show()
    page.show_week(page.week.__class__.parse("2026-W47"))
    assert not page.by_counter.isVisible()
    _second_terminal_logs_in_week_47(ctx, hand_built_week, people)
    page.refresh()
    assert page.by_counter.isVisible()
    texts = [page.by_counter.grid.itemAt(i).widget().text()
             for i in range(page.by_counter.grid.count())]
    assert texts[:3] == ["Counter", "Incidents", "Cost"] and "Terrace" in texts
