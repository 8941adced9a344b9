"""Seventh probe, well-known column names in another case or with other word separators:
a log headed 'Rating' or 'Timestamp' was read as implicit feedback without times (the
columns dropped without a word, though a 'rating' or 'time' column never is), and
'UserID,MovieID' (MovieLens 1M's names) was refused as having no column 'user_id'. Now
refused naming the column and the option that reads it."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.errors import RecstackError


def _csv(tmp_path, text):
    path = tmp_path / "log.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("header, says", [
    ("user_id,item_id,Rating", r"column 'Rating' \('rating' spelled otherwise\) seems to hold "
                               r"the values, .*value_col='Rating' \(value_col=None to read "
                               r"none\)"),
    ("user_id,item_id,Timestamp", r"column 'Timestamp' .* the timestamps, .*"
                                  r"timestamp_col='Timestamp'"),
    ("UserID,MovieID", r"column 'UserID' \('user_id' spelled otherwise\) seems to hold the "
                       r"user ids, .*user_col='UserID'$"),
    ("user_id,Movie ID", r"column 'Movie ID' .* item_col='Movie ID'"),
])
def test_a_well_known_name_spelled_otherwise_is_named_with_its_option(tmp_path, header, says):
    with pytest.raises(RecstackError, match=says):
        load_table(_csv(tmp_path, f"{header}\n" + ",".join(["1"] * header.count(",")) + ",2\n"))


def test_a_parquet_column_spelled_otherwise_is_refused_too(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1], "item_id": [2], "RATING": [3.0]}), path)
    with pytest.raises(RecstackError, match=r"column 'RATING' .*value_col='RATING'"):
        load_table(path)
    # an exact well-known name settles it: 'Score' beside 'rating' is another column
    exact = _csv(tmp_path, "user_id,item_id,rating,Score\n1,2,4,9\n")
    assert load_table(exact).value.tolist() == [4.0]
    # and the options named read the columns
    named = _csv(tmp_path, "user_id,item_id,Rating,Timestamp\n7,9,4.5,1600000000\n")
    data = load_table(named, value_col="Rating", timestamp_col="Timestamp")
    assert data.value.tolist() == [4.5] and data.timestamp.tolist() == [1600000000]
