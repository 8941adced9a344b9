"""Values of a result (built by hand, or read back from an edited file) that are no real
numbers though pandas reads them as numbers, values outside the bounds of the metrics that
are not shares, and a recorded setting of NaN in two results.

- an integer past the float range (a JSON file's 1 and 400 zeros) in ``aggregate`` or a
  per-user column was an OverflowError traceback;
- a complex per-user value was averaged as its real part, a date or a duration as
  nanoseconds, and ``True`` among numbers as 1 (a column of true/false is refused);
- a negative novelty or popularity, or a diversity above 2, was averaged as it was;
- two results that both recorded ``relevance_threshold=nan`` were refused as "evaluated
  with relevance_threshold=nan but ... with relevance_threshold=nan".
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.results import EvaluationResult, MetricSummary, comparison_table


def _result(column: str, values: list[object], **kwargs: object) -> EvaluationResult:
    users = pd.Index(["a", "b"], name="user_id")
    frame = pd.DataFrame({column: pd.Series(values, index=users, dtype=object)})
    return EvaluationResult("m", frame, **kwargs)  # type: ignore[arg-type]


def test_a_huge_integer_in_aggregate_is_refused_by_its_digit_count() -> None:
    with pytest.raises(ConfigError, match=r"aggregate\['items@10'\] is a 401-digit integer; "
                                          r"expected a finite number"):
        _result("ndcg@10", [0.5, 0.25], aggregate={"items@10": 10**400})


def test_a_huge_integer_in_a_per_user_column_is_refused_naming_the_user() -> None:
    result = _result("novelty@10", [3.0, -(10**400)])
    with pytest.raises(RecstackError, match=r"'novelty@10' of user 'b' is a 401-digit "
                                            r"integer \(beyond the float range"):
        result.means()


@pytest.mark.parametrize(("cell", "what"), [
    (0.5 + 1j, "a complex number"),
    (np.complex128(0.5), "a complex number"),
    (True, "a true/false value"),
    (np.False_, "a true/false value"),
    (pd.Timestamp("2020-01-01"), "a date or time"),
    (dt.date(2020, 1, 1), "a date or time"),
    (pd.Timedelta(seconds=1), "a duration"),
])
def test_a_cell_that_is_no_real_number_is_refused(cell: object, what: str) -> None:
    result = _result("hit_rate@10", [0.0, cell])
    with pytest.raises(RecstackError, match=rf"'hit_rate@10' of user 'b' is .* \({what}\); "
                                            "expected a finite number"):
        result.summary()


@pytest.mark.parametrize("column", [
    pd.Series([0.5 + 1j, 0.25], dtype=np.complex128),
    pd.Series(pd.to_datetime(["2020-01-01", "2020-01-02"])),
    pd.Series(pd.to_timedelta([1, 2], unit="s")),
])
def test_a_column_of_another_kind_of_value_is_refused(column: pd.Series) -> None:
    frame = pd.DataFrame({"novelty@10": column.to_numpy()}, index=["a", "b"])
    result = EvaluationResult("m", frame)
    with pytest.raises(RecstackError, match="'novelty@10' of user 'a' is .*expected a finite "
                                            "number"):
        result.means()


def test_numbers_in_an_object_column_are_still_read() -> None:
    # ints, floats, text spelling a number and None (a missing value): (1 + 0.5 + 0) / 3
    frame = pd.DataFrame({"novelty@10": pd.Series([1, "0.5", 0.0, None], dtype=object,
                                                  index=["a", "b", "c", "d"])})
    summary = EvaluationResult("m", frame).summary()["novelty@10"]
    assert summary.mean == pytest.approx(0.5)
    assert summary.n_users == 3


def test_a_categorical_column_of_numbers_is_read() -> None:
    frame = pd.DataFrame({"ndcg@10": pd.Categorical([0.5, 0.25])}, index=["a", "b"])
    assert EvaluationResult("m", frame).means() == {"ndcg@10": pytest.approx(0.375)}


@pytest.mark.parametrize(("metric", "value", "said"), [
    ("novelty@10", -1.5, "novelty is -log2 of a probability, at least 0; expected a value >= 0"),
    ("popularity@5", -2.0, "popularity is a mean count of training users, at least 0"),
    ("diversity@10", 2.5, r"diversity is a mean cosine distance, between 0 and 2; expected "
                          r"a value in \[0, 2\]"),
    ("diversity@10", -0.1, "diversity is a mean cosine distance"),
])
def test_a_value_outside_a_metrics_bounds_is_refused(metric: str, value: float,
                                                     said: str) -> None:
    frame = pd.DataFrame({metric: [1.0, value]}, index=pd.Index(["a", "b"], name="user_id"))
    with pytest.raises(RecstackError, match=f"{metric!r} of user 'b' is {value}, but {said}"):
        EvaluationResult("m", frame)
    with pytest.raises(ConfigError, match=rf"aggregate\['{metric}'\] is {value}, but {said}"):
        _result("ndcg@10", [0.5, 0.25], aggregate={metric: value})


@pytest.mark.parametrize(("metric", "value"), [
    ("novelty@10", 0.0), ("novelty@10", 12.5), ("popularity@5", 1234.0),
    ("diversity@10", 0.0), ("diversity@10", 2.0), ("diversity@10", 1.0 + 1e-12)])
def test_values_within_the_bounds_are_kept(metric: str, value: float) -> None:
    frame = pd.DataFrame({metric: [value, value]}, index=["a", "b"])
    assert EvaluationResult("m", frame).means()[metric] == pytest.approx(value)


def test_two_results_that_recorded_a_nan_setting_compare() -> None:
    frame = pd.DataFrame({"ndcg@10": [0.5, 0.25]}, index=["a", "b"])
    other = pd.DataFrame({"ndcg@10": [0.25, 0.25]}, index=["a", "b"])
    a = EvaluationResult("a", frame, meta={"relevance_threshold": math.nan})
    b = EvaluationResult("b", other, meta={"relevance_threshold": math.nan})
    assert a.compare(b, "ndcg@10").mean_difference == pytest.approx(0.125)
    assert comparison_table([a, b]).loc["a", "ndcg@10"] == pytest.approx(0.375)
    # and a NaN beside a number is still two settings
    c = EvaluationResult("c", other, meta={"relevance_threshold": 4})
    with pytest.raises(RecstackError, match="relevance_threshold=nan but c with "
                                            "relevance_threshold=4"):
        a.compare(c, "ndcg@10")


@pytest.mark.parametrize("confidence", [Decimal("0.9"), Fraction(9, 10), np.float32(0.9)])
def test_a_confidence_level_of_any_real_number_is_read(confidence: object) -> None:
    # values 1, 2, 3: mean 2, sd 1, n 3; t(0.95, 2 df) = 2.91999, so the half width is
    # 2.91999 * 1 / 3**0.5 = 1.685855
    summary = MetricSummary.from_values("m", np.array([1.0, 2.0, 3.0]), confidence)
    assert summary.mean == 2.0
    assert summary.ci_low == pytest.approx(2 - 1.685855, abs=1e-5)
    assert summary.ci_high == pytest.approx(2 + 1.685855, abs=1e-5)


@pytest.mark.parametrize("confidence", [Decimal("NaN"), Decimal("1"), Fraction(3, 2), np.True_])
def test_a_confidence_level_outside_zero_one_is_still_refused(confidence: object) -> None:
    with pytest.raises(ConfigError, match="confidence must be a level strictly between 0 and "
                                          "1"):
        MetricSummary.from_values("m", np.array([1.0, 2.0, 3.0]), confidence)
