"""Each re-ranker on lists whose right answer is worked out by hand (or by a plain loop written
independently of the vectorised code), and the bad inputs of issue 12 point 6."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.metrics.lists import group_exposure
from recstack.pipeline.rerank import (
    MMR,
    BlockList,
    CalibratedRerank,
    ColumnBoost,
    ExposureFairness,
    FreshnessBoost,
    ItemPredicate,
    LongTailShare,
    PopularityPenalty,
    RerankContext,
    SeenFilter,
    UnknownIdsWarning,
    create_reranker,
    run_chain,
)

DAY = 86_400
NOW = 1_000 * DAY


@pytest.fixture(scope="module")
def train() -> Interactions:
    """Items 10..15; user "a" saw 10 and 11, "b" saw 12, "c" saw 13, 10 and 14. Popularity
    (users): 10 -> 2, 11 -> 1, 12 -> 1, 13 -> 1, 14 -> 1, 15 -> 1 ("d" saw 15)."""
    table = pd.DataFrame({
        "item_id": [10, 11, 12, 13, 14, 15],
        "genres": [["x"], ["x"], ["y"], ["y"], ["x", "y"], []],
        "margin": [0.0, 1.0, 2.0, None, 0.5, 0.0],
        "available": [True, True, False, True, True, True],
    })
    users = ["a", "a", "b", "c", "c", "c", "d"]
    items = [10, 11, 12, 13, 10, 14, 15]
    times = [NOW - 50 * DAY, NOW - 40 * DAY, NOW - 30 * DAY, NOW - 10 * DAY, NOW - 5 * DAY,
             NOW, NOW - 20 * DAY]
    return Interactions.from_arrays(users, items, timestamps=times, item_table=table)


@pytest.fixture(scope="module")
def context(train) -> RerankContext:
    return RerankContext(seen=train.to_csr())


def idx(train, *ids):
    return train.items.to_index(np.asarray(ids)).astype(np.int64)


def uid(train, *ids):
    return train.users.to_index(np.asarray(ids)).astype(np.int64)


def ids(train, items):
    return [[int(train.items.to_external([i])[0]) if i >= 0 else -1 for i in row]
            for row in items]


def run(reranker, train, context, users, lists, scores):
    users = uid(train, *users)
    items = np.stack([np.concatenate([idx(train, *[i for i in row if i >= 0]),
                                      -np.ones(sum(i < 0 for i in row), np.int64)])
                      for row in lists])
    return reranker.rerank(users, items, np.asarray(scores, float), context)


# ------------------------------------------------------------------ filters
def test_seen_filter_removes_history_and_keeps_the_order(train, context):
    f = SeenFilter().fit(train)
    items, scores = run(f, train, context, ["a", "b"], [[12, 10, 13, 11], [12, 10, 13, 11]],
                        [[4, 3, 2, 1], [4, 3, 2, 1]])
    assert ids(train, items) == [[12, 13, -1, -1], [10, 13, 11, -1]]
    assert scores.tolist()[0] == [4, 2, -np.inf, -np.inf]


def test_block_list_global_and_per_user_with_unknown_ids_counted(train, context):
    with pytest.warns(UnknownIdsWarning, match="2 blocked item id.*1 user id"):
        f = BlockList(items=[13, 999], per_user=[{"user": "b", "items": [10, 998]},
                                                 {"user": "zz", "items": [11]}]).fit(train)
    assert (f.unknown_items_, f.unknown_users_) == (2, 1)
    items, _ = run(f, train, context, ["a", "b"], [[10, 13, 11], [10, 13, 11]],
                   [[3, 2, 1], [3, 2, 1]])
    assert ids(train, items) == [[10, 11, -1], [11, -1, -1]]
    mask = f.catalog_mask(uid(train, "b"), context)
    assert mask[0, idx(train, 10, 13)].tolist() == [False, False]
    assert mask[0].sum() == 4


@pytest.mark.parametrize("params, kept", [
    ({"column": "genres", "op": "contains", "value": "y"}, [12, 13, 14]),
    ({"column": "genres", "op": "contains", "value": "y", "keep": False}, [10, 11, 15]),
    ({"column": "available", "op": "==", "value": True}, [10, 11, 13, 14, 15]),
    ({"column": "margin", "op": ">=", "value": 0.5}, [11, 12, 14]),
    ({"column": "margin", "op": "in", "value": [0.0, 2.0]}, [10, 12, 15]),
])
def test_item_predicate(train, context, params, kept):
    f = ItemPredicate(**params).fit(train)
    everything = [10, 11, 12, 13, 14, 15]
    items, _ = run(f, train, context, ["d"], [everything], [[6, 5, 4, 3, 2, 1]])
    assert [i for i in ids(train, items)[0] if i >= 0] == kept


def test_item_predicate_names_the_missing_column(train):
    with pytest.raises(RecstackError, match="no column 'colour'.*'genres'"):
        ItemPredicate(column="colour", value=1).fit(train)


# ------------------------------------------------------------------ boosts
def test_column_boost_add_and_multiply(train, context):
    # add, w = 1: 10 -> 1 + 0, 11 -> 0.8 + 1, 12 -> 0.5 + 2, 13 -> 0.4 + 0 (missing)
    add = ColumnBoost(column="margin", weight=1.0).fit(train)
    items, scores = run(add, train, context, ["d"], [[10, 11, 12, 13]], [[1, 0.8, 0.5, 0.4]])
    assert ids(train, items) == [[12, 11, 10, 13]]
    np.testing.assert_allclose(scores[0], [2.5, 1.8, 1.0, 0.4])
    # multiply, w = 0.5: 10 -> 1, 11 -> 0.8 * 1.5 = 1.2, 12 -> 0.5 * 2 = 1.0
    mul = ColumnBoost(column="margin", weight=0.5, mode="multiply").fit(train)
    items, scores = run(mul, train, context, ["d"], [[10, 11, 12]], [[1, 0.8, 0.5]])
    assert ids(train, items) == [[11, 10, 12]]  # 10 and 12 tie at 1.0: incoming order
    np.testing.assert_allclose(scores[0], [1.2, 1.0, 1.0])


def test_freshness_decay_halves_every_half_life(train, context):
    boost = FreshnessBoost(half_life_days=10.0, weight=1.0).fit(train)
    # first seen: 10 at NOW-50d, 13 at NOW-10d, 14 at NOW (the last timestamp is "now")
    value = boost.value_[idx(train, 10, 13, 14)]
    np.testing.assert_allclose(value, [2 ** -5, 0.5, 1.0])
    items, _ = run(boost, train, context, ["d"], [[10, 13, 14]], [[1.5, 1.2, 0.6]])
    # 10: 1.5 + 1/32 = 1.53, 13: 1.2 + 0.5 = 1.7, 14: 0.6 + 1 = 1.6
    assert ids(train, items) == [[13, 14, 10]]
    later = FreshnessBoost(half_life_days=10.0, now=NOW + 10 * DAY).fit(train)
    np.testing.assert_allclose(later.value_[idx(train, 14)], [0.5])


@pytest.fixture(scope="module")
def typed() -> Interactions:
    """Items 10, 11, 12 with a text, a number, a datetime and a number-of-seconds column;
    12 has no year and no release time."""
    table = pd.DataFrame({
        "item_id": [10, 11, 12],
        "title": ["Alpha", "Beta", "Gamma"],
        "year": [1990.0, 2005.0, None],
        "released": pd.to_datetime([NOW - 10 * DAY, NOW - 20 * DAY, None], unit="s"),
        "released_s": [NOW - 10 * DAY, NOW - 20 * DAY, None],
    })
    return Interactions.from_arrays(["a", "b", "b"], [10, 11, 12],
                                    timestamps=[NOW - DAY, NOW - DAY, NOW], item_table=table)


def test_block_list_mixed_id_types_block_the_known_and_name_the_unknown(train, context):
    # 13 as a number and "12" as text both name integer items; "zzz", 14.5 and user 5
    # (users are text) are the only unknown ids
    with pytest.warns(UnknownIdsWarning, match=r"2 blocked item id\(s\) and 1 user id\(s\).*"
                                               r"\(items: 'zzz', 14.5; users: 5\)"):
        f = BlockList(items=[13, "zzz", "12"], per_user=[{"user": "b", "items": [10, 14.5]},
                                                         {"user": 5, "items": [11]}]
                      ).fit(train)
    assert (f.unknown_items_, f.unknown_users_) == (2, 1)
    items, _ = run(f, train, context, ["a", "b"], [[10, 13, 11, 12], [10, 13, 11, 12]],
                   [[4, 3, 2, 1], [4, 3, 2, 1]])
    assert ids(train, items) == [[10, 11, -1, -1], [11, -1, -1, -1]]


def test_block_list_without_unknown_ids_stays_silent(train):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = BlockList(items=[15, "11"]).fit(train)
    assert f.blocked_.tolist() == [False, True, False, False, False, True]


@pytest.mark.parametrize("params, where", [
    ({"items": [10, {"a": 1}]}, r"items\[1\]"),
    ({"items": [[1, 2]]}, r"items\[0\]"),
    ({"items": [True]}, r"items\[0\]"),
    ({"per_user": [{"user": ["a"], "items": [10]}]}, r"per_user\[0\]\.user"),
    ({"per_user": [{"user": "a", "items": [10, [11]]}]}, r"per_user\[0\]\.items\[1\]"),
])
def test_block_list_refuses_what_cannot_be_an_id(train, params, where):
    with pytest.raises(ConfigError, match=rf"^block_list: {where} must be an id \(a whole "
                                          r"number or text\), got "):
        BlockList(**params).fit(train)


@pytest.mark.parametrize("column, op, value, holds, fitting", [
    ("year", "contains", 1, "numbers", "==, !=, <, <=, >, >=, in"),
    ("title", "<", "M", "text", "==, !=, in, contains"),
    ("genres", "==", "x", "lists", "contains"),
    ("available", ">", 0, "true/false values", "==, !=, in"),
])
def test_item_predicate_refuses_an_op_that_does_not_fit_the_column(
        train, typed, column, op, value, holds, fitting):
    data = typed if column in typed.item_table.columns else train
    message = (f"item_predicate: op '{op}' does not fit column '{column}', which holds "
               f"{holds}; ops that fit: {fitting}")
    with pytest.raises(ConfigError) as raised:
        ItemPredicate(column=column, op=op, value=value).fit(data)
    assert str(raised.value) == message


def test_item_predicate_on_numbers_and_text_with_a_missing_value(typed):
    recent = ItemPredicate(column="year", op=">", value=2000).fit(typed)
    assert recent.allowed_.tolist() == [False, True, False]  # 12 has no year
    named = ItemPredicate(column="title", op="in", value=["Gamma", "Alpha"]).fit(typed)
    assert named.allowed_.tolist() == [True, False, True]


def test_freshness_refuses_a_text_time_column(typed):
    with pytest.raises(RecstackError) as raised:
        FreshnessBoost(time_column="title", weight=100).fit(typed)
    assert str(raised.value) == ("freshness: column 'title' must be numeric (Unix seconds), "
                                 "datetimes or ISO-8601 text such as 2024-01-31 or "
                                 "2024-01-31T12:00:00; item 10 holds 'Alpha'")


@pytest.mark.parametrize("column", ["released", "released_s"])
def test_freshness_from_a_time_column_keeps_missing_times_new(typed, column):
    # now = the last training time, NOW: 10 is 10 days old, 11 20 days, 12 has no time
    boost = FreshnessBoost(time_column=column, half_life_days=10.0).fit(typed)
    np.testing.assert_allclose(boost.value_, [0.5, 0.25, 1.0])


# ------------------------------------------------------------------ diversity
def test_mmr_by_hand(train, context):
    # 10 (x) 1.0, 11 (x) 0.9, 12 (y) 0.5 -> relevance 1, 0.8, 0
    lists, scores = [[10, 11, 12]], [[1.0, 0.9, 0.5]]
    keep = MMR(trade_off=1.0).fit(train)
    assert ids(train, run(keep, train, context, ["d"], lists, scores)[0]) == [[10, 11, 12]]
    # lambda 0.5: after 10, 11 gives 0.4 - 0.5 = -0.1 and 12 gives 0 - 0 = 0
    diverse = MMR(trade_off=0.5).fit(train)
    assert ids(train, run(diverse, train, context, ["d"], lists, scores)[0]) == [[10, 12, 11]]
    # lambda 0.7: 11 gives 0.56 - 0.3 = 0.26 > 12's 0
    mild = MMR(trade_off=0.7).fit(train)
    assert ids(train, run(mild, train, context, ["d"], lists, scores)[0]) == [[10, 11, 12]]


def test_mmr_on_model_vectors_needs_them(train):
    with pytest.raises(RecstackError, match="item embeddings"):
        MMR(features="model").fit(train)
    vectors = np.eye(6)
    assert MMR(features="model").fit(train, item_vectors=vectors).vectors_.shape == (6, 6)


# ------------------------------------------------------------------ popularity
def test_popularity_penalty_formula(train, context):
    p = PopularityPenalty(strength=0.5).fit(train)
    # 10 has 2 users, the others 1: penalty log(1 + c) / log(3)
    np.testing.assert_allclose(p.penalty_[idx(train, 10, 11)], [1.0, math.log(2) / math.log(3)])
    items, scores = run(p, train, context, ["d"], [[10, 11, 12]], [[1.0, 0.9, 0.0]])
    # 10: 1 - 0.5 = 0.5; 11: 0.9 - 0.5 * 0.631 = 0.585; 12: 0 - 0.315
    assert ids(train, items) == [[11, 10, 12]]
    assert scores[0, 0] == pytest.approx(0.9 - 0.5 * math.log(2) / math.log(3))


def test_long_tail_share_fills_every_prefix(train, context):
    # head_items 0.2 of 6 items -> ceil(1.2) = 2 head items: 10 (2 users) and 11 (first tie)
    r = LongTailShare(share=0.5, head_items=0.2).fit(train)
    assert r.long_tail_[idx(train, 10, 11, 12)].tolist() == [False, False, True]
    items, _ = run(r, train, context, ["d"], [[10, 11, 12, 13]], [[4, 3, 2, 1]])
    # prefix 1 needs ceil(0.5) = 1 tail item: 12; prefix 2: 1 held -> best is 10; prefix 3
    # needs 2: 13; then 11
    assert ids(train, items) == [[12, 10, 13, 11]]
    none = LongTailShare(share=0.0).fit(train)
    assert ids(train, run(none, train, context, ["d"], [[10, 11, 12]], [[3, 2, 1]])[0]) == [
        [10, 11, 12]]


# ------------------------------------------------------------------ Steck
def _steck_by_loops(p, shares, relevance, weight, alpha):
    """An independent plain-loop version of Steck's greedy algorithm for one user."""
    chosen: list[int] = []
    left = list(range(len(relevance)))
    while left:
        best, best_value = None, -np.inf
        for i in left:
            mass = shares[[*chosen, i]].sum(axis=0)
            q = mass / mass.sum() if mass.sum() > 0 else mass
            kl = entropy(p, (1 - alpha) * q + alpha * p)
            value = (1 - weight) * relevance[i] - weight * kl
            if value > best_value + 1e-12:
                best, best_value = i, value
        chosen.append(best)
        left.remove(best)
    return chosen


