"""score_users (the index-level path the evaluator, the analysis report and the pipelines
use) for a user of the model's vocabulary with no training row: every model that does not
serve such users itself scores them by item popularity, with a PopularityFallbackWarning,
as score_histories scores an empty history; the evaluator counts them itself and does not
repeat the warning."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.evaluation.evaluator import Evaluator
from recstack.models import available_models, create_model
from recstack.models.base import PopularityFallbackWarning
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params

#: the models that leave such users to the base class (the baselines serve them with their
#: own scores, two_tower and sasrec with their own documented popularity, bpr with its
#: learned item bias)
FALLING_BACK = [m for m in available_models()
                if not model_class(m).serves_users_without_history
                and not model_class(m).own_ranking_without_history]


def test_bpr_and_the_pipelines_keep_their_own_answer():
    # the pipelines work on their inner models' answer (which falls back itself)
    assert [m for m in available_models() if model_class(m).own_ranking_without_history] \
        == ["bpr", "reranked", "two_stage"]


def test_a_reranked_user_without_training_rows_keeps_the_steps_and_one_warning(
        split, held_out):
    # the wrapped model's popularity stand-in goes through the chain: the blocked item stays
    # blocked (the wrapper's own fallback overwrote the row after the steps, unblocking it)
    blocked = split.train.items.to_external(np.array([0]))[0]
    model = _fit_spec({"type": "reranked", "model": {"type": "ease"},
                       "chain": [{"type": "block_list", "items": [blocked]}]}, split.train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = model.score_users(held_out[:1])
    assert [type(w.message) for w in caught] == [PopularityFallbackWarning]
    assert scores[0, 0] == -np.inf
    popularity = np.bincount(split.train.item_index, minlength=split.train.n_items)
    order = np.argsort(-scores[0], kind="stable")[:5]
    assert 0 not in order
    assert sorted(popularity[order].tolist(), reverse=True) == popularity[order].tolist()


def test_bpr_keeps_its_item_bias_without_a_warning(split, held_out):
    model = _fit("bpr", split.train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        scores = model.score_users(held_out[:2])
    np.testing.assert_array_equal(scores, np.vstack([model.item_bias_] * 2))


@pytest.fixture(scope="module")
def split():
    """Even users like even items, odd users odd items (popularity falls with the item's
    rank in its group); a fifth of the users held out: in train's vocabulary, no row."""
    rng = np.random.default_rng(3)
    users, items = [], []
    for parity in (0, 1):
        group = np.arange(parity, 30, 2)
        weights = 1.0 / np.arange(1, len(group) + 1)
        for u in range(parity, 50, 2):
            chosen = rng.choice(group, size=8, replace=False, p=weights / weights.sum())
            users += [f"u{u}"] * len(chosen)
            items += chosen.tolist()
    data = Interactions.from_arrays(np.array(users), np.array(items),
                                    rng.integers(3, 6, len(users)).astype(float),
                                    rng.integers(0, 10_000, len(users)),
                                    rating_range=(1.0, 5.0))
    return user_split(data, 0.2, seed=0)


@pytest.fixture(scope="module")
def held_out(split):
    counts = np.bincount(split.train.user_index, minlength=split.train.n_users)
    return np.flatnonzero(counts == 0)


def _fit_spec(spec, train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model(spec.pop("type"), **spec).fit(train)


def _fit(name, train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model(name, **quick_params(name)).fit(train)


@pytest.mark.parametrize("name", FALLING_BACK)
def test_a_user_without_training_rows_is_scored_by_popularity(name, split, held_out):
    model = _fit(name, split.train)
    trained = np.setdiff1d(np.arange(split.train.n_users), held_out)[0]
    users = np.array([held_out[0], trained])  # one held out, one trained
    with pytest.warns(PopularityFallbackWarning, match=r"1 user\(s\) have no training "
                                                       r"interactions.*item popularity"):
        scores = model.score_users(users)
    # popularity by its definition: the number of training users of each item
    popularity = np.zeros(split.train.n_items)
    for item in range(split.train.n_items):
        popularity[item] = len(set(split.train.user_index[split.train.item_index == item]))
    np.testing.assert_array_equal(scores[0], popularity.astype(scores.dtype))
    # the trained user keeps the model's own scores (not popularity)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        np.testing.assert_allclose(scores[1], model.score_users(users[1:])[0], rtol=1e-5,
                                   atol=1e-6)


def test_trained_users_alone_raise_no_warning(split, held_out):
    model = _fit("ease", split.train)
    trained = np.setdiff1d(np.arange(split.train.n_users), held_out)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        model.score_users(trained)


def test_recommend_still_refuses_such_a_user(split, held_out):
    from recstack.errors import RecstackError

    model = _fit("ease", split.train)
    with pytest.raises(RecstackError, match="no training interactions"):
        model.recommend(split.train.users.to_external(held_out[:1]), k=3)


def test_evaluate_counts_them_without_the_models_warning(split):
    model = _fit("item_knn", split.train)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Evaluator(metrics=("hit_rate",), ks=(5,)).evaluate(model, split.train,
                                                                    split.test)
    assert not [w for w in caught if issubclass(w.category, PopularityFallbackWarning)]
    assert result.meta["users_without_history"] > 0
    # every evaluated user is held out here, so each list is the 5 most popular items
    popularity = np.bincount(split.train.item_index, minlength=split.train.n_items)
    top = np.argsort(-popularity, kind="stable")[:5]
    truth = split.test
    for user in np.unique(truth.user_index):
        hit = float(np.isin(truth.item_index[truth.user_index == user], top).any())
        external = truth.users.to_external(np.array([user]))[0]
        assert result.per_user.loc[external, "hit_rate@5"] == hit
