"""Fifteenth probe, MovieLens side files holding values outside their documented codes:
a genre flag of 2 or -1 in ``u.item`` (read as "has the genre" or not, though the message
for a letter already said "0 or 1"), a gender other than M or F in ``u.user`` and
``users.dat``, and an age in ``users.dat`` that is not one of 1M's age-group codes. Each
was kept without a word; each is now refused at its file, line and column."""

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

# 19 genre flags in u.genre order (unknown, Action, Adventure, Animation, ..., Western)
FLAGS = ["0"] * 19
ANIMATION = 3


def _u_item_line(movie: int, flags: list[str]) -> str:
    return f"{movie}|Film {movie} (1995)|01-Jan-1995||http://x/{movie}|{'|'.join(flags)}\n"


def _write_100k(folder, *, u_item: str, u_user: str = "1|24|M|technician|85711\n"):
    folder.mkdir()
    (folder / "u.data").write_text("1\t10\t4\t881250949\n")
    (folder / "u.item").write_text(u_item)
    (folder / "u.user").write_text(u_user)
    return folder


@pytest.mark.parametrize(("flag", "line", "genre"), [
    ("2", 1, "Animation"),    # on the first movie's line
    ("-1", 2, "Animation"),   # on the second's
])
def test_a_genre_flag_other_than_0_or_1_is_located(tmp_path, flag, line, genre):
    odd = FLAGS.copy()
    odd[ANIMATION] = flag
    lines = [_u_item_line(10, FLAGS), _u_item_line(20, odd)]
    if line == 1:
        lines.reverse()
    folder = _write_100k(tmp_path / "ml-100k", u_item="".join(lines))
    with pytest.raises(DataFormatError) as error:
        load_movielens(folder)
    assert str(error.value) == (f"{folder / 'u.item'}:{line}: column {genre!r}: found "
                                f"{flag!r} (expected a genre flag, 0 or 1)")


def test_flags_of_0_and_1_still_name_the_genres(tmp_path):
    flags = FLAGS.copy()
    flags[ANIMATION] = "1"
    folder = _write_100k(tmp_path / "ml-100k", u_item=_u_item_line(10, flags))
    assert load_movielens(folder).item_table["genres"].tolist() == [["Animation"]]


def test_a_100k_gender_other_than_m_or_f_is_located(tmp_path):
    folder = _write_100k(tmp_path / "ml-100k", u_item=_u_item_line(10, FLAGS),
                         u_user="1|24|X|technician|85711\n")
    with pytest.raises(DataFormatError) as error:
        load_movielens(folder)
    assert str(error.value) == (f"{folder / 'u.user'}:1: column 'gender': found 'X' "
                                "(expected M or F)")


def _write_1m(folder, users: str):
    folder.mkdir()
    (folder / "ratings.dat").write_text("1::1193::5::978300760\n2::1193::4::978298413\n")
    (folder / "movies.dat").write_text("1193::Nest (1975)::Drama\n")
    (folder / "users.dat").write_text(users)
    return folder


@pytest.mark.parametrize(("second_user", "column", "found", "expected"), [
    ("2::M::30::16::70072", "Age", "30", "an age-group code: 1, 18, 25, 35, 45, 50, 56"),
    ("2::M::-1::16::70072", "Age", "-1", "an age-group code: 1, 18, 25, 35, 45, 50, 56"),
    ("2::m::56::16::70072", "Gender", "m", "M or F"),
])
def test_a_1m_user_field_outside_its_codes_is_located(tmp_path, second_user, column, found,
                                                      expected):
    folder = _write_1m(tmp_path / "ml-1m", "1::F::1::10::48067\n" + second_user + "\n")
    with pytest.raises(DataFormatError) as error:
        load_movielens(folder)
    assert str(error.value) == (f"{folder / 'users.dat'}:2: column {column!r}: found "
                                f"{found!r} (expected {expected})")


def test_every_1m_age_group_code_is_read(tmp_path):
    codes = (1, 18, 25, 35, 45, 50, 56)
    users = "".join(f"{n}::{'MF'[n % 2]}::{age}::0::00000\n" for n, age in enumerate(codes, 1))
    folder = _write_1m(tmp_path / "ml-1m", users)
    data = load_movielens(folder)
    assert data.user_table["age"].tolist() == [1, 18]  # the two users who rated
