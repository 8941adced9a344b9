"""Two-hundred-seventy-first probe: the Spark path agrees with one machine's new rules.

``deduplicate(data, "sum")`` on Spark still added two ratings of one pair into a value off
the scale (5 and 4 stars made 9 on a 1-to-5 scale) where one machine now refuses it; and
the Spark loader's own copy of the look-alike rule missed ids written as floats (``"1.0"``
beside ``"1"``), which one machine now warns of. Both now use one machine's rule."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pandas as pd
import pyarrow as pa
import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.filters import Deduplicate
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError

KEEP_THE_SCALE = "choose 'mean', 'max', 'first' or 'last', which keep the scale"


def test_summed_ratings_are_refused_as_on_one_machine(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.filters import apply_filters, deduplicate, deduplicated

    # user 1 rated item 7 twice (5 then 4, by time), user 2 item 8 once
    ratings = Interactions.from_arrays([1, 1, 2], [7, 7, 8], [5.0, 4.0, 3.0], [10, 20, 30],
                                       rating_range=(1, 5))
    data = from_interactions(spark, ratings)
    with pytest.raises(ConfigError) as error:
        deduplicate(data, "sum")
    assert str(error.value) == (
        "duplicate policy 'sum' adds up the values of a repeated (user, item) pair, but these "
        "are explicit ratings, rating_range = (1, 5) (1 repeated row, e.g. user 1 and item 7)"
        ": two ratings of 5 would make 10, outside the scale; " + KEEP_THE_SCALE
        + ", or make the data implicit first to sum counts "
        "(data.implicit(), or load it without rating_range)")
    with pytest.raises(ConfigError, match=KEEP_THE_SCALE):
        apply_filters(data, [Deduplicate("sum")])
    # refused even where no pair repeats (one file must not pass and the next fail), with
    # no example to name
    single = from_interactions(spark, Interactions.from_arrays(
        [1, 2], [7, 8], [5.0, 3.0], [10, 30], rating_range=(1, 5)))
    with pytest.raises(ConfigError) as error:
        deduplicated(single, "sum")
    assert "rating_range = (1, 5): two ratings of 5 would make 10" in str(error.value)
    # the policies that keep the scale still run; implicit data still sums (5 + 4 = 9)
    assert deduplicate(data, "max")[0].to_interactions().value.tolist() == [5.0, 3.0]
    counts = replace(ratings, rating_range=None)
    summed = deduplicate(from_interactions(spark, counts), "sum")[0].to_interactions()
    assert summed.value.tolist() == [9.0, 3.0]
    assert summed.rating_range is None


def test_float_spelt_ids_warn_as_on_one_machine(spark):
    from pyspark.sql import functions as F

    from recstack.data.files import _lookalike_keys
    from recstack.spark.data import _plain_integer_key, encode

    frame = pd.DataFrame({"user_id": ["1.0", "1", "2", "7.00", "x"],
                          "item_id": ["a", "b", "c", "d", "e"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoded = encode(spark.createDataFrame(frame))
    found = [str(w.message) for w in caught if issubclass(w.category, LookalikeIdWarning)]
    assert len(found) == 1, found
    assert "column 'user_id'" in found[0] and "'1.0'" in found[0] and "'1'" in found[0]
    assert "without leading zeros or '.0'" in found[0]
    # the ids are still kept as written: five users
    assert encoded.n_users == 5
    # the Spark plain form is one machine's, spelling by spelling (worked by hand)
    spellings = ["1.0", "7.00", "+3.0", "-0.0", "007", "+7", "1_000", "-05", "12."]
    plain = ["1", "7", "3", "0", "7", "7", "1000", "-5", "12"]
    assert _lookalike_keys(pa.array(spellings, pa.string())).to_pylist() == plain
    got = (spark.createDataFrame([(s,) for s in spellings], "id string")
           .select(_plain_integer_key(F.col("id")).alias("key")).collect())
    assert [row["key"] for row in got] == plain
