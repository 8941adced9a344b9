"""One rule for blank lines in every delimited reader: a line that is empty or holds only
spaces and tabs is skipped, wherever it stands. An empty line was skipped while a line of
spaces was refused as "a row of 1 field(s)"; line numbers of later errors still count the
blank lines, as an editor shows them."""

from __future__ import annotations

import gzip

import pytest

from recstack.data.files import load_table
from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

_BLANK_LINES = ["", "   ", "\t", " \t \t", "  \r"]


@pytest.mark.parametrize("blank", _BLANK_LINES)
@pytest.mark.parametrize("separator, name", [(",", "log.csv"), ("\t", "log.tsv"),
                                             (";", "log.csv")])
def test_a_blank_line_between_rows_is_skipped(tmp_path, blank, separator, name):
    path = tmp_path / name
    header = separator.join(["user_id", "item_id", "rating"])
    rows = [separator.join(r) for r in (["1", "10", "5"], ["2", "20", "3"])]
    path.write_text(f"{header}\n{rows[0]}\n{blank}\n{rows[1]}\n")
    data = load_table(path, separator=separator)
    assert data.to_frame()[["user_id", "item_id", "value"]].values.tolist() == [
        [1, 10, 5.0], [2, 20, 3.0]]


@pytest.mark.parametrize("blank", _BLANK_LINES)
def test_blank_lines_before_the_header_and_at_the_end_are_skipped(tmp_path, blank):
    path = tmp_path / "log.csv"
    path.write_text(f"{blank}\nuser_id,item_id\n1,10\n{blank}\n2,20\n{blank}\n{blank}")
    assert load_table(path).to_frame()["item_id"].tolist() == [10, 20]


def test_a_compressed_file_with_a_line_of_spaces_reads(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"user_id,item_id\n1,10\n    \n2,20\n"))
    assert load_table(path).to_frame()["user_id"].tolist() == [1, 2]


def test_an_error_after_a_line_of_spaces_names_its_own_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,10,5\n   \n\t\n2,20,x\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    # line 5 as an editor counts it (the two blank lines count)
    assert (refused.value.line, refused.value.column) == (5, "rating")


def test_an_error_row_index_after_a_line_of_spaces_names_its_own_line(tmp_path):
    # a rating out of range is found by row index, mapped back to the line
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,10,5\n  \n2,20,3\n3,30,9\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path, rating_range=(1, 5))
    assert refused.value.line == 5


def test_movielens_dat_file_with_a_line_of_spaces_reads(tmp_path):
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_text(
        "1::1::5::978300760\n   \n1::2::3::978300761\n\t\n2::1::4::978300762\n")
    (folder / "movies.dat").write_text("1::Toy Story (1995)::Animation\n  \n"
                                       "2::Jumanji (1995)::Adventure\n")
    data = load_movielens(folder)
    assert data.value.tolist() == [5.0, 3.0, 4.0]
    assert data.item_table["title"].tolist() == ["Toy Story (1995)", "Jumanji (1995)"]
