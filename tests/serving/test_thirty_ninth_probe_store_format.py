"""Thirty-ninth bad-input probe of the SQLite embedding store: a database of another program.

Opening another program's SQLite database as a store added this store's tables to it (and
switched it to WAL mode) without a word, and one with its own table named ``vectors``
failed at the first read with SQLite's "no such column: id". Both are refused when opened,
naming the file and what it holds (a ConfigError, as a misspelt location: no retry mends
it), and the database is left as it was."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import StoreUnavailableError, open_store
from tests.serving.service_helpers import serve_refusal


def _database(path, *statements):
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def _tables(path):
    db = sqlite3.connect(path)
    try:
        return sorted(name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        db.close()


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "app.db"
    _database(path, "CREATE TABLE orders (id INTEGER, total REAL)",
              "INSERT INTO orders VALUES (1, 9.5)")
    with pytest.raises(ConfigError, match=r"app\.db: an SQLite database, but not a "
                                                    r"recstack embedding store \(it holds "
                                                    r"the tables orders"):
        open_store(path)
    assert _tables(path) == ["orders"]  # before: vectors and dims were added to it
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()


@pytest.mark.parametrize(("table", "columns"), [
    ("vectors", "(a INTEGER)"), ("dims", "(kind TEXT, size INTEGER, note TEXT)"),
])
def test_a_table_of_the_stores_name_with_other_columns_is_refused(tmp_path, table, columns):
    path = tmp_path / "other.sqlite"
    _database(path, f"CREATE TABLE {table} {columns}")
    # before: "no such column: id" at the first get, or a put's "table vectors has 1
    # columns but 3 values were supplied"
    with pytest.raises(ConfigError, match=rf"its table '{table}' has the columns "
                                                    r".*; expected kind"):
        open_store(path)


def test_a_store_and_an_empty_database_still_open(tmp_path):
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put("item", [1, 2], np.ones((2, 3)))
    with open_store(path) as store:  # the store's own tables
        assert store.get("item", [2])[1].tolist() == [True]
    empty = tmp_path / "empty.db"
    _database(empty)  # a database without tables becomes a store
    with open_store(empty) as store:
        store.put("user", ["a"], np.ones((1, 2)))
        assert store.count("user") == 1


def test_vectors_whose_dimension_was_deleted_by_hand_take_no_rows_of_another_length(tmp_path):
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put("item", [1, 2], np.ones((2, 4)))
    _database(path, "DELETE FROM dims")
    with open_store(path) as store:
        # before: written, and the store held item vectors of 4 and of 3 values
        with pytest.raises(StoreUnavailableError, match=r"damaged: item vectors are stored "
                                                        r"\(e\.g\. that of 1, 4 float32 "
                                                        r"values\) but no dimension is "
                                                        r"recorded for them; these have 3"):
            store.put("item", [3], np.ones((1, 3)))
        assert store.count("item") == 2
        store.put("item", [3], np.full((1, 4), 2.0))  # the stored length records it again
        assert store.dim("item") == 4
        vectors, found = store.get("item", [1, 3])
        assert found.all() and vectors.tolist() == [[1.0] * 4, [2.0] * 4]


def test_recstack_serve_with_another_programs_database_as_the_store_exits_2(
        tmp_path, popular, train, capsys, monkeypatch):
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    from tests.serving.service_helpers import publish

    registry = publish(tmp_path / "registry", popular, train, name="pop")

    def started(*_args, **_kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr("recstack.serving.app.serve", started)
    path = tmp_path / "app.db"
    _database(path, "CREATE TABLE orders (id INTEGER)")
    # before: taken for an outage, and the service served the model's vectors
    code = serve_refusal("--registry", registry.root, "--store", str(path))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert f"embedding store {path}: an SQLite database, but not a recstack" in err
    assert _tables(path) == ["orders"]


def test_put_model_names_what_is_not_a_fitted_model(tmp_path, als):
    from recstack.errors import RecstackError
    from recstack.models.als import ALS

    with open_store(tmp_path / "vectors.sqlite") as store:
        # both were AttributeErrors on items_
        with pytest.raises(ConfigError, match=r"put_model: model must be a fitted recstack "
                                              r"model \(a Recommender"):
            store.put_model(None)
        with pytest.raises(RecstackError, match=r"als: call fit\(\) before put_model\(\)"):
            store.put_model(ALS())
        assert store.count("item") == 0
        store.put_model(als)
        assert store.count("item") == len(als.items_) and store.dim("user") is not None
