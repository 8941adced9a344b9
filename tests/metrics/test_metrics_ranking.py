"""Top-K ranking metrics: worked examples, agreement with ranx and with plain loops, edge cases,
properties. Reference values never come from recstack itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from recstack.metrics import (
    RANKING_METRICS,
    MetricInputError,
    average_precision_at_k,
    dcg_at_k,
    f1_at_k,
    hit_rate_at_k,
    ideal_dcg_at_k,
    ideal_grades,
    mean_over_users,
    n_relevant,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
    recall_capped_at_k,
    reciprocal_rank_at_k,
    relevance_at_ranks,
)
from recstack.metrics import ranking as ranking_module

ALL_RANKING = pytest.mark.reference(*RANKING_METRICS)

PER_USER_FUNCTIONS = {
    "precision": precision_at_k,
    "recall": recall_at_k,
    "recall_capped": recall_capped_at_k,
    "hit_rate": hit_rate_at_k,
    "f1": f1_at_k,
    "mrr": reciprocal_rank_at_k,
    "map": average_precision_at_k,
}


# --------------------------------------------------------------------------------------------
# Independent reference: each metric written from its definition, one user at a time.
# --------------------------------------------------------------------------------------------


def loop_reference(truth: sp.csr_matrix, recommended: np.ndarray, k: int) -> dict[str, np.ndarray]:
    dense = truth.toarray()
    out: dict[str, list[float]] = {name: [] for name in RANKING_METRICS}
    for user in range(dense.shape[0]):
        relevant = {item: g for item, g in enumerate(dense[user]) if g > 0}
        n_rel = len(relevant)
        if n_rel == 0:
            for name in out:
                out[name].append(math.nan)
            continue
        listed = [item for item in recommended[user][:k] if item >= 0]
        ranks = [r + 1 for r, item in enumerate(recommended[user][:k]) if item in relevant]
        hits = len(ranks)
        out["precision"].append(hits / k)
        out["recall"].append(hits / n_rel)
        out["recall_capped"].append(hits / min(n_rel, k))
        out["hit_rate"].append(1.0 if hits else 0.0)
        p, r = hits / k, hits / n_rel
        out["f1"].append(2 * p * r / (p + r) if hits else 0.0)
        out["mrr"].append(1.0 / ranks[0] if ranks else 0.0)
        ap = sum((i + 1) / rank for i, rank in enumerate(ranks))
        out["map"].append(ap / min(n_rel, k))
        del listed
        ideal = sorted(relevant.values(), reverse=True)[:k]
        for name, gain in (("ndcg", lambda g: 2.0**g - 1.0), ("ndcg_linear", lambda g: g)):
            dcg = sum(
                gain(relevant[item]) / math.log2(rank + 1)
                for rank, item in enumerate(recommended[user][:k], start=1)
                if item in relevant
            )
            idcg = sum(gain(g) / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
            out[name].append(dcg / idcg)
    return {name: np.array(values) for name, values in out.items()}


def random_case(
    seed: int,
    n_users: int = 120,
    n_items: int = 60,
    width: int = 20,
    grades: str = "int3",
    pad_share: float = 0.3,
    empty_share: float = 0.1,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Random graded truth and top-``width`` lists that favour relevant items."""
    rng = np.random.default_rng(seed)
    density = rng.random((n_users, 1)) * 0.3
    relevant = rng.random((n_users, n_items)) < density
    relevant[rng.random(n_users) < empty_share] = False
    if grades == "int3":
        values = rng.integers(1, 4, (n_users, n_items)).astype(float)
    elif grades == "binary":
        values = np.ones((n_users, n_items))
    elif grades == "many_levels":  # integers spanning more levels than are counted
        values = rng.integers(1, 100, (n_users, n_items)).astype(float)
    else:  # real-valued grades
        values = rng.uniform(0.1, 3.0, (n_users, n_items))
    truth = sp.csr_matrix(np.where(relevant, values, 0.0))
    scores = rng.random((n_users, n_items)) + 0.6 * relevant
    recommended = np.argsort(-scores, axis=1)[:, :width]
    lengths = np.where(rng.random(n_users) < pad_share, rng.integers(0, width + 1, n_users), width)
    recommended[np.arange(width)[None, :] >= lengths[:, None]] = -1
    return truth, recommended


