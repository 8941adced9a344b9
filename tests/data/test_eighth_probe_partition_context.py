"""Eighth probe, a partitioned dataset of interactions with context (the device of each
event): write_partitioned wrote the context columns and recorded them in the metadata, and
read_partitioned dropped them without a word. They come back now, as load_table brings back
those of a Parquet file save_table wrote."""

import pandas as pd

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned

DAY = 86_400
START = 1_577_836_800  # 2020-01-01T00:00:00Z


def _events():
    return Interactions.from_arrays(
        ["a", "b", "a"], ["x", "y", "y"], None, [START, START + 40 * DAY, START + 70 * DAY],
        context=pd.DataFrame({"device": ["ios", None, "web"], "dwell": [1.5, 2.0, 3.0]}))


def test_the_context_written_is_read_back(tmp_path):
    write_partitioned(_events(), tmp_path / "logs")
    back = read_partitioned(tmp_path / "logs")
    assert back.context is not None
    assert list(back.context.columns) == ["device", "dwell"]
    device = back.context["device"]
    assert [device[0], pd.isna(device[1]), device[2]] == ["ios", True, "web"]
    assert back.context["dwell"].tolist() == [1.5, 2.0, 3.0]
    # as a single Parquet file keeps it
    save_table(_events(), tmp_path / "events.parquet")
    assert load_table(tmp_path / "events.parquet").context.equals(back.context)


def test_a_time_range_reads_the_context_of_its_rows(tmp_path):
    write_partitioned(_events(), tmp_path / "logs")
    back = read_partitioned(tmp_path / "logs", start="2020-02-01")
    assert pd.isna(back.context["device"][0]) and back.context["device"][1] == "web"
    assert back.users.to_external(back.user_index).tolist() == ["b", "a"]
