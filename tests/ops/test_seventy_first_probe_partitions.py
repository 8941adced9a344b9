"""Seventy-first probe, partition folders: a folder of another depth among the others
(a day folder put under a month by hand) was reported with an example of the usual
depth, "(e.g. 'year=2019/month=01')", so the odd folder had to be searched for."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError
from recstack.ops.partitions import list_partitions


def _logs(tmp_path, *relatives):
    for relative in relatives:
        folder = tmp_path / "logs" / relative
        folder.mkdir(parents=True)
        (folder / "part-0.parquet").write_bytes(b"")
    return tmp_path / "logs"


@pytest.mark.parametrize(("relatives", "shown"), [
    (("year=2019/month=01", "year=2019/month=02", "year=2019/month=03/day=02"),
     "'year=2019/month=01' and 'year=2019/month=03/day=02'"),
    (("year=2018", "year=2019/month=01", "year=2019/month=02"),
     "'year=2018' and 'year=2019/month=01'"),
    (("year=2018", "year=2019/month=01", "year=2019/month=02/day=03"),
     "'year=2018' and 'year=2019/month=01' and 'year=2019/month=02/day=03'"),
])
def test_mixed_depths_name_a_folder_of_each_depth(tmp_path, relatives, shown):
    with pytest.raises(RecstackError, match=rf"partitions of different depths \({shown}\); "
                                            r"use one of year, year/month or year/month/day "
                                            r"throughout"):
        list_partitions(_logs(tmp_path, *relatives))