# --------------------------------------------------------------------------------------------
# Worked examples, by hand
# --------------------------------------------------------------------------------------------


@pytest.mark.reference("mrr")
def test_first_hit_at_rank_five_gives_reciprocal_rank_one_fifth() -> None:
    truth = sp.csr_matrix(np.array([[0, 0, 0, 0, 1, 0, 0, 0, 0, 0]], dtype=float))
    recommended = np.array([[9, 8, 7, 6, 4, 5, 3, 2, 1, 0]])
    grades = relevance_at_ranks(recommended, truth)
    assert reciprocal_rank_at_k(grades, [1], 10)[0] == pytest.approx(0.2, abs=1e-15)
    assert reciprocal_rank_at_k(grades, [1], 4)[0] == 0.0  # the hit is outside the top 4
    assert ranking_metrics(recommended, truth, ks=(5,), metrics=("mrr",))["mrr@5"][0] == 0.2


@pytest.mark.reference("map")
def test_average_precision_of_a_known_list() -> None:
    # Relevant items at ranks 1, 3 and 6; the user has 4 relevant items in all.
    truth = sp.csr_matrix(np.array([[1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1]], dtype=float))
    recommended = np.arange(10)[None, :]
    out = ranking_metrics(recommended, truth, ks=(2, 5, 10), metrics=("map",))
    assert out["map@10"][0] == pytest.approx((1 / 1 + 2 / 3 + 3 / 6) / 4, abs=1e-15)
    assert out["map@5"][0] == pytest.approx((1 / 1 + 2 / 3) / 4, abs=1e-15)
    assert out["map@2"][0] == pytest.approx((1 / 1) / 2, abs=1e-15)  # min(R, k) = 2


@pytest.mark.reference("ndcg", "ndcg_linear")
def test_dcg_and_ndcg_of_the_textbook_list() -> None:
    # The Wikipedia "Discounted cumulative gain" example: documents D1..D6 ranked in that
    # order with grades 3, 2, 3, 0, 1, 2, and two further relevant documents D7 (3), D8 (2)
    # that were not retrieved. Published: DCG6 = 6.861, IDCG6 = 8.740, nDCG6 = 0.785.
    truth = sp.csr_matrix(np.array([[3, 2, 3, 0, 1, 2, 3, 2]], dtype=float))
    recommended = np.array([[0, 1, 2, 3, 4, 5]])
    grades = relevance_at_ranks(recommended, truth)
    expected_dcg = 3 + 2 / math.log2(3) + 3 / math.log2(4) + 0 + 1 / math.log2(6) + 2 / math.log2(7)
    expected_idcg = sum(g / math.log2(r + 1) for r, g in enumerate([3, 3, 3, 2, 2, 2], start=1))
    assert dcg_at_k(grades, 6, gain="linear")[0] == pytest.approx(expected_dcg, abs=1e-12)
    assert dcg_at_k(grades, 6, gain="linear")[0] == pytest.approx(6.861, abs=5e-4)
    assert ideal_dcg_at_k(truth, 6, gain="linear")[0] == pytest.approx(8.740, abs=5e-4)
    ndcg = ranking_metrics(recommended, truth, ks=(6,), metrics=("ndcg_linear",))["ndcg_linear@6"]
    assert ndcg[0] == pytest.approx(expected_dcg / expected_idcg, abs=1e-12)
    assert ndcg[0] == pytest.approx(0.785, abs=5e-4)
    exp_gain = [2.0**g - 1 for g in (3, 2, 3, 0, 1, 2)]
    ideal_gain = [2.0**g - 1 for g in (3, 3, 3, 2, 2, 2)]
    expected_exp = sum(g / math.log2(r + 2) for r, g in enumerate(exp_gain)) / sum(
        g / math.log2(r + 2) for r, g in enumerate(ideal_gain)
    )
    assert ranking_metrics(recommended, truth, ks=(6,), metrics=("ndcg",))["ndcg@6"][0] == (
        pytest.approx(expected_exp, abs=1e-12)
    )


