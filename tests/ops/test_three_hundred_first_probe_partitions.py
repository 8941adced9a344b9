"""Three hundred first probe: the least-tested public functions of recstack.ops given what
a new user passes (partitions in another order, a folder for its partitions, float id
columns, a text path for the lock, a pandas Series of genre weights)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from recstack.errors import ConfigError, DataFormatError, RecstackError
from recstack.ops.drift import genre_mix
from recstack.ops.lock import pipeline_lock
from recstack.ops.partitions import check_id_types, list_partitions, missing_periods


@pytest.fixture
def partitions(tmp_path):
    # January, February and May: March and April are missing
    for month in ("01", "02", "05"):
        folder = tmp_path / f"year=2024/month={month}"
        folder.mkdir(parents=True)
        pd.DataFrame({"user_id": [1], "item_id": [2]}).to_parquet(folder / "a.parquet")
    return tmp_path, list_partitions(tmp_path)


def test_missing_periods_in_any_order(partitions):
    _, found = partitions
    assert missing_periods(found) == ["2024-03", "2024-04"]
    # newest first was read as no gap at all; a partition listed twice named each gap twice
    assert missing_periods(found[::-1]) == ["2024-03", "2024-04"]
    assert missing_periods(found + found) == ["2024-03", "2024-04"]
    assert missing_periods(tuple(found)) == ["2024-03", "2024-04"]
    assert missing_periods([]) == []


def test_missing_periods_refuses_what_is_not_partitions(partitions):
    root, found = partitions
    # an AttributeError ('str' object has no attribute 'end') or a TypeError
    for given in (str(root), root):
        with pytest.raises(RecstackError, match=r"^missing_periods\(partitions\): expected "
                                                r"the partitions of a folder, got the path "
                                                r".*; pass list_partitions\(root\)"):
            missing_periods(given)
    with pytest.raises(RecstackError, match=r"got a list holding dict \(a dictionary is "
                                            r"turned back into one with Partition.from_dict"):
        missing_periods([p.to_dict() for p in found])
    with pytest.raises(RecstackError, match=r"expected a list of Partition .*, got "
                                            r"NoneType"):
        missing_periods(None)
    with pytest.raises(ConfigError, match=r"did you mean 'partitions'\?"):
        missing_periods(partitons=found)


def test_missing_periods_refuses_partitions_of_two_depths(tmp_path, partitions):
    _, months = partitions
    other = tmp_path / "years" / "year=2023"
    other.mkdir(parents=True)
    pd.DataFrame({"user_id": [1], "item_id": [2]}).to_parquet(other / "a.parquet")
    years = list_partitions(tmp_path / "years")
    with pytest.raises(RecstackError, match=r"partitions of different depths \('year=2023' "
                                            r"and 'year=2024/month=01'\)"):
        missing_periods(years + months)


def _schema(kind):
    return pa.schema([("user_id", kind), ("item_id", pa.int64())])


def test_id_types_names_a_float_column_as_floats():
    # a float column was said to hold the ids "as text"
    with pytest.raises(DataFormatError, match=r"^column 'user_id': the partitions hold it as "
                                              r"2 types \(partitions a as integers; "
                                              r"partitions b as double values\)"):
        check_id_types([_schema(pa.int64()), _schema(pa.float64())], ["a", "b"])
    # and floats beside text were two kinds of "text", passed without a word
    with pytest.raises(DataFormatError, match=r"partitions a as double values; partitions "
                                              r"b as text"):
        check_id_types([_schema(pa.float64()), _schema(pa.string())], ["a", "b"])


def test_id_types_integers_beside_text_keep_their_message():
    with pytest.raises(DataFormatError, match=r"^column 'user_id': partitions b hold it as "
                                              r"text but partitions a as integers"):
        check_id_types([_schema(pa.int32()), _schema(pa.string())], ["a", "b"])


def test_id_types_of_one_kind_pass():
    check_id_types([_schema(pa.large_string()), _schema(pa.string()),
                    _schema(pa.dictionary(pa.int32(), pa.string()))], ["a", "b", "c"])
    check_id_types([_schema(pa.int8()), _schema(pa.uint64())], ["a", "b"])


def test_id_types_refuses_mismatched_arguments():
    # a ValueError from zip(), an AttributeError on a table's .names
    with pytest.raises(RecstackError, match=r"^check_id_types: labels must name each of the "
                                            r"1 schema\(s\) once, got 2"):
        check_id_types([_schema(pa.int64())], ["a", "b"])
    with pytest.raises(RecstackError, match=r"schemas must be a list of pyarrow schemas "
                                            r"\(a table's .schema\), got a list holding "
                                            r"Table"):
        check_id_types([pa.table({"user_id": [1]})], ["a"])
    with pytest.raises(RecstackError, match=r"labels must be a list of partition names"):
        check_id_types([_schema(pa.int64())], "a")


def test_pipeline_lock_takes_a_text_path(tmp_path):
    # "unsupported operand type(s) for /: 'str' and 'str'"
    work = tmp_path / "work"
    with pipeline_lock(str(work), "shop"):
        assert (work / "lock").is_file()
    assert not work.exists()  # the folder it made, left empty, is removed
    with pytest.raises(RecstackError, match=r"^pipeline_lock\(work\): expected a path"):
        with pipeline_lock(None, "shop"):
            pass
    with pytest.raises(RecstackError, match=r"^pipeline_lock\(name\): expected the "
                                            r"pipeline's name"):
        with pipeline_lock(work, 5):
            pass
    with pytest.raises(ConfigError, match=r"did you mean 'work'\?"):
        with pipeline_lock(wrok=work, name="shop"):
            pass


def test_genre_mix_takes_series():
    # value_counts() was refused as "got a 1.0 dtype: float64"
    reference = pd.Series({"drama": 1, "comedy": 3})
    total_variation, _ = genre_mix(reference, {"drama": 2.0, "comedy": 2.0})
    # shares 1/4, 3/4 against 1/2, 1/2: half of (1/4 + 1/4)
    assert total_variation == pytest.approx(0.25)
    assert genre_mix(reference, reference) == genre_mix(reference.to_dict(),
                                                        reference.to_dict())
    with pytest.raises(RecstackError, match=r"^genre_mix: reference names a genre more than "
                                            r"once \(\['drama'\]\)"):
        genre_mix(pd.Series([1.0, 2.0], index=["drama", "drama"]), reference)
