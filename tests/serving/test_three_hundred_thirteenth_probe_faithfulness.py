"""Three-hundred-thirteenth probe: the serving methods against their definitions.

Each test pins one method against a reference worked out here, without recstack: the HNSW
index's recall against exact search by ``numpy.argsort`` (Malkov & Yashunin 2018; hnswlib),
the exact path's tie rule against ``numpy.lexsort``, the embedding store's round trip bit
for bit, the A/B assignment against its hash written out by hand (shares within a binomial
bound, the documented stability when an arm is appended, a bucket always below 1), and the
online report per variant against the metrics' definitions and ``recstack.metrics.online``.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import types

import numpy as np
import pandas as pd
import pytest

from recstack.serving import variants
from recstack.serving.ann import ItemIndex, exact_search
from recstack.serving.embedding_store import SQLiteEmbeddingStore
from recstack.serving.variants import VariantAssigner, bucket
from recstack.topk import numba_available, top_k

# ----------------------------------------------------------------------------- HNSW


def _true_top(items: np.ndarray, queries: np.ndarray, k: int, metric: str) -> np.ndarray:
    """The exact top ``k`` by the definition (float64, ``argsort``), independent of
    recstack's exact search."""
    items, queries = items.astype(np.float64), queries.astype(np.float64)
    if metric == "cosine":
        items = items / np.linalg.norm(items, axis=1, keepdims=True)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    return np.argsort(-(queries @ items.T), axis=1, kind="stable")[:, :k]


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / truth.shape[1]
                          for f, t in zip(found.tolist(), truth.tolist(), strict=True)]))


@pytest.mark.slow
@pytest.mark.parametrize("kind, metric", [("random", "ip"), ("clustered", "cosine")])
def test_hnsw_recall_at_10_against_exact_search_at_the_defaults(kind, metric):
    pytest.importorskip("hnswlib")
    rng = np.random.default_rng(0)
    n_items, dim = 20_000, 64
    if kind == "random":  # no structure: the hard case for a graph
        items = rng.standard_normal((n_items, dim)).astype(np.float32)
        queries = rng.standard_normal((200, dim)).astype(np.float32)
    else:
        centres = rng.standard_normal((50, dim))
        items = (centres[rng.integers(0, 50, n_items)]
                 + 0.3 * rng.standard_normal((n_items, dim))).astype(np.float32)
        queries = (centres[rng.integers(0, 50, 200)]
                   + 0.3 * rng.standard_normal((200, dim))).astype(np.float32)
    index = ItemIndex.build(items, metric=metric, backend="hnsw", n_check=200)
    assert index.params == {"M": 16, "ef_construction": 200, "ef": 200, "seed": 0}
    found, _ = index.search(queries, 10)
    # measured: 0.964 (random, inner product) and 0.9997 (clustered, cosine)
    assert _recall(found, _true_top(items, queries, 10, metric)) >= 0.95
    # the build's own check says the same of its sample (item vectors as queries)
    assert index.recall_at_10 >= 0.95


def test_hnsw_searches_with_ef_of_at_least_k():
    # hnswlib needs ef >= k: with ef=5 and k=100 the list is still 100 real items, and
    # the graph is searched with ef raised to k (recall near exact search's)
    pytest.importorskip("hnswlib")
    rng = np.random.default_rng(1)
    items = rng.standard_normal((3000, 16)).astype(np.float32)
    queries = rng.standard_normal((20, 16)).astype(np.float32)
    index = ItemIndex.build(items, backend="hnsw", ef=5, n_check=20)
    found, scores = index.search(queries, 100)
    assert found.shape == (20, 100) and (found >= 0).all() and np.isfinite(scores).all()
    assert _recall(found, _true_top(items, queries, 100, "ip")) >= 0.9
    one, _ = index.search_one(queries[0], 100)
    assert (one == found[0]).all()


def test_hnsw_spaces_score_as_the_definitions():
    # "ip": s = q . v (hnswlib's distance is 1 - q . v); "cosine": q . v / (|q| |v|)
    pytest.importorskip("hnswlib")
    rng = np.random.default_rng(2)
    items = rng.standard_normal((500, 8)).astype(np.float32) * rng.uniform(
        0.1, 10, (500, 1)).astype(np.float32)
    query = rng.standard_normal(8).astype(np.float32)
    for metric in ("ip", "cosine"):
        index = ItemIndex.build(items, metric=metric, backend="hnsw", n_check=50)
        top, scores = index.search_one(query, 5)
        truth = _true_top(items, query[None, :], 5, metric)[0]
        assert top.tolist() == truth.tolist()
        wide_items, wide_query = items.astype(np.float64), query.astype(np.float64)
        expected = wide_items[truth] @ wide_query
        if metric == "cosine":
            expected /= np.linalg.norm(wide_items[truth], axis=1) * np.linalg.norm(wide_query)
        np.testing.assert_allclose(scores, expected, rtol=1e-5)


