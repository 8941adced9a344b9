"""``Reranked``: a model and a chain behind the model contract (evaluator, recommend,
save/load), with clear errors for bad declarations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model, load_model
from recstack.models.persistence import META
from recstack.pipeline.rerank import Reranked
from recstack.topk import top_k

WRAPPED = {"type": "item_knn", "neighbors": 20}
CHAIN = [{"type": "block_list", "items": [0, 1, 2]},
         {"type": "mmr", "trade_off": 0.5, "depth": 5}]


@pytest.fixture(scope="module")
def data():
    return generate(n_users=80, n_items=60, n_interactions=1500, seed=2)


@pytest.fixture(scope="module")
def fitted(data):
    return Reranked(model=WRAPPED, chain=CHAIN, n_candidates=15).fit(data)


def test_the_lists_rank_first_and_the_rest_follows_the_wrapped_model(fitted, data):
    users = np.arange(20)
    lists, _ = fitted.rerank_lists(users)
    scores = fitted.score_users(users)
    top, _ = top_k(scores, 15)
    np.testing.assert_array_equal(top, lists)
    blocked = data.items.to_index([0, 1, 2])
    assert np.isneginf(scores[:, blocked]).all()
    seen = fitted.seen_[users].toarray() > 0
    assert np.isneginf(scores[seen]).all()
    # beyond the list: the wrapped model's order of what is left
    wrapped = create_model("item_knn", neighbors=20).fit(data).score_users(users)
    wrapped[np.isneginf(scores)] = -np.inf
    for row in range(3):
        rest = [i for i in top_k(scores[row:row + 1], 60)[0][0]
                if i not in lists[row] and np.isfinite(scores[row, i])]
        expected = [i for i in top_k(wrapped[row:row + 1], 60)[0][0]
                    if i not in lists[row] and np.isfinite(wrapped[row, i])]
        assert rest == expected


def test_without_a_chain_it_recommends_what_the_model_does(data):
    plain = create_model("item_knn", neighbors=20).fit(data)
    wrapped = Reranked(model=WRAPPED, n_candidates=10).fit(data)
    users = data.users.to_external(np.arange(30))
    np.testing.assert_array_equal(wrapped.recommend(users, k=10)[0],
                                  plain.recommend(users, k=10)[0])


def test_the_chain_changes_the_lists(fitted, data):
    plain = Reranked(model=WRAPPED, n_candidates=15).fit(data)
    assert not np.array_equal(plain.rerank_lists(np.arange(30))[0],
                              fitted.rerank_lists(np.arange(30))[0])


def test_asked_for_more_than_the_candidates_recommend_continues(fitted, data):
    users = data.users.to_external(np.arange(5))
    items, scores = fitted.recommend(users, k=30)
    assert items.shape == (5, 30)
    assert not np.isin(items, [0, 1, 2]).any()
    lists, _ = fitted.rerank_lists(np.arange(5))
    np.testing.assert_array_equal(items[:, :15], data.items.to_external(lists))
    assert (scores[:, 15:] < 1).all() and (scores[:, :15] > 1).all()


def test_more_candidates_than_items_leaves_empty_slots(data):
    model = Reranked(model={"type": "most_popular"}, n_candidates=500).fit(data)
    lists, scores = model.rerank_lists(np.arange(4))
    assert lists.shape == (4, 60)  # the catalog: no item is invented
    unseen = 60 - np.diff(model.seen_.indptr)[:4]
    assert ((lists >= 0).sum(axis=1) == unseen).all()
    assert np.isneginf(scores[lists < 0]).all()


def test_the_evaluator_uses_it_unchanged(fitted, data):
    result = Evaluator(metrics=["ndcg", "recall"], ks=[10], n_threads=1).evaluate(
        fitted, data, data.select(np.arange(0, len(data), 7)))
    assert 0 <= result.means()["ndcg@10"] <= 1


def test_save_and_load_give_the_same_scores(fitted, tmp_path):
    fitted.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / META).read_text())
    assert meta["model"] == "reranked" and meta["params"]["chain"] == CHAIN
    assert "c0__blocked" in meta["arrays"] and "c1__vectors" in meta["arrays"]
    loaded = load_model(tmp_path / "m")
    users = np.arange(40)
    np.testing.assert_array_equal(loaded.score_users(users), fitted.score_users(users))


def test_every_reranker_survives_save_and_load(data, tmp_path):
    chain = [{"type": "seen"}, {"type": "item_predicate", "column": "year", "op": ">=",
                                "value": 1990},
             {"type": "column_boost", "column": "year", "weight": 0.001},
             {"type": "freshness", "half_life_days": 5.0, "weight": 0.1},
             {"type": "popularity_penalty", "strength": 0.2},
             {"type": "calibrated", "trade_off": 0.3, "depth": 5},
             {"type": "long_tail_share", "share": 0.3},
             {"type": "exposure_fairness", "strength": 0.5}]
    model = Reranked(model={"type": "ease"}, chain=chain, n_candidates=20).fit(data)
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    np.testing.assert_array_equal(loaded.score_users(np.arange(30)),
                                  model.score_users(np.arange(30)))


@pytest.mark.parametrize("params, message", [
    ({"model": {"type": "eas"}}, "model \\(eas\\): unknown model 'eas'"),
    ({"model": {"regularization": 1.0}}, "needs a 'type'"),
    ({"model": {"type": "reranked"}}, "cannot wrap another"),
    ({"chain": [{"type": "mmr", "lambda": 0.5}]}, "chain\\[0\\] \\(mmr\\).*no parameter"),
    ({"chain": [{"trade_off": 0.5}]}, "chain\\[0\\] needs a 'type'"),
    ({"n_candidates": 0}, "n_candidates must be >= 1"),
])
def test_bad_declarations_name_the_place(data, params, message):
    with pytest.raises(ConfigError, match=message):
        Reranked(**params).fit(data)


def test_an_experiment_file_declares_the_model_and_its_chain(tmp_path):
    from recstack.config import load_experiment
    from recstack.experiment import run_experiment

    path = tmp_path / "reranked.toml"
    path.write_text("""
name = "reranked"
[data]
source = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=2"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "reranked"
model = {type = "item_knn", neighbors = 20}
chain = [{type = "block_list", items = [0]}, {type = "mmr", trade_off = 0.5, depth = 5}]
n_candidates = 15
""")
    result = run_experiment(load_experiment(path))
    assert 0 <= result.results[0].means()["ndcg@10"] <= 1
