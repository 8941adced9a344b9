"""Round 53 (D), MovieLens files as a new user may hold them:

* a movies file with UTF-8 letters beside latin-1 bytes (lines added by a UTF-8 editor):
  read as latin-1, ``Héat`` became ``HÃ©at`` without a word; now refused, naming both;
* cp1252's quotes, dashes and ellipsis (bytes 0x80-0x9f) read as latin-1's invisible
  control codes (``\\x93x\\x94``); now read as the characters they are, and a byte that no
  such encoding reads as text is refused, naming its line;
* a damaged ``ml-100k.zip`` given for the folder was "is a file; expected the folder"
  alone; now it says the zip is unreadable and how to fetch it again;
* a zip holding another release than ``variant`` names says so."""

import zipfile

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError, RecstackError

RATINGS_DAT = "1::10::5::978300760\n2::20::3::978300761\n"
RATINGS_CSV = "userId,movieId,rating,timestamp\n1,10,4.5,1147880044\n2,20,3.0,1147880045\n"
MOVIES_CSV = "movieId,title,genres\n10,Toy Story (1995),Animation\n20,Heat (1995),Action\n"


def _ml_1m(tmp_path, movies: bytes):
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_text(RATINGS_DAT)
    (folder / "movies.dat").write_bytes(movies)
    return folder


def test_utf8_letters_beside_latin1_bytes_are_refused_naming_both_lines(tmp_path):
    movies = (b"10::T\xf6y Story (1995)::Animation\n"            # latin-1 o-umlaut
              b"20::H\xc3\xa9at (1995)::Action\n")               # UTF-8 e-acute
    with pytest.raises(DataFormatError) as refused:
        load_movielens(_ml_1m(tmp_path, movies))
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'ml-1m' / 'movies.dat'}:1: mixes two encodings")
    assert "line 2 holds 'é' written as UTF-8 (c3a9)" in message
    assert "line 1 bytes that are not UTF-8 (f6)" in message
    assert "as latin-1, 'é' reads 'Ã©'" in message


@pytest.mark.parametrize("layout", ["dat", "csv"])
def test_cp1252_punctuation_is_read_as_the_characters_it_is(tmp_path, layout):
    # 0x93 / 0x94 are cp1252's curly double quotes, 0x96 its en dash (U+201C, U+201D,
    # U+2013); 0xe9 is e-acute in both cp1252 and latin-1
    title = b"Heat \x93Part \x96 One\x94 Caf\xe9 (1995)"
    if layout == "dat":
        folder = _ml_1m(tmp_path, b"10::Toy Story (1995)::Animation\n20::" + title
                        + b"::Action\n")
    else:
        folder = tmp_path / "ml-latest-small"
        folder.mkdir()
        (folder / "ratings.csv").write_text(RATINGS_CSV)
        (folder / "movies.csv").write_bytes(
            b"movieId,title,genres\n10,Toy Story (1995),Animation\n20," + title
            + b",Action\n")
    table = load_movielens(folder).item_table.set_index("item_id")
    assert table.loc[20, "title"] == "Heat \u201cPart \u2013 One\u201d Caf\u00e9 (1995)"
    assert table.loc[20, "year"] == 1995


def test_a_byte_no_text_encoding_reads_is_refused_naming_its_line(tmp_path):
    # 0x81 is undefined in cp1252 and a control code in latin-1: no title holds it
    movies = b"10::Toy Story (1995)::Animation\n20::He\x81at (1995)::Action\n"
    with pytest.raises(DataFormatError, match=r"movies\.dat:2: holds the byte 81, which is "
                                              r"no character of UTF-8, latin-1 or cp1252"):
        load_movielens(_ml_1m(tmp_path, movies))


def test_plain_latin1_still_reads_as_latin1(tmp_path):
    movies = b"10::Toy Story (1995)::Animation\n20::Mis\xe9rables, Les (1995)::Drama\n"
    table = load_movielens(_ml_1m(tmp_path, movies)).item_table.set_index("item_id")
    assert table.loc[20, "title"] == "Mis\u00e9rables, Les (1995)"


@pytest.mark.parametrize("content", [b"PK\x03\x04cut short", b"<html>not found</html>"])
def test_a_damaged_zip_given_for_the_folder_says_it_is_unreadable(tmp_path, content):
    archive = tmp_path / "ml-100k.zip"
    archive.write_bytes(content)
    with pytest.raises(RecstackError) as refused:
        load_movielens(archive)
    message = str(refused.value)
    assert f"is no readable zip archive ({len(content)} bytes: a download cut short or " \
           "damaged)" in message
    assert "recstack data fetch movielens-100k" in message


def test_a_zip_of_another_release_than_the_variant_says_so(tmp_path):
    archive = tmp_path / "ml-1m.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("ml-latest-small/ratings.csv", RATINGS_CSV)
        written.writestr("ml-latest-small/movies.csv", MOVIES_CSV)
    with pytest.raises(RecstackError, match=r"it holds MovieLens LATEST-SMALL, not the 1M "
                                            r"that variant='1m' names \(give "
                                            r"variant='latest-small', or leave variant out\)"):
        load_movielens(archive, "1m")
    with pytest.raises(RecstackError) as refused:
        load_movielens(archive)
    assert "variant" not in str(refused.value)