def _random_genres(rng, n_items, n_genres, density, n_users, per_user) -> Interactions:
    """``n_users`` users with ``per_user`` random items each; every item has at least one
    of ``n_genres`` genres, each present with probability ``density``."""
    genres = (rng.random((n_items, n_genres)) < density).astype(int)
    genres[genres.sum(1) == 0, rng.integers(n_genres)] = 1
    table = pd.DataFrame({"item_id": np.arange(n_items),
                          "genres": [[f"g{g}" for g in np.flatnonzero(row)] for row in genres]})
    users = np.repeat(np.arange(n_users), per_user)
    items = np.concatenate([rng.choice(n_items, per_user, replace=False)
                            for _ in range(n_users)])
    return Interactions.from_arrays(users, items, item_table=table, keep_unseen_items=True)


def test_calibrated_matches_a_plain_loop_on_random_lists():
    rng = np.random.default_rng(0)
    n_items = 30
    data = _random_genres(rng, n_items, 4, 0.4, n_users=6, per_user=5)
    r = CalibratedRerank(trade_off=0.2).fit(data)
    context = RerankContext(seen=data.to_csr())
    lists = np.stack([rng.choice(n_items, 8, replace=False) for _ in range(6)])
    scores = rng.random((6, 8))
    out, _ = r.rerank(np.arange(6), lists, scores, context)
    shares = r.shares_
    p = r.target(np.arange(6), context)
    for u in range(6):
        relevance = (scores[u] - scores[u].min()) / (scores[u].max() - scores[u].min())
        order = _steck_by_loops(p[u], shares[lists[u]], relevance, 0.2, 0.01)
        assert out[u].tolist() == lists[u][order].tolist()


