"""Sixth probe, MovieLens folders: a movies or users file that does not list every rated
movie or rating user is refused (the titles, genres and ages were silently empty)."""

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError


def _without_line(path, start):
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(line for line in lines if not line.startswith(start)))


def test_a_rated_movie_missing_from_u_item_is_refused(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    _without_line(folder / "u.item", b"30|")  # u.item cut short: item 30 is rated
    with pytest.raises(DataFormatError, match=r"ml-100k/u\.item: u\.data has ratings of 1 "
                                              r"movie\(s\) that u\.item does not list \(movie "
                                              r"ids 30\)"):
        load_movielens(folder)


def test_a_rating_user_missing_from_u_user_is_refused(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    _without_line(folder / "u.user", b"3|")
    with pytest.raises(DataFormatError, match=r"ml-100k/u\.user: u\.data has ratings by 1 "
                                              r"user\(s\) that u\.user does not list \(user "
                                              r"ids 3\)"):
        load_movielens(folder)


def test_a_rated_movie_missing_from_movies_csv_is_refused(tmp_path):
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n"
                                        "1,1,4.0,964982703\n1,2,3.5,964982704\n"
                                        "2,7,1.0,964982705\n")
    (folder / "movies.csv").write_text("movieId,title,genres\n1,Toy Story (1995),Comedy\n")
    with pytest.raises(DataFormatError, match=r"movies\.csv: ratings\.csv has ratings of 2 "
                                              r"movie\(s\) that movies\.csv does not list "
                                              r"\(movie ids 2, 7\)"):
        load_movielens(folder)