@pytest.mark.reference("ndcg", "ndcg_linear")
def test_graded_ndcg_small_case() -> None:
    # Item 0 has grade 2, item 1 grade 1; the list puts the lesser item first.
    truth = sp.csr_matrix(np.array([[2.0, 1.0, 0.0]]))
    grades = relevance_at_ranks([[1, 0, 2]], truth)
    ideal = ideal_grades(truth, 3)
    np.testing.assert_array_equal(ideal, [[2.0, 1.0, 0.0]])
    exponential = (1 / 1 + 3 / math.log2(3)) / (3 / 1 + 1 / math.log2(3))
    linear = (1 / 1 + 2 / math.log2(3)) / (2 / 1 + 1 / math.log2(3))
    assert ndcg_at_k(grades, ideal, 3)[0] == pytest.approx(exponential, abs=1e-15)
    assert ndcg_at_k(grades, ideal, 3, gain="linear")[0] == pytest.approx(linear, abs=1e-15)
    assert ndcg_at_k(grades, ideal, 1)[0] == pytest.approx(1 / 3, abs=1e-15)


@pytest.mark.reference("precision", "recall", "recall_capped", "hit_rate", "f1")
def test_counting_metrics_of_a_known_list() -> None:
    # 6 relevant items; the top 4 holds 2 of them (ranks 2 and 4).
    truth = sp.csr_matrix(np.array([[0, 1, 0, 1, 0, 1, 1, 1, 1]], dtype=float))
    recommended = np.array([[0, 1, 2, 3]])
    out = ranking_metrics(recommended, truth, ks=(1, 4))
    assert out["precision@4"][0] == 2 / 4
    assert out["recall@4"][0] == 2 / 6
    assert out["recall_capped@4"][0] == 2 / 4  # min(6, 4) = 4
    assert out["hit_rate@4"][0] == 1.0
    assert out["hit_rate@1"][0] == 0.0
    assert out["f1@4"][0] == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3), abs=1e-15)
    assert out["f1@1"][0] == 0.0


# --------------------------------------------------------------------------------------------
# Agreement with ranx and with the loop reference
# --------------------------------------------------------------------------------------------


def ranx_per_user(truth: sp.csr_matrix, recommended: np.ndarray, metrics: list[str]) -> dict:
    """Per-user ranx scores for users with a relevant item and a non-empty list."""
    ranx = pytest.importorskip("ranx")
    qrels, run = {}, {}
    for user in range(truth.shape[0]):
        row = truth.getrow(user)
        items = [int(i) for i in recommended[user] if i >= 0]
        if row.nnz == 0 or not items:
            continue
        qrels[f"u{user}"] = {f"i{i}": int(g) for i, g in zip(row.indices, row.data, strict=True)}
        run[f"u{user}"] = {f"i{i}": float(len(items) - r) for r, i in enumerate(items)}
    ranx_run = ranx.Run.from_dict(run)
    ranx.evaluate(ranx.Qrels.from_dict(qrels), ranx_run, metrics, threads=1)
    users = np.array([int(q[1:]) for q in run])
    return {"users": users} | {
        m: np.array([ranx_run.scores[m][f"u{u}"] for u in users]) for m in metrics
    }


