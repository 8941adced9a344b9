"""Two hundred eighteenth bad-input probe, MovieLens '::' side files (``movies.dat``,
``tags.dat``) re-encoded or compressed: a UTF-16 or UTF-32 file was read as latin-1 and
refused as "movies.dat:1: column 'Title': the row has 1 field(s)", and gzip data or a zip
archive likewise, where the ratings file and the other side files name the encoding or
the compression. And a compressed release file was told to take the name ``ratings.dat.gz``
"which is read compressed", a name load_movielens then calls missing."""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

RATINGS = "1::1::5::978300760\n1::2::3::978302109\n"
USERS = "1::F::1::10::48067\n"
MOVIES = "1::Toy Story (1995)::Animation\n2::Jumanji (1995)::Adventure\n"
TAGS = "1::1::funny::978300760\n"


def _zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def _release(tmp_path: Path, **files: bytes | str) -> Path:
    given = {"ratings.dat": RATINGS, "movies.dat": MOVIES, "users.dat": USERS, **files}
    for name, content in given.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp_path / name.replace("_", ".")).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize(("name", "content", "said"), [
    ("movies_dat", MOVIES.encode("utf-16"), r"is UTF-16 text \(it starts with a UTF-16 "
                                            r"byte-order mark\)"),
    ("movies_dat", MOVIES.encode("utf-32"), r"is UTF-32 text"),
    ("movies_dat", MOVIES.encode("utf-16-le"), r"looks like UTF-16 text without a byte-order "
                                               r"mark"),
    ("movies_dat", gzip.compress(MOVIES.encode(), mtime=0),
     r"holds gzip-compressed data, not text"),
    ("movies_dat", _zip("movies.dat", MOVIES), r"is a zip archive"),
    ("tags_dat", TAGS.encode("utf-16"), r"is UTF-16 text"),
])
def test_a_side_file_in_another_encoding_or_compressed_is_named_so(tmp_path, name, content,
                                                                   said):
    folder = _release(tmp_path, **{name: content})
    with pytest.raises(DataFormatError) as refused:
        load_movielens(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / name.replace('_', '.')}: ")
    assert "field(s)" not in message
    assert re.search(said, message), message


@pytest.mark.parametrize("name", ["ratings_dat", "users_dat"])
def test_a_compressed_release_file_is_told_to_be_decompressed_under_its_name(tmp_path, name):
    text = {"ratings_dat": RATINGS, "users_dat": USERS}[name]
    folder = _release(tmp_path, **{name: gzip.compress(text.encode())})
    file = name.replace("_", ".")
    with pytest.raises(DataFormatError) as refused:
        load_movielens(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / file}: holds gzip-compressed data, not text ")
    assert message.endswith(f"the file decompressed, under its own name ({file}))")
    assert ".gz" not in message


def test_the_files_as_released_still_read(tmp_path):
    # latin-1 titles (the 1M release), a byte-order mark, '::' inside a title
    folder = _release(tmp_path, movies_dat=(
        "\ufeff1::Am\xe9lie (2001)::Comedy\n2::Star Wars:: Episode IV (1977)::Sci-Fi\n"
    ).encode("utf-8"))
    data = load_movielens(folder)
    assert data.item_table["title"].tolist() == ["Amélie (2001)",
                                                 "Star Wars:: Episode IV (1977)"]
    (tmp_path / "latin").mkdir()
    latin = _release(tmp_path / "latin", movies_dat=(
        "1::Am\xe9lie (2001)::Comedy\n2::J (1995)::Adventure\n").encode("latin-1"))
    assert load_movielens(latin).item_table["title"].tolist() == ["Amélie (2001)", "J (1995)"]
