"""Two hundred eighteenth bad-input probe, the ids of the MovieLens movies and users files
(the item table joined under ``keep_unseen_items=True``): an id of 0 or below, which the
ratings file refuses, became an item (or user row) of its own, and a ``movies.dat`` or
``tags.dat`` id past int32 was kept (10 to 18 digits) or refused as "expected an integer"
of an integer (19 digits on), where ``u.item`` and ``movies.csv`` say "outside the int32
range"."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

RATINGS_DAT = "1::1::5::978300760\n1::2::3::978302109\n"
USERS_DAT = "1::F::1::10::48067\n"
MOVIES_DAT = "1::Toy Story (1995)::Animation\n2::Jumanji (1995)::Adventure\n"
RATINGS_CSV = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,4.0,964981247\n"
MOVIES_CSV = "movieId,title,genres\n1,Toy Story (1995),Adventure\n2,Jumanji (1995),Adventure\n"
FLAGS = "|0" * 19
U_ITEM = (f"1|Toy Story (1995)|01-Jan-1995||http://x{FLAGS}\n"
          f"2|GoldenEye (1995)|01-Jan-1995||http://x{FLAGS}\n")
FROM_ONE = (r"\(expected an id from 1 up, as every MovieLens release numbers its users and "
            r"movies: the file was edited or is another dataset\)$")


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "release"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _1m(tmp_path, extra_movie="", extra_user="", tags=None):
    files = {"ratings.dat": RATINGS_DAT, "movies.dat": MOVIES_DAT + extra_movie,
             "users.dat": USERS_DAT + extra_user}
    if tags is not None:
        files["tags.dat"] = tags
    return _folder(tmp_path, files)


@pytest.mark.parametrize("movie_id", ["0", "-5", "-0001"])
@pytest.mark.parametrize("keep", [True, False])
def test_a_movie_id_below_one_is_refused_in_every_layout(tmp_path, movie_id, keep):
    value = int(movie_id)
    folders = {
        "movies.dat:3: column 'MovieID'": _1m(tmp_path / "a", f"{movie_id}::N (1999)::Drama\n"),
        "movies.csv:4: column 'movieId'": _folder(tmp_path / "b", {
            "ratings.csv": RATINGS_CSV, "movies.csv": MOVIES_CSV + f"{movie_id},N (1999),Drama\n"}),
        "u.item:3: column 'movie id'": _folder(tmp_path / "c", {
            "u.data": "1\t1\t5\t874965758\n1\t2\t3\t876893171\n",
            "u.item": U_ITEM + f"{movie_id}|N (1995)|01-Jan-1995||http://x{FLAGS}\n",
            "u.user": "1|24|M|technician|85711\n"}),
    }
    for where, folder in folders.items():
        with pytest.raises(DataFormatError, match=rf"{where}: found {value} {FROM_ONE}"):
            load_movielens(folder, keep_unseen_items=keep)


def test_a_user_id_below_one_in_the_users_file_is_refused(tmp_path):
    with pytest.raises(DataFormatError, match=rf"users.dat:2: column 'UserID': found -2 "
                                              rf"{FROM_ONE}"):
        load_movielens(_1m(tmp_path, extra_user="-2::F::1::10::48067\n"))


@pytest.mark.parametrize(("movie_id", "said"), [
    ("2147483648", "2147483648"),
    ("999999999999999999", "999999999999999999"),
    ("99999999999999999999", "99999999999999999999"),
    ("9" * 5000, "a 5,000-digit integer"),
])
def test_a_movies_dat_id_past_int32_is_refused_as_the_other_readers_refuse_it(
        tmp_path, movie_id, said):
    with pytest.raises(DataFormatError, match=rf"movies.dat:3: column 'MovieID': found {said}, "
                                              r"outside the int32 range \(expected an "
                                              r"integer\)$"):
        load_movielens(_1m(tmp_path, f"{movie_id}::Big (1999)::Drama\n"),
                       keep_unseen_items=True)


def test_a_tags_dat_id_past_int32_is_refused(tmp_path):
    with pytest.raises(DataFormatError, match=r"tags.dat:1: column 'MovieID': found "
                                              r"99999999999, outside the int32 range"):
        load_movielens(_1m(tmp_path, tags="1::99999999999::funny::978300760\n"))


def test_the_largest_int32_id_and_leading_zeros_are_kept_as_one_movie(tmp_path):
    folder = _1m(tmp_path, "2147483647::Last (1999)::Drama\n0003::Third (1999)::Drama\n")
    data = load_movielens(folder, keep_unseen_items=True)
    assert data.item_table["item_id"].tolist() == [1, 2, 3, 2147483647]
    assert data.item_table["title"].tolist()[2:] == ["Third (1999)", "Last (1999)"]
    assert data.items.to_external([0, 1, 2, 3]).tolist() == [1, 2, 3, 2147483647]
    assert len(data) == 2
