"""Twentieth bad-input probe of the Spark path: partition folders of a dataset written by
``write_partitioned`` that were renamed or filled by hand. The single-machine reader
refuses them naming the folder; Spark read ``month=ab`` as a text level (and a time range
failed with CAST_INVALID_INPUT), read ``month=13`` and ``year=-5`` silently, kept rows
filed in another month's folder, and said only "Conflicting partition column names
detected:" for a misnamed folder."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.errors import DataFormatError

# 2020-01-01, 2020-02-01, 2020-03-01 and a minute later (UTC)
TIMES = [1577836800, 1580515200, 1583020800, 1583020860]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("partitioned") / "data"
    table = pd.DataFrame({"user_id": [1, 2, 3, 4], "item_id": [4, 5, 6, 7], "timestamp": TIMES})
    write_partitioned(Interactions.from_frame(table), root)
    return root


def copy_with(written, tmp_path, old: str, new: str):
    root = tmp_path / "data"
    shutil.copytree(written, root)
    (root / old).rename(root / new)
    return root


def test_the_dataset_as_written_is_read(spark, written):
    from recstack.spark.data import read_partitioned

    assert read_partitioned(spark, written).frame.count() == 4
    assert read_partitioned(spark, written, start="2020-02-01").frame.count() == 3


@pytest.mark.parametrize(("old", "new", "says"), [
    ("year=2020/month=01", "year=2020/month=ab",
     r"partition folder 'year=2020/month=ab': month='ab' is not a whole number"),
    ("year=2020/month=01", "year=2020/month=13",
     r"partition folder 'year=2020/month=13': month=13 is not a month from 1 to 12"),
    ("year=2020/month=01", "year=2020/month=00",
     r"partition folder 'year=2020/month=00': month=0 is not a month from 1 to 12"),
    ("year=2020", "year=-5", r"partition folder 'year=-5/month=\d\d': year='-5' is not a "
                             r"whole number"),
    ("year=2020", "year=0000", r"partition folder 'year=0000/month=\d\d': year=0 is not a year "
                               r"from 1 to 9999"),
])
def test_folders_that_name_no_date_are_refused_naming_the_folder(spark, written, tmp_path,
                                                                 old, new, says):
    from recstack.spark.data import read_partitioned

    root = copy_with(written, tmp_path, old, new)
    for bounds in ({}, {"start": "2020-02-01"}):
        # before: CAST_INVALID_INPUT with a time range (month=ab), else read silently
        with pytest.raises(DataFormatError, match=rf"^{root}: {says} \(expected folders such "
                                                  r"as year=2024/month=03 that name a date"):
            read_partitioned(spark, root, **bounds)


@pytest.mark.parametrize(("old", "new", "lists"), [
    ("year=2020/month=01", "year=2020/mnth=01", r"'year, mnth'; 'year, month'"),
    ("year=2020/month=01", "year=2020/month01", r"'year'; 'year, month'"),
])
def test_folders_of_another_level_name_the_levels_and_folders(spark, written, tmp_path, old,
                                                              new, lists):
    from recstack.spark.data import read_partitioned

    root = copy_with(written, tmp_path, old, new)
    # before: "... (Conflicting partition column names detected:)" and nothing more
    with pytest.raises(DataFormatError, match=rf"the partition folders disagree on their "
                                              rf"levels \({lists}\): check .*{new}.* \(expected "
                                              r"every data file in a folder of each level"):
        read_partitioned(spark, root)


def test_a_row_filed_in_another_months_folder_is_refused(spark, written, tmp_path):
    from recstack.spark.data import read_partitioned

    # January's row moved to a May folder: a read from February kept it (it was in a folder
    # the range opens) and one up to February lost it; one machine refuses it
    root = copy_with(written, tmp_path, "year=2020/month=01", "year=2020/month=05")
    for bounds in ({}, {"start": "2020-02-01"}):
        with pytest.raises(DataFormatError, match=r"column 'timestamp': year=2020/month=05/"
                                                  r"part-0\.parquet: the time 1577836800 "
                                                  r"\(2020-01-01T00:00:00Z\) is outside its "
                                                  r"folder year=2020/month=05"):
            read_partitioned(spark, root, **bounds)