# ----------------------------------------------------------------------- exact ties


@pytest.mark.parametrize("method", ["numpy", "numba"])
def test_exact_ties_follow_the_lower_index_as_lexsort_does(method):
    if method == "numba" and not numba_available():
        pytest.skip("numba is not installed")
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 4, (60, 300)).astype(np.float32)  # ties everywhere
    for k in (1, 7, 150, 300):
        top, values = top_k(scores, k, method=method)
        reference = np.array([np.lexsort((np.arange(300), -row))[:k] for row in scores])
        assert (top == reference).all()
        assert (values == np.take_along_axis(scores, reference, axis=1)).all()


def test_exact_search_ranks_copies_of_one_vector_by_index():
    # items 0-2 are one vector, 3-5 another: the query scores them 1 and 1, then 0
    items = np.repeat(np.eye(4, dtype=np.float32), 3, axis=0)
    query = np.array([[1, 1, 0, 0]], np.float32)
    top, scores = exact_search(items, query, 7)
    assert top.tolist() == [[0, 1, 2, 3, 4, 5, 6]]
    assert scores.tolist() == [[1, 1, 1, 1, 1, 1, 0]]
    index_top, _ = ItemIndex.build(items, backend="exact").search(query, 7)
    assert index_top.tolist() == top.tolist()


# ------------------------------------------------------------------ embedding store


def test_store_round_trip_is_bit_for_bit_with_both_kinds_of_id(tmp_path):
    vectors = np.random.default_rng(4).standard_normal((6, 5)).astype(np.float32)
    vectors[0, :4] = [-0.0, np.float32(1e-45), np.finfo(np.float32).max,
                      np.finfo(np.float32).tiny]  # signed zero, subnormal, extremes
    ids = [1, "1", 2**62, "ü-é", np.int64(7), -3]  # 1 and "1" are two ids
    path = tmp_path / "vectors.sqlite"
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", ids, vectors)
        got, found = store.get("user", ids)
        assert found.all() and got.dtype == np.float32
        assert got.tobytes() == vectors.tobytes()
        store.put("item", ["a"], vectors[:1].astype(np.float64))  # float64 is rounded once
        assert store.get("item", ["a"])[0].tobytes() == vectors[:1].tobytes()
    with SQLiteEmbeddingStore(path) as store:  # and after reopening the file
        assert store.get("user", ids)[0].tobytes() == vectors.tobytes()
    # the blob is the vector's little-endian float32 bytes, whatever the machine
    with sqlite3.connect(path) as db:
        # keys as the module writes them: "i:" before an integer id, "s:" before text
        (blob,) = db.execute("SELECT vector FROM vectors WHERE kind = 'user' AND id = "
                             "'i:-3'").fetchone()
    assert blob == vectors[5].astype("<f4").tobytes()


# ------------------------------------------------------------------------ variants


def _by_hand(user: str, salt: str) -> float:
    # the module docstring's formula, written out independently
    return int.from_bytes(hashlib.sha256(f"{salt}:{user}".encode()).digest()[:8],
                          "big") / 2**64


def test_arms_follow_the_hash_and_meet_their_shares_within_a_binomial_bound():
    shares = [0.5, 0.3, 0.2]
    assigner = VariantAssigner(["a", "b", "c"], shares, "exp-1")
    n = 100_000
    arms = [assigner.assign(user) for user in range(n)]
    edges = np.cumsum(shares)
    for user in range(3000):
        expected = "abc"[int(np.searchsorted(edges, _by_hand(str(user), "exp-1"),
                                             side="right"))]
        assert arms[user] == expected
    for name, share in zip("abc", shares, strict=True):
        count = arms.count(name)
        # binomial: mean n s, standard deviation sqrt(n s (1 - s)); 4 deviations
        assert abs(count - n * share) <= 4 * math.sqrt(n * share * (1 - share)), name
    # another salt is another experiment: the arms agree as two independent draws do
    other = VariantAssigner(["a", "b", "c"], shares, "exp-2")
    agree = sum(other.assign(user) == arms[user] for user in range(n)) / n
    chance = sum(s * s for s in shares)  # 0.38
    assert abs(agree - chance) <= 4 * math.sqrt(chance * (1 - chance) / n)


def test_appending_an_arm_moves_only_the_users_the_docstring_says():
    before = VariantAssigner(["a", "b"], [0.5, 0.5], "s")
    after = VariantAssigner(["a", "b", "c"], [0.5, 0.25, 0.25], "s")
    moved = {(before.assign(user), after.assign(user)) for user in range(20_000)}
    # a keeps every user; b's users split between b and the new c; nobody else moves
    assert moved == {("a", "a"), ("b", "b"), ("b", "c")}


