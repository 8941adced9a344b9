"""Hundred-twentieth probe, MovieLens genre names and byte-order marks.

* A genre name no release writes in ``movies.csv`` or ``movies.dat`` was kept as a genre
  of its own without a word, splitting one genre in two in every genre feature and report.
  A release's genre written another way (``comedy`` in lower case, ``Childrens``) or an
  empty name (a trailing or doubled ``|``, an empty field) is refused, naming the file,
  the line and the genre meant; any other name (a typo such as ``Animaton``, or a genre
  of another dataset) is kept with an ``UnknownGenreWarning`` naming its line, so that a
  release with a new genre stays readable.
* A byte-order mark at the start of ``movies.dat`` (or 10M's ``tags.dat``: a file saved
  by a Windows editor) was read into the first id: "found '\\ufeff1' (expected an
  integer)"; ``ratings.dat`` and ``users.dat`` skipped it. It is skipped there too.
"""

from __future__ import annotations

import re

import pytest

from recstack.data.movielens import UnknownGenreWarning, load_movielens
from recstack.errors import DataFormatError

_CSV_MOVIES = ('movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n'
               '2,"Jumanji, The (1995)",Adventure\n')
_DAT = {"ratings.dat": "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n",
        "movies.dat": "1::Toy Story (1995)::Animation|Children's|Comedy\n"
                      "2::Jumanji (1995)::Adventure|Children's|Fantasy\n",
        "users.dat": "1::F::1::10::48067\n2::M::56::16::70072\n"}


def _csv_release(folder, genres="Animation|Comedy"):
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.5,964982703\n"
                                        "1,2,4.0,964982704\n")
    (folder / "movies.csv").write_text(_CSV_MOVIES.replace("Animation|Comedy", genres))
    return folder


def _dat_release(folder, genres="Animation|Children's|Comedy", prefix=b"", which=None):
    folder.mkdir()
    for name, text in _DAT.items():
        data = text.replace("Animation|Children's|Comedy", genres).encode("latin-1")
        (folder / name).write_bytes((prefix if name == which else b"") + data)
    return folder


@pytest.mark.parametrize(("genres", "found"), [
    ("Animation|comedy", "found the genre 'comedy' (did you mean 'Comedy'?)"),
    ("Animation|", "found an empty genre name in 'Animation|'"),
    ("Animation||Comedy", "found an empty genre name in 'Animation||Comedy'"),
    ("", "found an empty field (a movie of no genre is written '(no genres listed)')"),
])
def test_a_genre_no_release_writes_is_refused_at_its_line_in_movies_csv(tmp_path, genres,
                                                                         found):
    folder = _csv_release(tmp_path / "ml-latest-small", genres)
    with pytest.raises(DataFormatError) as refused:
        load_movielens(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / 'movies.csv'}:2: column 'genres': {found} "
                              "(expected genre names of MovieLens joined by '|' (Action, ")
    assert message.endswith("): the file was edited or is another dataset)")


def test_a_genre_typo_in_movies_dat_is_refused_at_its_line(tmp_path):
    folder = _dat_release(tmp_path / "ml-1m", "Animation|Childrens|Comedy")
    with pytest.raises(DataFormatError, match="^" + re.escape(
            f"{folder / 'movies.dat'}:1: column 'Genres': found the genre 'Childrens' (did "
            "you mean \"Children's\"?)")):
        load_movielens(folder)


@pytest.mark.parametrize(("genres", "named"), [
    ("Animaton|Comedy", "the genre 'Animaton' (did you mean 'Animation'?) is no genre"),
    ("Biography|Comedy", "the genre 'Biography' is no genre"),
])
def test_a_genre_unlike_any_release_genre_is_kept_with_a_warning(tmp_path, genres, named):
    folder = _csv_release(tmp_path / "ml-latest-small", genres)
    with pytest.warns(UnknownGenreWarning, match="^" + re.escape(
            f"{folder / 'movies.csv'}:2: column 'genres': {named}")):
        table = load_movielens(folder).item_table.set_index("item_id")
    assert table.loc[1, "genres"] == genres.split("|")


@pytest.mark.parametrize("genres", ["Children|IMAX", "(no genres listed)",
                                    "Film-Noir|Sci-Fi|Children's"])
def test_every_genre_a_release_writes_is_read(tmp_path, genres):
    folder = _csv_release(tmp_path / "ml-latest-small", genres)
    table = load_movielens(folder).item_table.set_index("item_id")
    wanted = [] if genres == "(no genres listed)" else genres.split("|")
    assert table.loc[1, "genres"] == wanted


@pytest.mark.parametrize("which", ["movies.dat", "users.dat", "ratings.dat"])
def test_a_byte_order_mark_at_the_start_of_a_dat_file_is_skipped(tmp_path, which):
    folder = _dat_release(tmp_path / "ml-1m", prefix=b"\xef\xbb\xbf", which=which)
    data = load_movielens(folder)
    assert sorted(data.items.external_ids.tolist()) == [1, 2]
    assert sorted(data.users.external_ids.tolist()) == [1, 2]
    assert data.item_table.set_index("item_id").loc[1, "title"] == "Toy Story (1995)"