@ALL_RANKING
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_ranx(seed: int) -> None:
    truth, recommended = random_case(seed)
    ks = (1, 3, 10, 20, 30)  # 30 exceeds the list width of 20
    ranx_names = ["precision", "recall", "hit_rate", "f1", "mrr", "map", "ndcg", "ndcg_burges"]
    ours_name = {"ndcg": "ndcg_linear", "ndcg_burges": "ndcg"}  # ranx ndcg has linear gain
    reference = ranx_per_user(truth, recommended, [f"{m}@{k}" for m in ranx_names for k in ks])
    users = reference["users"]
    assert users.size > 50
    ours = ranking_metrics(recommended, truth, ks=ks)
    n_rel = np.diff(truth.indptr)[users]
    for name in ranx_names:
        for k in ks:
            mine = ours[f"{ours_name.get(name, name)}@{k}"][users]
            theirs = reference[f"{name}@{k}"]
            if name == "map":
                # ranx normalises AP by R, recstack by min(R, k): equal where R <= k, and
                # otherwise related by the factor min(R, k) / R.
                small = n_rel <= k
                np.testing.assert_allclose(mine[small], theirs[small], rtol=0, atol=1e-9)
                theirs = theirs * n_rel / np.minimum(n_rel, k)
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9, err_msg=f"{name}@{k}")


@ALL_RANKING
@pytest.mark.parametrize("grades", ["binary", "int3", "many_levels", "real"])
def test_agrees_with_loop_reference(grades: str) -> None:
    # Covers every ideal-DCG path: one grade level, few integer levels, many levels, reals.
    truth, recommended = random_case(7, n_users=150, grades=grades)
    ks = (1, 2, 5, 20, 25)
    ours = ranking_metrics(recommended, truth, ks=ks)
    n_rel = n_relevant(truth)
    grade_matrix = relevance_at_ranks(recommended, truth)
    for k in ks:
        reference = loop_reference(truth, recommended, k)
        for name in RANKING_METRICS:
            np.testing.assert_allclose(
                ours[f"{name}@{k}"], reference[name], rtol=0, atol=1e-9, err_msg=f"{name}@{k}"
            )
        for name, function in PER_USER_FUNCTIONS.items():
            np.testing.assert_allclose(
                function(grade_matrix, n_rel, k), reference[name], rtol=0, atol=1e-12
            )
        ideal = ideal_grades(truth, k)
        for name, gain in (("ndcg", "exponential"), ("ndcg_linear", "linear")):
            np.testing.assert_allclose(
                ndcg_at_k(grade_matrix, ideal, k, gain=gain), reference[name], rtol=0, atol=1e-12
            )


@pytest.mark.parametrize("block_rows", [7, 4096])
def test_relevance_lookup_matches_dense_indexing(block_rows: int, monkeypatch) -> None:
    monkeypatch.setattr(ranking_module, "_DEFAULT_CHUNK_ROWS", block_rows)
    # More items than bitmap slots, so hashed slots collide and the exact check must decide.
    rng = np.random.default_rng(3)
    n_users, n_items, width = 300, 3000, 40
    grades = rng.integers(1, 5, (n_users, n_items))
    dense = np.where(rng.random((n_users, n_items)) < 0.02, grades, 0)
    dense[:, 7] = 2  # item 7 relevant to all, item 7 + 512 to none: same bitmap slot
    dense[:, 7 + 512] = 0
    others = np.setdiff1d(np.arange(n_items), [7, 7 + 512])
    shuffled = others[np.argsort(rng.random((n_users, others.size)), axis=1)[:, : width - 2]]
    recommended = np.column_stack([np.full(n_users, 7 + 512), np.full(n_users, 7), shuffled])
    recommended[rng.random((n_users, width)) < 0.1] = -1
    truth = sp.csr_matrix(dense.astype(float))
    expected = np.where(recommended >= 0, dense[np.arange(n_users)[:, None], recommended], 0)
    np.testing.assert_array_equal(relevance_at_ranks(recommended, truth), expected)


def test_padding_never_matches_the_previous_users_last_item() -> None:
    # A lookup keyed by user * n_items + item would map user 1's padding (-1) onto user 0's
    # item n_items - 1; user 1's relevant item 511 shares the padding's bitmap slot.
    n_items = 600
    dense = np.zeros((2, n_items))
    dense[0, n_items - 1] = 1.0
    dense[1, 511] = 1.0
    truth = sp.csr_matrix(dense)
    recommended = np.array([[n_items - 1, -1], [-1, -1]])
    np.testing.assert_array_equal(relevance_at_ranks(recommended, truth), [[1, 0], [0, 0]])
    out = ranking_metrics(recommended, truth, ks=(2,), metrics=("hit_rate",))
    np.testing.assert_array_equal(out["hit_rate@2"], [1.0, 0.0])