def test_the_highest_hash_is_still_a_bucket_below_one(monkeypatch):
    # the highest 2**10 hashes made h / 2**64 round to 1.0, outside [0, 1)
    def sha256(data: bytes) -> types.SimpleNamespace:
        return types.SimpleNamespace(digest=lambda: b"\xff" * 32)

    monkeypatch.setattr(variants, "hashlib", types.SimpleNamespace(sha256=sha256))
    assert bucket("anyone", "s") == math.nextafter(1.0, 0.0) < 1.0
    assert VariantAssigner(["a", "b"], [0.5, 0.5], "s").assign("anyone") == "b"
    monkeypatch.undo()
    assert bucket("42", "s") == _by_hand("42", "s")  # every other hash as before


@pytest.mark.parametrize("spelling", [7, 7.0, np.int64(7), " 7", "7 ", b"7", "-0"])
def test_bucket_reads_the_id_as_assign_does(spelling):
    # bucket hashed the text as given: 7.0 as "7.0", " 7" with its blank, b"7" as "b'7'",
    # so the position it gave was not that of the arm assign gives the same user
    user = "0" if spelling == "-0" else "7"
    assert bucket(spelling, "exp") == _by_hand(user, "exp")
    assigner = VariantAssigner(["a", "b"], [0.5, 0.5], "exp")
    assert assigner.assign(spelling) == ("a" if _by_hand(user, "exp") < 0.5 else "b")


@pytest.mark.parametrize("salt", [None, "", b"exp", 3])
def test_bucket_refuses_a_salt_that_is_not_text_as_the_assigner_does(salt):
    # None was hashed as the text "None", b"exp" as "b'exp'"
    from recstack.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^the variant salt must be text \(not empty\)"):
        bucket("7", salt)


# ---------------------------------------------------------------- online per variant


def _event_log() -> pd.DataFrame:
    start = 1_700_000_000
    rows = [  # variant, session, event, seconds after start, revenue, cost
        ("control", "s1", "impression", 0, 0, 1), ("control", "s1", "click", 10, 0, 0),
        ("control", "s1", "purchase", 30, 20, 0),
        ("control", "s2", "impression", 100, 0, 1), ("control", "s2", "impression", 105, 0, 1),
        ("B", "s3", "impression", 0, 0, 1), ("B", "s3", "click", 4, 0, 0),
        ("B", "s3", "click", 6, 0, 0),
        ("B", "s4", "impression", 0, 0, 1), ("B", "s4", "click", 2, 0, 0),
        ("B", "s4", "purchase", 12, 50, 0),
        ("B", "s5", "impression", 50, 0, 1),
    ]
    log = pd.DataFrame(rows, columns=["variant", "session_id", "event", "timestamp",
                                      "revenue", "cost"])
    log["timestamp"] = (log["timestamp"] + start).astype(np.int64)
    log["revenue"] = log["revenue"].astype(float)
    log["cost"] = log["cost"].astype(float)
    log.insert(0, "user_id", log["session_id"].str[1:])
    log.insert(1, "item_id", "i1")
    return log


def test_the_online_report_per_variant_is_the_metrics_definition(tmp_path):
    from scipy import stats

    from recstack.metrics.online import online_metrics
    from recstack.serving.online import online_report

    log = _event_log()
    path = tmp_path / "events.csv"
    log.to_csv(path, index=False)
    report = online_report(path)
    assert report.control == "control"
    table = report.metrics
    # by hand: control 3 impressions, 1 click, 1 purchase, 20 revenue, 3 cost, sessions
    # of 30 s and 5 s, one bounced of two; B 3, 3, 1, 50, 3, sessions of 6, 12 and 0 s,
    # one bounced of three
    expected = {
        "control": dict(sessions=2, ctr=1 / 3, conversion_rate=1.0, bounce_rate=0.5,
                        roi=17 / 3, engagement=17.5, revenue_per_session=10.0),
        "B": dict(sessions=3, ctr=1.0, conversion_rate=1 / 3, bounce_rate=1 / 3,
                  roi=47 / 3, engagement=6.0, revenue_per_session=50 / 3),
    }
    for variant, values in expected.items():
        for column, value in values.items():
            assert table.at[variant, column] == pytest.approx(value), (variant, column)
    # the same numbers as recstack.metrics.online on the same log
    pd.testing.assert_frame_equal(table, online_metrics(log), check_dtype=False)
    ctr = next(t for t in report.tests if t.metric == "ctr" and t.treatment == "B")
    pooled = 4 / 6  # the pooled two-proportion z-test, written out
    z = (1.0 - 1 / 3) / math.sqrt(pooled * (1 - pooled) * (1 / 3 + 1 / 3))
    assert ctr.statistic == pytest.approx(z)
    assert ctr.p_value == pytest.approx(2 * stats.norm.sf(z))
