"""Evaluation results and metric arguments: negative positives, true/false values, Holm
arguments, columns that name no metric, nested cut-offs and the summary file's user counts."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult, MetricSummary, PairedTest
from recstack.metrics.ranking import auc_per_user, global_auc, mean_over_users, ranking_metrics

SCORES = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.3]])


# ---------------------------------------------------------------- negative positives
@pytest.mark.parametrize("as_sparse", [False, True])
@pytest.mark.parametrize("auc", [auc_per_user, global_auc])
def test_negative_positive_is_refused_with_row_and_column(auc, as_sparse):
    # a -1 (a dislike, or labels coded -1/+1) was read as "not positive": auc_per_user gave
    # [1.0, 1.0] as if item 1 of user 0 were a plain negative
    positives = np.array([[1, 0, 0], [0, 1, -1]])
    given = sp.csr_matrix(positives) if as_sparse else positives
    with pytest.raises(RecstackError, match=r"positives holds negative values.*row 1, "
                                            r"column 2 holds -1"):
        auc(SCORES, given)


def test_positives_of_zero_and_one_still_give_the_auc_by_hand():
    # user 0: positive 0.9 above both negatives (1.0); user 1: positive 0.8 above 0.2 and
    # 0.3 (1.0); the pooled sample: 0.9 and 0.8 above 0.1, 0.5, 0.2, 0.3 (1.0)
    positives = np.array([[1, 0, 0], [0, 1, 0]])
    assert auc_per_user(SCORES, positives).tolist() == [1.0, 1.0]
    assert global_auc(SCORES, positives) == 1.0


# ---------------------------------------------------------------- true/false values
@pytest.mark.parametrize("values", [[True, False], np.array([True, False]),
                                    pd.Series([True, False]), [0.5, True]])
def test_mean_over_users_refuses_true_false(values):
    # [True, False] was averaged as 0.5
    with pytest.raises(RecstackError, match=r"values holds true/false values"):
        mean_over_users(values)


@pytest.mark.parametrize("values", [[True, False], np.array([False, True, True])])
def test_metric_summary_refuses_true_false_naming_the_metric(values):
    # read as 1 and 0, where EvaluationResult refuses a boolean column
    with pytest.raises(RecstackError, match=r"values of hit_rate@10 holds true/false"):
        MetricSummary.from_values("hit_rate@10", values)


def test_numbers_still_average_as_by_hand():
    assert mean_over_users([1.0, 0.0, np.nan]).mean == 0.5
    assert MetricSummary.from_values("hit_rate@10", np.array([1.0, 0.0])).mean == 0.5


# ---------------------------------------------------------------- Holm arguments
TEST = PairedTest("ndcg@10", 0.1, 0.0, 0.2, 0.01, 0.02, 10)


@pytest.mark.parametrize("p_value", [2.0, -0.1, True, "0.03"])
def test_with_holm_refuses_a_p_value_outside_0_1(p_value):
    # 2.0 was kept and printed "p=2"
    with pytest.raises(RecstackError, match=r"holm_p_value must be a p-value in \[0, 1\]"):
        TEST.with_holm(p_value, 3)


@pytest.mark.parametrize("comparisons", [0, -2, 2.5, True])
def test_with_holm_refuses_fewer_than_one_comparison(comparisons):
    # 0 was kept and printed "Holm-adjusted over 0 comparisons"
    with pytest.raises(RecstackError, match=r"comparisons must be the whole number"):
        TEST.with_holm(0.03, comparisons)


def test_with_holm_keeps_valid_arguments():
    adjusted = TEST.with_holm(0.03, 3)
    assert (adjusted.holm_p_value, adjusted.comparisons) == (0.03, 3)
    assert np.isnan(TEST.with_holm(float("nan"), 2).holm_p_value)  # a pair not tested


# ---------------------------------------------------------------- names of no metric
@pytest.mark.parametrize("column", ["Unnamed: 2", "Unnamed: 1.1", " "])
def test_a_blank_header_column_is_refused(column):
    # summarised as a metric of n_users 0 and a NaN mean
    frame = pd.DataFrame({"ndcg@10": [0.1, 0.2], column: [np.nan, np.nan]})
    with pytest.raises(RecstackError, match=rf"per_user column '{column}' has no name"):
        EvaluationResult("m", frame)


def test_a_csv_with_a_trailing_comma_is_refused_when_built():
    text = "user_id,ndcg@10,\nu1,0.1,\nu2,0.2,\n"
    frame = pd.read_csv(io.StringIO(text), index_col=0)
    with pytest.raises(RecstackError, match=r"'Unnamed: 2' has no name.*trailing comma"):
        EvaluationResult("m", frame)


@pytest.mark.parametrize("name", ["precision@0", "recall@-1", "ndcg@00"])
def test_a_cutoff_below_one_is_refused(name):
    with pytest.raises(RecstackError, match=rf"'{name}' has the cut-off"):
        EvaluationResult("m", pd.DataFrame({name: [0.1, 0.2]}))
    with pytest.raises(RecstackError, match=rf"aggregate key '{name}' has the cut-off"):
        EvaluationResult("m", pd.DataFrame({"ndcg@10": [0.1]}), aggregate={name: 0.5})


def test_other_names_are_kept():
    result = EvaluationResult("m", pd.DataFrame({"ndcg@10": [0.1, 0.2], "score": [1.0, 3.0]}))
    assert result.metrics == ["ndcg@10", "score"]


# ---------------------------------------------------------------- nested cut-offs
def test_ks_of_two_dimensions_is_named_so():
    truth = sp.csr_matrix(np.array([[1, 0, 0]]))
    with pytest.raises(RecstackError, match=r"got a 2-D array of shape \(1, 2\)"):
        ranking_metrics([[0, 1, 2]], truth, ks=np.array([[1, 2]]))
    with pytest.raises(RecstackError, match=r"holding the sequence \[1, 2\]"):
        ranking_metrics([[0, 1, 2]], truth, ks=[[1, 2]])


def test_flat_ks_still_work():
    truth = sp.csr_matrix(np.array([[1, 0, 0]]))
    out = ranking_metrics([[0, 1, 2]], truth, ks=np.array([1, 2]), metrics=["precision"])
    assert out["precision@1"][0] == 1.0 and out["precision@2"][0] == 0.5


# ---------------------------------------------------------------- the summary file
def test_summary_csv_writes_user_counts_as_whole_numbers(tmp_path):
    result = EvaluationResult("m", pd.DataFrame({"ndcg@10": [0.1, 0.2]}),
                              aggregate={"coverage@10": 0.5})
    path = tmp_path / "summary.csv"
    result.to_csv(path)
    lines = path.read_text().splitlines()
    # n_users is the sixth column: 2 users, and none for a catalog-level metric
    assert lines[1].split(",")[5] == "2"
    assert lines[2].split(",")[5] == ""
