"""Round 58 probe of the statistics of results called directly: a metric name that is no
text and ragged p-values were Python's and numpy's tracebacks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.results import MetricSummary, holm_adjust


@pytest.mark.parametrize("metric", [None, 5, b"ndcg@10"])
def test_a_metric_name_that_is_no_text_is_refused_naming_the_argument(metric):
    # None and 5 were AttributeError: 'NoneType' object has no attribute 'split'
    with pytest.raises(ConfigError, match=r"MetricSummary\.from_values: metric must be the "
                                          r"metric's name as text"):
        MetricSummary.from_values(metric, np.array([0.1, 0.2]))


def test_a_named_metric_keeps_its_t_interval():
    # values 0.2, 0.4: mean 0.3, s = sqrt(0.02) = 0.141421..., t(0.975, 1) = 12.7062047...
    # half width 12.7062047 * 0.141421 / sqrt(2) = 1.27062047, cut at the share's [0, 1]
    summary = MetricSummary.from_values("recall@10", np.array([0.2, 0.4]))
    assert summary.mean == pytest.approx(0.3)
    assert (summary.ci_low, summary.ci_high, summary.clipped) == (0.0, 1.0, True)
    unbounded = MetricSummary.from_values("score", np.array([0.2, 0.4]))
    assert unbounded.ci_high == pytest.approx(0.3 + 1.2706204736174698, rel=1e-9)


@pytest.mark.parametrize(("p_values", "where"), [
    ([[0.1], [0.2, 0.3]], "row 0 holds 1 entry but row 1 holds 2 entries"),
    ([0.1, [0.2]], "row 0 holds a single value but row 1 holds 1 entry"),
    ([[0.1, 0.2]] * 7 + [[0.3]], "row 0 holds 2 entries but row 7 holds 1 entry"),
])
def test_ragged_p_values_are_refused_naming_the_odd_row(p_values, where):
    # numpy's ValueError ("setting an array element with a sequence ... inhomogeneous
    # shape") came out of holm_adjust
    with pytest.raises(RecstackError, match=r"holm_adjust: p-values must be an array of "
                                            r"numbers .*rows of one length: " + where):
        holm_adjust(p_values)


def test_rectangular_p_values_are_adjusted_as_holm_defines():
    # sorted 0.01, 0.04, 0.5 of m = 3: 3 * 0.01 = 0.03, max(0.03, 2 * 0.04) = 0.08,
    # max(0.08, 1 * 0.5) = 0.5; the NaN (a pair not tested) stays NaN
    adjusted = holm_adjust([[0.01, 0.04], [0.5, math.nan]])
    assert adjusted[0].tolist() == pytest.approx([0.03, 0.08])
    assert adjusted[1, 0] == pytest.approx(0.5)
    assert math.isnan(adjusted[1, 1])


def test_a_paired_test_without_enough_values_says_the_users_are_shared_but_left_out():
    # three users in both results, but only user 2 has a value in both: the refusal said
    # "needs at least 2 shared users, got 1", as though the results had one user in common
    import pandas as pd

    from recstack.evaluation.results import EvaluationResult

    mine = EvaluationResult("a", pd.DataFrame({"recall@10": [math.nan, 0.3, 0.1]}))
    theirs = EvaluationResult("b", pd.DataFrame({"recall@10": [0.2, 0.4, math.nan]}))
    with pytest.raises(RecstackError, match=r"needs at least 2 shared users, got 1; of the 3 "
                                            r"users both results hold, 1 has a value in both "
                                            r"\(a NaN recall@10 is a user left out"):
        mine.compare(theirs, "recall@10")