# --------------------------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------------------------


@ALL_RANKING
def test_users_without_relevant_items_are_nan_and_counted() -> None:
    truth = sp.csr_matrix(np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0]], dtype=float))
    recommended = np.array([[0, 1], [0, 1], [0, 2]])
    out = ranking_metrics(recommended, truth, ks=(2,))
    for name in RANKING_METRICS:
        values = out[f"{name}@2"]
        assert np.isnan(values[1]), name
        assert not np.isnan(values[[0, 2]]).any(), name
        summary = mean_over_users(values)
        assert (summary.n_users, summary.n_excluded, summary.n_included) == (3, 1, 2)
        assert summary.mean == pytest.approx(np.mean(values[[0, 2]]), abs=1e-15)


def test_mean_over_users_with_no_included_user_is_nan() -> None:
    summary = mean_over_users(np.array([np.nan, np.nan]))
    assert math.isnan(summary.mean) and summary.n_excluded == 2
    assert math.isnan(mean_over_users(np.array([])).mean)


@pytest.mark.reference("precision", "recall", "map", "ndcg")
def test_k_larger_than_the_list_counts_missing_ranks_as_misses() -> None:
    truth = sp.csr_matrix(np.array([[1, 1, 0, 1, 0]], dtype=float))
    recommended = np.array([[0, 2, -1]])  # one hit, then a miss, then padding
    out = ranking_metrics(recommended, truth, ks=(3, 50))
    assert out["precision@3"][0] == 1 / 3
    assert out["precision@50"][0] == 1 / 50
    assert out["recall@50"][0] == 1 / 3
    assert out["map@50"][0] == pytest.approx(1 / 3, abs=1e-15)  # (1/1) / min(3, 50)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert out["ndcg@50"][0] == pytest.approx(1 / idcg, abs=1e-15)


def test_fully_padded_list_scores_zero() -> None:
    truth = sp.csr_matrix(np.array([[1.0, 0.0]]))
    out = ranking_metrics(np.array([[-1, -1]]), truth, ks=(2,))
    assert all(values[0] == 0.0 for values in out.values())


def test_no_users_give_empty_results() -> None:
    truth = sp.csr_matrix((0, 5))
    out = ranking_metrics(np.empty((0, 3), dtype=np.int64), truth, ks=(1, 3))
    assert set(out) == {f"{m}@{k}" for m in RANKING_METRICS for k in (1, 3)}
    assert all(values.shape == (0,) for values in out.values())
    assert relevance_at_ranks(np.empty((0, 3), dtype=int), truth).shape == (0, 3)


def test_zero_width_lists_score_zero() -> None:
    truth = sp.csr_matrix(np.array([[1.0, 0.0]]))
    out = ranking_metrics(np.empty((1, 0), dtype=np.int64), truth, ks=(5,))
    assert all(values[0] == 0.0 for values in out.values())


def test_explicit_zeros_and_duplicate_entries_in_truth() -> None:
    # Stored 0.0 is not relevant; duplicate (row, col) entries are summed as scipy does.
    truth = sp.csr_matrix(
        (np.array([0.0, 1.0, 1.0, 1.0]), (np.array([0, 0, 0, 0]), np.array([0, 1, 2, 2]))),
        shape=(1, 4),
    )
    truth.has_canonical_format = False
    grades = relevance_at_ranks([[0, 1, 2, 3]], truth)
    np.testing.assert_array_equal(grades, [[0.0, 1.0, 2.0, 0.0]])
    assert n_relevant(truth)[0] == 2
    out = ranking_metrics([[0, 1, 2, 3]], truth, ks=(4,), metrics=("recall", "ndcg"))
    assert out["recall@4"][0] == 1.0


