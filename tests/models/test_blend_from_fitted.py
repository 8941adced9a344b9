"""Blend.from_fitted: a blend of models fitted already, none of them fitted again."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.models.blend import Blend

EASE = {"type": "ease", "regularization": 10.0}
KNN = {"type": "item_knn", "neighbors": 10}


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(3)
    users = np.repeat(np.arange(60), 12)
    # two tastes (even users like the low items, odd users the high ones) and some noise
    items = np.where(users % 2 == 0, rng.integers(0, 30, len(users)),
                     rng.integers(20, 50, len(users)))
    data = Interactions.from_arrays(users, items).deduplicate()
    return random_split(data, 0.25, seed=0)


def fitted(declaration, train):
    kind = declaration["type"]
    return create_model(kind, **{k: v for k, v in declaration.items() if k != "type"}).fit(train)


def zscored(scores):
    scores = np.asarray(scores, np.float64)
    spread = scores.std(axis=1, keepdims=True)
    return (scores - scores.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, np.inf)


def test_weights_learned_on_validation_match_a_blend_that_fits_its_members(split):
    models = [fitted(EASE, split.train), fitted(KNN, split.train)]
    blend = Blend.from_fitted(models, split.train, validation=split.test, metric="recall",
                              metric_k=5)
    declared = create_model("blend", members=[EASE, KNN], metric="recall",
                            metric_k=5).fit(split.train, validation=split.test)
    np.testing.assert_allclose(blend.weights_, declared.weights_)
    assert blend.validation_score_ == pytest.approx(declared.validation_score_)
    # the very models given, not copies fitted again
    assert blend.members_[0] is models[0] and blend.members_[1] is models[1]
    assert blend.members == [{"type": "ease"} | models[0].get_params(),
                             {"type": "item_knn"} | models[1].get_params()]


def test_given_weights_blend_the_members_z_scores_by_hand(split):
    models = [fitted(EASE, split.train), fitted(KNN, split.train)]
    blend = Blend.from_fitted(models, split.train, weights=[3, 1])
    users = np.arange(split.train.n_users)
    expected = (0.75 * zscored(models[0].score_users(users))
                + 0.25 * zscored(models[1].score_users(users)))
    np.testing.assert_allclose(blend.score_users(users), expected, rtol=1e-4, atol=1e-5)


def test_the_saved_blend_loads_and_ranks_alike(split, tmp_path):
    models = [fitted(EASE, split.train), fitted(KNN, split.train)]
    blend = Blend.from_fitted(models, split.train, weights=[1, 2])
    blend.save(tmp_path / "blend")
    loaded = load_model(tmp_path / "blend")
    users = split.train.users.external_ids[:20]
    np.testing.assert_array_equal(loaded.recommend(users, k=5)[0],
                                  blend.recommend(users, k=5)[0])


def test_a_model_fitted_on_other_data_is_refused_by_position(split):
    other = fitted(KNN, split.test)
    with pytest.raises(ConfigError, match=r"models\[1\] \(item_knn\) was fitted on other data "
                                          r"than the train given to from_fitted"):
        Blend.from_fitted([fitted(EASE, split.train), other], split.train, weights=[1, 1])


def test_an_unfitted_model_is_refused(split):
    with pytest.raises(RecstackError, match=r"models\[0\] \(ease\) is not fitted"):
        Blend.from_fitted([create_model("ease")], split.train, weights=[1])


def test_without_validation_or_weights_it_would_refit_so_it_is_refused(split):
    with pytest.raises(ConfigError, match="needs validation rows to learn the weights on"):
        Blend.from_fitted([fitted(EASE, split.train)], split.train)


@pytest.mark.parametrize("models", [[], "ease", [EASE], None])
def test_anything_but_a_list_of_models_is_refused(split, models):
    with pytest.raises(ConfigError, match="non-empty list of fitted recstack models"):
        Blend.from_fitted(models, split.train, weights=[1])


def test_members_and_positional_settings_are_refused(split):
    model = fitted(EASE, split.train)
    with pytest.raises(ConfigError, match="in place of members"):
        Blend.from_fitted([model], split.train, weights=[1], members=[EASE])
    with pytest.raises(ConfigError, match="everything else by name"):
        Blend.from_fitted([model], split.train, split.test)


def test_a_model_changed_after_its_fit_is_refused(split):
    model = fitted(EASE, split.train)
    model.regularization = 99.0
    with pytest.raises(ConfigError, match="regularization"):
        Blend.from_fitted([model], split.train, weights=[1])


def test_the_same_model_twice_is_refused_as_in_members(split):
    model = fitted(EASE, split.train)
    with pytest.raises(ConfigError, match=r"members\[0\] and members\[1\] are the same"):
        Blend.from_fitted([model, model], split.train, weights=[1, 1])


def test_a_model_fitted_again_after_the_blend_took_it_is_refused_at_the_next_call(split):
    models = [fitted(EASE, split.train), fitted(KNN, split.train)]
    blend = Blend.from_fitted(models, split.train, weights=[1, 1])
    users = split.train.users.external_ids[:5]
    blend.recommend(users, k=3)
    models[1].fit(split.test)  # other users and items: the blend's indices mean others there
    with pytest.raises(RecstackError, match=r"models\[1\] \(item_knn\) was fitted again after "
                                            r"Blend.from_fitted took it"):
        blend.recommend(users, k=3)
    # a blend that fits its own members is not held to the models it was made from
    blend.fit(split.train)
    assert len(blend.recommend(users, k=3)[0]) == 5
