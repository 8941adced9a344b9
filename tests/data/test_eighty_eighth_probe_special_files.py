"""Paths that are not regular files (a named pipe, a symbolic link that loops or leads
nowhere) inside the folders the loaders read: a partitioned dataset passed over such a
part file and returned the other partitions' rows as if they were all; a MovieLens
folder's optional u.user or tags file was passed over (no user table, no tags); a
required one was only "is not a file"; a graph-CF folder whose test.txt is a pipe was
"neither ... nor a graph-CF split". Each is now named for what it is, before it is opened
(opening a pipe waits forever for a writer). The shared check is
recstack.atomic.check_regular_file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recstack.atomic import check_regular_file
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.sources import load_source
from recstack.errors import DataFormatError, RecstackError

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

PIPE = (r"is a pipe, socket or device, not a file; give {} \(a file on disk: standard "
        r"input and pipes are not read\)$")


def _make(kind: str, path: Path) -> str:
    """Put a ``kind`` at ``path``; the words it is refused with."""
    if kind == "pipe":
        os.mkfifo(path)
        return "is a pipe, socket or device"
    if kind == "loop":
        os.symlink(path, path)
        return r"is a symbolic link that loops \(it leads back to itself\)"
    os.symlink(path.parent / "gone", path)
    return rf"is a symbolic link to '{path.parent / 'gone'}', which does not exist"


# ------------------------------------------------------------------- the shared check
@pytest.mark.parametrize("kind", ["pipe", "loop", "dangling"])
def test_check_regular_file_names_what_the_path_is_and_what_is_expected(tmp_path, kind):
    path = tmp_path / "log.csv"
    words = _make(kind, path) + (", not a file" if kind == "pipe" else "")
    with pytest.raises(RecstackError, match=rf"^{path}: {words}; give the log"):
        check_regular_file(path, "the log")


def test_check_regular_file_passes_files_folders_and_nothing(tmp_path):
    (tmp_path / "file.csv").write_text("x\n")
    os.symlink(tmp_path / "file.csv", tmp_path / "link.csv")
    for name in ("file.csv", "link.csv", ".", "missing.csv"):
        check_regular_file(tmp_path / name, "the log")  # the caller words the others


def test_check_regular_file_on_a_pipe_uses_the_experiment_files_words(tmp_path):
    os.mkfifo(tmp_path / "p")
    with pytest.raises(RecstackError, match=PIPE.format("the log")):
        check_regular_file(tmp_path / "p", "the log")


# ------------------------------------------------------------------ partitioned datasets
@pytest.mark.parametrize("kind", ["pipe", "loop", "dangling"])
def test_a_partition_file_that_is_no_file_is_refused_not_skipped(tmp_path, kind):
    data = Interactions.from_arrays([1, 2, 3], [4, 5, 6], timestamps=[
        1_600_000_000, 1_600_000_000 + 40 * 86400, 1_600_000_000 + 80 * 86400])
    root = write_partitioned(data, tmp_path / "log")
    assert len(read_partitioned(root)) == 3
    part = sorted(Path(root).rglob("*.parquet"))[0]
    part.unlink()
    words = _make(kind, part) + (", not a file" if kind == "pipe" else "")
    # it read 2 of the 3 rows without a word
    with pytest.raises(RecstackError, match=rf"^{part}: {words}; give a Parquet data file "
                                            r"in the dataset's folder, or remove it"):
        read_partitioned(root)


# ------------------------------------------------------------------------------ MovieLens
@pytest.mark.parametrize("name", ["u.user"])
def test_an_optional_movielens_file_that_is_a_pipe_is_refused(write_tiny_ml100k, tmp_path,
                                                               name):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    assert load_movielens(folder).user_table is not None
    (folder / name).unlink()
    os.mkfifo(folder / name)
    # the user table was left out without a word
    expected = PIPE.format(f"the release's {name} as a file, or remove it")
    with pytest.raises(RecstackError, match=rf"{name}: {expected}"):
        load_movielens(folder)


def test_the_csv_releases_tags_file_as_a_link_to_nothing_is_refused(tmp_path):
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,10,4.0,964982703\n")
    (folder / "movies.csv").write_text("movieId,title,genres\n10,A (1990),Drama\n")
    os.symlink(folder / "gone.csv", folder / "tags.csv")
    with pytest.raises(RecstackError, match=r"tags\.csv: is a symbolic link to .*gone\.csv', "
                                            r"which does not exist; give the release's "
                                            r"tags\.csv as a file"):
        load_movielens(folder)


@pytest.mark.parametrize("kind", ["pipe", "loop"])
def test_a_required_movielens_file_says_what_it_is(write_tiny_ml100k, tmp_path, kind):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    (folder / "u.data").unlink()
    described = {"pipe": r"a pipe, socket or device",
                 "loop": r"a symbolic link that loops \(it leads back to itself\)"}[kind]
    _make(kind, folder / "u.data")
    with pytest.raises(DataFormatError, match=rf"u\.data is not a file \(it is {described}\)"):
        load_movielens(folder, "100k")


# ----------------------------------------------------------------------- graph-CF folders
def test_a_graph_cf_folder_whose_test_file_is_a_pipe_is_read_as_one(tmp_path):
    folder = tmp_path / "gowalla"
    folder.mkdir()
    (folder / "train.txt").write_text("0 1 2\n1 2\n")
    os.mkfifo(folder / "test.txt")
    # it was "a folder, but neither a MovieLens release, ... nor a graph-CF split"
    with pytest.raises(RecstackError, match=r"test\.txt: the test file: not a regular file "
                                            r"\(a pipe, socket or device\)"):
        load_source(str(folder))


def test_a_graph_cf_folder_of_files_still_loads(tmp_path):
    folder = tmp_path / "gowalla"
    folder.mkdir()
    (folder / "train.txt").write_text("0 1 2\n1 2\n")
    (folder / "test.txt").write_text("0 3\n1 1\n")
    data = load_source(str(folder))  # the split's rows, train and test
    assert sorted(zip(*data.to_frame()[["user_id", "item_id"]].values.T.tolist(),
                      strict=True)) == [(0, 1), (0, 2), (0, 3), (1, 1), (1, 2)]


# ------------------------------------------------- folder arguments that are no folder
@pytest.mark.parametrize("kind", ["pipe", "loop"])
def test_a_folder_argument_that_is_a_pipe_or_a_loop_says_what_it_is(tmp_path, kind):
    from recstack.data.adjacency import load_adjacency_splits
    from recstack.data.fetch import fetch

    path = tmp_path / "data"
    words = _make(kind, path)
    # each was "no such folder" (MovieLens: "did you mean" the path itself), or the OS's
    # "Too many levels of symbolic links"
    with pytest.raises(RecstackError, match=rf"^{path}: {words}; expected the folder of a "
                                            r"partitioned dataset$"):
        read_partitioned(path)
    with pytest.raises(RecstackError, match=rf"^{path}: {words}; expected the folder "
                                            r"extracted from a MovieLens zip"):
        load_movielens(path)
    with pytest.raises(DataFormatError, match=rf"^{path}: {words}, not a folder \(expected "
                                              r"one holding train\.txt"):
        load_adjacency_splits(path)
    with pytest.raises(RecstackError, match=rf"cannot create the cache folder {path}/movielens"
                                            rf": {path} {words}, not a folder; choose another "
                                            r"cache folder$"):
        fetch("movielens-100k", cache_dir=path)


def test_a_missing_folder_is_still_missing_and_its_near_miss_still_offered(tmp_path):
    (tmp_path / "ml-100k").mkdir()
    with pytest.raises(RecstackError, match=r"ml-100K: no such folder \(did you mean "):
        load_movielens(tmp_path / "ml-100K")
    with pytest.raises(RecstackError, match=r"nowhere: no such dataset folder$"):
        read_partitioned(tmp_path / "nowhere")


def test_overwriting_a_pipe_with_a_dataset_names_the_pipe(tmp_path):
    os.mkfifo(tmp_path / "log")
    data = Interactions.from_arrays([1], [2], timestamps=[1_600_000_000])
    # it was "is a file, not a partitioned dataset"
    with pytest.raises(RecstackError, match=r"log: is a pipe, socket or device, not a "
                                            r"partitioned dataset; overwrite=True replaces"):
        write_partitioned(data, tmp_path / "log", overwrite=True)


def test_a_dataset_folder_whose_interactions_file_is_a_pipe_is_read_as_one(tmp_path):
    folder = tmp_path / "synth"
    folder.mkdir()
    os.mkfifo(folder / "interactions.parquet")
    # it was "a folder, but neither ... a folder with interactions.parquet nor ..."
    with pytest.raises(RecstackError, match=r"interactions\.parquet: not a regular file \(a "
                                            r"pipe, socket or device\)"):
        load_source(str(folder))
