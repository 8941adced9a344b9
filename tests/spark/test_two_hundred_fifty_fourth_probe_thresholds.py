"""The Spark threshold rules say what their one-machine twins say: a ``min_value`` filter or
a ``relevance_threshold`` at or below every value warns ``ThresholdKeepsEveryRowWarning``
(both were silent), a filter called alone that removes every row warns
``FilterLeftNothingWarning`` (it returned empty data without a word), and the relevance
threshold compares in float32, as one machine does (the rating 3.6 was not relevant at 3.6)."""

from __future__ import annotations

import warnings
from decimal import Decimal

import pytest

from recstack.data import filters as local_filters
from recstack.data.filters import FilterLeftNothingWarning
from recstack.data.interactions import Interactions, ThresholdKeepsEveryRowWarning
from recstack.errors import EmptyResultError
from recstack.evaluation.evaluator import Evaluator
from recstack.spark import data as sd
from recstack.spark import evaluation as se
from recstack.spark import filters as sf

# four ratings from 1 to 5; 3.6 is held as float32(3.6) = 3.5999999
RATINGS = Interactions.from_arrays(["a", "a", "b", "b"], ["x", "y", "x", "z"],
                                   values=[1.0, 3.6, 5.0, 2.0], timestamps=[10, 20, 30, 40])
KEEPS_ALL = ("{}: the 4 {} run from 1 to 5, all at least the threshold, so {}, as without "
             "one; give a threshold within the values (e.g. 4 on a 1-5 scale), or leave it out")


def _ours(caught: list[warnings.WarningMessage]) -> list[tuple[type, str]]:
    """recstack's warnings (pyspark's own FutureWarnings about pandas left out)."""
    return [(w.category, str(w.message)) for w in caught
            if issubclass(w.category, ThresholdKeepsEveryRowWarning | FilterLeftNothingWarning)]


def _local_warnings(call) -> list[tuple[type, str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return _ours(caught)


def test_spark_filters_warn_as_the_single_machine_filters(spark):
    data = sd.from_interactions(spark, RATINGS)
    keeps_all = (ThresholdKeepsEveryRowWarning, KEEPS_ALL.format(
        "min_value(threshold=0.4) keeps every row", "values", "no row is removed"))
    for run in (lambda: sf.min_value(data, 0.4),
                lambda: sf.apply_filters(data, [local_filters.MinValue(0.4)])):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            kept, step = run()
        assert _ours(caught) == [keeps_all]
        assert (step if isinstance(step, local_filters.FilterStep) else step[0]).rows_after == 4
    assert _local_warnings(lambda: local_filters.MinValue(0.4).apply(RATINGS)) == [keeps_all]
    # a threshold within the values, and implicit data (every value 1): no warning
    implicit = sd.from_interactions(spark, Interactions.from_arrays(["a", "b"], ["x", "y"]))
    for run in (lambda: sf.min_value(data, 3.6), lambda: sf.min_value(implicit, 0.5)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run()
        assert _ours(caught) == []
    # a filter called alone that removes every row warns, in one machine's words
    emptied = [
        (lambda: sf.min_value(data, 9), lambda: local_filters.MinValue(9).apply(RATINGS),
         "min_value(threshold=9) removed all 4 rows (the largest value is 5)"),
        (lambda: sf.time_window(data, 100, 200),
         lambda: local_filters.TimeWindow(100, 200).apply(RATINGS),
         "time_window(start=100, end=200) removed all 4 rows (the data's times run from "
         "1970-01-01T00:00:10Z to 1970-01-01T00:00:40Z)")]
    for spark_run, local_run, said in emptied:
        want = [(FilterLeftNothingWarning, f"{said}; the data it returns are empty: loosen it "
                 "(apply_filters and k_core refuse this)")]
        assert _local_warnings(local_run) == want
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            left, step = spark_run()
        assert _ours(caught) == want and step.rows_after == 0
        # pointed at the caller's line
        assert [w.filename for w in caught if w.category is FilterLeftNothingWarning] == [
            __file__]
    # the filter list refuses such a step, without the warning first
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(EmptyResultError, match=r"filter step 1 of 1, min_value"):
            sf.apply_filters(data, [local_filters.MinValue(9)])
    assert _ours(caught) == []


def test_spark_relevance_threshold_compares_and_warns_as_the_evaluator(spark):
    data = sd.from_interactions(spark, RATINGS)

    def relevant(threshold) -> set[tuple[str, str]]:
        rows = se.relevance(data, relevance_threshold=threshold).collect()
        users, items = RATINGS.users.to_external, RATINGS.items.to_external
        return {(users([r["user_index"]])[0], items([r["item_index"]])[0]) for r in rows}

    # 3.6 held as float32 is at least the threshold 3.6 (float32 too), and 5 is: by hand
    # the relevant pairs are (a, y) and (b, x); float64 comparison left (a, y) out
    assert relevant(3.6) == {("a", "y"), ("b", "x")}
    assert Evaluator(ks=[2], relevance_threshold=3.6).relevance(RATINGS).nnz == 2
    # a Decimal is a threshold for the Evaluator, and now here too (it was refused)
    assert relevant(Decimal("3.6")) == {("a", "y"), ("b", "x")}
    keeps_all = (ThresholdKeepsEveryRowWarning, KEEPS_ALL.format(
        "relevance_threshold=0.4 counts every test pair as relevant", "test values",
        "no pair is left out"))
    assert _local_warnings(
        lambda: Evaluator(ks=[2], relevance_threshold=0.4).relevance(RATINGS)) == [keeps_all]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(relevant(0.4)) == 4
    assert _ours(caught) == [keeps_all]
