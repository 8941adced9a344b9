"""Thirty-fourth probe, the Spark MovieLens reader parsed ``u.data`` itself and lacked the
single-machine loader's checks: a rating off 100K's whole stars (3.7) or outside 1-5, and a
(user, movie) pair rated on two lines were kept without a word, and a damaged line became a
row of nulls named without its line. It now applies the single-machine reader's checks,
with the same words, naming the file and line (ages outside 1-120 in ``u.user`` were
already refused through the shared side-table reader)."""

import pytest

from recstack.errors import DataFormatError


def _with(folder, name, old, new):
    path = folder / name
    text = path.read_bytes().decode("latin-1")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("latin-1"))
    return path


def test_spark_refuses_what_no_100k_release_holds_with_file_and_line(spark, tmp_path,
                                                                      write_tiny_ml100k):
    from recstack.spark.data import read_movielens

    # a rating off the whole stars, on line 3 (user 1, movie 20)
    folder = write_tiny_ml100k(tmp_path / "step" / "ml-100k")
    path = _with(folder, "u.data", "1\t20\t5\t", "1\t20\t3.7\t")
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'rating': found '3\.7' "
                                              r"\(expected whole stars \(1, 2, 3, 4, 5\), as "
                                              r"every rating of MovieLens 100K is"):
        read_movielens(spark, folder)
    # a rating above 5
    folder = write_tiny_ml100k(tmp_path / "range" / "ml-100k")
    path = _with(folder, "u.data", "1\t20\t5\t", "1\t20\t7\t")
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'rating': found '7'"):
        read_movielens(spark, folder)
    # line 6 repeats line 3's pair
    folder = write_tiny_ml100k(tmp_path / "pair" / "ml-100k")
    path = folder / "u.data"
    path.write_bytes(path.read_bytes() + b"1\t20\t4\t881250960\n")
    with pytest.raises(DataFormatError, match=rf"^{path}:6: user 1 rates movie 20 a second "
                                              r"time \(first on line 3\); 1 \(user, movie\) "
                                              r"pair\(s\) are rated more than once"):
        read_movielens(spark, folder)
    # text where a rating goes: Spark read a null
    folder = write_tiny_ml100k(tmp_path / "text" / "ml-100k")
    path = _with(folder, "u.data", "1\t20\t5\t", "1\t20\tfive\t")
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'rating': found 'five'"):
        read_movielens(spark, folder)
    # an age outside 1-120, as on one machine
    folder = write_tiny_ml100k(tmp_path / "age" / "ml-100k")
    path = _with(folder, "u.user", "2|53|F", "2|340|F")
    with pytest.raises(DataFormatError, match=rf"^{path}:2: column 'age': found '340' "
                                              r"\(expected an age in years, 1 to 120\)$"):
        read_movielens(spark, folder)


def test_spark_reads_a_sound_tiny_release(spark, tmp_path, write_tiny_ml100k):
    from recstack.spark.data import read_movielens

    data = read_movielens(spark, write_tiny_ml100k(tmp_path / "ml-100k"))
    read = data.to_interactions()
    # u.data: 5 ratings, users 1-3, movies 10, 20, 30
    assert len(read) == 5
    assert sorted(read.items.external_ids.tolist()) == [10, 20, 30]
    assert sorted(read.value.tolist()) == [1.0, 2.0, 3.0, 4.0, 5.0]
