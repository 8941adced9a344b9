"""Sixth probe, generic logs: a timestamp pattern that cannot give a point in time is
refused before the file is read, and 'now' or 'today' in a log at its line; what
save_table writes as text, load_table reads back."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.sources import loader_options
from recstack.errors import ConfigError, DataFormatError, RecstackError


@pytest.mark.parametrize("pattern", ["%H:%M", "%d/%m", "%m-%d %H:%M:%S"])
def test_a_pattern_without_the_year_is_refused(tmp_path, pattern):
    # strptime put every time in 1900: 10:30 was 1900-01-01T10:30, read without a word
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n1,a,10:30\n")
    with pytest.raises(RecstackError, match=rf"timestamp_format '{pattern}' names no year "
                                            r"\(%Y or %y\): every time would be put in the "
                                            r"year 1900"):
        load_table(path, timestamp_format=pattern)
    with pytest.raises(ConfigError, match=r"names no year"):
        loader_options({"timestamp_format": pattern})


def test_percent_s_points_to_unix(tmp_path):
    # pandas does not know %s: every row was "cannot read '1577836800' as a time"
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n1,a,1577836800\n")
    with pytest.raises(RecstackError, match=r"'%s' \(seconds since 1970\) is not a strptime "
                                            r"directive; for Unix time write "
                                            r"timestamp_format='unix'"):
        load_table(path, timestamp_format="%s")


def test_a_literal_percent_is_no_directive(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n1,a,%d 2020\n")
    with pytest.raises(RecstackError, match=r"names no year"):
        load_table(path, timestamp_format="%%d %H")


@pytest.mark.parametrize(("times", "line", "found"), [
    ("2020-01-01\ntoday", 3, "today"),
    ("now\n2020-01-01", 2, "now"),
])
def test_now_and_today_in_a_log_are_refused_at_their_line(tmp_path, times, line, found):
    # pandas read them as the moment of loading: each load gave the rows other times
    path = tmp_path / "log.csv"
    rows = "".join(f"{i},a,{time}\n" for i, time in enumerate(times.split("\n")))
    path.write_text("user_id,item_id,timestamp\n" + rows)
    with pytest.raises(DataFormatError, match=rf"log\.csv:{line}: column 'timestamp': found "
                                              rf"'{found}', which is the moment of reading"):
        load_table(path)


def test_text_in_arrow_view_layouts_is_text(tmp_path):
    # 'holds string_view values (expected integer or text ids)'
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({
        "user_id": pa.array(["u1", "u2"], pa.string_view()),
        "item_id": pa.array([b"a", b" b"], pa.binary_view()),
        "timestamp": pa.array(["2020-01-01", "2020-01-02"], pa.string_view())}), path)
    data = load_table(path)
    assert data.to_frame()["item_id"].tolist() == ["a", "b"]
    assert data.timestamp.tolist() == [1577836800, 1577923200]


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.csv.gz"])
def test_a_text_file_that_could_not_be_read_back_is_not_written(tmp_path, name):
    # the file was written, and load_table refused it: "holds a line break"
    data = Interactions.from_arrays(np.array(["a", "line\nbreak"], dtype=object), [1, 2])
    with pytest.raises(RecstackError, match=r"column 'user_id', row 2: 'line\\nbreak' holds a "
                                            r"line break, .* save as \.parquet"):
        save_table(data, tmp_path / name)
    assert not (tmp_path / name).exists()
    save_table(data, tmp_path / "out.parquet")
    assert load_table(tmp_path / "out.parquet").to_frame()["user_id"].tolist() == [
        "a", "line\nbreak"]


def test_a_context_value_with_a_line_break_is_named_too(tmp_path):
    data = Interactions.from_arrays([1, 2], [1, 2],
                                    context=pd.DataFrame({"device": ["phone", "x\ry"]}))
    with pytest.raises(RecstackError, match=r"column 'device', row 2: 'x\\ry' holds a line "
                                            r"break"):
        save_table(data, tmp_path / "out.csv")
