"""Eighth probe, a MovieLens CSV folder whose file lost its header line (rows cut out of a
larger file): the first rating was taken for the header, and the error said that column '1'
was named twice, or that there was no column 'userId'."""

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

RATINGS = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n"
MOVIES = "movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n3,Heat (1995),Crime\n"


def _folder(tmp_path, ratings=RATINGS, movies=MOVIES):
    folder = tmp_path / "ml-latest-small"
    folder.mkdir(parents=True)
    (folder / "ratings.csv").write_text(ratings)
    (folder / "movies.csv").write_text(movies)
    return folder


@pytest.mark.parametrize("rows", [
    "1,1,4.0,964982703\n1,3,4.0,964981247\n",   # 'header names column 1 twice' before
    "1,31,2.5,1260759144\n2,3,4.0,964981247\n",  # 'no column userId' before
])
def test_ratings_without_their_header_are_named_as_such(tmp_path, rows):
    folder = _folder(tmp_path, ratings=rows)
    with pytest.raises(DataFormatError, match=r"ratings\.csv:1: the first line, '1,[0-9]+,"
                                              r"[0-9.]+,[0-9]+', is a row, not the header "
                                              r"\(expected the header line userId,movieId,"
                                              r"rating,timestamp first"):
        load_movielens(folder)


def test_movies_without_their_header_are_named_too(tmp_path):
    folder = _folder(tmp_path, movies=MOVIES.split("\n", 1)[1])
    with pytest.raises(DataFormatError, match=r"movies\.csv:1: the first line, '1,Toy Story "
                                              r"\(1995\),Animation\|Comedy', is a row.*"
                                              r"movieId,title,genres"):
        load_movielens(folder)
    # with both headers the folder loads: two ratings of user 1
    assert len(load_movielens(_folder(tmp_path / "whole"))) == 2
