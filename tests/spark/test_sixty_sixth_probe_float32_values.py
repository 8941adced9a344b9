"""Sixty-sixth bad-input probe of the Spark path: values float32 cannot hold (whole
numbers beyond 2**24, non-zero values below float32's smallest) were kept exactly by the
Spark loader, as doubles and without a word, while one machine keeps values as float32 and
warns (:class:`~recstack.data.interactions.InexactValueWarning`). The same input now gives
the same warning on both, and the same values on the driver."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import InexactValueWarning, Interactions


def _inexact(caught):
    return [w for w in caught if issubclass(w.category, InexactValueWarning)]


def _both(spark, frame):
    """(values, warnings) of one machine and of Spark for the same frame."""
    from recstack.spark.data import encode

    results = []
    for build in (lambda: Interactions.from_frame(frame),
                  lambda: encode(spark.createDataFrame(frame)).to_interactions()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = build()
        results.append((data.value.tolist(), _inexact(caught)))
    return results


@pytest.mark.parametrize("value,kept", [
    (16777217.0, 16777216.0),       # 2**24 + 1: float32's first whole number it rounds
    (2**53 + 1, 2.0**53),           # a long: exact in Spark's long, rounded as float32
    (1e-46, 0.0),                   # below float32's smallest non-zero (1.4e-45)
])
def test_values_float32_cannot_hold_warn_and_agree(spark, value, kept):
    frame = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [7, 8, 9],
                          "value": [1, 2, value]})
    (local, local_warned), (distributed, spark_warned) = _both(spark, frame)
    assert local_warned and spark_warned
    message = str(spark_warned[0].message)
    assert "column 'value'" in message and "1 value(s)" in message
    assert "user_id=3" in message  # the first row that changes
    assert local[2] == kept and sorted(distributed) == sorted(local)


def test_the_count_of_changed_values(spark):
    from recstack.spark.data import encode

    frame = spark.createDataFrame(pd.DataFrame({
        "user_id": [1, 2, 3, 4], "item_id": [1, 1, 1, 1],
        "value": [16777217.0, 16777219.0, 16777218.0, 5.0]}))  # 16777218 is a float32
    with pytest.warns(InexactValueWarning, match=r"2 value\(s\) change"):
        encode(frame)


@pytest.mark.parametrize("values", [[0.1, 0.2, 0.3], [1, 2, 2**24], [-16777216.0, 3.5, 0.0]])
def test_values_float32_holds_or_rounds_as_a_fraction_are_not_warned_of(spark, values):
    frame = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [7, 8, 9], "value": values})
    (local, local_warned), (distributed, spark_warned) = _both(spark, frame)
    assert not local_warned and not spark_warned
    assert sorted(distributed) == sorted(local) == sorted(
        float(np.float32(v)) for v in values)


def test_values_near_float32s_largest_are_checked_without_overflow(spark):
    """floor() of a double beyond a long's range overflowed in Spark's ANSI mode."""
    from recstack.spark.data import encode

    frame = spark.createDataFrame(pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2],
                                                "value": [3.0e38, -1.0e20]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InexactValueWarning)  # beyond 2**53: not warned of
        data = encode(frame)
    assert data.n_users == 2
