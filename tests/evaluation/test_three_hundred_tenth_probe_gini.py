"""The Evaluator's ``gini`` list metric: the Gini index of the items' exposure at each K,
one value over all users (an aggregate, as ``coverage@K``), saved, compared and printed as
coverage is."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator, TrainingPairsWarning
from recstack.evaluation.results import EvaluationResult, MetricSummaries, comparison_table
from recstack.metrics import gini_index


class FixedScores:
    """A 'model' whose scores are a given matrix."""

    name = "fixed"

    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=np.float64)

    def score_users(self, users):
        return self.scores[users]


def three_users_five_items():
    """Train: user 0 and 1 trained on item 4, user 2 on item 3; test: user u on item u.
    The scores rank items 0 1 2 3 4 for users 0 and 1 and 2 3 4 1 0 for user 2, so with the
    training items masked the lists are [0, 1, 2, 3], [0, 1, 2, 3] and [2, 4, 1, 0]."""
    data = Interactions.from_arrays([0, 1, 2, 0, 1, 2], [4, 4, 3, 0, 1, 2], [1.0] * 6)
    train, test = data.select(slice(0, 3)), data.select(slice(3, 6))
    scores = [[5, 4, 3, 2, 1], [5, 4, 3, 2, 1], [1, 2, 5, 4, 3]]
    return FixedScores(scores), train, test


def test_gini_at_each_k_is_the_value_worked_by_hand():
    model, train, test = three_users_five_items()
    result = Evaluator(metrics=("ndcg", "coverage", "gini"), ks=(1, 2, 10)).evaluate(
        model, train, test)
    # G = sum_j (2j - n - 1) x_(j) / (n sum x), n = 5 items, weights -4 -2 0 2 4.
    # K=1: lists [0], [0], [2]: counts sorted 0 0 0 1 2 -> (2*1 + 4*2) / (5*3) = 2/3
    assert result.aggregate["gini@1"] == pytest.approx(2 / 3, abs=1e-15)
    # K=2: [0 1], [0 1], [2 4]: counts sorted 0 1 1 2 2 (item 3 never recommended, counted
    # with 0) -> (-2*1 + 0*1 + 2*2 + 4*2) / (5*6) = 10/30 = 1/3
    assert result.aggregate["gini@2"] == pytest.approx(1 / 3, abs=1e-15)
    # K=10, past the 4 items each user may be shown: [0 1 2 3], [0 1 2 3], [2 4 1 0]:
    # counts sorted 1 2 3 3 3 -> (-4*1 - 2*2 + 0*3 + 2*3 + 4*3) / (5*12) = 10/60 = 1/6
    assert result.aggregate["gini@10"] == pytest.approx(1 / 6, abs=1e-15)
    assert result.aggregate["coverage@2"] == 4 / 5
    # the same as the metric function called on the lists, over the whole catalog
    lists = np.array([[0, 1, 2, 3], [0, 1, 2, 3], [2, 4, 1, 0]])
    for k in (1, 2, 10):
        assert result.aggregate[f"gini@{k}"] == gini_index(lists, 5, k=k)
    # one number for the model, as coverage: no per-user column
    assert not any(column.startswith("gini") for column in result.per_user.columns)


def test_gini_is_summarised_saved_and_compared_as_coverage(tmp_path):
    model, train, test = three_users_five_items()
    evaluator = Evaluator(metrics=("recall", "coverage", "gini"), ks=(2,))
    result = evaluator.evaluate(model, train, test)
    assert result.means()["gini@2"] == pytest.approx(1 / 3, abs=1e-15)
    summaries = result.summary()
    assert isinstance(summaries, MetricSummaries)
    with pytest.raises(KeyError, match="catalog-level metric.*aggregate\\['gini@2'\\]"):
        summaries["gini@2"]
    with pytest.raises(KeyError, match="catalog-level metric.*no per-user value to pair"):
        result.compare(result, "gini@2")
    other = evaluator.evaluate(FixedScores(np.ones((3, 5))), train, test, name="constant")
    table = comparison_table([result, other])
    # the constant model's lists are the index order: [0 1], [0 1], [0 1] (user 2's item
    # 3 masked): counts sorted 0 0 0 3 3 -> (2*3 + 4*3) / (5*6) = 3/5
    assert table.loc["constant", "gini@2"] == pytest.approx(3 / 5, abs=1e-15)
    assert table.loc["fixed", "gini@2"] == pytest.approx(1 / 3, abs=1e-15)
    result.to_json(tmp_path / "r.json")
    result.to_csv(tmp_path / "r.csv")
    assert json.loads((tmp_path / "r.json").read_text())["aggregate"]["gini@2"] == \
        pytest.approx(1 / 3, abs=1e-15)
    saved = pd.read_csv(tmp_path / "r.csv").set_index("metric")
    assert saved.loc["gini@2", "mean"] == pytest.approx(1 / 3, abs=1e-15)
    assert math.isnan(saved.loc["gini@2", "ci_low"])


def test_gini_of_lists_holding_no_item_is_nan_not_a_number_of_equality():
    # both users trained on both items: every list is empty, so there is no exposure
    data = Interactions.from_arrays([0, 0, 1, 1, 0, 1], [0, 1, 0, 1, 0, 1], [1.0] * 6)
    train, test = data.select(slice(0, 4)), data.select(slice(4, 6))
    with pytest.warns(TrainingPairsWarning, match="every one of the test's 2 relevant"):
        result = Evaluator(metrics=("coverage", "gini"), ks=(1,)).evaluate(
            FixedScores(np.ones((2, 2))), train, test)
    assert result.aggregate["coverage@1"] == 0.0
    assert math.isnan(result.aggregate["gini@1"])


@pytest.mark.parametrize("value", [1.7, -0.1, 42])
def test_a_gini_outside_0_and_1_in_a_result_built_by_hand_is_refused(value):
    with pytest.raises(ConfigError, match=r"aggregate\['gini@10'\] is .*Gini index.*"
                                          r"expected a value in \[0, 1\]"):
        EvaluationResult("m", pd.DataFrame(), aggregate={"gini@10": value})


@pytest.mark.parametrize("value", [0.0, 0.999, float("nan")])
def test_a_gini_inside_0_and_1_or_nan_is_kept(value):
    result = EvaluationResult("m", pd.DataFrame(), aggregate={"gini@10": value})
    assert result.aggregate["gini@10"] == value or math.isnan(value)


@pytest.mark.parametrize("name, short", [("gini_index", "gini"),
                                         ("catalog_coverage", "coverage"),
                                         ("intra_list_diversity", "diversity"),
                                         ("average_popularity", "popularity")])
def test_the_metric_function_name_is_pointed_to_the_evaluator_name(name, short):
    with pytest.raises(ConfigError, match=f"unknown metric.*did you mean '{short}'\\? {name} "
                                          "is the function's name in recstack.metrics"):
        Evaluator(metrics=("ndcg", name))


def test_an_experiment_file_asking_for_gini_runs_through_recstack_evaluate(tmp_path, capsys):
    experiment = tmp_path / "exp.toml"
    experiment.write_text("""
