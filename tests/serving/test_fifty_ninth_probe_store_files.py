"""An SQLite embedding store's path that SQLite cannot use says why: a missing folder (not
created: it may be a volume not mounted yet, an outage the service serves around), a
folder given as the file, a file where a folder belongs. An existing file that is not
an SQLite database is never written into, however short (SQLite took a one-byte file for
a new database and overwrote it)."""

from __future__ import annotations

import pytest

from recstack.serving.embedding_store import (
    SQLiteEmbeddingStore,
    StoreUnavailableError,
    open_store,
)
from tests.serving.service_helpers import serve_refusal


@pytest.mark.parametrize("content", [b"\n", b"x", b"id\n", b"item_id,vector\n1,0.5\n"])
def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(tmp_path, content):
    path = tmp_path / "vectors.db"
    path.write_bytes(content)
    with pytest.raises(StoreUnavailableError, match=f"embedding store {path}: file is not "
                       "a database"):
        open_store(str(path))
    assert path.read_bytes() == content


def test_an_empty_file_becomes_a_store(tmp_path):
    path = tmp_path / "vectors.db"
    path.touch()
    with open_store(str(path)) as store:
        store.put("user", ["a"], [[1.0, 2.0]])
    with open_store(str(path)) as store:
        vectors, found = store.get("user", ["a"])
    assert found.tolist() == [True] and vectors.tolist() == [[1.0, 2.0]]


def test_a_missing_folder_is_named_and_not_created(tmp_path):
    path = tmp_path / "not-mounted" / "vectors.db"
    for location in (str(path), f"sqlite:///{path}"):
        with pytest.raises(StoreUnavailableError,
                           match=f"the folder {tmp_path / 'not-mounted'} does not exist"):
            open_store(location)
    assert not (tmp_path / "not-mounted").exists()


def test_a_folder_given_as_the_store_file_is_named(tmp_path):
    with pytest.raises(StoreUnavailableError, match="it is a folder; give the path of an "
                       "SQLite file"):
        SQLiteEmbeddingStore(tmp_path)


def test_a_file_where_a_folder_belongs_is_named(tmp_path):
    (tmp_path / "data").write_text("x")
    with pytest.raises(StoreUnavailableError,
                       match=f"{tmp_path / 'data'} is a file, not a folder"):
        SQLiteEmbeddingStore(tmp_path / "data" / "vectors.db")


def test_serve_refuses_a_file_where_the_stores_folder_belongs(tmp_path, popular, train,
                                                              capsys, monkeypatch):
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    from tests.serving.service_helpers import publish

    def started(*_args, **_kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr("recstack.serving.app.serve", started)
    registry = publish(tmp_path / "registry", popular, train, name="pop")
    (tmp_path / "data").write_text("x")
    store = tmp_path / "data" / "vectors.db"
    code = serve_refusal("--registry", registry.root, "--store", str(store))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"embedding store {store}" in err and "is a file, not a folder" in err


def test_a_store_of_another_models_dimension_stays_reported_for_users_it_lacks(
        tmp_path, als, train):
    # the store holds one user of another dimension: a request for a user it does not
    # hold cleared the error, and /health said ok while every store vector was unusable
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    import numpy as np

    from tests.serving.service_helpers import client, publish, settings

    registry = publish(tmp_path / "registry", als, train)
    dims = als.user_embeddings().shape[1]
    first, other = (str(user) for user in als.users_.external_ids[:2])
    path = tmp_path / "vectors.sqlite"
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", [first], np.ones((1, dims + 2)))
    with client(settings(registry, store=str(path), store_retry_seconds=0)) as http:
        assert http.get(f"/users/{other}/recommendations?k=3").status_code == 200
        alone = http.get("/health").json()
        assert http.get(f"/users/{first}/recommendations?k=3").status_code == 200
        assert http.get(f"/users/{other}/recommendations?k=3").status_code == 200
        after = http.get("/health").json()
    for health in (alone, after):
        # reachable, but of another dimension: "mismatched" (it said "unavailable")
        assert health["status"] == "degraded" and health["store"] == "mismatched"
        assert health["store_error"].startswith(
            f"the store's user vectors have {dims + 2} dimensions")
