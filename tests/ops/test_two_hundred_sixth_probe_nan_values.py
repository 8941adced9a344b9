"""A partition's non-finite numbers: a NaN in a float column was not counted as the empty
value it stands for (a null there failed the nulls check, a NaN passed it), a NaN rating was
reported as a value "outside [1, 5]", and without a rating range NaN and infinite values
passed every check (the data then failed to load with "non-finite value(s)"). A NaN is now
an empty value, counted by the nulls check as a null is, and an infinite value is counted
by the range check even without a range."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from recstack.ops.quality import FAILED, PASSED, SKIPPED, QualitySpec, check_partition

T = 1_600_000_000


FLOAT64 = pa.float64()


def _table(values, value_type=FLOAT64):
    n = len(values)
    return pa.table({"user_id": list(range(n)), "item_id": list(range(n)),
                     "value": pa.array(values, value_type), "timestamp": [T] * n})


def _by_check(results):
    return {r.check: r for r in results}


@pytest.mark.parametrize("value_type", [pa.float64(), pa.float32()])
def test_a_nan_value_is_an_empty_value_without_a_rating_range(value_type):
    checks = _by_check(check_partition(_table([np.nan, 2.0, 3.0, np.nan], value_type),
                                       QualitySpec(), now=T + 10))
    nulls = checks["nulls"]
    assert (nulls.status, nulls.count, nulls.examples) == (FAILED, 2, [0, 3])
    assert nulls.share == pytest.approx(2 / 4)
    assert nulls.message == "2 rows with an empty value (in value; a NaN counts as empty)"
    assert checks["range"].status == SKIPPED


def test_nulls_and_nans_count_once_each_row_and_the_range_leaves_them_out():
    values = pa.array([np.nan, None, 9.0, 3.0, np.inf])
    checks = _by_check(check_partition(_table(values), QualitySpec(),
                                       rating_range=(1.0, 5.0), now=T + 10))
    assert (checks["nulls"].count, checks["nulls"].examples) == (2, [0, 1])
    # 9 and inf lie outside [1, 5]; the NaN is no longer one of them
    assert (checks["range"].status, checks["range"].count) == (FAILED, 2)
    assert checks["range"].examples == [9.0, "inf"]  # written as text in the report
    assert checks["range"].message == "2 values outside [1, 5]"


def test_an_infinite_value_is_counted_without_a_rating_range():
    checks = _by_check(check_partition(_table([1.0, -np.inf, 2.0]), QualitySpec(),
                                       now=T + 10))
    rng = checks["range"]
    assert (rng.status, rng.count, rng.examples) == (FAILED, 1, ["-inf"])
    assert rng.message == ("1 infinite value (no rating range declared: values must still "
                           "be finite numbers)")
    assert checks["nulls"].status == PASSED


def test_finite_values_still_pass_and_integer_values_have_no_nan():
    for table in (_table([1.0, 2.5, 0.0]), _table([1, 2, 3], pa.int64())):
        checks = _by_check(check_partition(table, QualitySpec(), now=T + 10))
        assert checks["nulls"].status == PASSED
        assert checks["nulls"].message == "0 rows with an empty value"
        assert checks["range"].status == SKIPPED


def test_a_nan_in_another_float_column_is_seen_and_reported_but_not_counted():
    # the pipeline never reads "price": its NaN and null are named (a NaN still counts as
    # the empty value it stands for), and they no longer fail the partition
    table = _table([1.0, 2.0, 3.0]).append_column("price", pa.array([np.nan, 5.0, None]))
    nulls = _by_check(check_partition(table, QualitySpec(), rating_range=(1.0, 5.0),
                                      now=T + 10))["nulls"]
    assert (nulls.status, nulls.count, nulls.examples) == (PASSED, 0, [])
    assert nulls.message == ("0 rows with an empty value; not counted, as the pipeline does "
                             "not read the column: 2 rows in price (a NaN counts as empty)")


def test_a_nan_in_a_float_column_the_pipeline_reads_still_counts():
    table = _table([1.0, 2.0, 3.0]).append_column("price", pa.array([np.nan, 5.0, None]))
    nulls = _by_check(check_partition(table, QualitySpec(), rating_range=(1.0, 5.0),
                                      now=T + 10, read_columns=["price"]))["nulls"]
    assert (nulls.status, nulls.count, nulls.examples) == (FAILED, 2, [0, 2])
    assert nulls.message == "2 rows with an empty value (in price; a NaN counts as empty)"
