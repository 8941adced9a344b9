"""A MovieLens release folder holding the release's other files but not its ratings file was
"not a MovieLens folder (it holds movies.dat, users.dat)": the error now names the missing
ratings file, the release the other files belong to and, where one is near, the file meant
(``Ratings.csv``, ``rating.dat``). A graph-CF split folder whose train or test file is
misspelt is told the near name, and one whose only files are not ``.txt`` lists them; a
misspelt validation file (``vaild.txt``) is refused instead of being ignored."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError


def _folder(root: Path, names: list[str], name: str = "release") -> Path:
    folder = root / name
    folder.mkdir()
    for file in names:
        (folder / file).write_text("x\n")
    return folder


@pytest.mark.parametrize(("names", "missing", "held", "which"), [
    (["movies.dat", "users.dat"], "ratings.dat", "movies.dat, users.dat", "1M"),
    (["movies.dat", "tags.dat", "README.html"], "ratings.dat", "movies.dat, tags.dat", "10M"),
    (["movies.dat"], "ratings.dat", "movies.dat", "1M or 10M"),
    (["u.item", "u.user", "u.info", "README"], "u.data", "u.item, u.user, u.info", "100K"),
    (["movies.csv", "links.csv", "tags.csv"], "ratings.csv", "movies.csv, tags.csv, links.csv",
     "20M and later"),
])
def test_a_release_without_its_ratings_file_names_it(tmp_path, names, missing, held, which):
    folder = _folder(tmp_path, names)
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    assert str(caught.value) == (
        f"{folder}: {missing} is missing; the folder holds {held}, files of MovieLens "
        f"{which}, but not the ratings (expected the release's {missing} beside them, as "
        "the official zip holds it (extract the zip again))")


@pytest.mark.parametrize(("names", "meant"), [
    (["movies.csv", "Ratings.csv"], "Ratings.csv"),
    (["movies.dat", "users.dat", "rating.dat"], "rating.dat"),
    (["u.item", "u.dat"], "u.dat"),
])
def test_a_ratings_file_written_another_way_is_named(tmp_path, names, meant):
    folder = _folder(tmp_path, names)
    with pytest.raises(DataFormatError, match=r"is missing \(did you mean '(.*)'\?\)") as caught:
        load_movielens(folder)
    assert f"(did you mean {str(folder / meant)!r}?)" in str(caught.value)


def test_a_ratings_file_written_another_way_is_named_for_a_given_variant(tmp_path):
    folder = _folder(tmp_path, ["movies.dat", "rating.dat"])
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder, "1m")
    assert str(caught.value).startswith(
        f"{folder}: ratings.dat is missing (did you mean {str(folder / 'rating.dat')!r}?) "
        "(expected the files of MovieLens 1M")


@pytest.mark.parametrize("names", [["notes.txt"], ["movies.dat", "movies.csv"], []])
def test_a_folder_of_no_one_release_is_still_not_a_movielens_folder(tmp_path, names):
    with pytest.raises(DataFormatError, match="not a MovieLens folder"):
        load_movielens(_folder(tmp_path, names))


# ---------------------------------------------------------------------------- adjacency
def _split(root: Path, files: dict[str, str]) -> Path:
    folder = root / "split"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_a_misspelt_test_file_is_named(tmp_path):
    folder = _split(tmp_path, {"train.txt": "0 1\n", "tset.txt": "0 2\n"})
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(folder)
    assert str(caught.value) == (
        f"{folder / 'test.txt'}: the test file: no such file (did you mean "
        f"{str(folder / 'tset.txt')!r}?) (the folder holds: train.txt, tset.txt) (expected "
        "test.txt, as the graph-CF benchmarks name it)")


def test_a_folder_with_no_text_file_lists_what_it_holds(tmp_path):
    folder = _split(tmp_path, {"train.csv": "0,1\n", "test.csv": "0,2\n"})
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(folder)
    assert str(caught.value) == (
        f"{folder / 'train.txt'}: the train file: no such file (the folder holds: test.csv, "
        "train.csv) (expected train.txt, as the graph-CF benchmarks name it)")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataFormatError, match=r"no such file \(the folder holds: nothing\)"):
        load_adjacency_splits(empty)


@pytest.mark.parametrize("name", ["vaild.txt", "valid.txt.txt", "valdi.txt", "Valid.txt",
                                  "val.txt"])
def test_a_misspelt_validation_file_is_refused_not_ignored(tmp_path, name):
    folder = _split(tmp_path, {"train.txt": "0 1\n", "test.txt": "0 2\n", name: "0 3\n"})
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(folder)
    assert str(caught.value) == (
        f"{folder}: the folder holds {name} but no valid.txt, so {name} would be ignored and "
        "no validation part read (expected the validation part named valid.txt (rename it), "
        "or no validation file)")


def test_other_text_files_beside_the_parts_are_left_alone(tmp_path):
    # the files the LightGCN data folders hold beside the parts
    folder = _split(tmp_path, {"train.txt": "0 1\n", "test.txt": "0 2\n", "tests.txt": "x",
                               "user_list.txt": "x", "item_list.txt": "y", "notes.txt": "z",
                               "train_old.txt": "0 1\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = load_adjacency_splits(folder)
    assert split.valid is None
    assert split.train.to_frame().values.tolist() == [[0, 1, 1.0]]
    assert split.test.to_frame().values.tolist() == [[0, 2, 1.0]]
