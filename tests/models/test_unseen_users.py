"""Users of a model's vocabulary with no training rows (splits share vocabularies): every
registered model either refuses them by name, saying what works instead, or serves them
with scores it documents (baselines; popularity with a warning for two_tower and sasrec)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import available_models, create_model, load_model
from recstack.models.base import PopularityFallbackWarning
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params

MODELS = available_models()
REFUSING = [m for m in MODELS if not model_class(m).serves_users_without_history]
SERVING = [m for m in MODELS if model_class(m).serves_users_without_history]


@pytest.fixture(scope="module")
def split():
    """The conformance checkerboard (even users like even items, odd users odd items) with
    a fifth of the users held out: in train's vocabulary, without a single train row."""
    rng = np.random.default_rng(0)
    users, items = [], []
    for parity in (0, 1):
        group_items = np.arange(parity, 40, 2)
        weights = 1.0 / np.arange(1, len(group_items) + 1)
        for u in range(parity, 60, 2):
            chosen = rng.choice(group_items, size=12, replace=False, p=weights / weights.sum())
            users += [f"u{u}"] * len(chosen)
            items += chosen.tolist()
    ratings = rng.integers(3, 6, len(users)).astype(float)
    times = rng.integers(0, 10_000, len(users))
    data = Interactions.from_arrays(np.array(users), np.array(items), ratings, times,
                                    rating_range=(1.0, 5.0))
    return user_split(data, 0.2, seed=0)


@pytest.fixture(scope="module")
def held_out(split):
    """External ids of the held-out users, in index order."""
    counts = np.bincount(split.train.user_index, minlength=split.train.n_users)
    return split.train.users.to_external(np.flatnonzero(counts == 0))


@pytest.fixture(scope="module")
def fitted(split):
    cache = {}

    def get(name):
        if name not in cache:
            with warnings.catch_warnings():
                # two_tower's fit warns that the held-out users will get popularity
                warnings.simplefilter("ignore", UserWarning)
                cache[name] = create_model(name, **quick_params(name)).fit(split.train)
        return cache[name]

    return get


def test_the_fixture_holds_users_without_training_rows(split, held_out):
    assert len(held_out) == 12
    assert set(held_out) <= set(split.train.users.external_ids)
    assert not set(held_out) & set(split.train.users.to_external(split.train.user_index))


def test_the_serving_models_are_the_baselines_and_the_popularity_fallbacks():
    assert set(SERVING) == {"random", "most_popular", "two_tower", "sasrec"}
    assert {"als", "bpr", "ease", "item_knn", "content", "mf"} <= set(REFUSING)


def _expected_hint(model):
    if hasattr(model, "fold_in"):
        return "fold_in(histories) gives their factors and score_histories(histories)"
    if hasattr(model, "score_histories"):
        return "without retraining with score_histories(histories)"
    return "refit it on data that includes their interactions"


@pytest.mark.parametrize("name", REFUSING)
def test_recommend_and_score_refuse_a_user_without_training_rows(name, fitted, held_out):
    model = fitted(name)
    user = held_out[0]
    for call in (lambda: model.recommend([user], k=3),
                 lambda: model.score([user, user], [0, 2])):
        with pytest.raises(RecstackError) as error:
            call()
        message = str(error.value)
        assert message.startswith(f"{name}: 1 user(s) have no training interactions")
        assert f"e.g. [{user!r}]" in message
        assert "learned nothing about them" in message
        assert _expected_hint(model) in message


@pytest.mark.parametrize("name", REFUSING)
def test_the_refusal_counts_the_users_and_names_a_few(name, fitted, split, held_out):
    model = fitted(name)
    trained = split.train.users.to_external(split.train.user_index[:1])[0]
    with pytest.raises(RecstackError) as error:
        model.recommend([trained, *held_out], k=3)
    message = str(error.value)
    assert f"{name}: {len(held_out)} user(s) have no training interactions" in message
    named = re.search(r"e\.g\. (\[.*?\])", message).group(1)
    assert named == repr(list(held_out[:5]))
    assert repr(trained) not in message
    # the trained users alone are still served
    items, scores = model.recommend([trained], k=3)
    assert items.shape == (1, 3) and np.isfinite(scores).all()


@pytest.mark.parametrize("name", MODELS)
def test_a_user_outside_the_vocabulary_is_refused_by_name(name, fitted):
    model = fitted(name)
    for call in (lambda: model.recommend(["nobody"], k=3),
                 lambda: model.score(["nobody"], [0])):
        with pytest.raises(RecstackError, match=rf"^{name}: 1 user\(s\) not seen in training, "
                                                r"e\.g\. \['nobody'\]"):
            call()


@pytest.mark.parametrize("name", SERVING)
def test_serving_models_give_finite_scores(name, fitted, split, held_out):
    model = fitted(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PopularityFallbackWarning)
        items, scores = model.recommend(list(held_out[:3]), k=5)
        pairs = model.score(list(held_out[:3]), [0, 1, 2])
    assert items.shape == (3, 5) and np.isfinite(scores).all()
    assert set(items.ravel().tolist()) <= set(split.train.items.external_ids.tolist())
    assert np.isfinite(pairs).all()


