"""The two-stage model behind the model contract: fitted end to end, candidates scored by the
ranker and every other item below them, saved in one safe artifact, usable from an
experiment file, and clear errors for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.config import load_experiment
from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.experiment import run_experiment
from recstack.models import create_model, load_model
from recstack.models.persistence import ARRAYS, META
from tests.pipeline.tiny_ranker import TinyLinearRanker, tiny_ranker  # noqa: F401 (fixture)

GENERATORS = ({"type": "most_popular"}, {"type": "item_knn", "neighbors": 20})


@pytest.fixture(scope="module")
def data() -> Interactions:
    return generate(n_users=300, n_items=200, n_interactions=6000, seed=1)


def two_stage(**changes):
    params = {"generators": GENERATORS, "ranker": {"type": "tiny_linear"},
              "n_candidates": 20} | changes
    return create_model("two_stage", **params)


@pytest.fixture
def fitted(data, tiny_ranker):  # noqa: F811 (the imported fixture)
    return two_stage().fit(data)


def test_candidates_get_the_rankers_scores_and_the_rest_ranks_below(fitted, data):
    users = np.arange(40)
    scores = fitted.score_users(users)
    assert scores.shape == (40, data.n_items) and np.isfinite(scores).all()
    candidates = fitted.candidates(users)
    # each candidate's score is the ranker's score of its features, nothing else
    expected = fitted.ranker_.score(fitted.builder_.build(candidates, fitted.state_))
    np.testing.assert_allclose(scores[candidates.users, candidates.items], expected,
                               rtol=1e-6)
    is_candidate = np.zeros_like(scores, dtype=bool)
    is_candidate[candidates.users, candidates.items] = True
    for u in users:
        assert scores[u][is_candidate[u]].min() > scores[u][~is_candidate[u]].max()
    # so the top of every list is made of candidates
    items, _ = fitted.recommend(data.users.to_external(users), k=10)
    top = data.items.to_index(items.ravel()).reshape(items.shape)
    assert is_candidate[users[:, None], top].all()
    # score() of pairs agrees with the rows
    pair_items = np.array([int(candidates.items[0]), 0, 5])
    pair_users = np.full(3, int(candidates.users[0]))
    np.testing.assert_allclose(
        fitted.score(data.users.to_external(pair_users), data.items.to_external(pair_items)),
        scores[pair_users, pair_items], rtol=1e-6)


def test_the_ranker_learns_from_a_window_after_its_generators_history(fitted, data):
    assert data.timestamp.min() < fitted.training_cutoff_ <= data.timestamp.max()
    assert 0 < fitted.training_candidate_recall_ <= 1
    # the served generators are refitted on all of the training data
    assert fitted.generators_[0].seen_.nnz == data.to_csr().nnz
    assert fitted.state_.cutoff == int(data.timestamp.max()) + 1
    assert isinstance(fitted.ranker_, TinyLinearRanker)


def test_save_and_load_keep_every_score_in_one_safe_artifact(fitted, data, tmp_path):
    folder = fitted.save(tmp_path / "model")
    assert sorted(p.name for p in folder.iterdir()) == [ARRAYS, META]
    meta = json.loads((folder / META).read_text())
    assert meta["model"] == "two_stage"
    # the ranker's own files travel byte for byte inside the archive
    with np.load(folder / ARRAYS, allow_pickle=False) as stored:
        names = stored["r__names"].tolist()
    assert "ranker.json" in names and "tiny_linear.npz" in names
    loaded = load_model(folder)
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), fitted.score_users(users))
    assert loaded.builder_.schema_ == fitted.builder_.schema_


def test_training_data_without_timestamps_is_refused(data, tiny_ranker):  # noqa: F811
    undated = Interactions.from_arrays(data.users.to_external(data.user_index),
                                       data.items.to_external(data.item_index))
    with pytest.raises(RecstackError, match="^two_stage: the training data have no "
                                            "timestamps"):
        two_stage().fit(undated)


def test_bad_declarations_are_refused_with_the_place_named(data, tiny_ranker):  # noqa: F811
    with pytest.raises(ConfigError, match="^two_stage: n_candidates must be >= 1, got 0"):
        two_stage(n_candidates=0).fit(data)
    with pytest.raises(ConfigError, match=r"^two_stage: ranker \(nope\): unknown ranker"):
        two_stage(ranker={"type": "nope"}).fit(data)
    with pytest.raises(ConfigError, match="^two_stage: ranker needs a 'type'"):
        two_stage(ranker={"loss": "bce"}).fit(data)
    # the loss is the ranker's to check; its refusal comes through, named
    with pytest.raises(ConfigError, match=r"^two_stage: ranker \(logistic\): .*hinge"):
        two_stage(ranker={"type": "logistic", "loss": "hinge"}).fit(data)
    with pytest.raises(ConfigError, match=r"^two_stage: generators\[1\] \(ease\): ease: no "
                                          "parameter 'lambda'"):
        two_stage(generators=[{"type": "most_popular"}, {"type": "ease", "lambda": 1}]).fit(data)
    with pytest.raises(ConfigError, match="cannot serve inside another"):
        two_stage(generators=[{"type": "two_stage"}]).fit(data)
    with pytest.raises(ConfigError, match=r"unknown feature option\(s\) \['halflife'\]"):
        two_stage(features={"halflife": 3}).fit(data)


def test_candidates_of_unknown_user_indices_are_refused(fitted, data):
    with pytest.raises(RecstackError, match="candidates: unknown user 300 in "
                       "user_indices at row 1; users are 0..299"):
        fitted.candidates(np.array([0, 300]))
    with pytest.raises(RecstackError, match="unknown user -1"):
        fitted.candidates(np.array([-1]))  # would index from the end
    with pytest.raises(RecstackError, match="user_indices must hold integer user indices"):
        fitted.candidates(np.array(["a"]))


def test_an_unfitted_model_says_so(tiny_ranker):  # noqa: F811
    with pytest.raises(RecstackError, match="call fit"):
        two_stage().recommend([1], k=3)


def test_an_unseen_category_at_serving_is_scored_as_unknown(fitted, data):
    """The item table changes after fit (an item gets a genre never seen): serving
    statistics rebuilt from it give the unknown code, and the ranker scores it."""
    table = data.item_table.copy()
    table.at[0, "genres"] = ["Never-seen genre"]
    changed = Interactions(data.user_index, data.item_index, data.value, data.timestamp,
                           data.users, data.items, item_table=table,
                           user_table=data.user_table)
    state = fitted.builder_.statistics(changed, fitted.state_.cutoff)
    assert state.item_codes[0, 0] == 0 and (fitted.state_.item_codes[1:, 0] > 0).all()
    frame = fitted.builder_.build(fitted.candidates(np.arange(5)), state)
    assert np.isfinite(fitted.ranker_.score(frame)).all()


def test_an_experiment_file_declares_generators_features_and_ranker(tmp_path,
                                                                    tiny_ranker):  # noqa: F811
    path = tmp_path / "two_stage.toml"
    path.write_text("""
