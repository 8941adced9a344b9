"""A MovieLens tag on a movie that the movies file does not list has no row to go to: it
was left out without a word; it is now left out with an UnlistedTagWarning giving the
count, the first line and the movie id (as the data layer warns of what it leaves out)."""

from __future__ import annotations

import warnings

import pytest

from recstack.data.movielens import UnlistedTagWarning, load_movielens


def _write(folder, files):
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


CSV = {
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n2,2,0.5,964982224\n",
    "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Animation\n2,Heat (1995),Action\n",
}
DAT = {
    "ratings.dat": "1::122::5::838985046\n1::185::4.5::838983525\n",
    "movies.dat": "122::Boomerang (1992)::Comedy\n185::Net, The (1995)::Action\n",
}


def test_csv_tags_on_unlisted_movies_are_warned_of_with_count_line_and_id(tmp_path):
    folder = _write(tmp_path / "ml-latest-small", CSV | {
        "tags.csv": "userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n"
                    "2,99,gone,1445714995\n3,99,again,1445714996\n4,98,x,1445714997\n"})
    with pytest.warns(UnlistedTagWarning) as caught:
        data = load_movielens(folder)
    message = str(caught[0].message)
    # lines 3 to 5 of the file (the header is line 1): 3 tags, movies 98 and 99
    assert f"{folder / 'tags.csv'}:3: column 'movieId': 3 tag(s) on 2 movie(s)" in message
    assert "movies.csv does not list (the first, movie id 99)" in message
    assert caught[0].filename == __file__
    items = data.item_table.set_index("item_id")
    assert items.loc[1, "tags"] == "pixar" and 99 not in items.index


def test_dat_tags_on_unlisted_movies_are_warned_of(tmp_path):
    folder = _write(tmp_path / "ml-10M100K", DAT | {
        "tags.dat": "15::122::dark hero::1215184630\n\n20::7::time: travel::1188263867\n"})
    with pytest.warns(UnlistedTagWarning, match=r"tags\.dat:3: column 'MovieID': 1 tag\(s\) "
                                                r"on 1 movie\(s\) that movies\.dat does not "
                                                r"list \(the first, movie id 7\)"):
        load_movielens(folder)


def test_tags_on_listed_movies_give_no_warning(tmp_path):
    folder = _write(tmp_path / "ml-latest-small", CSV | {
        "tags.csv": "userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n2,2,cop,1445714995\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_movielens(folder)