def test_columns_beyond_the_largest_k_are_ignored() -> None:
    truth = sp.csr_matrix(np.array([[0, 0, 1.0]]))
    # The repeated item beyond k = 2 is not inspected, and item 2 there is not a hit.
    out = ranking_metrics(np.array([[0, 1, 2, 2]]), truth, ks=(2,), metrics=("hit_rate",))
    assert out["hit_rate@2"][0] == 0.0


def test_results_do_not_depend_on_blocks_or_threads() -> None:
    truth, recommended = random_case(11, n_users=257, grades="int3")
    reference = ranking_metrics(recommended, truth, ks=(1, 5, 20), n_threads=1)
    for chunk_rows, n_threads in [(1, 1), (7, 3), (64, 2), (10_000, 4)]:
        out = ranking_metrics(
            recommended, truth, ks=(1, 5, 20), chunk_rows=chunk_rows, n_threads=n_threads
        )
        for key, values in reference.items():
            np.testing.assert_array_equal(out[key], values, err_msg=key)


def test_accepts_int32_lists_and_csr_array() -> None:
    truth = sp.csr_array(np.array([[0, 1.0, 0]]))
    out = ranking_metrics(np.array([[1, 0]], dtype=np.int32), truth, ks=(1,), metrics=("mrr",))
    assert out["mrr@1"][0] == 1.0


def test_result_keys_are_ordered_by_metric_then_k() -> None:
    truth = sp.csr_matrix(np.array([[1.0]]))
    out = ranking_metrics([[0]], truth, ks=(5, 1), metrics=("ndcg", "recall"))
    assert list(out) == ["ndcg@1", "ndcg@5", "recall@1", "recall@5"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t, r: ranking_metrics(r, t, ks=(0,)), "ks must be a positive integer"),
        (lambda t, r: ranking_metrics(r, t, ks=()), "ks is empty"),
        (lambda t, r: ranking_metrics(r, t, ks=(5, 5)), "repeated cut-offs"),
        (lambda t, r: ranking_metrics(r, t, ks=(2.5,)), "ks must be a positive integer"),
        (lambda t, r: ranking_metrics(r, t, ks=(True,)), "ks must be a positive integer"),
        (lambda t, r: ranking_metrics(r, t, metrics=("ndgc",)), "unknown ranking metric"),
        (lambda t, r: ranking_metrics(r, t, metrics=()), "metrics is empty"),
        (lambda t, r: ranking_metrics(r[:1], t), "recommended has 1 row but"),
        (lambda t, r: ranking_metrics(r.astype(float), t), "integer dtype"),
        (lambda t, r: ranking_metrics(r[0], t), "2-D"),
        (lambda t, r: ranking_metrics(r - 2, t), "row 0 holds -2"),
        (lambda t, r: ranking_metrics(r + 3, t), "catalog has only 4 items"),
        (lambda t, r: ranking_metrics(np.array([[0, 1], [2, 2]]), t), "row 1 recommends item 2"),
        (lambda t, r: ranking_metrics(r, t.toarray()), "scipy.sparse"),
        (lambda t, r: ranking_metrics(r, -t), "negative grades"),
        (lambda t, r: ranking_metrics(r, t * np.nan), "NaN"),
        (lambda t, r: ranking_metrics(r, t, chunk_rows=0), "chunk_rows"),
        (lambda t, r: ranking_metrics(r, t, n_threads=0), "n_threads"),
        (lambda t, r: relevance_at_ranks(r, t[:1]), "recommended has 2 rows"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, message) -> None:
    truth = sp.csr_matrix(np.array([[1, 0, 1, 0], [0, 1, 0, 0]], dtype=float))
    recommended = np.array([[0, 1], [2, 3]])
    with pytest.raises(ValueError, match=message):
        call(truth, recommended)


