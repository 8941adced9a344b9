"""Public interaction logs in the shape they are downloaded in, read with ``load_table``,
``load_source`` and ``recstack data info``: each fixture is a few lines written by hand
after the dataset's published layout, with its quirks (RetailRocket's milliseconds,
Book-Crossing's quoted cp1252 ``;`` fields and 0 for "no rating", Amazon's and Last.fm's
files without a header, Last.fm's names holding raw quotes, Yoochoose's ISO times with
milliseconds, Jester's negative float ratings, Goodreads' 0 for "unrated", MovieLens with
Windows line ends, a gzip-compressed CSV). Expected values are worked out by hand or with
the standard library's ``datetime``, never with recstack."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.data.sources import LoaderOptions, load_source
from recstack.errors import ConfigError, DataFormatError, UnknownColumnError

#: RetailRocket's events.csv: Unix milliseconds, three event kinds, transactionid only
#: on transactions
RETAILROCKET = (
    "timestamp,visitorid,event,itemid,transactionid\n"
    "1433221332117,257597,view,355908,\n"
    "1433224214164,992329,view,248676,\n"
    "1433221999827,111016,view,318965,\n"
    "1433223543836,1022037,addtocart,248676,\n"
    "1433224293421,1022037,transaction,248676,17950\n"
    "1433222531378,599528,view,356475,\n"
)

#: Book-Crossing's BX-Book-Ratings.csv: ';', every field quoted, cp1252, CRLF, ISBNs with
#: an X and a stray space, 0 for an implicit row
BOOK_CROSSING = (
    '"User-ID";"ISBN";"Book-Rating"\r\n'
    '"276725";"034545104X";"0"\r\n'
    '"276726";"0155061224";"5"\r\n'
    '"276729";"052165615X";"3"\r\n'
    '"276729";" 0521795028";"6"\r\n'
    '"11676";"\xe9crit";"0"\r\n'
).encode("cp1252")

#: an Amazon "ratings only" CSV of 2014: user, item, rating, timestamp, no header
AMAZON = ("AH2L9G3DQHHAJ,0000000116,4.0,1019865600\n"
          "A2IIIDRK3PRRZY,0000000116,1.0,1395619200\n"
          "A2Z0HVNDH2T8C4,000001506X,5.0,1397692800\n")

#: Last.fm 1K's userid-timestamp-artid-artname-traid-traname.tsv: tabs, no header,
#: empty MusicBrainz ids, names with commas and quotes as plain characters
LASTFM_NAMES = ["user", "timestamp", "artist_mbid", "artist", "track_mbid", "track"]
LASTFM = (
    "user_000001\t2009-05-04T23:08:57Z\tf1b1cf71-bd35-4e99-8624-24a6e15f133a\tDeep Dish\t\t"
    "Fuck Me Im Famous (Pacha Ibiza)-09-28-2007\n"
    "user_000001\t2009-05-04T13:54:10+02:00\t\t\"Weird Al\" Yankovic\t\tWhite & Nerdy\n"
    "user_000002\t2009-05-03T15:48:25Z\tba2f4f3b-0293-4bc8-bb94-2f73b5207343\tUnderworld\t"
    "444b9d45-1b61-4b3a-9de6-4d6d2d64fc34\tBoy, Boy, Boy (Switch Remix)\n"
    "user_000003\t2009-05-03T15:14:53Z\t\tWeird Al Yankovic\t\t\"Amish Paradise\n"
)

#: Yoochoose's yoochoose-clicks.dat: no header, ISO times with milliseconds and Z
YOOCHOOSE = ("1,2014-04-07T10:51:09.277Z,214536502,0\n"
             "1,2014-04-07T10:54:09.868Z,214536500,0\n"
             "2,2014-04-07T13:56:37.614Z,214662742,S\n")

#: Jester as a ratings table: -10..10 as floats
JESTER = "user_id,item_id,rating\n1,5,0.219\n1,7,-9.281\n2,5,9.875\n2,7,10\n3,8,-10.0\n"

#: Goodreads' goodreads_interactions.csv: a rating of 0 is a shelving without a rating
GOODREADS = ("user_id,book_id,is_read,rating,is_reviewed\n"
             "0,948,1,5,0\n0,947,1,3,1\n0,944,0,0,0\n1,948,1,4,0\n")

#: MovieLens' ratings.csv with Windows line ends
MOVIELENS_CRLF = ("userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n"
                  "1,3,4.5,964981247\r\n2,333,0.5,1445715029\r\n")


def _utc(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


def _write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_retailrocket_milliseconds_are_read_as_milliseconds(tmp_path: Path) -> None:
    path = _write(tmp_path / "events.csv", RETAILROCKET)
    data = load_table(path, user_col="visitorid", context=["event"])
    assert (len(data), data.n_users, data.n_items) == (6, 5, 4)
    # 1433221332117 ms is 2015-06-02 05:02:12.117 UTC, floored to the second
    assert data.timestamp[0] == _utc(2015, 6, 2, 5, 2, 12)
    assert list(data.context["event"]) == ["view", "view", "view", "addtocart",
                                           "transaction", "view"]


def test_book_crossing_as_shipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "BX-Book-Ratings.csv", BOOK_CROSSING)
    data = load_table(path, separator=";", encoding="cp1252", user_col="User-ID",
                      item_col="ISBN", value_col="Book-Rating")
    assert sorted(data.items.external_ids) == ["0155061224", "034545104X", "052165615X",
                                               "0521795028", "écrit"]
    assert sorted(data.users.external_ids) == [11676, 276725, 276726, 276729]
    assert data.value.tolist() == [0, 5, 3, 6, 0]


@pytest.mark.parametrize("fixture, options, rating_range, line", [
    (BOOK_CROSSING, dict(separator=";", encoding="cp1252", user_col="User-ID",
                         item_col="ISBN", value_col="Book-Rating"), (1, 10), 2),
    (GOODREADS.encode(), dict(item_col="book_id"), (1, 5), 4),
], ids=["book-crossing", "goodreads"])
def test_a_zero_below_the_rating_range_is_told_how_to_read_it(
        tmp_path: Path, fixture: bytes, options: dict, rating_range: tuple[int, int],
        line: int) -> None:
    path = _write(tmp_path / "log.csv", fixture)
    with pytest.raises(DataFormatError) as caught:
        load_table(path, rating_range=rating_range, **options)
    assert caught.value.line == line
    assert "load without rating_range" in caught.value.expected
    assert ".implicit(threshold=1) the rated ones" in caught.value.expected


def test_amazon_ratings_without_a_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings_Books.csv", AMAZON)
    data = load_table(path, column_names=["user_id", "item_id", "rating", "timestamp"],
                      rating_range=(1, 5))
    assert sorted(data.items.external_ids) == ["0000000116", "000001506X"]
    assert data.value.tolist() == [4, 1, 5]
    assert data.timestamp.tolist() == [1019865600, 1395619200, 1397692800]


def test_lastfm_without_a_header_is_told_to_name_its_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "userid-timestamp-artid-artname-traid-traname.tsv", LASTFM)
    with pytest.raises(UnknownColumnError) as caught:
        load_table(path)
    assert ("the first line, read as the header, holds a time ('2009-05-04T23:08:57Z'), as "
            "a row of data does: for a file without a header, pass column_names= with one "
            "name per field, in their order (6 here)") in str(caught.value)


def test_lastfm_names_with_raw_quotes_are_refused_under_csv_quoting(tmp_path: Path) -> None:
    # the file's first three lines: the fourth opens a quote it never closes
    path = _write(tmp_path / "lastfm.tsv", "".join(LASTFM.splitlines(True)[:3]))
    with pytest.raises(DataFormatError) as caught:
        load_table(path, column_names=LASTFM_NAMES, user_col="user", item_col="artist")
    error = caught.value
    assert (error.line, error.column) == (2, "artist")
    assert "'\"Weird Al\" Yankovic'" in error.detail and "'Weird Al Yankovic'" in error.detail
    assert "quoting=False" in error.expected
    # a column that is not read is not looked at
    assert len(load_table(path, column_names=LASTFM_NAMES, user_col="user",
                          item_col="track")) == 3


def test_an_unclosed_raw_quote_names_the_quoting_option(tmp_path: Path) -> None:
    path = _write(tmp_path / "lastfm.tsv", LASTFM)
    with pytest.raises(DataFormatError) as caught:
        load_table(path, column_names=LASTFM_NAMES, user_col="user", item_col="track")
    assert caught.value.line == 4
    assert "quoting=False" in caught.value.expected


def test_lastfm_read_with_quoting_off(tmp_path: Path) -> None:
    path = _write(tmp_path / "lastfm.tsv", LASTFM)
    data = load_table(path, column_names=LASTFM_NAMES, user_col="user", item_col="artist",
                      quoting=False)
    assert sorted(data.items.external_ids) == ['"Weird Al" Yankovic', "Deep Dish",
                                               "Underworld", "Weird Al Yankovic"]
    assert data.n_users == 3
    # Z and +02:00 both read as UTC instants
    assert data.timestamp.tolist() == [_utc(2009, 5, 4, 23, 8, 57), _utc(2009, 5, 4, 11, 54, 10),
                                       _utc(2009, 5, 3, 15, 48, 25), _utc(2009, 5, 3, 15, 14, 53)]
    tracks = load_source(str(path), options=LoaderOptions(
        column_names=tuple(LASTFM_NAMES), user_col="user", item_col="track", quoting=False))
    assert '"Amish Paradise' in set(tracks.items.external_ids)
    assert "Boy, Boy, Boy (Switch Remix)" in set(tracks.items.external_ids)


def test_quoting_takes_only_true_or_false(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings.csv", JESTER)
    with pytest.raises(ConfigError, match="quoting = 'none'"):
        load_table(path, quoting="none")  # type: ignore[arg-type]
    parquet = tmp_path / "ratings.parquet"
    parquet.write_bytes(b"")
    with pytest.raises(ConfigError, match="quoting applies to CSV/TSV"):
        load_table(parquet, quoting=False)


def test_cli_reads_lastfm_with_no_quoting(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    path = _write(tmp_path / "lastfm.tsv", LASTFM)
    assert main(["data", "info", str(path), "--column-names", ",".join(LASTFM_NAMES),
                 "--user-col", "user", "--item-col", "artist", "--no-quoting", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["rows"], shown["users"], shown["items"]) == (4, 3, 4)


def test_cli_advice_names_the_no_quoting_flag(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # the loader's advice names its keyword; on the command line it is the flag
    path = _write(tmp_path / "lastfm.tsv", "".join(LASTFM.splitlines(True)[:3]))
    assert main(["data", "info", str(path), "--column-names", ",".join(LASTFM_NAMES),
                 "--user-col", "user", "--item-col", "artist"]) != 0
    said = capsys.readouterr().err
    assert "--no-quoting" in said and "quoting=False" not in said and "--quoting False" \
        not in said, said


def test_yoochoose_iso_milliseconds_with_z(tmp_path: Path) -> None:
    path = _write(tmp_path / "yoochoose-clicks.dat", YOOCHOOSE)
    with pytest.raises(ConfigError, match="separator=','"):
        load_table(path)
    data = load_table(path, separator=",", column_names=["session", "timestamp", "item",
                                                         "category"], user_col="session")
    assert data.timestamp.tolist() == [_utc(2014, 4, 7, 10, 51, 9), _utc(2014, 4, 7, 10, 54, 9),
                                       _utc(2014, 4, 7, 13, 56, 37)]
    assert sorted(data.items.external_ids) == [214536500, 214536502, 214662742]


def test_jester_float_ratings(tmp_path: Path) -> None:
    path = _write(tmp_path / "jester.csv", JESTER)
    data = load_table(path, rating_range=(-10, 10))
    np.testing.assert_array_equal(
        data.value, np.array([0.219, -9.281, 9.875, 10, -10], dtype=np.float32))


def test_movielens_with_windows_line_ends_and_gzip(tmp_path: Path) -> None:
    plain = _write(tmp_path / "ratings.csv", MOVIELENS_CRLF)
    packed = tmp_path / "packed.csv.gz"
    packed.write_bytes(gzip.compress(MOVIELENS_CRLF.encode()))
    for path in (plain, packed):
        data = load_table(path, rating_range=(0.5, 5))
        assert data.value.tolist() == [4.0, 4.5, 0.5]
        assert data.timestamp.tolist() == [964982703, 964981247, 1445715029]
        assert sorted(data.items.external_ids) == [1, 3, 333]


def test_a_review_spanning_lines_is_not_taken_for_a_raw_quote(tmp_path: Path) -> None:
    # the second line is inside the quoted review: its '""a"" b' is no value of item_id
    path = _write(tmp_path / "reviews.csv", 'user_id,item_id,review,rating\n'
                                            '1,2,"great\nx,""a"" b",5\n3,4,fine,2\n')
    data = load_table(path)
    assert data.users.external_ids.tolist() == [1, 3]
    assert data.items.external_ids.tolist() == [2, 4]
    assert data.value.tolist() == [5, 2]
