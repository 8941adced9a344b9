"""The gate's per-user values and margin against the range of the metric they are: every
ranking metric lies in [0, 1] (a share of relevant items found, a reciprocal rank, a
normalised gain), so a value outside it, or a margin above 1, is a mistake of the caller
(a percentage, a sentinel), not a measurement; the gate decided on them without a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.gate import decide

USERS = pd.RangeIndex(20, name="user_id")
GOOD = pd.Series(np.linspace(0.1, 0.9, 20), index=USERS)


@pytest.mark.parametrize("metric", ["ndcg@10", "recall@5", "mrr@20", "precision@1"])
@pytest.mark.parametrize(("which", "value", "shown"), [
    ("candidate", 5.0, "5"), ("candidate", -1.0, "-1"), ("published", 1.5, "1.5"),
])
def test_a_value_outside_0_1_of_a_ranking_metric_is_refused(metric, which, value, shown):
    values = GOOD.copy()
    values.iloc[3] = value
    candidate, published = (values, GOOD) if which == "candidate" else (GOOD, values)
    with pytest.raises(RecstackError, match=rf"gate: the {which} model's per-user values "
                                            rf"must lie in \[0, 1\] for {metric}.*user 3 "
                                            rf"has {shown} \(1 value"):
        decide(candidate, published, metric=metric, margin=0.0, min_users=10)


def test_the_first_model_is_not_published_on_values_outside_the_range():
    """Nothing published yet: the values were not even compared, and -0.5 everywhere
    published 'the first model'."""
    with pytest.raises(RecstackError, match=r"must lie in \[0, 1\] for ndcg@10"):
        decide(GOOD - 1.0, None, metric="ndcg@10", margin=0.0, min_users=10)


def test_the_ends_of_the_range_nan_and_rounding_are_accepted():
    values = GOOD.copy()
    values.iloc[:4] = [0.0, 1.0, np.nan, 1.0 + 2e-16]
    decision = decide(values, GOOD, metric="ndcg@10", margin=0.0, min_users=10)
    assert decision.candidate_users == 19


def test_a_metric_that_is_not_a_ranking_metric_keeps_its_own_scale():
    """The gate labels values with any name; only the ranking metrics' range is known."""
    decision = decide(GOOD * 5, GOOD, metric="revenue", margin=0.0, min_users=10)
    assert decision.publish
    assert decision.difference == pytest.approx(float((GOOD * 5 - GOOD).mean()))


@pytest.mark.parametrize("margin", [1.5, 5, 100.0])
def test_a_margin_above_1_for_a_ranking_metric_is_refused(margin):
    """A margin of 5 (meant as five points) let any model through."""
    with pytest.raises(ConfigError, match=rf"gate: margin must be <= 1 for ndcg@10 .*"
                                          rf"got {margin}"):
        decide(GOOD * 0.1, GOOD, metric="ndcg@10", margin=margin, min_users=10)


def test_a_margin_of_1_is_still_accepted():
    assert decide(GOOD * 0.1, GOOD, metric="ndcg@10", margin=1, min_users=10).publish


@pytest.mark.parametrize("index", [[np.nan, 1.0, 2.0], [None, "a", "b"]])
def test_a_value_without_a_user_id_is_refused(index):
    """A NaN user id counted in the candidate's mean and could never be paired."""
    values = pd.Series([0.1, 0.2, 0.3], index=index)
    with pytest.raises(RecstackError, match=r"candidate model's per-user values are indexed "
                                            r"by user id; 1 value\(s\) have an empty"):
        decide(values, None, metric="ndcg@10", margin=0.0, min_users=2)


@pytest.mark.parametrize("version", [0, -1])
def test_a_published_version_below_1_is_refused(version):
    """Registry versions count from 1; the run's report.json refuses any other."""
    with pytest.raises(ConfigError, match=rf"gate: published_version must be >= 1 .*got "
                                          rf"{version}"):
        decide(GOOD, GOOD, metric="ndcg@10", margin=0.0, min_users=10,
               published_version=version)
