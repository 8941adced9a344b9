"""MovieLens loaders: every layout on small hand-written folders, errors, the registry, and
exact counts on the real releases (found through RECSTACK_DATASETS, skipped without it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from recstack.data.movielens import RELEASES, detect_variant, load_movielens, release
from recstack.errors import DataFormatError, RecstackError

# ---------------------------------------------------------------------------- 100K layout


def test_tiny_100k_ratings_in_file_order(write_tiny_ml100k, tmp_path):
    data = load_movielens(write_tiny_ml100k(tmp_path / "ml-100k"))
    frame = data.to_frame()
    assert frame.values.tolist() == [
        [1, 10, 4.0, 881250949], [2, 10, 3.0, 881250950], [1, 20, 5.0, 881250951],
        [3, 30, 1.0, 881250952], [3, 10, 2.0, 881250953]]
    assert data.rating_range == (1.0, 5.0)
    assert data.timestamp.dtype == np.int64
    assert data.items.external_ids.dtype.kind == "i"  # ids stay integers


def test_tiny_100k_item_table(write_tiny_ml100k, tmp_path):
    items = load_movielens(write_tiny_ml100k(tmp_path / "ml-100k")).item_table
    assert list(items.columns) == ["item_id", "title", "year", "genres"]
    assert items["item_id"].tolist() == [10, 20, 30]  # item 40 has no ratings
    assert items["title"].tolist() == ["Café Society (1995)", "unknown", "Old Film"]  # latin-1
    assert items["genres"].tolist() == [["Animation", "Children's", "Comedy"], ["unknown"],
                                        ["Drama", "War"]]
    # 1995 from the title, none at all, 1950 from the release date "01-Jan-1950"
    assert items["year"].tolist()[0] == 1995 and items["year"].isna().tolist()[1]
    assert items["year"].tolist()[2] == 1950
    assert str(items["year"].dtype) == "Int64"


def test_tiny_100k_user_table(write_tiny_ml100k, tmp_path):
    users = load_movielens(write_tiny_ml100k(tmp_path / "ml-100k")).user_table
    assert list(users.columns) == ["user_id", "age", "gender", "occupation", "zip"]
    assert users.values.tolist() == [[1, 24, "M", "technician", "85711"],
                                     [2, 53, "F", "other", "94043"],
                                     [3, 23, "M", "writer", "32067"]]


def test_keep_unseen_items_keeps_the_whole_catalogue(write_tiny_ml100k, tmp_path):
    data = load_movielens(write_tiny_ml100k(tmp_path / "ml-100k"), keep_unseen_items=True)
    assert data.n_items == 4
    assert data.item_table["title"].tolist()[-1] == "Unseen (2000)"
    assert data.item_counts().tolist() == [3, 1, 1, 0]


# ---------------------------------------------------------------------------- '::' layouts
def _write(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode(encoding))
    return folder


ML_1M = {
    "ratings.dat": "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n",
    # a latin-1 title, titles with '|' and ',', one with '::' inside and one ending in ':'
    "movies.dat": "1193::One Flew Over the Cuckoo's Nest, The (1975)::Drama\n"
                  "661::Jämes | the Giant Peach (1996)::Animation|Children's|Musical\n"
                  "7::Tricky::Title (2001)::Comedy\n"
                  "8::Weird Title:::Horror\n",
    "users.dat": "1::F::1::10::48067\n2::M::56::16::70072\n",
}


def test_1m_layout(tmp_path):
    folder = _write(tmp_path / "ml-1m", ML_1M, encoding="latin-1")
    assert detect_variant(folder) == "1m"
    data = load_movielens(folder, keep_unseen_items=True)
    assert data.rating_range == (1.0, 5.0)
    assert data.to_frame().values.tolist() == [[1, 1193, 5.0, 978300760],
                                               [1, 661, 3.0, 978302109],
                                               [2, 1193, 4.0, 978298413]]
    items = data.item_table.set_index("item_id")
    assert items.loc[661, "title"] == "Jämes | the Giant Peach (1996)"
    assert items.loc[661, "genres"] == ["Animation", "Children's", "Musical"]
    assert items.loc[1193, "title"] == "One Flew Over the Cuckoo's Nest, The (1975)"
    assert items.loc[7, "title"] == "Tricky::Title (2001)" and items.loc[7, "year"] == 2001
    assert items.loc[8, "title"] == "Weird Title:" and items.loc[8, "genres"] == ["Horror"]
    # occupation codes 10 and 16 are "K-12 student" and "self-employed" in the 1M README
    assert data.user_table.values.tolist() == [[1, 1, "F", "K-12 student", "48067"],
                                               [2, 56, "M", "self-employed", "70072"]]


ML_10M = {
    "ratings.dat": "1::122::5::838985046\n1::185::4.5::838983525\n2::122::0.5::838983392\n",
    "movies.dat": "122::Boomerang (1992)::Comedy|Romance\n185::Net, The (1995)::Action|Crime\n",
    "tags.dat": "15::122::dark hero::1215184630\n20::122::time: travel::1188263867\n",
}


def test_10m_layout_with_half_stars_and_tags(tmp_path):
    folder = _write(tmp_path / "ml-10M100K", ML_10M)
    assert detect_variant(folder) == "10m"
    data = load_movielens(folder)
    assert data.rating_range == (0.5, 5.0)
    assert data.value.tolist() == [5.0, 4.5, 0.5]
    items = data.item_table.set_index("item_id")
    assert items.loc[122, "tags"] == "dark hero time: travel"  # in file order
    assert items.loc[185, "tags"] == ""
    assert data.user_table is None


# ---------------------------------------------------------------------------- CSV layout
ML_CSV = {
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n"
                   "2,2,0.5,964982224\n",
    "movies.csv": 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n'
                  '2,"American President, The (1995)",Comedy|Drama|Romance\n'
                  "3,Some Series (2006\u20132007),(no genres listed)\n",
    "tags.csv": 'userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n'
                '7,1,"funny, clever",1445714996\n',
}


def test_csv_layout(tmp_path):
    folder = _write(tmp_path / "ml-latest-small", ML_CSV)
    assert detect_variant(folder) == "latest-small"
    data = load_movielens(folder)
    assert data.rating_range == (0.5, 5.0)
    assert data.to_frame().values.tolist() == [[1, 1, 4.0, 964982703], [1, 3, 4.5, 964981247],
                                               [2, 2, 0.5, 964982224]]
    items = data.item_table.set_index("item_id")
    assert items.loc[2, "title"] == "American President, The (1995)"
    assert items.loc[3, "genres"] == [] and items.loc[3, "year"] == 2006
    assert items.loc[1, "genres"] == ["Adventure", "Animation", "Children"]
    assert items.loc[1, "tags"] == "pixar funny, clever"
    assert items.loc[2, "tags"] == ""


def test_variant_names_and_detection(tmp_path, write_tiny_ml100k):
    assert detect_variant(_write(tmp_path / "ml-32m", ML_CSV)) == "32m"
    assert detect_variant(_write(tmp_path / "my-export", ML_CSV)) == "latest"
    folder = write_tiny_ml100k(tmp_path / "anything")
    assert detect_variant(folder) == "100k"
    assert load_movielens(folder, variant="movielens-100k").n_users == 3
    assert release("ml-10M100K").folder == "ml-10M100K"
    with pytest.raises(RecstackError, match="known: movielens-100k, movielens-1m"):
        release("movielens-7m")
    # a number is not a release name (100 is not "100k"): refused, never an AttributeError
    with pytest.raises(RecstackError, match="not 100; known: movielens-100k"):
        load_movielens(folder, variant=100)


def test_a_folder_without_movielens_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert detect_variant(tmp_path) is None
    assert detect_variant(tmp_path / "absent") is None
    with pytest.raises(DataFormatError, match=r"not a MovieLens folder.*notes\.txt"):
        load_movielens(tmp_path)


def test_a_missing_movie_file_is_named(tmp_path):
    folder = _write(tmp_path / "ml-latest", {"ratings.csv": ML_CSV["ratings.csv"]})
    with pytest.raises(DataFormatError, match="movies.csv is missing"):
        load_movielens(folder)


# ---------------------------------------------------------------------------- bad input
def _error(folder: Path) -> DataFormatError:
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    return caught.value


def _assert_points_at(error: DataFormatError, file: Path, line: int, column: str,
                      expected: str) -> None:
    message = str(error)
    assert (error.file, error.line, error.column) == (str(file), line, column), message
    assert message.startswith(f"{file}:{line}: column {column!r}: ")
    assert expected in message


@pytest.mark.parametrize(("layout", "bad_row", "column", "expected"), [
    # a row with a missing field, in each ratings layout
    ("100k", "3\t30\t1", "timestamp", "expected 4 fields separated by tabs"),
    ("dat", "3::30::1", "Timestamp", "expected 4 fields separated by '::'"),
    ("csv", "3,30,1", "timestamp", "expected 4 fields separated by ','"),
    # a non-numeric rating
    ("csv", "3,30,good,881250952", "rating", "found 'good' (expected a number)"),
    ("dat", "3::30::x::881250952", "Rating", "found 'x' (expected a number)"),
    # NaN and infinite ratings
    ("csv", "3,30,NaN,881250952", "rating", "found 'NaN' (expected a finite number within"),
    ("dat", "3::30::inf::881250952", "Rating", "found 'inf' (expected a finite number within"),
    ("100k", "3\t30\t-inf\t881250952", "rating", "expected a finite number"),
    # an unparseable timestamp
    ("100k", "3\t30\t1\tyesterday", "timestamp",
     "found 'yesterday' (expected an integer Unix timestamp in seconds)"),
    ("csv", "3,30,1,2024-01-01", "timestamp", "expected an integer Unix timestamp in seconds"),
    # a rating outside the release's scale
    ("csv", "3,30,7,881250952", "rating", "found '7' (expected a rating between 0.5 and 5)"),
    # a non-numeric id
    ("100k", "3\tabc\t1\t881250952", "item id", "found 'abc' (expected an integer)"),
])
def test_a_bad_rating_row_is_located(tmp_path, layout, bad_row, column, expected):
    good = {"100k": ["1\t10\t4\t881250949", "2\t10\t3\t881250950"],
            "dat": ["1::10::4::881250949", "2::10::3::881250950"],
            "csv": ["1,10,4,881250949", "2,10,3,881250950"]}[layout]
    # a blank line before the bad row: line numbers count it, as an editor does
    rows = [*good, "", bad_row, good[0]]
    if layout == "100k":
        files = {"u.data": "\n".join(rows) + "\n", "u.item": "10|A (1990)|||u|" + "0|" * 18 + "1\n"}
        name = "u.data"
    elif layout == "dat":
        files = {"ratings.dat": "\n".join(rows) + "\n", "movies.dat": "10::A (1990)::Drama\n"}
        name = "ratings.dat"
    else:
        files = {"ratings.csv": "\n".join(["userId,movieId,rating,timestamp", *rows]) + "\n",
                 "movies.csv": "movieId,title,genres\n10,A (1990),Drama\n"}
        name = "ratings.csv"
    folder = _write(tmp_path / "ml", files)
    line = 4 if layout != "csv" else 5
    _assert_points_at(_error(folder), folder / name, line, column, expected)


def test_a_malformed_movie_line_is_located(tmp_path):
    folder = _write(tmp_path / "ml-1m", {
        "ratings.dat": "1::10::4::881250949\n",
        "movies.dat": "10::A (1990)::Drama\n11::No genres here\n",
        "users.dat": "1::F::1::10::48067\n"})
    _assert_points_at(_error(folder), folder / "movies.dat", 2, "Genres",
                      "expected 3 fields separated by '::'")


def test_an_unknown_occupation_code_is_located(tmp_path):
    folder = _write(tmp_path / "ml-1m", {
        "ratings.dat": "1::10::4::881250949\n", "movies.dat": "10::A (1990)::Drama\n",
        "users.dat": "1::F::1::10::48067\n2::M::1::99::48067\n"})
    _assert_points_at(_error(folder), folder / "users.dat", 2, "Occupation",
                      "found '99' (expected an occupation code 0-20)")


@pytest.mark.parametrize(("files", "name", "line", "column", "expected"), [
    # a movie listed twice would give one item two rows of metadata
    ({"movies.csv": "movieId,title,genres\n10,A (1990),Drama\n10,B (1991),Drama\n"},
     "movies.csv", 3, "movieId", "id 10 is listed a second time"),
    # a timestamp in milliseconds: MovieLens counts seconds, year 33658 is refused
    ({"ratings.csv": "userId,movieId,rating,timestamp\n1,10,4,1000000000000\n"},
     "ratings.csv", 2, "timestamp", "found '1000000000000' (expected Unix seconds between"),
    # an id beyond the int32 range the releases use
    ({"ratings.csv": "userId,movieId,rating,timestamp\n1,99999999999,4,100\n"},
     "ratings.csv", 2, "movieId", "outside the int32 range"),
])
def test_bad_csv_release_files_are_located(tmp_path, files, name, line, column, expected):
    base = {"ratings.csv": "userId,movieId,rating,timestamp\n1,10,4,100\n",
            "movies.csv": "movieId,title,genres\n10,A (1990),Drama\n"}
    folder = _write(tmp_path / "ml-latest", {**base, **files})
    _assert_points_at(_error(folder), folder / name, line, column, expected)


def test_empty_and_damaged_files_are_named(tmp_path):
    cases = {
        "no ratings": ({"ratings.csv": "userId,movieId,rating,timestamp\n"}, "holds no ratings"),
        "empty movies": ({"movies.csv": "movieId,title,genres\n"}, "holds no rows"),
        "not utf-8": ({"ratings.csv": b"userId,movieId,rating,timestamp\n1,1\xff,4,100\n"},
                      "not valid utf-8"),
        "open quote": ({"movies.csv": 'movieId,title,genres\n10,"A (1990),Drama\n'},
                       "unterminated quote"),
    }
    base = {"ratings.csv": "userId,movieId,rating,timestamp\n1,10,4,100\n",
            "movies.csv": "movieId,title,genres\n10,A (1990),Drama\n"}
    for case, (files, message) in cases.items():
        folder = tmp_path / case
        folder.mkdir()
        for name, text in {**base, **files}.items():
            data = text if isinstance(text, bytes) else text.encode()
            (folder / name).write_bytes(data)
        with pytest.raises(DataFormatError, match=message):
            load_movielens(folder, variant="latest")


def test_an_overflowing_dat_id_is_located(tmp_path):
    folder = _write(tmp_path / "ml-1m", {
        "ratings.dat": "1::10::4::881250949\n",
        "movies.dat": "10::A (1990)::Drama\n1234567890123456789012::B (1991)::Drama\n",
        "users.dat": "1::F::1::10::48067\n"})
    _assert_points_at(_error(folder), folder / "movies.dat", 2, "MovieID",
                      "expected an integer")


def test_a_file_where_the_folder_belongs_and_a_folder_for_a_file(tmp_path):
    (tmp_path / "ratings.zip").write_bytes(b"PK")
    with pytest.raises(RecstackError, match="is a file; expected the folder"):
        load_movielens(tmp_path / "ratings.zip")
    folder = _write(tmp_path / "ml-latest", {"ratings.csv": ML_CSV["ratings.csv"]})
    (folder / "movies.csv").mkdir()
    with pytest.raises(DataFormatError, match="movies.csv is not a file"):
        load_movielens(folder)


# ---------------------------------------------------------------------------- registry
def test_registry_lists_every_release_with_official_urls():
    assert list(RELEASES) == [
        "movielens-100k", "movielens-1m", "movielens-10m", "movielens-20m", "movielens-25m",
        "movielens-32m", "movielens-latest", "movielens-latest-small"]
    for entry in RELEASES.values():
        assert entry.url.startswith("https://files.grouplens.org/datasets/movielens/ml-")
        assert entry.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", entry.sha256)
    assert RELEASES["movielens-10m"].url.endswith("/ml-10m.zip")
    assert RELEASES["movielens-10m"].folder == "ml-10M100K"
    # no trustworthy pin: 10M (none published) and latest (re-issued over time)
    assert [e.variant for e in RELEASES.values() if e.sha256 is None] == ["10m", "latest"]
    assert RELEASES["movielens-100k"].sha256.startswith("50d2a982c669")


# ---------------------------------------------------------------------------- real files
@pytest.fixture(scope="module")
def real_folder():
    """The folder of a real MovieLens copy, or a visible skip saying why there is none."""
    root = os.environ.get("RECSTACK_DATASETS")

    def find(name: str) -> Path:
        if not root:
            pytest.skip("RECSTACK_DATASETS is not set, so the real MovieLens copies are "
                        "not available (set it to the folder holding ml-100k/ and "
                        "ml-latest-small/)")
        folder = Path(root) / name
        if not folder.is_dir():
            pytest.skip(f"{folder} does not exist (RECSTACK_DATASETS={root})")
        return folder

    return find


@pytest.fixture(scope="module")
def real_100k(real_folder):
    return load_movielens(real_folder("ml-100k"))


@pytest.fixture(scope="module")
def real_latest_small(real_folder):
    return load_movielens(real_folder("ml-latest-small"))


@pytest.mark.realdata
def test_real_100k_counts(real_100k):
    assert (len(real_100k), real_100k.n_users, real_100k.n_items) == (100_000, 943, 1_682)
    assert real_100k.rating_range == (1.0, 5.0)
    assert sorted(np.unique(real_100k.value).tolist()) == [1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.realdata
def test_real_100k_known_rows(real_100k):
    # the first line of u.data is "196\t242\t3\t881250949"
    assert real_100k.to_frame().iloc[0].tolist() == [196, 242, 3.0, 881250949]
    items = real_100k.item_table.set_index("item_id")
    assert items.loc[1, "title"] == "Toy Story (1995)" and items.loc[1, "year"] == 1995
    assert items.loc[1, "genres"] == ["Animation", "Children's", "Comedy"]
    assert real_100k.user_table.iloc[0].tolist() == [1, 24, "M", "technician", "85711"]


@pytest.mark.realdata
def test_real_latest_small_counts(real_latest_small):
    data = real_latest_small
    assert (len(data), data.n_users, data.n_items) == (100_836, 610, 9_724)
    assert data.rating_range == (0.5, 5.0)
    assert data.value.min() == 0.5 and data.value.max() == 5.0


@pytest.mark.realdata
def test_real_latest_small_known_rows(real_latest_small, real_folder):
    # ratings.csv begins "1,1,4.0,964982703"; movies.csv with "1,Toy Story (1995),..."
    assert real_latest_small.to_frame().iloc[0].tolist() == [1, 1, 4.0, 964982703]
    items = real_latest_small.item_table.set_index("item_id")
    assert items.loc[1, "title"] == "Toy Story (1995)"
    assert items.loc[1, "genres"] == ["Adventure", "Animation", "Children", "Comedy", "Fantasy"]
    assert "pixar" in items.loc[1, "tags"].split()
    # movies.csv lists 9,742 movies, 18 of them unrated
    catalogue = load_movielens(real_folder("ml-latest-small"), keep_unseen_items=True)
    assert catalogue.n_items == 9_742
