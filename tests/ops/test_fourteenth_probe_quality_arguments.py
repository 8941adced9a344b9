"""Fourteenth bad-input probe, the quality checks called from Python: ``check_partition``
took a pandas frame, a dict of thresholds, a rating range or a period as text, or a count
list as one number, and failed inside a check with an AttributeError or a numpy TypeError;
a reversed rating range (5, 1) failed every row's range check without a word about the
range. ``QualitySpec(shares=...)`` kept a misspelt check name (the check it meant ran at
its default) and a bare number (an AttributeError at the first partition)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from recstack.errors import ConfigError
from recstack.ops.quality import QualitySpec, ShareThreshold, check_partition

TABLE = pa.table({"user_id": [1, 2, 3], "item_id": [1, 2, 3], "value": [1.0, 2.0, 3.0],
                  "timestamp": [1000, 2000, 3000]})
NOW = 1_000_000_000


def _check(**changed):
    arguments = {"table": TABLE, "spec": QualitySpec(), "now": NOW} | changed
    return check_partition(arguments.pop("table"), arguments.pop("spec"), **arguments)


@pytest.mark.parametrize(("changed", "says"), [
    ({"table": TABLE.to_pandas()}, "table must be a pyarrow.Table of the partition's rows, "
     "got DataFrame (convert a pandas DataFrame with pyarrow.Table.from_pandas(frame, "
     "preserve_index=False))"),
    ({"spec": {"volume_warn": 2.0}}, "spec must be a QualitySpec (e.g. QualitySpec() or "
     "QualitySpec(volume_warn=3.0)), got dict"),
    ({"rating_range": (5.0, 1.0)}, "rating_range must be (low, high) of the ratings, "
     "low < high, or None, got (5.0, 1.0)"),
    ({"rating_range": "1-5"}, "rating_range must be (low, high) of the ratings, low < high, "
     "or None, got '1-5'"),
    ({"period": ("2019-01-01", "2019-02-01")}, "period must be (start, end) in Unix seconds, "
     "start < end, or None, got ('2019-01-01', '2019-02-01')"),
    ({"previous_rows": 3}, "previous_rows must be a list of the row counts (whole numbers "
     ">= 0) of the partitions before this one, oldest first, or None, got 3"),
    ({"previous_rows": ["10"]}, "previous_rows must be a list of the row counts"),
    ({"catalog_items": "abc"}, "catalog_items must be a 1-D list or array of the known ids, "
     "or None, got 'abc'"),
    ({"explicit": "no"}, "explicit must be True or False, got 'no'"),
    ({"label": 5}, "label must be the partition's name as text, got 5"),
])
def test_a_malformed_argument_is_refused_by_name(changed, says):
    with pytest.raises(ConfigError) as refused:
        _check(**changed)
    assert str(refused.value).startswith(f"check_partition: {says}")


def test_well_formed_arguments_still_check_the_rows():
    results = {r.check: r.status for r in _check(rating_range=(1, 5), period=(0, 5000),
                                                 previous_rows=[3, 3],
                                                 catalog_items=[1, 2, 3])}
    assert results["range"] == results["outside_partition"] == "passed"
    assert results["volume"] == results["unknown_items"] == "passed"
    # a value of 3.0 outside a range of (1, 2): one of three rows
    (outside,) = [r for r in _check(rating_range=(1, 2)) if r.check == "range"]
    assert (outside.status, outside.count) == ("failed", 1)


def test_share_thresholds_given_in_python_are_checked_by_name():
    with pytest.raises(ConfigError) as refused:
        QualitySpec(shares={"duplicate": ShareThreshold(0.0, 0.5)})
    assert str(refused.value) == ("QualitySpec: shares has no check 'duplicate' (did you mean "
                                  "'duplicates'?); the checks with thresholds are: nulls, "
                                  "range, duplicates, future, before_floor, outside_partition, "
                                  "unknown_items, unknown_users")
    with pytest.raises(ConfigError, match=r"^QualitySpec: shares\['nulls'\] = 0\.1: expected "
                                          r"the check's thresholds, ShareThreshold\("):
        QualitySpec(shares={"nulls": 0.1})
    with pytest.raises(ConfigError, match=r"^QualitySpec: shares\['nulls'\] warn = 2: must "
                                          r"be in \[0, 1\]"):
        QualitySpec(shares={"nulls": {"warn": 2}})


def test_share_thresholds_given_in_part_keep_the_others_at_their_defaults():
    spec = QualitySpec(shares={"duplicates": {"fail": 0.5}, "nulls": ShareThreshold(0.1, 0.2)})
    assert spec.shares["duplicates"] == ShareThreshold(0.0, 0.5)
    assert spec.shares["nulls"] == ShareThreshold(0.1, 0.2)
    assert spec.shares["range"] == ShareThreshold(0.0, 0.0)
    assert spec.shares["unknown_users"] == ShareThreshold(1.0, 1.0)
    # every check finds its thresholds: a partition is checked without a KeyError
    assert {r.check for r in check_partition(TABLE, spec, now=NOW)} >= {"range", "nulls"}