def test_calibrated_relevance_order_shows_the_greedy_set_by_score():
    """order = 'relevance': the first depth items are the plain loop's first depth picks
    (the same set, so the same KL), sorted by incoming score; the rest as the greedy left
    them."""
    rng = np.random.default_rng(3)
    n_items, depth = 40, 4
    data = _random_genres(rng, n_items, 5, 0.35, n_users=5, per_user=6)
    context = RerankContext(seen=data.to_csr())
    lists = np.stack([rng.choice(n_items, 9, replace=False) for _ in range(5)])
    lists[2, -2:] = -1  # a short list: padding stays last
    scores = rng.random((5, 9))
    scores[2, -2:] = -np.inf
    greedy = CalibratedRerank(trade_off=0.6, depth=depth).fit(data)
    shown = CalibratedRerank(trade_off=0.6, depth=depth, order="relevance").fit(data)
    by_greedy, _ = greedy.rerank(np.arange(5), lists, scores, context)
    by_score, values = shown.rerank(np.arange(5), lists, scores, context)
    p = shown.target(np.arange(5), context)
    for u in range(5):
        real = lists[u] >= 0
        relevance = scores[u][real]
        relevance = (relevance - relevance.min()) / (relevance.max() - relevance.min())
        picks = _steck_by_loops(p[u], shown.shares_[lists[u][real]], relevance, 0.6, 0.01)
        chosen = lists[u][real][picks[:depth]]
        score_of = dict(zip(lists[u].tolist(), scores[u].tolist(), strict=True))
        assert by_score[u, :depth].tolist() == sorted(chosen.tolist(), key=lambda i: -score_of[i])
        assert values[u, :depth].tolist() == sorted((score_of[i] for i in chosen), reverse=True)
        assert by_score[u, depth:].tolist() == by_greedy[u, depth:].tolist()
    with pytest.raises(ConfigError, match="set depth"):
        CalibratedRerank(order="relevance").fit(data)


