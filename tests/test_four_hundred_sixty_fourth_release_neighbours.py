"""A file beside a MovieLens release or a graph-CF split that is none of its own files is
not called one of them (``pic.png`` or the experiment file beside a ratings.csv was told
"a file of a MovieLens release, which is read as its folder")."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.data.sources import load_source
from recstack.errors import RecstackError


def _latest_release(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    (folder / "movies.csv").write_text("movieId,title,genres\n1,Toy Story (1995),Comedy\n")
    return folder


def _split(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "train.txt").write_text("0 1 2\n1 0 2\n")
    (folder / "test.txt").write_text("0 0\n1 1\n")
    return folder


@pytest.mark.parametrize("make", [_latest_release, _split])
@pytest.mark.parametrize("name", ["pic.png", "exp.toml", "notes"])
def test_a_file_of_another_kind_is_not_called_part_of_the_source(tmp_path, make, name):
    folder = make(tmp_path / "data")
    (folder / name).write_text("x\n")
    with pytest.raises(RecstackError) as refused:
        load_source(str(folder / name))
    message = str(refused.value)
    assert "a file of a" not in message, message
    assert name in message, message


def test_a_prepared_100k_split_file_names_its_folder(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    (folder / "u1.base").write_text("1\t1\t5\t874965758\n")
    with pytest.raises(RecstackError, match="a file of a MovieLens release.*give the folder"):
        load_source(str(folder / "u1.base"))
