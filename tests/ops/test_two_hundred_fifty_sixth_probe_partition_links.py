"""Two hundred fifty-sixth bad-input probe, the partitions folder: a data file whose
symbolic link leads nowhere (or loops), a named pipe, and a ``month=`` link to a folder
gone were passed over without a word, so a partition lost that file's rows (or a whole
month was left out) and a run trained on less data than the folder names. They are now
refused naming the entry and what it is, as ``read_partitioned`` refuses them. A
``year=`` link to a folder elsewhere (old years moved to another disk) was not gone into,
so the whole year was left out: its partitions are now listed, as ``read_partitioned``
reads them, and a link back to a folder that holds it is refused as a loop."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from recstack.errors import RecstackError
from recstack.ops.partitions import list_partitions
from recstack.ops.pipeline import run_pipeline

from .scenario import month_frame, partition_file, write_pipeline


def _dangling_file(logs):
    link = logs / "year=2019" / "month=02" / "part-9.parquet"
    os.symlink(logs / "gone.parquet", link)
    return link, r"is a symbolic link to '.*gone\.parquet', which does not exist"


def _looping_file(logs):
    link = logs / "year=2019" / "month=02" / "part-9.parquet"
    os.symlink("part-9.parquet", link)
    return link, r"is a symbolic link that loops \(it leads back to itself\)"


def _pipe(logs):
    pipe = logs / "year=2019" / "month=02" / "part-9.parquet"
    os.mkfifo(pipe)
    return pipe, r"is a pipe, socket or device, not a file"


def _dangling_month(logs):
    link = logs / "year=2019" / "month=05"
    os.symlink(logs / "archive" / "month=05", link)
    return link, r"is a symbolic link to '.*month=05', which does not exist"


@pytest.mark.parametrize("make", [_dangling_file, _looping_file, _pipe, _dangling_month])
def test_an_entry_that_is_no_file_is_named(folder, make):
    logs = partition_file(folder, "2019-01").parent.parent.parent
    assert [p.label for p in list_partitions(logs)] == [
        "2019-01", "2019-02", "2019-03", "2019-04"]
    entry, what = make(logs)
    with pytest.raises(RecstackError, match=rf"^{re.escape(str(entry))}: {what}; give a "
                                            r"Parquet data file or a partition's folder "
                                            r"there, or remove it"):
        list_partitions(logs)


def test_the_pipeline_stops_naming_the_link(folder):
    logs = partition_file(folder, "2019-01").parent.parent.parent
    entry, _ = _dangling_file(logs)
    write_pipeline(folder)
    with pytest.raises(RecstackError, match=rf"pipeline\.toml: \[data\] partitions = .*"
                                            rf"{re.escape(str(entry))}: is a symbolic link "
                                            r"to '.*gone\.parquet', which does not exist"):
        run_pipeline(folder / "pipeline.toml")
    assert not (folder / "registry").exists()  # nothing trained, nothing published


def test_links_that_lead_somewhere_and_hidden_entries_are_still_read(folder):
    logs = partition_file(folder, "2019-01").parent.parent.parent
    real = partition_file(folder, "2019-04")
    shutil.copy(real, folder / "kept.parquet")
    real.unlink()
    os.symlink(folder / "kept.parquet", real)  # a data file that is a working link
    os.symlink(logs / "nowhere", logs / "year=2019" / "month=02" / ".part-9.crc")
    os.symlink(logs / "nowhere", logs / "_temporary")  # a writer's staging, hidden
    partitions = list_partitions(logs)
    assert [p.label for p in partitions] == ["2019-01", "2019-02", "2019-03", "2019-04"]
    assert partitions[-1].files == ("year=2019/month=04/part-0.parquet",)
    assert partitions[-1].rows > 0


def test_a_linked_year_folder_is_listed(folder, tmp_path):
    # the year's folder moved to another disk and linked back: its 4 months, not none
    logs = partition_file(folder, "2019-01").parent.parent.parent
    (tmp_path / "archive").mkdir()
    shutil.move(logs / "year=2019", tmp_path / "archive" / "year=2019")
    os.symlink(tmp_path / "archive" / "year=2019", logs / "year=2019")
    partitions = list_partitions(logs)
    assert [p.label for p in partitions] == ["2019-01", "2019-02", "2019-03", "2019-04"]
    assert partitions[-1].files == ("year=2019/month=04/part-0.parquet",)
    assert partitions[-1].rows == len(month_frame(folder, "2019-04")) > 0


@pytest.mark.parametrize("target", [".", "..", "../.."])
def test_a_link_to_a_folder_that_holds_it_is_a_loop(folder, target):
    logs = partition_file(folder, "2019-01").parent.parent.parent
    os.symlink(target, logs / "year=2019" / "month=05")
    with pytest.raises(RecstackError, match=(
            rf"^{re.escape(str(logs))}/year=2019/month=05: is a symbolic link to "
            rf"'{re.escape(target)}', a folder that holds it \(a loop\); point it at a "
            r"folder of partitions elsewhere, or remove it$")):
        list_partitions(logs)
