"""Nineteenth bad-input probe, ``recstack.tuning.search`` from Python: arguments of the
wrong kind were found only inside the first trial (whose error then blamed the values it
drew, "narrow the ranges in the search space") or as TypeErrors and AttributeErrors of
other functions. Each test failed before its fix."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.tuning import search

pytest.importorskip("optuna")

SPACE = {"neighbors": {"type": "int", "low": 2, "high": 4}}


@pytest.fixture(scope="module")
def split():
    users = [u for u in range(12) for _ in range(4)]
    items = [(u + i) % 8 for u in range(12) for i in range(4)]
    return random_split(Interactions.from_frame(
        pd.DataFrame({"user_id": users, "item_id": items})), 0.25, seed=0)


def test_a_dataframe_as_train_is_refused_naming_the_argument(split):
    # was AttributeError: 'DataFrame' object has no attribute 'n_users'
    with pytest.raises(RecstackError, match=r"^search\(train=\.\.\.\) takes recstack "
                                            r"Interactions, got a pandas DataFrame"):
        search("item_knn", split.train.to_frame(), split.test, SPACE, trials=1)


def test_a_missing_validation_is_named_validation_not_test(split):
    # was "test must be recstack Interactions": the evaluator's name for it
    with pytest.raises(RecstackError, match=r"^search\(validation=\.\.\.\) takes recstack "
                                            r"Interactions, got None"):
        search("item_knn", split.train, None, SPACE, trials=1)


def test_a_wrong_fold_in_is_not_blamed_on_the_drawn_values(split):
    with pytest.raises(RecstackError) as caught:
        search("item_knn", split.train, split.test, SPACE, trials=1,
               fold_in=split.test.to_frame())
    message = str(caught.value)
    assert message.startswith("search(fold_in=...) takes recstack Interactions")
    assert "trial" not in message and "narrow the ranges" not in message


def test_parts_of_other_splits_are_refused_before_a_trial(split):
    other = random_split(Interactions.from_frame(pd.DataFrame(
        {"user_id": [1, 1, 2, 2, 3, 3], "item_id": [1, 2, 1, 3, 2, 3]})), 0.5, seed=0)
    with pytest.raises(RecstackError) as caught:
        search("item_knn", split.train, other.test, SPACE, trials=1)
    message = str(caught.value)
    assert message.startswith("search: train and validation do not share their user and "
                              "item id maps")
    assert "narrow the ranges" not in message


def test_a_label_that_is_not_text_is_refused_before_a_trial(split):
    with pytest.raises(ConfigError) as caught:
        search("item_knn", split.train, split.test, SPACE, trials=1, label=5)
    assert str(caught.value).startswith("search(label=...) takes the model's label as "
                                        "non-empty text")
    assert "narrow the ranges" not in str(caught.value)


def test_a_misspelt_evaluator_setting_gets_the_nearest_name(split):
    # was TypeError: Evaluator.__init__() got an unexpected keyword argument
    with pytest.raises(ConfigError, match=r"^search\(relevance_treshold=\.\.\.\): not an "
                                          r"argument of search nor a setting of the "
                                          r"Evaluator \(did you mean 'relevance_threshold'"
                                          r"\?\)"):
        search("item_knn", split.train, split.test, SPACE, trials=1, relevance_treshold=1.0)


@pytest.mark.parametrize("key, value", [("metrics", ["ndcg"]), ("ks", [5])])
def test_metrics_and_ks_point_to_the_metric_argument(split, key, value):
    # was TypeError: Evaluator() got multiple values for keyword argument 'ks'
    with pytest.raises(ConfigError, match=rf"^search\({key}=\.\.\.\): the search computes "
                                          r"one metric, named with its cut-off by metric "
                                          rf"\(e.g. metric='ndcg@10'\); drop {key}$"):
        search("item_knn", split.train, split.test, SPACE, trials=1, **{key: value})


def test_good_arguments_still_search(split):
    best, value, trials = search("item_knn", split.train, split.test, SPACE, trials=2,
                                 metric="recall@3", relevance_threshold=1.0)
    assert 2 <= best["neighbors"] <= 4 and len(trials) == 2 and 0 <= value <= 1


# a cut-off beyond the catalog (ndcg@1000 on 8 items): `recstack tune` refused it once the
# data were read, but the Python call searched on, maximising a number named for a list
# longer than the catalog
@pytest.mark.parametrize(("metric", "message"), [
    ("ndcg@1000", r"^metric = 'ndcg@1000': K = 1000 is larger than the catalog \(8 items in "
                  r"train\); use K <= 8, e.g. metric = 'ndcg@8'$"),
    # the name alone means K = 10, which this catalog cannot fill either
    ("recall", r"^metric = 'recall' \(recall alone means recall@10\): K = 10 is larger than "
               r"the catalog \(8 items in train\)"),
])
def test_a_cut_off_beyond_the_catalog_is_refused_before_any_trial(split, metric, message):
    with pytest.raises(ConfigError, match=message):
        search("item_knn", split.train, split.test, SPACE, trials=1, metric=metric)


def test_a_cut_off_the_catalog_holds_and_auc_still_search(split):
    for metric in ("recall@8", "auc"):
        _, value, trials = search("item_knn", split.train, split.test, SPACE, trials=1,
                                  metric=metric)
        assert len(trials) == 1 and 0 <= value <= 1