def test_per_user_functions_validate_their_arguments() -> None:
    grades = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(MetricInputError, match="k must be a positive integer"):
        precision_at_k(grades, [1, 1], 0)
    with pytest.raises(MetricInputError, match="n_relevant must be 1-D with 2 entries"):
        recall_at_k(grades, [1], 1)
    with pytest.raises(MetricInputError, match="row 1 has 1 relevant items but n_relevant says 0"):
        recall_at_k(grades, [1, 0], 1)
    with pytest.raises(MetricInputError, match="non-negative relevance grades"):
        average_precision_at_k(-grades, [1, 1], 1)
    with pytest.raises(MetricInputError, match="ideal has 1 columns but k=2"):
        ndcg_at_k(grades, np.ones((2, 1)), 2)
    with pytest.raises(MetricInputError, match="gain must be one of"):
        dcg_at_k(grades, 1, gain="log")
    with pytest.raises(MetricInputError, match="DCG exceeds the ideal"):
        ndcg_at_k(grades * 5, np.ones((2, 2)), 2)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@st.composite
def ranking_cases(draw: st.DrawFn) -> tuple[sp.csr_matrix, np.ndarray, int]:
    n_users = draw(st.integers(1, 6))
    n_items = draw(st.integers(1, 12))
    grades = np.array(
        [[draw(st.sampled_from([0, 0, 1, 2, 3])) for _ in range(n_items)] for _ in range(n_users)],
        dtype=float,
    )
    width = draw(st.integers(0, n_items))
    rows = []
    for _ in range(n_users):
        order = draw(st.permutations(range(n_items)))[:width]
        n_pad = draw(st.integers(0, width))
        rows.append(list(order[: width - n_pad]) + [-1] * n_pad)
    recommended = np.array(rows, dtype=np.int64).reshape(n_users, width)
    k = draw(st.integers(1, n_items + 3))
    return sp.csr_matrix(grades), recommended, k


@settings(max_examples=150, deadline=None)
@given(ranking_cases())
def test_every_metric_lies_in_unit_interval_and_nan_exactly_without_relevant(case) -> None:
    truth, recommended, k = case
    out = ranking_metrics(recommended, truth, ks=(k,))
    no_relevant = n_relevant(truth) == 0
    for key, values in out.items():
        np.testing.assert_array_equal(np.isnan(values), no_relevant, err_msg=key)
        defined = values[~no_relevant]
        assert np.all((defined >= 0) & (defined <= 1 + 1e-12)), key


@settings(max_examples=150, deadline=None)
@given(ranking_cases())
def test_precision_times_k_counts_the_hits(case) -> None:
    truth, recommended, k = case
    precision = ranking_metrics(recommended, truth, ks=(k,), metrics=("precision",))
    dense = truth.toarray()
    hits = np.array(
        [
            sum(1 for item in row[:k] if item >= 0 and dense[u, item] > 0)
            for u, row in enumerate(recommended)
        ]
    )
    defined = n_relevant(truth) > 0
    np.testing.assert_array_equal(precision[f"precision@{k}"][defined] * k, hits[defined])


@settings(max_examples=150, deadline=None)
@given(ranking_cases())
def test_ideal_ordering_scores_one(case) -> None:
    truth, _, k = case
    dense = truth.toarray()
    # Each user's relevant items by descending grade, then the others: a best possible list.
    ideal_lists = np.argsort(-dense, axis=1, kind="stable")
    out = ranking_metrics(ideal_lists, truth, ks=(k,))
    defined = n_relevant(truth) > 0
    for name in ("ndcg", "ndcg_linear", "recall_capped", "map", "hit_rate", "mrr"):
        np.testing.assert_allclose(out[f"{name}@{k}"][defined], 1.0, rtol=0, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(ranking_cases())
def test_per_user_functions_equal_the_one_pass_results(case) -> None:
    truth, recommended, k = case
    out = ranking_metrics(recommended, truth, ks=(k,))
    grades = relevance_at_ranks(recommended, truth)
    n_rel = n_relevant(truth)
    for name, function in PER_USER_FUNCTIONS.items():
        np.testing.assert_allclose(function(grades, n_rel, k), out[f"{name}@{k}"], atol=1e-15)
    ideal = ideal_grades(truth, k)
    np.testing.assert_allclose(ndcg_at_k(grades, ideal, k), out[f"ndcg@{k}"], atol=1e-12)
