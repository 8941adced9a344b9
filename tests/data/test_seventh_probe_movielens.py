"""Seventh probe, MovieLens '::' files: a line ends at LF, CRLF or a lone CR only. A title
or tag holding a character that str.splitlines also breaks at (latin-1's byte 0x85, a form
feed, U+2028) was cut in two: a well-formed file was refused as short of fields, and the
line numbers of every later error were off."""

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

_RATINGS = "1::1::5::978300760\n1::2::3::978300761\n2::1::4::978300762\n"


def _ml_1m(tmp_path, movies: bytes):
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_text(_RATINGS)
    (folder / "movies.dat").write_bytes(movies)
    return folder


@pytest.mark.parametrize("inside, encoding", [
    ("\u2026", "cp1252"),    # cp1252's ellipsis (byte 0x85, latin-1's U+0085)
    ("\u2028", "utf-8"),      # LINE SEPARATOR
    ("\x0c", "utf-8"),        # a form feed
])
def test_a_title_holding_a_character_splitlines_breaks_at_is_one_line(
        tmp_path, inside, encoding):
    title = f"And Then{inside} (1999)"
    movies = f"1::Toy Story (1995)::Animation\n2::{title}::Drama|Comedy\n".encode(encoding)
    data = load_movielens(_ml_1m(tmp_path, movies))
    table = data.item_table.set_index("item_id")
    assert table.loc[2, "title"] == title
    assert table.loc[2, "genres"] == ["Drama", "Comedy"]
    assert table.loc[2, "year"] == 1999


def test_the_line_of_a_short_tag_row_is_counted_by_line_ends_only(tmp_path):
    folder = _ml_1m(tmp_path, b"1::Toy Story (1995)::Animation\n2::Heat (1995)::Drama\n")
    # line 1 holds a form feed inside its tag; line 3 really lacks its timestamp
    (folder / "tags.dat").write_text("1::1::funny\x0cstuff::978300760\n"
                                     "1::2::dark::978300761\n2::2::dark\n")
    with pytest.raises(DataFormatError, match=r"tags\.dat:3: .*the row has 3 field\(s\)"):
        load_movielens(folder, "10m")
