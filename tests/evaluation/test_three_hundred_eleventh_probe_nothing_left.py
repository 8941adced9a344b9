"""Three-hundred-eleventh probe: what a ConstantScoresWarning says each list is.

A model that gave every item -inf was said to leave lists of "the items in index order":
those lists are empty (an item scored -inf is no recommendation, so every ranking metric is
0). And a user who trained on every item of the catalog, with nothing left to recommend, was
counted among them, blamed on the model; now that user is named apart, as the split's
doing, and a model that ranks every item it may recommend is not blamed at all."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import ConstantScoresWarning, Evaluator
from tests.evaluation.scorer import Scorer


def _train_test() -> tuple[Interactions, Interactions]:
    # user 0 trained on all three items and returns to item 0; user 1 trained on item 0
    # and is tested on item 2
    data = Interactions.from_arrays([0, 0, 0, 1, 0, 1], [0, 1, 2, 0, 0, 2])
    return data.select(np.arange(4)), data.select(np.array([4, 5]))


def _warned(make, name: str) -> tuple[list[str], object]:
    train, test = _train_test()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Evaluator(metrics=["ndcg"], ks=[2]).evaluate(Scorer(make, name), train,
                                                               test)
    said = [str(w.message) for w in caught if issubclass(w.category, ConstantScoresWarning)]
    return said, result


def test_a_user_with_every_item_seen_is_not_blamed_on_the_model():
    said, result = _warned(lambda u: np.tile(np.array([1.0, 2.0, 3.0]), (len(u), 1)),
                           "ranked")
    assert said == [
        "1 of the 2 evaluated users already have every item of the catalog (each one a "
        "training or fold-in item of theirs, left out of their lists): nothing is left to "
        "recommend them, so their lists are empty and their metrics 0 whatever ranked "
        "scores; that is the split's doing, not the model's"]
    # user 0: an empty list, ndcg 0; user 1: item 2 (score 3) first of the two left, 1.0
    assert result.per_user["ndcg@2"].tolist() == [0.0, 1.0]


def test_minus_inf_lists_are_said_to_be_empty_and_the_seen_user_apart():
    said, result = _warned(lambda u: np.full((len(u), 3), -np.inf), "blank")
    assert said == [
        "blank gave -inf for every item to 1 of the 2 evaluated users: their lists are "
        "empty (an item scored -inf is no recommendation), so their metrics are 0; was it "
        "fitted, and does score_users return its scores? Besides, 1 of the 2 evaluated "
        "users already have every item of the catalog (each one a training or fold-in item "
        "of theirs, left out of their lists): nothing is left to recommend them, so their "
        "lists are empty and their metrics 0 whatever blank scores; that is the split's "
        "doing, not the model's"]
    assert result.per_user["ndcg@2"].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("value", [0.0, 7.5])
def test_one_score_for_every_item_is_said_to_give_index_order(value):
    # user 1 may be recommended items 1 and 2, both given one score: index order, 1 then 2
    said, result = _warned(lambda u: np.full((len(u), 3), value), "flat")
    assert said[0].startswith(
        "flat gave one score to every item it may recommend to 1 of the 2 evaluated users: "
        "their lists are the items in index order (0, 1, 2, ...), so their metrics "
        "measure the item numbering, not the model; was it fitted, and does score_users "
        "return its scores? Besides, 1 of the 2 evaluated users already have every item")
    # item 2 second of two: ndcg@2 = (1 / log2(3)) / 1
    assert result.per_user["ndcg@2"].tolist() == [0.0, pytest.approx(1 / np.log2(3))]
