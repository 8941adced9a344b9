"""The contract every registered model keeps, checked on every model found in the registry."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import available_models, create_model, load_model
from recstack.models.registry import conformance_params, model_class

MODELS = available_models()


@pytest.fixture(scope="module")
def checkerboard() -> Interactions:
    """Even users like even items, odd users odd items (implicit's checkerboard test),
    with Zipf-skewed popularity inside each half, so popularity carries signal too."""
    rng = np.random.default_rng(0)
    n_users, n_items = 60, 40
    users, items = [], []
    for parity in (0, 1):
        group_users = np.arange(parity, n_users, 2)
        group_items = np.arange(parity, n_items, 2)
        weights = 1.0 / np.arange(1, len(group_items) + 1)
        for u in group_users:
            chosen = rng.choice(group_items, size=12, replace=False, p=weights / weights.sum())
            users += [u] * len(chosen)
            items += chosen.tolist()
    ratings = rng.integers(3, 6, len(users)).astype(float)
    times = rng.integers(0, 10_000, len(users))
    return Interactions.from_arrays(np.array(users), np.array(items), ratings, times,
                                    rating_range=(1.0, 5.0))


@pytest.fixture(scope="module")
def split(checkerboard):
    return random_split(checkerboard, 0.25, seed=0)


def fitted(name, train):
    return create_model(name, **conformance_params(name)).fit(train)


def test_every_model_module_is_registered():
    assert {"random", "most_popular"} <= set(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_default_construction_and_params_round_trip(name):
    model = create_model(name)
    again = create_model(name, **model.get_params())
    assert again.get_params() == model.get_params()
    model.validate_params()


@pytest.mark.parametrize("name", MODELS)
def test_recommend_shapes_and_seen_items_excluded(name, split):
    model = fitted(name, split.train)
    users = split.train.users.external_ids[:7]
    items, scores = model.recommend(users, k=5)
    assert items.shape == (7, 5) and scores.shape == (7, 5)
    assert np.all(np.diff(scores, axis=1) <= 0)  # best first
    seen = split.train.to_csr()
    for row, user in enumerate(users):
        u = split.train.users.to_index([user])[0]
        rec = split.train.items.to_index(items[row][np.isfinite(scores[row])])
        assert not set(rec) & set(seen[u].indices)


@pytest.mark.parametrize("name", MODELS)
def test_batch_equals_one_by_one(name, split):
    model = fitted(name, split.train)
    users = np.arange(10)
    together = model.score_users(users)
    apart = np.vstack([model.score_users(users[i:i + 1]) for i in range(10)])
    np.testing.assert_allclose(together, apart, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_save_load_gives_identical_scores(name, split, tmp_path):
    model = fitted(name, split.train)
    model.save(tmp_path / name)
    loaded = load_model(tmp_path / name)
    users = np.arange(split.train.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))


@pytest.mark.parametrize("name", MODELS)
def test_refit_gives_the_same_model(name, split):
    model = fitted(name, split.train)
    first = model.score_users(np.arange(5)).copy()
    model.fit(split.train)
    np.testing.assert_allclose(model.score_users(np.arange(5)), first, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_unknown_user_is_refused_or_folded_in(name, split):
    model = fitted(name, split.train)
    with pytest.raises(RecstackError, match="not seen in training"):
        model.recommend(["no-such-user"], k=3)


RANKERS = [m for m in MODELS if m != "random" and not model_class(m).predicts_ratings]
RATING_MODELS = [m for m in MODELS if model_class(m).predicts_ratings]


@pytest.mark.parametrize("name", RANKERS)
def test_accuracy_floor_beats_random_on_the_checkerboard(name, split):
    evaluator = Evaluator(metrics=("ndcg",), ks=(5,))
    score = evaluator.evaluate(fitted(name, split.train), split.train, split.test).means()
    chance = evaluator.evaluate(fitted("random", split.train), split.train,
                                split.test).means()
    assert score["ndcg@5"] > chance["ndcg@5"]


@pytest.mark.parametrize("name", RATING_MODELS)
def test_rating_models_beat_the_global_mean(name):
    """Rating predictors are held to predicting ratings: held-out RMSE below that of always
    predicting the training mean, on synthetic ratings that carry user-item structure."""
    from recstack.data.synthetic import generate
    from recstack.evaluation.pointwise import evaluate_ratings

    data = generate(n_users=300, n_items=200, n_interactions=12_000, seed=0)
    split = random_split(data, 0.2, seed=0)
    model = fitted(name, split.train)
    baseline = float(np.sqrt(np.mean((split.test.value - split.train.value.mean()) ** 2)))
    assert evaluate_ratings(model, split.test)["rmse"] < baseline


@pytest.mark.parametrize("name", [m for m in MODELS if m not in ("random", "most_popular")])
def test_similar_items_excludes_the_item_and_is_sorted(name, split):
    model = fitted(name, split.train)
    items = split.train.items.external_ids[:5]
    neighbours, similarity = model.similar_items(items, k=4)
    assert neighbours.shape == (5, 4) and similarity.shape == (5, 4)
    assert np.all(np.diff(similarity, axis=1) <= 0)
    for row, item in enumerate(items):
        assert item not in neighbours[row].tolist()


def test_models_without_item_similarity_say_so(split):
    with pytest.raises(RecstackError, match="no item similarity"):
        fitted("most_popular", split.train).similar_items(split.train.items.external_ids[:1])
