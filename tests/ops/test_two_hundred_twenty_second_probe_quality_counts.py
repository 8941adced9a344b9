"""The quality checks' messages said "1 rows", "1 rows repeat", "1 values outside",
"over the previous 1 partition(s)" and "a item_id": counts now agree with their nouns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from recstack.ops.quality import QualitySpec, check_partition

T = 1_600_000_000


def _by_check(results):
    return {r.check: r.message for r in results}


def test_one_of_each_is_written_in_the_singular():
    # rows 0 and 1 are the same event; row 2 has no value, lies after the clock and after
    # the partition's period; item 8 and user 2 are not in the catalogs
    table = pa.table({"user_id": [1, 1, 2], "item_id": [7, 7, 8],
                      "value": pa.array([3.0, 3.0, np.nan]),
                      "timestamp": [T, T, T + 100]})
    messages = _by_check(check_partition(
        table, QualitySpec(), now=T + 10, rating_range=(1, 5), previous_rows=[3],
        period=(T - 100, T + 50), catalog_items=np.array([7]), catalog_users=np.array([1])))
    assert messages["empty"] == "3 rows"
    assert messages["nulls"] == "1 row with an empty value (in value; a NaN counts as empty)"
    assert messages["duplicates"] == ("1 row repeats an earlier (user_id, item_id, "
                                      "timestamp)")
    assert messages["future"] == "1 timestamp after the run's clock"
    assert messages["outside_partition"].startswith("1 timestamp outside the partition's ")
    assert messages["unknown_items"] == "1 row with an item_id not in the catalog"
    assert messages["unknown_users"] == "1 row with a user_id not in the catalog"
    assert messages["volume"] == ("3 rows against a median of 3 over the previous 1 "
                                  "partition (ratio 1.00)")


def test_a_single_row_and_a_single_bad_value():
    table = pa.table({"user_id": [1], "item_id": [7], "value": [9.0], "timestamp": [-5]})
    messages = _by_check(check_partition(table, QualitySpec(), now=T, rating_range=(1, 5)))
    assert messages["empty"] == "1 row"
    assert messages["range"] == "1 value outside [1, 5]"
    assert messages["before_floor"].startswith("1 negative timestamp (before 1970-01-01")
    assert messages["nulls"] == "0 rows with an empty value"
