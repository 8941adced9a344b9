"""A data file that is a Git LFS or git-annex pointer (a repository of public data sets
cloned without its large files): read as CSV, its "header" was the pointer's first line
and the error "no column 'user_id'"; MovieLens, adjacency and NCF files were told of a
malformed first line, a partition file to write the partition again. Every reader now
names the pointer, the size it stands for and how to fetch the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.ncf_files import load_ncf_files
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

POINTER = ("version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
           "size 2438266\n")
LFS = ("is a Git LFS pointer to a file of 2,438,266 bytes, not the data itself (the "
       "repository was cloned without its large files) (expected the file's content: fetch "
       "it with 'git lfs pull' in the repository, or download the file itself)")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


@pytest.mark.parametrize("name", ["ratings.csv", "ratings.tsv", "ratings.parquet",
                                  "ratings.csv.gz"])
def test_load_table_names_the_pointer(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, POINTER)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == f"{path}:1: {LFS}"


@pytest.mark.parametrize("text", [POINTER.replace("\n", "\r\n"), "\ufeff" + POINTER])
def test_crlf_and_bom_pointers(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path / "ratings.csv", text)
    with pytest.raises(DataFormatError, match="is a Git LFS pointer to a file of 2,438,266 "
                                              "bytes"):
        load_table(path)


def test_a_git_annex_pointer(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings.csv",
                  "/annex/objects/SHA256E-s2438266--4d7a2146.csv\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == (
        f"{path}:1: is a git-annex pointer, not the data itself (its content is not in this "
        "clone) (expected the file's content: fetch it with 'git annex get' in the "
        "repository, or download the file itself)")


def test_a_file_mentioning_lfs_in_a_cell_is_data(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings.csv",
                  "user_id,item_id\nversion https://git-lfs.github.com/spec/v1,2\n")
    data = load_table(path)
    assert data.users.to_external(data.user_index).tolist() == [
        "version https://git-lfs.github.com/spec/v1"]


def test_movielens_files(tmp_path: Path) -> None:
    folder = tmp_path / "ml-1m"
    _write(folder / "ratings.dat", POINTER)
    _write(folder / "movies.dat", "1::Toy Story (1995)::Animation\n")
    _write(folder / "users.dat", "1::F::1::10::48067\n")
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    assert str(caught.value) == f"{folder / 'ratings.dat'}:1: {LFS}"
    latest = tmp_path / "ml-latest-small"
    _write(latest / "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    _write(latest / "movies.csv", POINTER)
    with pytest.raises(DataFormatError) as caught:
        load_movielens(latest)
    assert str(caught.value) == f"{latest / 'movies.csv'}:1: {LFS}"


def test_adjacency_and_ncf_files(tmp_path: Path) -> None:
    train = _write(tmp_path / "gowalla" / "train.txt", POINTER)
    _write(tmp_path / "gowalla" / "test.txt", "0 1\n")
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(tmp_path / "gowalla")
    assert str(caught.value) == f"{train}:1: {LFS}"
    ncf = tmp_path / "ncf"
    _write(ncf / "ml-1m.train.rating", "0\t1\t5\t978300760\n")
    _write(ncf / "ml-1m.test.rating", "0\t2\t4\t978300800\n")
    negative = _write(ncf / "ml-1m.test.negative", POINTER)
    with pytest.raises(DataFormatError) as caught:
        load_ncf_files(ncf)
    assert str(caught.value) == f"{negative}:1: {LFS}"


def test_a_partition_file(tmp_path: Path) -> None:
    data = Interactions.from_arrays([1, 2], [3, 4], [1.0, 1.0], [1700000000, 1710000000])
    root = tmp_path / "parts"
    write_partitioned(data, root)
    first = root / "year=2023" / "month=11" / "part-0.parquet"
    _write(first, POINTER)
    with pytest.raises(DataFormatError) as caught:
        read_partitioned(root)
    assert str(caught.value) == f"{first}:1: {LFS}"