def test_calibrated_extremes(train, context):
    # user "b" saw only 12 (genre y); candidates 10 (x), 11 (x), 13 (y)
    lists, scores = [[10, 11, 13]], [[3.0, 2.0, 1.0]]
    keep = CalibratedRerank(trade_off=0.0).fit(train)
    assert ids(train, run(keep, train, context, ["b"], lists, scores)[0]) == [[10, 11, 13]]
    calibrate = CalibratedRerank(trade_off=1.0).fit(train)
    assert ids(train, run(calibrate, train, context, ["b"], lists, scores)[0])[0][0] == 13


# ------------------------------------------------------------------ exposure
def test_exposure_fairness_equalises_what_the_candidates_allow(train, context):
    # head: 10, 11; tail: 12..15. Scores put the head first.
    r = ExposureFairness(strength=1.0, head_items=0.2).fit(train)
    lists, scores = [[10, 11, 12, 13]], [[4, 3, 2, 1]]
    items, _ = run(r, train, context, ["d"], lists, scores)
    # position 1 (d=1): both groups lack 0.5 -> the first group (head) takes it: 10;
    # position 2: tail lacks 0.5*(1+0.631) = 0.815, head nothing -> 12; position 3
    # (bound 0.5*2.131 = 1.065): head lacks 0.065, tail 1.065 - 0.631 = 0.435 -> 13;
    # position 4 (bound 1.281): head lacks 0.281, tail 0.150 -> 11
    assert ids(train, items) == [[10, 12, 13, 11]]
    before = group_exposure(run(r, train, context, ["d"], lists, scores)[0], r.groups_, 2)
    plain = group_exposure(idx(train, 10, 11, 12, 13)[None, :], r.groups_, 2)
    assert abs(before[0] - 0.5) < abs(plain[0] - 0.5)
    off = ExposureFairness(strength=0.0).fit(train)
    assert ids(train, run(off, train, context, ["d"], lists, scores)[0]) == [[10, 11, 12, 13]]


