"""Seventy-eighth probe: an experiment whose test part has no relevant item (a
relevance_threshold above every value, grades of 0 with graded) was refused only once the
first model had been fitted (``[evaluation] (FIRST MODEL): ...``, on each fold of a
k-fold); it is now refused before any fit, naming the file and [evaluation] (and the
fold), in the evaluator's own words."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.experiment import run_experiment
from recstack.models.baselines import MostPopular

DATA = {"source": "synthetic:n_users=200,n_items=100,n_interactions=3000,seed=1"}


def _experiment(split, evaluation):
    return parse_experiment({"name": "x", "data": DATA, "split": split,
                             "evaluation": {"metrics": ["ndcg"], "ks": [5]} | evaluation,
                             "models": [{"type": "most_popular"}]}, source="x.toml")


@pytest.mark.parametrize(("split", "fold"), [
    ({"method": "random"}, ""),
    ({"method": "kfold", "k": 3}, "fold 1 of 3: "),
])
def test_no_relevant_item_is_refused_before_any_fit(monkeypatch, split, fold):
    def never(self, *args, **kwargs):
        pytest.fail("a model was fitted although no test user could be evaluated")

    monkeypatch.setattr(MostPopular, "fit", never)
    with pytest.raises(RecstackError) as error:
        run_experiment(_experiment(split, {"relevance_threshold": 6.0}))
    # the synthetic ratings are 1..5: the threshold is above every one
    assert str(error.value) == (
        f"x.toml: [evaluation] {fold}no test user has a relevant item (relevance_threshold="
        "6.0, but the highest test value is 5; lower relevance_threshold to at most 5, or "
        "leave it out to count every test row)")


def test_the_evaluator_says_the_same_when_it_evaluates():
    from recstack.data.interactions import Interactions

    data = Interactions.from_arrays([1, 2, 3, 1, 2], [1, 2, 3, 2, 3],
                                    [5.0, 4.0, 3.0, 2.0, 1.0])
    train, test = data.select([0, 1, 2]), data.select([3, 4])  # one vocabulary
    evaluator = Evaluator(metrics=["ndcg"], ks=[2], relevance_threshold=3.0)
    with pytest.raises(RecstackError) as direct:
        evaluator.refuse_without_relevant(test)
    with pytest.raises(RecstackError) as evaluated:
        evaluator.evaluate(MostPopular().fit(train), train, test)
    assert str(direct.value) == str(evaluated.value)
    assert "the highest test value is 2" in str(direct.value)


def test_a_threshold_some_test_rows_reach_runs():
    result = run_experiment(_experiment({"method": "random"}, {"relevance_threshold": 4.0}))
    assert result.results[0].means()["ndcg@5"] >= 0
