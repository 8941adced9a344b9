"""A quote that a CSV log never closes is refused as an unterminated quote, naming the line
it opens on, wherever it is: in a column that is not read (a title, a comment), where it
swallowed every later line and the rows were lost without a word, and on the last line,
where it was "the row has 1 field(s)" or "found '3\\n'" or, in a column not read, no error
at all. A closed quoted value holding a line break is valid CSV in a column not read (a
review, a comment) and read as such; in a column read (an id, a value) it is refused."""

from __future__ import annotations

import gzip

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

_UNTERMINATED = ("unterminated quote: a field opened with '\"' is not closed before the "
                 "end of the file (expected a closing \" (a quote inside a quoted field is "
                 "written \"\"))")


@pytest.mark.parametrize(("text", "line"), [
    # a column not read: the rows after the quote were swallowed, one row came back
    ('user_id,item_id,value,title\n1,2,3,"Toy\n4,5,3,x\n6,7,2,y\n', 2),
    ('user_id,item_id,value,title\r\n1,2,3,x\r\n4,5,3,"Toy\r\n6,7,2,y\r\n', 3),
    # the last line, in a column not read: read as if the quote closed there
    ('user_id,item_id,value,title\n1,2,3,x\n4,5,3,"Toy\n', 3),
    ('user_id,item_id,value,title\n1,2,3,x\n4,5,3,"Toy', 3),
    # the last line, in a column read
    ('user_id,item_id,value\n1,2,3\n"4,5,3\n', 3),
    ('user_id,item_id,value\n1,2,"3\n', 2),
    ('user_id,item_id,value\n1,2,3\n4,"5,3', 3),
    ('user_id,item_id,value\n1,2,3\n4,5,3\n"', 4),
    # blank lines before it do not move the line named
    ('user_id,item_id,value,title\n\n1,2,3,x\n  \n4,5,3,"Toy\n6,7,2,y\n', 5),
])
def test_a_quote_never_closed_is_named_at_its_line(tmp_path, text, line):
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode())
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == f"{path}:{line}: {_UNTERMINATED}"


def test_a_compressed_log_is_counted_as_its_text(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b'user_id,item_id,value,title\n1,2,3,"Toy\n4,5,3,x\n'))
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == f"{path}:2: {_UNTERMINATED}"


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_line_breaks_in_closed_quoted_values_of_columns_not_read_are_read_as_csv(
        tmp_path, ending):
    # valid CSV (a review or comment column): read by the parent's rule, as it was before
    # the refusal above, and now also where pyarrow's blocks (cut at any line end) would
    # split such a record; 60,000 rows cross many blocks
    rows = 60_000
    lines = ["user_id,item_id,value,review"]
    for row in range(rows):
        review = f'"first line{ending}second, with a comma"' if row % 3 == 0 else "short"
        lines.append(f"{row % 500},{row % 70},{1 + row % 5},{review}")
    path = tmp_path / "log.csv"
    path.write_bytes((ending.join(lines) + ending).encode())
    frame = load_table(path, duplicates="keep").to_frame()
    assert len(frame) == rows
    # by hand: the values cycle 1..5, so they sum to 3 per row
    assert frame["value"].sum() == 3 * rows
    assert frame["user_id"].tolist()[:4] == [0, 1, 2, 3]
    assert frame["user_id"].tolist()[-1] == (rows - 1) % 500


def test_a_line_break_in_a_quoted_value_of_a_column_read_is_still_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text('user_id,item_id,value,comment\n"1\n",2,3,"a"\n4,5,3,ok\n')
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == (
        f"{path}:2: column 'user_id': the quoted value '1\\n' holds a line break "
        "(the record runs on to line 3) (expected each record on one line: take the line "
        "break out of the value)")


def test_a_stray_quote_closing_lines_later_in_a_column_not_read_is_refused(tmp_path):
    # the quote closes, but the record it makes has more fields than the header: a
    # mistake, not a multi-line value
    path = tmp_path / "log.csv"
    path.write_text('user_id,item_id,value,title\n1,2,3,"Toy\n4,5",3,x\n6,7,2,y\n')
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert "closes only on line 3" in str(caught.value)
    assert str(caught.value).startswith(f"{path}:2: ")


@pytest.mark.parametrize("text", [
    # quotes closed on their lines, a doubled quote, a quote inside an unquoted field
    'user_id,item_id,value,title\n1,2,3,"Toy, Story"\n4,5,3,"say ""hi"""\n6,7,2,5" screen\n',
    # blank lines, CRLF, no line break at the end
    '"user_id","item_id","value","title"\r\n\r\n"1","2","3","a"\r\n  \r\n"4","5","3","b"\r\n'
    '"6","7","2","c"',
    'user_id,item_id,value,title\n1,2,3,"a"\n\n\n4,5,3,b\n6,7,2,c\n\n',
])
def test_closed_quotes_read_every_row(tmp_path, text):
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode())
    frame = load_table(path).to_frame()
    assert frame.values.tolist() == [[1, 2, 3.0], [4, 5, 3.0], [6, 7, 2.0]]