def test_exposure_groups_from_a_column_and_target_checked(train):
    r = ExposureFairness(group_column="available", target=[1, 3]).fit(train)
    assert r.labels_ == ["False", "True"]
    np.testing.assert_allclose(r.target_, [0.25, 0.75])
    with pytest.raises(ConfigError, match="3 shares for 2 groups"):
        ExposureFairness(group_column="available", target=[1, 1, 1]).fit(train)


# ------------------------------------------------------------------ chains and bad input
def test_a_chain_applies_in_order(train, context):
    chain = [create_reranker({"type": "seen"}).fit(train),
             create_reranker({"type": "column_boost", "column": "margin"}).fit(train)]
    users = uid(train, "a")
    items = idx(train, 10, 12, 13, 14)[None, :]
    out, _ = run_chain(chain, users, items, np.array([[4.0, 3.0, 2.0, 1.0]]), context)
    # seen drops 10; margins: 12 -> 3 + 2, 13 -> 2 + 0, 14 -> 1 + 0.5
    assert ids(train, out) == [[12, 13, 14, -1]]


@pytest.mark.parametrize("entry", [
    {"type": "seen"}, {"type": "mmr", "trade_off": 0.3}, {"type": "calibrated"},
    {"type": "long_tail_share", "share": 0.5}, {"type": "exposure_fairness"},
    {"type": "popularity_penalty"}, {"type": "column_boost", "column": "margin"},
    {"type": "freshness"}, {"type": "block_list", "items": [10]},
    {"type": "item_predicate", "column": "available", "value": True},
])
def test_asked_for_more_than_it_has_a_reranker_never_invents_items(train, context, entry):
    r = create_reranker(entry).fit(train)
    users = uid(train, "a", "b")
    items = np.array([[idx(train, 12)[0], idx(train, 13)[0], -1, -1, -1],
                      [-1, -1, -1, -1, -1]])
    scores = np.where(items >= 0, [[2.0, 1.0, 0, 0, 0]], -np.inf)
    out, out_scores = r.rerank(users, items, scores, context)
    assert out.shape == (2, 5)
    real = set(out[0][out[0] >= 0].tolist())
    assert real <= set(idx(train, 12, 13).tolist())
    assert (out[0, 2:] == -1).all() and (out[1] == -1).all()
    assert np.isneginf(out_scores[out < 0]).all()