@pytest.mark.parametrize("name", [m for m in SERVING if model_class(m).history_fallback])
def test_popularity_fallback_is_announced_and_is_popularity(name, fitted, split, held_out):
    model = fitted(name)
    user = held_out[0]
    with pytest.warns(PopularityFallbackWarning,
                      match=rf"^{name}: 1 user\(s\) have no training interactions, e\.g\. "
                            rf"\[{user!r}\]; their scores are item popularity"):
        items, _ = model.recommend([user], k=5)
    all_items = split.train.items.external_ids
    with pytest.warns(PopularityFallbackWarning, match=re.escape(repr(user))):
        scores = model.score([user] * len(all_items), all_items)
    counts = split.train.item_counts().astype(np.float64)
    np.testing.assert_allclose(scores / scores.max(), counts / counts.max(), rtol=1e-6)
    assert items[0, 0] == all_items[np.argmax(counts)]
    # a user with training rows is scored by the model, without a warning
    trained = split.train.users.to_external(split.train.user_index[:1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        model.recommend(trained, k=5)
        model.score(trained, all_items[:1])


@pytest.mark.parametrize("name", ["random", "most_popular"])
def test_baselines_serve_such_users_without_a_warning(name, fitted, split, held_out):
    model = fitted(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        items, scores = model.recommend(list(held_out[:2]), k=4)
    if name == "most_popular":
        trained = split.train.users.to_external(split.train.user_index[:1])
        top, _ = model.recommend(trained, k=4, exclude_seen=False)
        np.testing.assert_array_equal(items[0], top[0])


def test_refused_after_save_and_load(fitted, held_out, tmp_path):
    loaded = load_model(fitted("ease").save(tmp_path / "ease"))
    with pytest.raises(RecstackError, match=rf"ease: 1 user\(s\) have no training "
                                            rf"interactions, e\.g\. \[{held_out[0]!r}\]"):
        loaded.recommend([held_out[0]], k=3)


def test_score_users_by_index_is_not_checked(fitted, split, held_out):
    """The evaluator's batch path scores whatever indices it is given."""
    index = split.train.users.to_index(held_out[:2])
    assert fitted("ease").score_users(index).shape == (2, split.train.n_items)


def _history_of(split, user):
    """The held-out user's fold-in rows as a 1 x n_items matrix in the model's item order."""
    rows = split.fold_in.user_index == split.fold_in.users.to_index([user])[0]
    return sp.csr_matrix((split.fold_in.value[rows], (np.zeros(rows.sum(), int),
                                                      split.fold_in.item_index[rows])),
                         shape=(1, split.fold_in.n_items))


def test_als_folds_in_a_user_it_refuses(fitted, split, held_out):
    model = fitted("als")
    user = held_out[0]
    with pytest.raises(RecstackError, match="fold_in"):
        model.recommend([user], k=5)
    history = _history_of(split, user)
    assert history.nnz > 0
    factors = model.fold_in(history)
    assert factors.shape == (1, model.item_factors_.shape[1])
    assert np.isfinite(factors).all() and np.abs(factors).sum() > 0
    scores = model.score_histories(history)
    np.testing.assert_allclose(scores, factors @ model.item_factors_.T, rtol=1e-5)
    scores[0, history.indices] = -np.inf
    top = split.train.items.to_external(np.argsort(-scores[0])[:5])
    parity = int(user[1:]) % 2
    assert all(int(item) % 2 == parity for item in top)  # the checkerboard half they like


@pytest.mark.parametrize("name", [m for m in REFUSING if hasattr(model_class(m),
                                                                  "score_histories")])
def test_the_suggested_score_histories_works_for_such_a_user(name, fitted, split, held_out):
    scores = fitted(name).score_histories(_history_of(split, held_out[0]))
    assert scores.shape == (1, split.train.n_items) and np.isfinite(scores).all()
    assert np.ptp(scores) > 0


def test_two_tower_score_new_items_refuses_users_scored_by_popularity(fitted, held_out):
    model = fitted("two_tower")
    with pytest.raises(RecstackError) as error:
        model.score_new_items([held_out[0]], pd.DataFrame({"title": ["a new film"]}))
    message = str(error.value)
    assert f"two_tower: 1 user(s) have no training interactions, e.g. [{held_out[0]!r}]" \
        in message
    assert "new items have no popularity to fall back on" in message


def test_content_score_new_items_refuses_such_users(fitted, held_out):
    model = fitted("content")
    with pytest.raises(RecstackError, match=rf"^content: 1 user\(s\) have no training "
                                            rf"interactions, e\.g\. \[{held_out[0]!r}\]"
                       ) as error:
        model.score_new_items([held_out[0]], pd.DataFrame({"title": ["a new film"]}))
    assert "score_new_items profiles users from their training rows; refit" in str(error.value)


def test_the_evaluator_keeps_test_users_without_training_rows_and_counts_them(fitted, split):
    """evaluate() (not evaluate_fold_in) on a user split: the held-out users are evaluated
    on whatever the model returns for them, and counted in meta."""
    result = Evaluator(metrics=("ndcg",), ks=(5,)).evaluate(fitted("most_popular"),
                                                            split.train, split.test)
    held = set(split.test.users.to_external(split.test.user_index).tolist())
    assert set(result.per_user.index) == held
    assert result.meta["users_without_history"] == len(held)
    folded = Evaluator(metrics=("ndcg",), ks=(5,)).evaluate_fold_in(
        fitted("most_popular"), split.train, split.fold_in, split.test)
    assert folded.meta["users_without_history"] == 0
