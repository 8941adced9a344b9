"""Public datasets as they ship, read with load_table: a file without a header (the
Amazon review CSVs, 100K's u.data) was told only that a column was missing, among
"columns" named by its first row of data; a file whose extension names no format
(Last.fm HetRec's tab-separated user_artists.dat, MovieLens's ``::`` ratings.dat) was not
told which separator its first line shows; an NCF negatives line holding the pair alone
was told its fields are separated by tabs, not commas (the pair's own comma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.data.files import load_table
from recstack.data.ncf_files import load_ncf_files
from recstack.errors import ConfigError, DataFormatError, UnknownColumnError

#: Amazon's ratings_Books.csv: item, user, rating, timestamp, no header
AMAZON = ("0000000116,AH2L9G3DQHHAJ,4.0,1019865600\n"
          "0000000116,A2IIIDRK3PRRZY,1.0,1395619200\n"
          "0000000868,A1TADCM7YWPQ8M,4.0,1031702400\n")
#: Last.fm HetRec 2011's user_artists.dat: tab-separated with a header
LASTFM = "userID\tartistID\tweight\r\n2\t51\t13883\r\n2\t52\t11690\r\n3\t51\t228\r\n"


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def test_a_file_without_a_header_is_told_to_name_its_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings_Books.csv", AMAZON)
    with pytest.raises(UnknownColumnError) as caught:
        load_table(path)
    assert str(caught.value) == (
        f"{path}: no column 'user_id' for user ids; the columns are: '0000000116', "
        "'AH2L9G3DQHHAJ', '4.0', '1019865600'; the first line, read as the header, holds "
        "numbers ('0000000116', '4.0'), as a row of data does: for a file without a header, "
        "pass column_names= with one name per field, in their order (4 here, e.g. "
        "'user_id', 'item_id', 'rating', 'timestamp')")
    # the advice, followed: item first, as Amazon writes them
    data = load_table(path, column_names=["item", "user", "rating", "timestamp"])
    assert data.users.to_external(data.user_index).tolist() == [
        "AH2L9G3DQHHAJ", "A2IIIDRK3PRRZY", "A1TADCM7YWPQ8M"]
    assert data.items.to_external(data.item_index).tolist() == [
        "0000000116", "0000000116", "0000000868"]
    assert data.value.tolist() == [4.0, 1.0, 4.0]
    assert data.timestamp.tolist() == [1019865600, 1395619200, 1031702400]


def test_a_named_column_of_a_headerless_file_gets_the_advice_too(tmp_path: Path) -> None:
    # 100K's u.data: user, item, rating, timestamp separated by tabs
    path = _write(tmp_path / "u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n")
    with pytest.raises(UnknownColumnError, match=r"holds numbers \('196', '242'\), as a row "
                       r"of data does: .*column_names= .*\(4 here"):
        load_table(path, separator="\t", user_col="user", item_col="item")
    data = load_table(path, separator="\t", column_names=["user_id", "item_id", "rating",
                                                          "timestamp"])
    assert data.value.tolist() == [3.0, 3.0] and len(data.users) == 2


def test_a_single_number_and_other_widths(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.csv", "A1,B7,5\nA2,B7,3\n")
    with pytest.raises(UnknownColumnError, match=r"holds a number \('5'\), .*\(3 here, e.g. "
                                                 r"'user_id', 'item_id', 'rating'\)$"):
        load_table(path)
    wide = _write(tmp_path / "wide.csv", "1,2,3,4,5\n")
    with pytest.raises(UnknownColumnError, match=r"in their order \(5 here\)$"):
        load_table(wide)


def test_a_header_of_names_gets_no_such_advice(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.csv", "customer,product\nA1,B7\n")
    with pytest.raises(UnknownColumnError) as caught:
        load_table(path)
    assert "column_names" not in str(caught.value)
    assert str(caught.value).endswith("the columns are: 'customer', 'product'")


def test_an_unknown_extension_is_told_the_separator_its_first_line_shows(tmp_path: Path
                                                                         ) -> None:
    path = _write(tmp_path / "user_artists.dat", LASTFM)
    with pytest.raises(ConfigError) as caught:
        load_table(path, user_col="userID", item_col="artistID", value_col="weight")
    assert str(caught.value) == (
        f"{path}: cannot tell the format from the extension .dat; use .csv, .tsv or "
        ".parquet, or pass separator='\\t' (the fields of its first line are separated by "
        "tabs)")
    data = load_table(path, separator="\t", user_col="userID", item_col="artistID",
                      value_col="weight")
    assert data.users.to_external(data.user_index).tolist() == [2, 2, 3]
    assert data.items.to_external(data.item_index).tolist() == [51, 52, 51]
    assert data.value.tolist() == [13883.0, 11690.0, 228.0]


@pytest.mark.parametrize(("text", "advice"), [
    ("a;b;c\n1;2;3\n", "separator=';' (the fields of its first line are separated by "
                       "semicolons)"),
    ("a,b\n1,2\n", "separator=',' (the fields of its first line are separated by commas)"),
    ("a|b\n1|2\n", "separator='|' (the fields of its first line are separated by '|')"),
    ("ab\n12\n", "separator="),
])
def test_each_separator_seen_is_named(tmp_path: Path, text: str, advice: str) -> None:
    path = _write(tmp_path / "log.txt", text)
    with pytest.raises(ConfigError) as caught:
        load_table(path)
    assert str(caught.value).endswith(f"or pass {advice}")


def test_movielens_dat_files_are_sent_to_load_movielens(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n")
    with pytest.raises(ConfigError, match=r"pass separator= \(its fields are separated by "
                                          r"'::', as MovieLens 1M and 10M write them: "
                                          r"load_movielens\(folder\) reads"):
        load_table(path)
    with pytest.raises(ConfigError, match=r"not '::'; '::' separates the fields of MovieLens "
                                          r"1M and 10M's \.dat files, which "
                                          r"load_movielens\(folder\) reads$"):
        load_table(path, separator="::")
    with pytest.raises(ConfigError, match=r"not ';;'$"):
        load_table(path, separator=";;")


def test_an_ncf_negatives_line_holding_the_pair_alone(tmp_path: Path) -> None:
    (tmp_path / "ml-1m.train.rating").write_text("0\t1\t5\t978300760\n1\t0\t4\t978300762\n")
    (tmp_path / "ml-1m.test.rating").write_text("0\t3\t4\t978300800\n1\t4\t2\t978300900\n")
    (tmp_path / "ml-1m.test.negative").write_text("(0,3)\t0\t4\n(1,4)\t\n")
    with pytest.raises(DataFormatError) as caught:
        load_ncf_files(tmp_path)
    assert caught.value.line == 2
    assert "the line holds the held-out pair (1,4) but no negative item id after it" in \
        str(caught.value)
    assert "commas" not in str(caught.value)
