"""db/_sql.py: INSERT/UPDATE built from a dict never put a non-identifier into the SQL."""

from __future__ import annotations

import pytest

from db import incidents as incidents_db
from db._sql import insert_row, update_row


def test_insert_and_update_write_the_given_columns(db):
    store_id = insert_row(db, "stores", {"id": 4, "created_at": "2026-11-16T11:00:00+00:00"})
    changed = update_row(db, "stores", {"id": store_id}, {"created_at": "2026-11-17"})
    assert (store_id, changed) == (4, 1)
    assert db.execute("SELECT created_at FROM stores WHERE id = 4").fetchone()[0] == "2026-11-17"


def test_update_with_a_guard_changes_only_the_rows_it_allows(db):
    insert_row(db, "stores", {"id": 1, "created_at": "2026-11-16"})
    where = {"id": 1}
    assert update_row(db, "stores", where, {"created_at": "A"}, guard="created_at IS NULL") == 0
    assert update_row(db, "stores", where, {"created_at": "B"},
                      guard="created_at IS NOT NULL") == 1
    assert db.execute("SELECT created_at FROM stores WHERE id = 1").fetchone()[0] == "B"


@pytest.mark.parametrize("key", ["note = 1, store_id", "note; DROP TABLE incidents; --",
                                 "1note", "note ", "", "guest_name\n", 7])
def test_a_key_that_is_not_a_plain_column_name_is_refused_before_any_sql(db, key):
    with pytest.raises(ValueError, match="not a table or column name"):
        insert_row(db, "incidents", {key: "x"})
    with pytest.raises(ValueError, match="not a table or column name"):
        incidents_db.update_incident(db, 1, 1, {key: "x"})
    with pytest.raises(ValueError, match="not a table or column name"):
        update_row(db, "incidents", {key: 1}, {"note": "x"})
    assert "incidents" in db.table_names()


def test_a_table_name_that_is_not_an_identifier_is_refused(db):
    with pytest.raises(ValueError, match="not a table or column name"):
        insert_row(db, "stores; DROP TABLE staff", {"id": 1})


def test_nothing_to_write_or_no_where_is_refused(db):
    with pytest.raises(ValueError, match="nothing to insert"):
        insert_row(db, "stores", {})
    with pytest.raises(ValueError, match="nothing to update"):
        update_row(db, "stores", {"id": 1}, {})
    with pytest.raises(ValueError, match="without a WHERE"):
        update_row(db, "stores", {}, {"created_at": "x"})
