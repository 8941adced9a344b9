"""Hundred-forty-sixth probe, MovieLens ratings lines edited by hand: a negative timestamp
(``1::2::5::-5``, a minus sign typed in an edit) was read as a time of 1969, though
MovieLens has collected ratings since 1995, and a user or movie id below 1 (``-1``, ``0``)
was kept as an id of its own, though every release numbers them from 1. Each is now refused
with the file, the line and the column, as a timestamp in milliseconds already was."""

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError


def _ml_1m(folder, line):
    folder.mkdir()
    (folder / "ratings.dat").write_text(f"1::1::5::978300760\n{line}\n2::1::3::978300761\n")
    (folder / "movies.dat").write_text("1::Toy Story (1995)::Animation\n"
                                       "2::Jumanji (1995)::Adventure\n")
    return folder


@pytest.mark.parametrize("time", ["-5", "-978300760"])
def test_a_negative_time_is_refused_with_its_line(tmp_path, time):
    folder = _ml_1m(tmp_path / "ml-1m", f"1::2::5::{time}")
    with pytest.raises(DataFormatError, match=rf"ratings\.dat:2: column 'Timestamp': found "
                                              rf"'{time}' \(expected Unix seconds from 0 "
                                              rf"\(1970\) on"):
        load_movielens(folder)


def test_a_negative_time_in_u_data_is_refused_too(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    path = folder / "u.data"
    path.write_text(path.read_text().replace("881250951", "-881250951"))
    with pytest.raises(DataFormatError, match=r"u\.data:3: column 'timestamp': found "
                                              r"'-881250951'"):
        load_movielens(folder)


def test_times_from_1970_on_are_read(tmp_path):
    data = load_movielens(_ml_1m(tmp_path / "ml-1m", "1::2::5::0"))
    assert data.timestamp.tolist() == [978300760, 0, 978300761]


@pytest.mark.parametrize(("line", "column", "found"), [
    ("-1::2::5::978300760", "UserID", "-1"),
    ("0::2::5::978300760", "UserID", "0"),
    ("1::0::5::978300760", "MovieID", "0"),
])
def test_an_id_below_one_is_refused_with_its_line(tmp_path, line, column, found):
    # every release numbers users and movies from 1; a -1 or 0 was kept as an id of its own
    folder = _ml_1m(tmp_path / "ml-1m", line)
    with pytest.raises(DataFormatError, match=rf"ratings\.dat:2: column '{column}': found "
                                              rf"'{found}' \(expected an id from 1 up"):
        load_movielens(folder)
