"""A p-value that underflows to 0 is shown as below the smallest float, not as "p=0": ALS
against most-popular on the Last.fm graph-CF split printed "paired t p=0"."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from recstack.evaluation.results import EvaluationResult, PairedTest, p_value_relation


def test_an_underflowed_p_value_is_shown_as_below_the_smallest_float() -> None:
    assert p_value_relation(0.0) == "<5e-324"
    assert p_value_relation(0.01984) == "=0.0198"
    assert p_value_relation(4.09e-270) == "=4.09e-270"
    test = PairedTest("ndcg@20", 0.171, 0.1638, 0.1782, 0.0, 4.1e-241, 1863)
    text = str(test.with_holm(0.0, 2))
    assert "paired t p<5e-324 (Holm-adjusted over 2 comparisons: p<5e-324)" in text
    assert "Wilcoxon p=4.1e-241" in text and "p=0 " not in text


def test_compare_of_results_far_apart_says_so() -> None:
    rng = np.random.default_rng(0)
    users = pd.Index([f"u{i}" for i in range(2000)], name="user_id")
    low = rng.uniform(0.0, 0.1, 2000)
    high = low + 0.5 + rng.uniform(0.0, 0.001, 2000)
    # scipy, apart from the code: the t statistic is in the thousands and p underflows
    assert stats.ttest_rel(high, low).pvalue == 0.0
    better = EvaluationResult("b", pd.DataFrame({"ndcg@20": high}, index=users))
    worse = EvaluationResult("a", pd.DataFrame({"ndcg@20": low}, index=users))
    assert "paired t p<5e-324" in str(better.compare(worse, "ndcg@20"))
