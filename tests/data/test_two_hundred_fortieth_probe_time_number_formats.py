"""A Unix time written with thousands separators or a decimal comma is refused saying so,
with the number as it is read, as a rating already was: it was "cannot read
'1,700,000,000' as a time", which named no cause."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

HEADER = "user_id,item_id,rating,timestamp\n"


@pytest.mark.parametrize(("rows", "line", "found", "plain"), [
    ('1,2,4,"1,700,000,000"\n', 2, "'1,700,000,000', a number with thousands separators "
     "(',')", "1700000000"),
    ('1,2,4,1700000000\n2,3,4,"1,700,000,005"\n', 3, "'1,700,000,005', a number with "
     "thousands separators (',')", "1700000005"),
    ('1,2,4,2020-01-01\n2,3,4,"1,700,000,005"\n', 3, "'1,700,000,005', a number with "
     "thousands separators (',')", "1700000005"),
    ('1,2,4,"1700000000,5"\n', 2, "'1700000000,5', a number with a decimal comma",
     "1700000000.5"),
], ids=["thousands", "thousands-after-numbers", "thousands-after-dates", "decimal-comma"])
def test_a_time_in_another_number_format_is_named_so(tmp_path, rows, line, found, plain):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + rows)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: column 'timestamp': found {found}")
    assert f", {plain} (expected a Unix timestamp" in message
    assert "cannot read" not in message


def test_semicolon_files_with_point_groups_are_named_too(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id;item_id;rating;timestamp\n1;2;4;1.700.000.000\n")
    with pytest.raises(DataFormatError, match=r"found '1\.700\.000\.000', a number with "
                                              r"thousands separators \('\.'\); numbers here "
                                              r"are written without them, 1700000000"):
        load_table(path, separator=";")


def test_unix_format_and_parquet_text_say_it_too(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + '1,2,4,"1,700,000,000"\n')
    with pytest.raises(DataFormatError, match="thousands separators"):
        load_table(path, timestamp_format="unix")
    parquet = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1], "item_id": [2],
                             "timestamp": ["1,700,000,000"]}), parquet)
    with pytest.raises(DataFormatError, match=r"row 1: found '1,700,000,000', a number with "
                                              "thousands separators"):
        load_table(parquet)


def test_other_text_is_still_cannot_read(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,2,4,soon\n")
    with pytest.raises(DataFormatError, match="cannot read 'soon' as a time"):
        load_table(path)
    # a pattern of the user's own: its own words, not a number format's
    with pytest.raises(DataFormatError, match="cannot read '1,500' as a time"):
        path.write_text(HEADER + '1,2,4,"1,500"\n')
        load_table(path, timestamp_format="%Y-%m-%d")