def test_bad_lists_and_params_are_refused(train, context):
    r = SeenFilter().fit(train)
    with pytest.raises(RecstackError, match="same shape"):
        r.rerank(np.array([0]), np.array([[1, 2]]), np.array([[1.0]]), context)
    with pytest.raises(RecstackError, match="item indices must lie in 0..5"):
        r.rerank(np.array([0]), np.array([[1, 7]]), np.array([[1.0, 0.5]]), context)
    with pytest.raises(RecstackError, match="scores must be finite numbers .*row 0, slot 1 "
                       "holds nan"):
        r.rerank(np.array([0]), np.array([[1, 2]]), np.array([[1.0, np.nan]]), context)
    with pytest.raises(ConfigError, match="trade_off must be <= 1"):
        MMR(trade_off=1.5).fit(train)
    with pytest.raises(ConfigError, match="chain.*unknown re-ranker 'mmx'.*did you mean 'mmr'"):
        create_reranker({"type": "mmx"})
    with pytest.raises(RecstackError, match="call fit"):
        MMR().rerank(np.array([0]), np.array([[1]]), np.array([[1.0]]), context)


@pytest.mark.parametrize("entry", [{"type": "seen"}, {"type": "mmr", "trade_off": 0.5},
                                   {"type": "calibrated", "trade_off": 0.5},
                                   {"type": "column_boost", "column": "margin"}])
