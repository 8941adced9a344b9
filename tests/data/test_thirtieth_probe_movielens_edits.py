"""Thirtieth probe, MovieLens files holding what no release holds, each a sign of a file
edited or of another dataset under MovieLens names. All three were accepted silently:

* a negative (or absurd) age in 100K's ``u.user`` was kept in the user table;
* a rating off the release's step (3.7 among 100K's whole stars, 4.25 among the later
  releases' half stars) was kept as it was;
* a (user, movie) pair rated on two lines was kept twice, and the matrices the models
  train on summed the two ratings (4 + 5 = 9 on a 1-5 scale).

Each is now refused, naming the file, the line and what a release holds (refused, not
warned: the 1M loader already refuses an age that is no age group, and a summed rating
breaks every explicit model); ``load_table`` still reads such a file, with a policy."""

import pytest

from recstack.data.files import load_table
from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError


def _with(folder, name, old, new):
    path = folder / name
    text = path.read_bytes().decode("latin-1")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("latin-1"))
    return path


@pytest.mark.parametrize("age", ["-5", "0", "340"])
def test_an_age_that_is_no_age_is_refused_with_its_line(tmp_path, write_tiny_ml100k, age):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    path = _with(folder, "u.user", "2|53|F", f"2|{age}|F")
    with pytest.raises(DataFormatError, match=rf"^{path}:2: column 'age': found '{age}' "
                                              r"\(expected an age in years, 1 to 120\)$"):
        load_movielens(folder)


def test_a_rating_off_100k_whole_stars_is_refused_with_its_line(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    path = _with(folder, "u.data", "1\t20\t5\t", "1\t20\t3.7\t")
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'rating': found '3\.7' "
                                              r"\(expected whole stars \(1, 2, 3, 4, 5\), as "
                                              r"every rating of MovieLens 100K is: the file "
                                              r"was edited or is another dataset; read such "
                                              r"a file with load_table\)$"):
        load_movielens(folder)


def _csv_release(folder, ratings):
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n" + ratings)
    (folder / "movies.csv").write_text("movieId,title,genres\n1,Toy Story (1995),Comedy\n"
                                       "2,Jumanji (1995),Adventure\n")
    return folder


def test_a_rating_off_half_stars_is_refused_in_the_later_releases(tmp_path):
    folder = _csv_release(tmp_path / "ml-latest-small",
                          "1,1,4.5,964982703\n1,2,4.25,964982704\n")
    with pytest.raises(DataFormatError, match=r"ratings\.csv:3: column 'rating': found '4\.25' "
                                              r"\(expected half stars \(0\.5, 1, 1\.5, 2, 2\.5, "
                                              r"3, 3\.5, 4, 4\.5, 5\), as every rating of "
                                              r"MovieLens LATEST-SMALL is"):
        load_movielens(folder)


def test_a_pair_rated_twice_is_refused_naming_both_lines(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    path = folder / "u.data"
    # line 6 repeats line 3's pair (user 1, movie 20) with another rating
    path.write_bytes(path.read_bytes() + b"1\t20\t4\t881250960\n")
    with pytest.raises(DataFormatError, match=rf"^{path}:6: user 1 rates movie 20 a second "
                                              r"time \(first on line 3\); 1 \(user, movie\) "
                                              r"pair\(s\) are rated more than once \(expected "
                                              r"each \(user, movie\) pair on one line only"):
        load_movielens(folder)


def test_a_pair_rated_twice_in_a_sorted_release_is_refused_too(tmp_path):
    folder = _csv_release(tmp_path / "ml-latest-small",
                          "1,1,4.5,964982703\n1,2,4,964982704\n2,1,3,964982705\n"
                          "2,1,3.5,964982706\n2,2,1,964982707\n1,2,5,964982708\n")
    with pytest.raises(DataFormatError, match=r"ratings\.csv:5: user 2 rates movie 1 a second "
                                              r"time \(first on line 4\); 2 \(user, movie\) "
                                              r"pair\(s\) are rated more than once"):
        load_movielens(folder)


def test_load_table_still_reads_such_a_file_with_a_policy(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    path = folder / "u.data"
    path.write_bytes(path.read_bytes() + b"1\t20\t4\t881250960\n")
    data = load_table(path, column_names=["user_id", "item_id", "rating", "timestamp"],
                      separator="\t", duplicates="last")
    assert len(data) == 5  # six lines, the pair (1, 20) once


def test_the_tiny_release_still_loads(tmp_path, write_tiny_ml100k):
    data = load_movielens(write_tiny_ml100k(tmp_path / "ml-100k"))
    assert len(data) == 5 and data.user_table["age"].tolist() == [24, 53, 23]
