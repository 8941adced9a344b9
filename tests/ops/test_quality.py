"""Quality checks: each on a table whose problems are counted by hand."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from recstack.errors import ConfigError
from recstack.ops.quality import QualitySpec, check_partition

NOW = 1_700_000_000  # 2023-11-14


def table(**overrides):
    columns = {"user_id": [1, 1, 2, 3, 3, 4, 5, 6, 7, 8],
               "item_id": [10, 11, 10, 12, 13, 10, 11, 12, 13, 14],
               "value": [4.0, 5.0, 3.0, 1.0, 2.0, 4.0, 5.0, 3.0, 4.0, 2.0],
               "timestamp": list(range(NOW - 100, NOW - 90))}
    columns.update(overrides)
    return pa.table(columns)


def by_name(results):
    return {r.check: r for r in results}


def run(data, spec=None, **options):
    options.setdefault("rating_range", (1.0, 5.0))
    options.setdefault("now", NOW)
    return by_name(check_partition(data, spec or QualitySpec(), **options))


def test_clean_partition_passes_everything_it_can_check():
    results = run(table(), catalog_items=np.arange(10, 15), catalog_users=np.arange(1, 9),
                  previous_rows=[10, 12, 9])
    assert {r.status for r in results.values()} == {"passed", "skipped"}
    assert results["before_floor"].status == "skipped"  # no floor declared
    assert results["volume"].status == "passed"


def test_schema_wrong_type_and_missing_column():
    results = run(table(timestamp=[str(t) for t in range(10)]).drop(["value"]))
    assert results["schema"].status == "failed"
    assert "no column 'value'" in results["schema"].message
    assert "column 'timestamp' holds string" in results["schema"].message
    assert results["future"].status == "skipped"
    assert results["range"].status == "skipped"


def test_nulls_range_and_duplicates_counted():
    data = table(value=[4.0, None, 3.0, 7.0, 0.5, 4.0, 5.0, 3.0, 4.0, 2.0],
                 user_id=[1, 1, 2, 3, 3, 4, 5, 6, 1, 1],
                 item_id=[10, 11, 10, 12, 13, 10, 11, 12, 10, 11],
                 timestamp=[1, 2, 3, 4, 5, 6, 7, 8, 1, 2])
    results = run(data, spec=QualitySpec.from_table(
        {"timestamp_floor": "1970-01-01T00:00:05", "duplicates": {"warn": 0.1, "fail": 0.5}}))
    assert (results["nulls"].status, results["nulls"].count) == ("failed", 1)
    assert results["nulls"].examples == [1]
    # 7.0 and 0.5 are outside [1, 5]; the null is counted by the nulls check only
    assert (results["range"].status, results["range"].count) == ("failed", 2)
    assert sorted(results["range"].examples) == [0.5, 7.0]
    # rows 9 and 10 repeat rows 1 and 2: share 0.2, above warn 0.1, below fail 0.5
    assert (results["duplicates"].status, results["duplicates"].count) == ("warned", 2)
    # timestamps 1..4 (and the repeats 1, 2) are before second 5
    assert results["before_floor"].count == 6


def test_future_timestamps_and_unknown_ids():
    data = table(timestamp=[NOW + 10] * 3 + [NOW - 5] * 7, item_id=[10] * 8 + [99, 98])
    results = run(data, catalog_items=np.arange(10, 15))
    assert (results["future"].status, results["future"].count) == ("failed", 3)
    assert results["future"].examples[0].startswith("2023-11-14")
    assert (results["unknown_items"].count, results["unknown_items"].status) == (2, "failed")
    assert results["unknown_items"].examples == [98, 99]
    assert results["unknown_users"].status == "skipped"


def test_volume_against_previous_partitions():
    spec = QualitySpec(volume_warn=2.0, volume_fail=5.0, volume_history=2)
    # median of the last two partitions (100, 30) is 65: 10 rows is a ratio of 6.5
    assert run(table(), spec, previous_rows=[1000, 100, 30])["volume"].status == "failed"
    assert run(table(), spec, previous_rows=[6, 12])["volume"].status == "passed"
    assert run(table(), spec, previous_rows=[30])["volume"].status == "warned"


def test_empty_partition_fails():
    empty = table().slice(0, 0)
    results = run(empty)
    assert results["empty"].status == "failed"


def test_config_errors_name_the_table_and_key():
    with pytest.raises(ConfigError, match=r"\[quality.nulls\] fail = 2: must be in"):
        QualitySpec.from_table({"nulls": {"fail": 2}}, "p.toml: ")
    with pytest.raises(ConfigError, match="did you mean 'duplicates'"):
        QualitySpec.from_table({"duplicate": {"fail": 0.1}}, "p.toml: ")
    with pytest.raises(ConfigError, match="did you mean 'volume_warn'"):
        QualitySpec.from_table({"volume_wran": 3.0}, "p.toml: ")
    with pytest.raises(ConfigError, match="timestamp_floor"):
        QualitySpec.from_table({"timestamp_floor": "last tuesday"}, "p.toml: ")


def test_timestamps_outside_the_partition_period():
    # the period [NOW - 95, NOW - 92) holds 3 of the 10 timestamps NOW - 100 .. NOW - 91
    results = run(table(), period=(NOW - 95, NOW - 92))
    check = results["outside_partition"]
    assert (check.status, check.count, check.share) == ("failed", 7, 0.7)
    assert run(table())["outside_partition"].status == "skipped"


def test_a_catalog_of_text_ids_against_integer_ids_says_why_every_id_is_unknown():
    """The check said "10 rows with a item_id not in the catalog" and nothing more."""
    catalog = np.array(["10", "11", "12", "13", "14"], dtype=object)
    checks = run(table(), catalog_items=catalog)
    assert checks["unknown_items"].status == "failed"
    assert ("(the catalog's ids are text, this column's integers: 5 and '5' differ"
            in checks["unknown_items"].message)
    same_type = run(table(), catalog_items=np.array([10, 11]))
    assert "differ" not in same_type["unknown_items"].message


def test_a_clock_that_is_not_unix_seconds_is_refused():
    with pytest.raises(ConfigError, match=r"^check_partition: now must be whole Unix seconds"):
        run(table(), now="2023-11-14")
