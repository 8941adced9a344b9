"""The embedding store on SQLite and on a real redis-server (started here on a free port),
the unreachable-store error and its fallback, and nearline fold-in against the ALS user
step solved by hand."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.serving.embedding_store import (
    RedisEmbeddingStore,
    SQLiteEmbeddingStore,
    StoreUnavailableError,
    fold_in_users,
    open_store,
    read_with_fallback,
)

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if shutil.os.path.exists("/usr/bin/redis-server") else None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    pytest.importorskip("redis", reason="the Redis store needs the redis package")
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                                "--dir", str(folder), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        opened = open_store(tmp_path / "vectors.sqlite")
    else:
        url = request.getfixturevalue("redis_url")
        opened = RedisEmbeddingStore(url, prefix=f"test{time.monotonic_ns()}")
    with opened:
        yield opened


def test_bulk_put_and_get_by_external_id(store):
    ids = [10, 20, 30]
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2) / 4
    store.put("item", ids, vectors)
    got, found = store.get("item", [30, 99, 10, 30])
    assert found.tolist() == [True, False, True, True]
    np.testing.assert_array_equal(got, [[1.0, 1.25], [0, 0], [0, 0.25], [1.0, 1.25]])
    assert got.dtype == np.float32 and store.dim("item") == 2 and store.count("item") == 3
    # replacing one vector, and strings and integers kept apart
    store.put("item", [20, "20"], [[9, 9], [7, 7]])
    got, found = store.get("item", ["20", 20])
    np.testing.assert_array_equal(got, [[7, 7], [9, 9]])
    assert store.count("item") == 4 and store.count("user") == 0
    store.delete("item", [10, "20"])
    assert store.get("item", [10, "20", 20])[1].tolist() == [False, False, True]


def test_many_ids_at_once(store):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2500, 8)).astype(np.float32)
    ids = np.arange(2500) * 3
    store.put("user", ids, vectors)
    order = rng.permutation(2500)
    got, found = store.get("user", ids[order])
    assert found.all()
    np.testing.assert_array_equal(got, vectors[order])


def test_wrong_input_is_named(store):
    store.put("user", [1], [[1.0, 2.0]])
    with pytest.raises(ConfigError, match="3 dimensions; the store holds user vectors of 2"):
        store.put("user", [2], [[1.0, 2.0, 3.0]])
    with pytest.raises(ConfigError, match="kind must be"):
        store.get("users", [1])
    with pytest.raises(ConfigError, match="one row per id"):
        store.put("user", [1, 2], [[1.0, 2.0]])
    with pytest.raises(ConfigError, match="NaN"):
        store.put("user", [3], [[np.nan, 1.0]])
    with pytest.raises(ConfigError, match="distinct"):
        store.put("user", [4, 4], [[1.0, 1.0], [2.0, 2.0]])
    for not_ids in (None, object()):
        with pytest.raises(ConfigError, match="one id or a list of ids"):
            store.get("user", not_ids)


def test_an_unreachable_redis_is_one_error_type():
    pytest.importorskip("redis")
    store = RedisEmbeddingStore(f"redis://127.0.0.1:{_free_port()}/0", timeout=0.5)
    with pytest.raises(StoreUnavailableError, match="cannot reach Redis"):
        store.get("user", [1])
    with pytest.raises(StoreUnavailableError):
        store.put("user", [1], [[1.0]])


def test_an_unreachable_sqlite_file_is_the_same_error(tmp_path):
    with pytest.raises(StoreUnavailableError, match="cannot be opened"):
        SQLiteEmbeddingStore(tmp_path / "missing-folder" / "vectors.sqlite")
    (tmp_path / "garbage.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreUnavailableError):
        SQLiteEmbeddingStore(tmp_path / "garbage.sqlite")
    assert issubclass(StoreUnavailableError, RecstackError)


def test_the_fallback_serves_the_model_vectors_and_says_so(als, tmp_path):
    users = als.users_.external_ids[[3, 1]]
    down = RedisEmbeddingStore(f"redis://127.0.0.1:{_free_port()}/0", timeout=0.5) \
        if _has_redis() else None
    vectors, found, source = read_with_fallback(down, "user", [*users, "nobody"], als)
    assert source == "model" and found.tolist() == [True, True, False]
    np.testing.assert_array_equal(vectors[:2], als.user_factors_[[3, 1]])
    with open_store(tmp_path / "v.sqlite") as up:
        up.put_model(als)
        vectors, found, source = read_with_fallback(up, "user", users, als)
        assert source == "store"
        np.testing.assert_array_equal(vectors, als.user_factors_[[3, 1]])


def _has_redis() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    return True


def als_user_step(model, history_row: np.ndarray) -> np.ndarray:
    """The ALS user solve written out densely from the paper (Hu et al. 2008, eq. 4):
    x_u = (Y^T C_u Y + lambda I)^-1 Y^T C_u p_u, with c = 1 + alpha r."""
    items = model.item_factors_.astype(np.float64)
    confidence = 1.0 + model.alpha * history_row
    preference = (history_row > 0).astype(np.float64)
    lhs = items.T @ (confidence[:, None] * items) + model.regularization * np.eye(
        items.shape[1])
    return np.linalg.solve(lhs, items.T @ (confidence * preference))


def test_nearline_fold_in_writes_the_model_fold_in(store, als, train):
    seen = als.seen_.toarray()
    known = als.users_.external_ids[7]
    new_items = als.items_.external_ids[[2, 5, 5]]  # item 5 twice: values add up
    report = fold_in_users(als, store, [known, known, known, "newcomer", "newcomer"],
                           [*new_items, new_items[0], "no-such-item"],
                           values=[1.0, 2.0, 3.0, 4.0, 5.0])
    assert report.unknown_items.tolist() == ["no-such-item"]
    assert sorted(map(str, report.users)) == sorted([str(known), "newcomer"])
    vectors, found = store.get("user", [known, "newcomer"])
    assert found.all()

    expected_known = seen[7].astype(np.float64)
    expected_known[2] += 1.0
    expected_known[5] += 5.0
    expected_new = np.zeros(len(als.items_))
    expected_new[2] = 4.0
    np.testing.assert_allclose(vectors[0], als_user_step(als, expected_known), rtol=2e-4,
                               atol=2e-5)
    np.testing.assert_allclose(vectors[1], als_user_step(als, expected_new), rtol=2e-4,
                               atol=2e-5)
    # and it is exactly what the model's own fold-in gives for those histories
    histories = sp.csr_matrix(np.vstack([expected_known, expected_new]))
    np.testing.assert_array_equal(vectors, als.fold_in(histories))
    # the stored vector scores as the model would score that history
    np.testing.assert_allclose(vectors @ als.item_embeddings().T,
                               als.score_histories(histories), rtol=1e-5, atol=1e-6)


def test_a_user_with_only_unknown_items_is_not_written(store, als):
    report = fold_in_users(als, store, ["ghost", "ghost"], ["x", "y"],
                           include_training=False)
    assert report.skipped_users.tolist() == ["ghost"] and len(report.users) == 0
    assert report.unknown_items.tolist() == ["x", "y"]
    assert not store.get("user", ["ghost"])[1].any()


def test_fold_in_needs_a_model_that_has_it(store, popular):
    with pytest.raises(RecstackError, match="need a model with fold_in"):
        fold_in_users(popular, store, [1], [1])
