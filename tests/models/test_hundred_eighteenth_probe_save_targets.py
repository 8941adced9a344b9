"""``save`` refusing what stands where the model's folder goes says whether
``overwrite=True`` would help: a file, a link or a pipe there was refused with "choose
another name or remove it", silent on ``overwrite`` (which would not help), and a folder
of other files without ``overwrite`` was told to "pass overwrite=True", which is then
refused as it would delete them. Nothing is written in either case."""

import os
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    users = np.repeat(np.arange(10), 4)
    items = (np.arange(40) * 7) % 9
    data = Interactions.from_arrays(users, items, np.ones(40), np.arange(40),
                                    duplicates="last")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model("item_knn").fit(data)


def _listing(folder):
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_file_in_the_way_says_overwrite_would_not_help(model, tmp_path, overwrite):
    target = tmp_path / "model"
    target.write_text("notes")
    with pytest.raises(RecstackError) as refused:
        model.save(target, overwrite=overwrite)
    assert str(refused.value) == (
        f"{target}: is a file, but save writes a folder there (model.json and arrays.npz); "
        "overwrite=True would not help, since it replaces only a saved model's folder or an "
        "empty folder, never anything else: choose another path, or remove it first")
    assert target.read_text() == "notes" and _listing(tmp_path) == ["model"]


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_link_in_the_way_is_named_as_one(model, tmp_path, overwrite):
    (tmp_path / "real").mkdir()
    model.save(tmp_path / "real" / "m")
    os.symlink(tmp_path / "real" / "m", tmp_path / "link")
    with pytest.raises(RecstackError, match=r"link: is a symbolic link to the folder .*"
                                            r"overwrite=True would not help"):
        model.save(tmp_path / "link", overwrite=overwrite)
    assert os.path.islink(tmp_path / "link")


def test_a_pipe_in_the_way_is_named_as_one(model, tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(RecstackError, match=r"pipe: is a pipe, socket or device, but save "
                                            r"writes a folder there"):
        model.save(tmp_path / "pipe", overwrite=True)


def test_a_foreign_folder_without_overwrite_does_not_suggest_it(model, tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "scores.csv").write_text("x")
    with pytest.raises(RecstackError) as refused:
        model.save(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder} already exists and holds 'scores.csv', so it is "
                              "not a saved model; overwrite=True would not help")
    assert "pass overwrite=True" not in message
    assert _listing(folder) == ["scores.csv"]
    assert _listing(tmp_path) == ["results"]


def test_a_saved_model_or_an_empty_folder_still_says_to_pass_overwrite(model, tmp_path):
    model.save(tmp_path / "m")
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "m", tmp_path / "empty"):
        with pytest.raises(RecstackError, match=r"already exists; pass overwrite=True"):
            model.save(target)
        assert model.save(target, overwrite=True) == target
