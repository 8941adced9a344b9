"""A registry version holds only the files the registry wrote. Verifying one followed
symbolic links to folders (``os.walk(followlinks=True)``), so a link to a huge tree was
walked whole before anything was refused, and a link to a copy of the very files the
manifest lists loaded. Now any link in a version (to a file or a folder, inside the version
or out) is refused by name without walking where it leads, and the walk of the version
folder itself stops, naming the count, past far more entries than a version holds.

Reached through the public entry points: ``ModelRegistry.load``, ``set_current`` (the
promotion) and ``recstack recommend NAME --registry ROOT`` run in-process.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


def _interactions() -> Interactions:
    """20 users, 12 items: even users take even items, odd users odd ones."""
    users, items = [], []
    for user in range(20):
        chosen = [item for item in range(user % 2, 12, 2)][:4]
        users += [user] * len(chosen)
        items += chosen
    return Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(users)))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A registry holding ease@1 and ease@2 (current)."""
    from recstack.serving.registry import ModelRegistry

    root = tmp_path_factory.mktemp("registry")
    registry = ModelRegistry(root)
    train = _interactions()
    registry.publish("ease", create_model("ease", regularization=10.0).fit(train), data=train)
    registry.publish("ease", create_model("ease", regularization=20.0).fit(train), data=train)
    return root


@pytest.fixture
def root(template, tmp_path) -> Path:
    copy = tmp_path / "registry"
    shutil.copytree(template, copy, symlinks=True)
    return copy


def _version(root: Path, version: int) -> Path:
    return root / "ease" / "versions" / f"{version:08d}"


@pytest.fixture
def scanned(monkeypatch) -> list[str]:
    """Every folder listed through ``os.scandir`` (``os.walk`` lists through it too)."""
    listed: list[str] = []
    real = os.scandir

    def recording(path=".", *args, **kwargs):
        listed.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", recording)
    return listed


def _refusal(root: Path, reference: str = "ease@1") -> str:
    from recstack.serving.registry import CorruptVersionError, ModelRegistry

    with pytest.raises(CorruptVersionError) as caught:
        ModelRegistry(root).load(reference)
    return str(caught.value)


def test_an_unchanged_version_still_loads(root):
    from recstack.serving.registry import ModelRegistry

    loaded = ModelRegistry(root).load("ease@1")
    assert loaded.version == 1 and loaded.model.get_params()["regularization"] == 10.0


def test_a_link_to_a_large_tree_is_refused_without_walking_it(root, tmp_path, scanned):
    big = tmp_path / "big"
    for branch in range(30):
        (big / f"b{branch}" / "deeper").mkdir(parents=True)
    (_version(root, 1) / "model" / "extra").symlink_to(big, target_is_directory=True)
    message = _refusal(root)
    assert message.startswith(f"{root}: ease@1/model/extra: a symbolic link (to '{big}')")
    assert "never a link (it is not followed)" in message
    # before: every folder under the link's target was listed by the check
    assert not [path for path in scanned if path.startswith(str(big))], scanned


def test_a_link_to_an_identical_copy_of_a_file_is_refused(root, tmp_path):
    """The copy's bytes are the manifest's own (so no checksum catches it): it loaded."""
    model = _version(root, 1) / "model" / "arrays.npz"
    shutil.copyfile(model, tmp_path / "arrays.npz")
    model.unlink()
    model.symlink_to(tmp_path / "arrays.npz")
    assert _refusal(root).startswith(f"{root}: ease@1/model/arrays.npz: a symbolic link "
                                     f"(to '{tmp_path / 'arrays.npz'}')")


def test_a_link_to_an_identical_copy_of_a_folder_is_refused(root, tmp_path):
    model = _version(root, 1) / "model"
    shutil.move(model, tmp_path / "shared")
    model.symlink_to(tmp_path / "shared", target_is_directory=True)
    assert _refusal(root).startswith(f"{root}: ease@1/model: a symbolic link (to "
                                     f"'{tmp_path / 'shared'}')")


def test_a_link_looping_back_into_the_version_is_refused(root):
    (_version(root, 1) / "model" / "again").symlink_to(_version(root, 1),
                                                       target_is_directory=True)
    assert _refusal(root).startswith(f"{root}: ease@1/model/again: a symbolic link")


def test_a_manifest_that_is_a_link_is_refused(root, tmp_path):
    manifest = _version(root, 1) / "manifest.json"
    shutil.copyfile(manifest, tmp_path / "manifest.json")
    manifest.unlink()
    manifest.symlink_to(tmp_path / "manifest.json")
    assert _refusal(root).startswith(f"{root}: ease@1/manifest.json: a symbolic link")


def test_a_dangling_link_is_refused_by_name(root):
    (_version(root, 1) / "index-notes").symlink_to("nowhere")
    assert _refusal(root).startswith(f"{root}: ease@1/index-notes: a symbolic link (to "
                                     "'nowhere')")


def test_a_version_folder_of_too_many_entries_is_refused_naming_the_count(root, scanned):
    from recstack.serving.registry import _MOST_ENTRIES

    heap = _version(root, 1) / "model" / "heap"
    heap.mkdir()
    for number in range(_MOST_ENTRIES + 5):
        (heap / f"{number}").touch()
    message = _refusal(root)
    # before: "files do not match manifest.json; not listed: [...]", every name listed
    assert message == (f"{root}: ease@1: the version folder holds more than 10,000 files and "
                       "folders, where a version holds the few the registry writes (its "
                       "manifest, model and item index); files were added to it by hand, or "
                       "it is not a version folder (publish the model again)")


def test_promoting_a_version_holding_a_link_is_refused_and_current_stays(root, tmp_path):
    from recstack.serving.registry import ModelRegistry

    model = _version(root, 1) / "model" / "model.json"
    shutil.copyfile(model, tmp_path / "model.json")
    model.unlink()
    model.symlink_to(tmp_path / "model.json")
    registry = ModelRegistry(root)
    with pytest.raises(RecstackError, match=r"ease@1/model/model\.json: a symbolic link"):
        registry.set_current("ease", 1)
    assert registry.current("ease") == 2


def test_the_command_line_names_the_link_in_one_line(root, tmp_path, capsys):
    from recstack.cli import main

    current = _version(root, 2) / "model"
    shutil.move(current, tmp_path / "elsewhere")
    current.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    code = main(["recommend", "ease", "--registry", str(root), "--users", "0", "--k", "3"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"ease@2/model: a symbolic link (to '{tmp_path / 'elsewhere'}')" in err
