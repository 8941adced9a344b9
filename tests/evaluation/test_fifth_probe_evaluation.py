"""Fifth bad-input probe of evaluation: misspelt metric names get a did-you-mean, cut-offs
given as text are not read letter by letter, an empty list of rating metrics is refused (it
returned {}), rating predictions that are NaN or of the wrong length name the model and the
pair, and a paired test between results without a shared user says why. Expected values
by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.pointwise import evaluate_ratings
from recstack.evaluation.results import EvaluationResult
from recstack.metrics import MetricInputError, compare_variants, ranking_metrics

TEST = Interactions.from_arrays(["a", "b", "c"], [1, 2, 3], values=[4.0, 3.0, 5.0],
                                rating_range=(1, 5))


class Predictor:
    name = "mf"

    def __init__(self, out):
        self.out = out

    def score(self, users, items):
        return self.out


def test_misspelt_metric_names_get_a_suggestion():
    with pytest.raises(ConfigError, match="unknown metric\\(s\\) \\['NDCG'\\] \\(did you mean "
                       "'ndcg'\\?\\)"):
        Evaluator(metrics=("NDCG",))
    with pytest.raises(MetricInputError, match="\\['ndgc'\\] \\(did you mean 'ndcg'\\?\\)"):
        ranking_metrics([[0]], sp.csr_matrix([[1.0]]), metrics=("ndgc",))
    with pytest.raises(RecstackError, match="\\['rsme'\\] \\(did you mean 'rmse'\\?\\)"):
        evaluate_ratings(Predictor([4.0, 3.0, 5.0]), TEST, metrics=("rsme",))
    events = pd.DataFrame({"variant": ["A", "B"], "session_id": [1, 2],
                           "event": ["impression"] * 2, "timestamp": [0, 1],
                           "revenue": [0.0, 0.0], "cost": [0.0, 0.0]})
    with pytest.raises(MetricInputError, match="'CTR' \\(did you mean 'ctr'\\?\\)"):
        compare_variants(events, "CTR", "A", "B")


def test_cut_offs_given_as_text_are_refused_whole():
    with pytest.raises(MetricInputError, match="ks must be an int or a sequence of ints .*got "
                       "the text '10'"):
        ranking_metrics([[0]], sp.csr_matrix([[1.0]]), ks="10")


@pytest.mark.parametrize("metrics", [(), [], None])
def test_no_rating_metric_is_refused(metrics):
    with pytest.raises(RecstackError, match="metrics must name at least one rating metric"):
        evaluate_ratings(Predictor([4.0, 3.0, 5.0]), TEST, metrics=metrics)


def test_rating_predictions_are_checked_naming_the_model_and_the_pair():
    # residuals 0, 0, 1: RMSE sqrt(1/3), MAE 1/3
    result = evaluate_ratings(Predictor(np.array([4.0, 3.0, 4.0])), TEST)
    assert result == pytest.approx({"rmse": (1 / 3) ** 0.5, "mae": 1 / 3})
    with pytest.raises(RecstackError, match="mf predicted nan for user 'b' and item 2 \\(1 of "
                       "3 test rows"):
        evaluate_ratings(Predictor(np.array([4.0, np.nan, 4.0])), TEST)
    with pytest.raises(RecstackError, match="mf returned 2 predicted ratings for 3 test rows"):
        evaluate_ratings(Predictor(np.array([4.0, 3.0])), TEST)


def test_a_paired_test_without_shared_users_says_why():
    mine = EvaluationResult("a", pd.DataFrame({"ndcg@10": [0.1, 0.2, 0.3]},
                                              index=pd.Index([1, 2, 3], name="user_id")))
    read_back = EvaluationResult("b", pd.DataFrame({"ndcg@10": [0.2, 0.2, 0.2]},
                                                   index=pd.Index(["1", "2", "3"])))
    with pytest.raises(RecstackError, match="got 0; the two results share no user id \\(a's "
                       "are like 1, 2, 3 \\(int\\), b's like '1', '2', '3' \\(str\\)\\)"):
        mine.compare(read_back, "ndcg@10")
    # same ids: differences -0.1, 0, 0.1, mean 0
    same = EvaluationResult("c", read_back.per_user.set_axis(mine.per_user.index))
    assert mine.compare(same, "ndcg@10").mean_difference == pytest.approx(0.0)


def test_true_false_scores_are_refused_by_the_evaluator():
    from recstack.data.splits import random_split
    from recstack.data.synthetic import generate

    split = random_split(generate(n_users=40, n_items=30, n_interactions=500, seed=1),
                         test_fraction=0.2, seed=0)

    class Masker:
        name = "masker"

        def score_users(self, users):
            return np.ones((len(users), split.train.n_items), bool)

    with pytest.raises(RecstackError, match="masker returned true/false values where scores "
                       "belong"):
        Evaluator(ks=(5,)).evaluate(Masker(), split.train, split.test)


@pytest.mark.parametrize("ks", [(10, 10), [20, 10, 20], np.array([5, 5])])
def test_a_repeated_cut_off_is_refused_as_experiment_files_refuse_it(ks):
    # the repeat was dropped without a word, where [evaluation] ks and ranking_metrics
    # refuse it
    with pytest.raises(ConfigError, match="each K once"):
        Evaluator(ks=ks)


def test_cut_offs_in_any_order_are_kept_sorted():
    assert Evaluator(ks=(20, 5, 10)).ks == [5, 10, 20]
