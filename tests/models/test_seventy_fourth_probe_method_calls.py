"""Calls of a model's public methods that their signatures do not take: ``recommend(users,
10, False)`` (``exclude_seen`` by position), ``score(users, items, 1)``,
``similar_items(items, 5, True)``, ``score_histories(h, 3)``, ``fold_in(h, 3)``, a
misspelt keyword (``exlude_seen=``), ``fit_from(previous, train, reporter)``. Each raised
Python's TypeError naming the base class or a mixin
("Recommender.recommend() takes from 2 to 3 positional arguments but 4 were given",
"FoldInScoringMixin.score_histories() ..."), never the model, nor the keyword to use; the
re-ranked and two-stage overrides the same. Now a ConfigError names the model, the
method and what it takes."""

import inspect
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import available_models, create_model
from recstack.models.registry import model_class
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(60), 15), rng.integers(0, 40, 900),
                                    None, np.arange(900), duplicates="last")


@pytest.fixture(scope="module")
def fitted(train):
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("als", "ease", "two_stage", "reranked"):
            models[name] = create_model(name, **quick_params(name)).fit(train)
    return models


#: the public methods whose calls are checked, wherever they are defined (the base, an
#: override, a mixin)
PUBLIC = ("recommend", "score", "score_users", "similar_items", "score_histories", "fold_in",
          "candidates", "rerank_lists")


@pytest.mark.parametrize("name", available_models())
def test_every_model_refuses_misplaced_values_naming_itself(name):
    cls = model_class(name)
    model = cls()
    present = [method for method in PUBLIC if callable(getattr(cls, method, None))]
    assert {"recommend", "score", "score_users", "similar_items"} <= set(present)
    for method in present:
        kinds = {p.kind for p in inspect.signature(getattr(cls, method)).parameters.values()}
        assert {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD} <= kinds, \
            (name, method)
    # refused before anything else (the model is not even fitted)
    with pytest.raises(ConfigError, match=rf"^{name}: recommend\(\): got 1 value\(s\) by "
                                          r"position \(False\) where only keywords are taken"):
        model.recommend([1], 5, False)
    with pytest.raises(ConfigError, match=rf"^{name}: similar_items\(\) got an unexpected "
                                          r"argument 'n'; it takes items and k$"):
        model.similar_items([1], n=5)
    if "score_histories" in present:
        # two_stage takes a context by position: one value fewer is refused there
        with pytest.raises(ConfigError, match=rf"^{name}: score_histories\(\): got [12] "
                                              r"value\(s\) by position \((None, )?3\)"):
            model.score_histories(np.zeros((1, 2)), None, 3)


@pytest.mark.parametrize("name", ["als", "ease", "two_stage", "reranked"])
def test_exclude_seen_by_position_names_the_model_and_the_keyword(fitted, name):
    model = fitted[name]
    users = model.users_.external_ids[:2]
    with pytest.raises(ConfigError, match=rf"^{name}: recommend\(\): got 1 value\(s\) by "
                                          r"position \(False\) where only keywords are taken; "
                                          r"it takes users, k by position and exclude_seen, "
                                          r".* by name, e\.g\. recommend\(users, k, "
                                          r"exclude_seen=False\)$"):
        model.recommend(users, 5, False)
    # what the message says works, and means what was meant
    items, _ = model.recommend(users, 5, exclude_seen=False)
    assert items.shape == (2, 5)


@pytest.mark.parametrize("name", ["als", "two_stage", "reranked"])
def test_a_misspelt_keyword_names_the_model_and_the_keyword(fitted, name):
    model = fitted[name]
    users = model.users_.external_ids[:2]
    with pytest.raises(ConfigError, match=rf"^{name}: recommend\(\) got an unexpected argument "
                                          r"'exlude_seen' \(did you mean 'exclude_seen'\?\); "
                                          r"it takes users, k, exclude_seen"):
        model.recommend(users, k=5, exlude_seen=False)
    with pytest.raises(ConfigError, match=rf"^{name}: score_users\(\) got an unexpected "
                                          r"argument 'exclude'"):
        model.score_users(np.arange(2), exclude=True)


def test_methods_without_keywords_say_what_they_take(fitted):
    model = fitted["als"]
    users, items = model.users_.external_ids[:2], model.items_.external_ids[:2]
    history = np.zeros((1, len(model.items_)))
    cases = [
        (lambda: model.score(users, items, 1), r"score\(\): got 1 value\(s\) by position "
         r"\(1\) where it takes only users and items; call it as score\(users, items\)$"),
        (lambda: model.score_users(np.arange(2), False), r"score_users\(\): got 1 value\(s\) "
         r"by position \(False\) where it takes only user_indices; call it as "
         r"score_users\(user_indices\)$"),
        (lambda: model.similar_items(items, 5, True), r"similar_items\(\): got 1 value\(s\) "
         r"by position \(True\) where it takes only items and k; call it as "
         r"similar_items\(items\)$"),
        # defined on a mixin (FoldInScoringMixin): the TypeError named the mixin
        (lambda: model.score_histories(history, 3), r"score_histories\(\): got 1 value\(s\) "
         r"by position \(3\) where it takes only histories"),
        (lambda: model.fold_in(history, 3, 4), r"fold_in\(\): got 2 value\(s\) by position "
         r"\(3, 4\) where it takes only histories; call it as fold_in\(histories\)$"),
    ]
    for call, message in cases:
        with pytest.raises(ConfigError, match="^als: " + message):
            call()


def test_the_two_stage_overrides_name_their_own_keywords(fitted):
    model = fitted["two_stage"]
    users, items = model.users_.external_ids[:2], model.items_.external_ids[:2]
    with pytest.raises(ConfigError, match=r"^two_stage: score\(\): got 1 value\(s\) by "
                                          r"position \(True\) where only keywords are taken; "
                                          r"it takes users, items, context by position and "
                                          r"exclude_seen by name, e\.g\. score\(users, items, "
                                          r"context, exclude_seen=True\)$"):
        model.score(users, items, None, True)
    with pytest.raises(ConfigError, match=r"^two_stage: score_users\(\): got 1 value\(s\) by "
                                          r"position \(False\) .* e\.g\. score_users\("
                                          r"user_indices, exclude_seen=False\)$"):
        model.score_users(np.arange(2), False)
    with pytest.raises(ConfigError, match=r"^reranked: score_users\(\): got 1 value\(s\)"):
        fitted["reranked"].score_users(np.arange(2), False)


def test_a_third_value_to_fit_from_names_progress(fitted, train):
    previous = fitted["als"]
    model = create_model("als", **quick_params("als"))
    with pytest.raises(ConfigError, match=r"^als: fit_from\(\): got 1 value\(s\) by position "
                                          r"\(None\) where only keywords are taken; it takes "
                                          r"previous, train by position and progress by name"):
        model.fit_from(previous, train, None)
    assert not model.is_fitted
