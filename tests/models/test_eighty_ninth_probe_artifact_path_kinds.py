"""What stands where a saved model (or one of its two files) belongs, said in words: a
named pipe given to ``load_model`` was "a file", a symbolic link that loops "cannot read
this path (Too many levels of symbolic links)", a link to nothing "no such folder", a path
under a file "(Not a directory)"; a folder, a pipe or a broken link in place of
model.json or arrays.npz was "missing". Each now names what is there."""

import os

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models.persistence import describe_artifact

A_MODEL = "a saved model is a folder with model.json and arrays.npz"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 10, 80), rng.integers(0, 8, 80))
    folder = tmp_path_factory.mktemp("saved") / "model"
    create_model("most_popular").fit(data).save(folder)
    return folder


@pytest.mark.parametrize("read", [load_model, describe_artifact])
def test_a_named_pipe_is_not_called_a_file(tmp_path, read):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(RecstackError) as refused:
        read(tmp_path / "pipe")
    assert str(refused.value) == f"{tmp_path / 'pipe'}: is a pipe, socket or device; {A_MODEL}"


@pytest.mark.parametrize("read", [load_model, describe_artifact])
def test_a_looping_link_is_named(tmp_path, read):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    with pytest.raises(RecstackError) as refused:
        read(tmp_path / "a")
    assert str(refused.value) == (f"{tmp_path / 'a'}: is a symbolic link that loops (it leads "
                                  f"back to itself); {A_MODEL}")


def test_a_dangling_link_names_where_it_leads(tmp_path):
    os.symlink(tmp_path / "gone", tmp_path / "link")
    with pytest.raises(RecstackError) as refused:
        load_model(tmp_path / "link")
    assert str(refused.value) == (f"{tmp_path / 'link'}: is a symbolic link to "
                                  f"{str(tmp_path / 'gone')!r}, which does not exist; {A_MODEL}")


def test_a_path_under_a_file_names_the_file(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(RecstackError) as refused:
        load_model(tmp_path / "notes.txt" / "model")
    assert str(refused.value) == (f"{tmp_path / 'notes.txt' / 'model'}: cannot be a saved "
                                  f"model: {tmp_path / 'notes.txt'} is a file, not a folder")


def _replace(folder, name, make):
    os.remove(folder / name)
    make(folder / name)


@pytest.mark.parametrize("name", ["model.json", "arrays.npz"])
@pytest.mark.parametrize("make, said", [
    (os.mkfifo, "a pipe, socket or device"),
    (os.mkdir, "a folder"),
    (lambda path: os.symlink(path, path), "a symbolic link that loops (it leads back to "
                                          "itself)"),
])
def test_something_else_in_place_of_a_file_is_named(saved, tmp_path, name, make, said):
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(saved, folder)
    _replace(folder, name, make)
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    assert str(refused.value) == (f"{folder}: not a saved recstack model ({name} is {said}, "
                                  "not a file; it needs the files model.json and arrays.npz): "
                                  "the folder was changed after saving")


def test_a_missing_file_is_still_called_missing(saved, tmp_path):
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(saved, folder)
    os.remove(folder / "arrays.npz")
    with pytest.raises(RecstackError, match=r"\(missing arrays\.npz; it needs model\.json and "
                                            r"arrays\.npz\)$"):
        load_model(folder)


def test_the_intact_folder_and_a_link_to_it_still_load(saved, tmp_path):
    assert load_model(saved).name == "most_popular"
    os.symlink(saved, tmp_path / "link")
    assert load_model(tmp_path / "link").name == "most_popular"
