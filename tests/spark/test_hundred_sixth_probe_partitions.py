"""Hundred-sixth bad-input probe of the Spark path: two partition folders naming one period
(``month=1`` beside ``month=01``, as a second export job spells it). The single-machine
reader refuses them; Spark read both, and a re-exported month counted each row twice."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.errors import DataFormatError

# 2020-01-01, 2020-02-01 (UTC)
TIMES = [1577836800, 1580515200]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("partitioned") / "data"
    table = pd.DataFrame({"user_id": [1, 2], "item_id": [4, 5], "timestamp": TIMES})
    write_partitioned(Interactions.from_frame(table), root)
    return root


@pytest.mark.parametrize("spelling", ["month=1", "month=001"])
def test_two_folders_of_one_month_are_refused_naming_both(spark, written, tmp_path, spelling):
    from recstack.spark.data import read_partitioned

    root = tmp_path / "data"
    shutil.copytree(written, root)
    shutil.copytree(root / "year=2020" / "month=01", root / "year=2020" / spelling)
    first, second = sorted(["year=2020/month=01", f"year=2020/{spelling}"])
    for bounds in ({}, {"start": "2020-01-01"}):
        # before: both read, each January row counted twice
        with pytest.raises(DataFormatError, match=rf"partition folders '{first}' and "
                                                  rf"'{second}' name one period"):
            read_partitioned(spark, root, **bounds)


def test_the_single_machine_reader_says_the_same(written, tmp_path):
    from recstack.data.partitioned import read_partitioned

    root = tmp_path / "data"
    shutil.copytree(written, root)
    shutil.copytree(root / "year=2020" / "month=01", root / "year=2020" / "month=1")
    with pytest.raises(DataFormatError, match="'year=2020/month=01' and 'year=2020/month=1' "
                                              "name one period"):
        read_partitioned(root)


def test_one_folder_per_period_is_read_once(spark, written):
    from recstack.spark.data import read_partitioned

    assert read_partitioned(spark, written).frame.count() == len(TIMES)
