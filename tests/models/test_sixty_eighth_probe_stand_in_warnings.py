"""Two-tower and SASRec score a user of their vocabulary without training rows by their own
popularity stand-in (``history_fallback``). ``recommend`` and ``score`` named such users in
a PopularityFallbackWarning, but the index-level ``score_users`` (the evaluator's, the
analysis report's and the pipelines' path) gave the same stand-in silently, where every
other model that falls back to popularity warns. Now ``score_users`` warns too, and
``recommend``/``score`` still warn once (not once more per scored batch)."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.models import available_models, create_model
from recstack.models.base import PopularityFallbackWarning
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params

pytest.importorskip("torch")

#: the models that serve such users by a stand-in of their own
STAND_INS = ["sasrec", "two_tower"]


def test_the_models_with_a_stand_in_are_these():
    assert [m for m in available_models() if model_class(m).history_fallback] == STAND_INS


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(7)
    users = np.repeat(np.arange(40), 6)
    items = rng.integers(0, 25, len(users))
    data = Interactions.from_arrays(np.array([f"u{u}" for u in users]), items,
                                    np.ones(len(users)), np.arange(len(users)),
                                    duplicates="last")
    return user_split(data, 0.2, seed=0)


@pytest.fixture(scope="module")
def fitted(split):
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in STAND_INS:
            models[name] = create_model(name, **quick_params(name)).fit(split.train)
    return models


def _held_out(train):
    return np.flatnonzero(np.bincount(train.user_index, minlength=train.n_users) == 0)


def _stand_in(name, train):
    """The documented stand-in, from its definition: SASRec, training interactions per
    item; two-tower, training rows per item divided by the largest."""
    counts = np.zeros(train.n_items)
    for item in train.item_index:
        counts[item] += 1
    return counts if name == "sasrec" else counts / counts.max()


@pytest.mark.parametrize("name", STAND_INS)
def test_score_users_names_them_and_keeps_the_stand_in(name, split, fitted):
    model, train = fitted[name], split.train
    held_out = _held_out(train)
    trained = np.setdiff1d(np.arange(train.n_users), held_out)[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = model.score_users(np.array([held_out[0], trained]))
    fallbacks = [w for w in caught if issubclass(w.category, PopularityFallbackWarning)]
    assert len(fallbacks) == 1
    external = train.users.to_external(held_out[:1]).tolist()
    assert f"{name}: 1 user(s) have no training interactions, e.g. {external}" \
        in str(fallbacks[0].message)
    assert model_class(name).history_fallback in str(fallbacks[0].message)
    assert fallbacks[0].filename == __file__  # said where score_users was called
    np.testing.assert_allclose(scores[0], _stand_in(name, train), rtol=1e-6)


@pytest.mark.parametrize("name", STAND_INS)
def test_trained_users_alone_raise_no_warning(name, split, fitted):
    trained = np.setdiff1d(np.arange(split.train.n_users), _held_out(split.train))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        fitted[name].score_users(trained)


@pytest.mark.parametrize("name", STAND_INS)
@pytest.mark.parametrize("method", ["recommend", "score"])
def test_recommend_and_score_name_them_once(name, method, split, fitted):
    model, train = fitted[name], split.train
    users = train.users.to_external(_held_out(train)[:3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if method == "recommend":
            # one user per batch: the users were named once, not once per batch
            model.recommend(users, k=3, batch_size=1)
        else:
            model.score(users, train.items.to_external(np.arange(3)))
    fallbacks = [w for w in caught if issubclass(w.category, PopularityFallbackWarning)]
    assert len(fallbacks) == 1
    assert "3 user(s) have no training interactions" in str(fallbacks[0].message)
    assert fallbacks[0].filename == __file__


@pytest.mark.parametrize("name", STAND_INS)
def test_recommend_ranks_them_by_the_stand_in(name, split, fitted):
    model, train = fitted[name], split.train
    user = train.users.to_external(_held_out(train)[:1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PopularityFallbackWarning)
        _, scores = model.recommend(user, k=5)
    expected = np.sort(_stand_in(name, train))[::-1][:5]
    np.testing.assert_allclose(scores[0], expected, rtol=1e-6)
