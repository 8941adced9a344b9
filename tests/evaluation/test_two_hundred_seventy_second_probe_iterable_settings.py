"""``Evaluator(ks=..., metrics=...)`` and ``evaluate_ratings(metrics=...)`` given a one-shot
iterable (a generator, ``map(...)``, ``iter(...)``, a dict's ``keys()``) or, for the metric
names, a set: each was refused as "no list" (a generator named by its memory address),
where :func:`recstack.metrics.ranking_metrics` reads them all and the Evaluator took a set of
cut-offs. Each is now read as the list it holds (a set in sorted order); an endless
iterator is refused without reading on, and a dict (keys or values meant?) is refused
saying both."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import MAX_LISTED, Evaluator
from recstack.evaluation.pointwise import evaluate_ratings
from tests.evaluation.scorer import Scorer

#: 2 users, 4 items; each trains on one item and holds out another
DATA = Interactions.from_arrays([0, 1, 0, 1], [0, 1, 2, 3])
TRAIN, TEST = DATA.select(np.array([True, True, False, False])), DATA.select(
    np.array([False, False, True, True]))


def _scorer():
    # item 3 first, then 2, 1, 0; training items masked: user 0 gets [3, 2, 1] (its test
    # item 2 at rank 2), user 1 gets [3, 2, 0] (its test item 3 at rank 1)
    return Scorer(lambda users: np.tile(np.arange(4.0), (len(users), 1)))


@pytest.mark.parametrize("ks", [
    lambda: (k for k in (2, 1)), lambda: map(int, ["2", "1"]), lambda: iter([1, 2]),
    lambda: {1: "a", 2: "b"}.keys(), lambda: {"a": 2, "b": 1}.values()])
@pytest.mark.parametrize("metrics", [
    lambda: (m for m in ("recall", "ndcg")), lambda: {"ndcg", "recall"},
    lambda: frozenset({"recall", "ndcg"}), lambda: iter(["ndcg", "recall"]),
    lambda: {"recall": 1, "ndcg": 2}.keys()])
def test_iterables_are_read_as_the_lists_they_hold(ks, metrics):
    evaluator = Evaluator(metrics=metrics(), ks=ks())
    assert evaluator.ks == [1, 2]
    assert sorted(evaluator.metrics) == ["ndcg", "recall"]
    means = evaluator.evaluate(_scorer(), TRAIN, TEST).means()
    # by hand: recall@1 is 0 (user 0) and 1 (user 1); both users find their item by 2;
    # nDCG@2 is 1 / log2(3) for user 0 (rank 2) and 1 for user 1 (rank 1)
    assert means["recall@1"] == pytest.approx(0.5)
    assert means["recall@2"] == pytest.approx(1.0)
    assert means["ndcg@1"] == pytest.approx(0.5)
    assert means["ndcg@2"] == pytest.approx((1 / math.log2(3) + 1) / 2)


def test_a_set_of_names_is_in_sorted_order():
    assert Evaluator(metrics={"recall", "hit_rate", "ndcg"}, ks=[1]).metrics == [
        "hit_rate", "ndcg", "recall"]


def test_an_iterator_entry_is_still_checked_by_position():
    with pytest.raises(ConfigError, match=r"^ks must be a list of positive integers such as "
                                          r"\[10, 20\], got \[5, 0\] \(K = 0 at position 1 "
                                          r"is below 1"):
        Evaluator(ks=(k for k in (5, 0)))
    with pytest.raises(ConfigError, match=r"unknown metric\(s\) \['ndgc'\] \(did you mean "
                                          r"'ndcg'\?\)"):
        Evaluator(metrics={"ndgc", "recall"})
    with pytest.raises(ConfigError, match=r"\(no cut-off at all"):
        Evaluator(ks=iter([]))


def test_an_endless_iterator_is_refused_without_reading_on():
    endless = itertools.count(1)
    with pytest.raises(ConfigError, match=r"^ks: the count given holds more than 10,000 "
                                          r"entries \(it was not read on\); give the list "
                                          r"meant, e.g. \[10, 20\]$"):
        Evaluator(ks=endless)
    assert next(endless) == MAX_LISTED + 2  # read no further than the bound and one
    with pytest.raises(ConfigError, match=r'^metrics: the cycle given .* e\.g\. \["ndcg"\]$'):
        Evaluator(metrics=itertools.cycle(["ndcg"]))


@pytest.mark.parametrize(("name", "value"), [("ks", {10: "a"}), ("metrics", {"ndcg": 1})])
def test_a_dict_is_refused_naming_keys_and_values(name, value):
    with pytest.raises(ConfigError, match=rf"^{name} must be a list, got a dict .*: give its "
                                          rf"keys \(list\({name}\.keys\(\)\)\) or its values "
                                          rf"\(list\({name}\.values\(\)\)\) as the list meant$"):
        Evaluator(**{name: value})


class _Rater:
    name = "rater"
    fitted_range_ = (1.0, 5.0)

    def score(self, users, items):
        return np.array([3.0, 3.0, 3.0])


@pytest.mark.parametrize("metrics", [
    lambda: (m for m in ("rmse", "mae")), lambda: {"mae", "rmse"}, lambda: iter(["mae", "rmse"])])
def test_rating_metrics_read_iterables_too(metrics):
    rows = Interactions.from_arrays(np.arange(3), np.arange(3), [3.0, 4.0, 5.0],
                                    rating_range=(1, 5))
    errors = evaluate_ratings(_Rater(), rows, metrics=metrics())
    # by hand: errors 0, 1, 2
    assert errors == pytest.approx({"mae": 1.0, "rmse": math.sqrt(5 / 3)})


def test_rating_metrics_refuse_a_dict():
    rows = Interactions.from_arrays([0], [0], [3.0], rating_range=(1, 5))
    with pytest.raises(ConfigError, match=r"^metrics must be a list, got a dict"):
        evaluate_ratings(_Rater(), rows, metrics={"rmse": 1})