name = "small"
[data]
source = "synthetic:n_users=300,n_items=200,n_interactions=6000,seed=1"
[split]
method = "random"
[evaluation]
metrics = ["ndcg", "coverage", "gini"]
ks = [5, 10]
[[models]]
type = "most_popular"
[[models]]
type = "random"
""")
    code = main(["evaluate", str(experiment), "--out", str(tmp_path / "res")])
    out, err = capsys.readouterr()
    assert code == 0, err
    results = json.loads((tmp_path / "res" / "results.json").read_text())
    by_model = {m["model"]: m["aggregate"] for m in results["models"]}
    printed = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    summary = pd.read_csv(tmp_path / "res" / "summary.csv", index_col=0)
    for k in (5, 10):
        popular, random = by_model["most_popular"][f"gini@{k}"], by_model["random"][f"gini@{k}"]
        # most-popular gives (nearly) everyone the same K items: exposure all but one-sided
        assert 0.8 < popular < 1 and 0 <= random < popular
        assert printed[f"gini@{k}"] == [f"{popular:.4f}", f"{random:.4f}"]
        assert summary.loc["most_popular", f"gini@{k}"] == pytest.approx(popular)
        assert f"gini@{k}" not in pd.read_csv(tmp_path / "res" / "per_user_random.csv").columns


def test_the_report_calls_the_lowest_gini_best():
    # the Gini index of exposure is lower-is-better: the report bolded most-popular's
    # 0.9556 over random's 0.2248 as the best model
    from recstack.analysis.report import _best

    assert _best({"most_popular": 0.9556, "random": 0.2248}, "gini@10") == ["random"]
    assert _best({"most_popular": 0.0360, "random": 1.0}, "coverage@10") == ["random"]