name = "two-stage"
[data]
source = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=1"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [10]
[[models]]
type = "most_popular"
[[models]]
type = "two_stage"
generators = [{type = "most_popular"}, {type = "item_knn", neighbors = 20}]
ranker = {type = "tiny_linear", alpha = 2.0}
features = {half_life_days = 7.0}
n_candidates = 20
""")
    result = run_experiment(load_experiment(path))
    labels = [r.model for r in result.results]
    assert len(labels) == 2 and "two_stage" in labels[1]
    means = result.results[1].means()
    assert 0 <= means["ndcg@10"] <= 1


def test_the_per_user_window_labels_each_users_latest_rows(data, tiny_ranker):  # noqa: F811
    model = two_stage(window="user", user_labels=2).fit(data)
    # the examples' features were computed after the history: every row but each user's
    # last two, so the cutoff precedes the data's end
    assert model.training_cutoff_ <= int(data.timestamp.max()) + 1
    assert 0 < model.training_candidate_recall_ <= 1
    scores = model.score_users(np.arange(10))
    assert np.isfinite(scores).all()


def test_a_scorer_adds_the_content_models_text_similarity(data, tiny_ranker, tmp_path):  # noqa: F811
    model = two_stage(scorers=[{"type": "content"}]).fit(data)
    assert "similarity_content" in model.builder_.schema_.names
    users = np.arange(20)
    candidates = model.candidates(users)
    frame = model.builder_.build(candidates, model.state_)
    content = model.scorers_[0]
    np.testing.assert_allclose(
        frame.column("similarity_content"),
        content.score_users(users)[np.searchsorted(users, candidates.users), candidates.items],
        rtol=1e-6)
    loaded = load_model(model.save(tmp_path / "with_content"))
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))