def test_malformed_lists_and_contexts_are_refused_by_every_reranker(train, context, entry):
    r = create_reranker(entry).fit(train)
    items, scores = np.array([[0, 1, 2], [3, 4, -1]]), np.array([[3.0, 2, 1], [2, 1, -np.inf]])
    # +inf would read as an empty slot to the greedy re-rankers: the best item shown last
    with pytest.raises(RecstackError, match="row 0, slot 0 holds inf"):
        r.rerank(np.array([0, 1]), items, np.where(items == 0, np.inf, scores), context)
    with pytest.raises(RecstackError, match="row 0 lists item index 1 more than once"):
        r.rerank(np.array([0, 1]), np.array([[1, 1, 2], [3, 4, -1]]), scores, context)
    with pytest.raises(RecstackError, match="scores must be numbers"):
        r.rerank(np.array([0, 1]), items, np.full((2, 3), "high"), context)
    with pytest.raises(RecstackError, match="users must hold integer user indices, got "
                       "dtype <U1"):
        r.rerank(np.array(["a", "b"]), items, scores, context)
    # a negative index would silently read the last user's history
    with pytest.raises(RecstackError, match="user index -1 \\(row 1\\) is not a row of "
                       "context.seen \\(0..3\\)"):
        r.rerank(np.array([0, -1]), items, scores, context)
    with pytest.raises(RecstackError, match="user index 9 \\(row 0\\)"):
        r.rerank(np.array([9, 1]), items, scores, context)
    with pytest.raises(RecstackError, match="context must be a RerankContext"):
        r.rerank(np.array([0, 1]), items, scores, None)
    with pytest.raises(RecstackError, match="context.seen has 2 item columns, the re-ranker "
                       "was fitted on 6 items"):
        r.rerank(np.array([0, 1]), items, scores, RerankContext(seen=context.seen[:, :2]))


@pytest.mark.parametrize("values,shown", [
    ([3, 1, 2, 1, 3, 2], "holds 3 \\(int\\)"),                        # genre codes
    ([9.5, 1.0, None, 2.0, 3.0, 4.0], "holds 9.5 \\(float\\)"),         # a quantity
    ([[1, 2], [2], [], [1], [3], [2]], "holds \\[1, 2\\] \\(int\\)"),  # lists of codes
    ([True, False, True, True, False, True], "holds True \\(bool\\)"),
])
@pytest.mark.parametrize("make", [MMR, CalibratedRerank])
def test_a_label_column_of_numbers_is_refused_by_mmr_and_calibrated(train, make, values,
                                                                    shown):
    table = train.item_table.assign(code=values)
    data = Interactions.from_arrays(["a", "a", "b"], [10, 11, 12], item_table=table)
    with pytest.raises(RecstackError, match=rf"{make.name}: column 'code' must hold text "
                       rf"labels or lists of them .*; item 10 {shown}; if these are category "
                       "codes, store them as text"):
        make(column="code").fit(data)
    # the same codes written as text are labels
    text = table.assign(code=[str(v) for v in values])
    make(column="code").fit(Interactions.from_arrays(["a", "a", "b"], [10, 11, 12],
                                                     item_table=text))
