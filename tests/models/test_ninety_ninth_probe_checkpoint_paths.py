"""Ninety-ninth bad-input probe: ``checkpoint_dir`` naming something that cannot be a
checkpoint folder. A symbolic link that leads nowhere ended the first epoch in the
operating system's NotADirectoryError (``'.run.x1y2' -> 'run'``); a named pipe was called
"a file"; a folder under a file ended in FileExistsError; a checkpoint whose state.json
names a key twice was read with the last value winning. Each is now refused naming
checkpoint_dir and what is there, before any epoch runs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

pytest.importorskip("torch")
pytest.importorskip("safetensors")


@pytest.fixture(scope="module")
def data() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(12), 4)
    items = np.concatenate([rng.choice(10, 4, replace=False) for _ in range(12)])
    return Interactions.from_arrays(users, items, np.ones(len(users)),
                                    np.arange(len(users)))


def _fit(name: str, data: Interactions, folder: Path, epochs: int = 1) -> None:
    create_model(name, **{**quick_params(name), "epochs": epochs,
                          "checkpoint_dir": str(folder)}).fit(data)


def _place(kind: str, tmp_path: Path) -> tuple[Path, str]:
    target = tmp_path / "run"
    if kind == "dangling link":
        target.symlink_to(tmp_path / "nowhere")
        return target, r"is a symbolic link to '.*nowhere', which does not exist"
    if kind == "looping link":
        target.symlink_to(target)
        return target, r"is a symbolic link that loops"
    if kind == "pipe":
        os.mkfifo(target)
        return target, r"is a pipe, socket or device, not a folder"
    (tmp_path / "file").write_text("x")
    return tmp_path / "file" / "run", r"cannot make .*file: .*file is a file, not a folder"


@pytest.mark.parametrize("name", ["lightgcn", "sasrec", "two_tower"])
@pytest.mark.parametrize("kind", ["dangling link", "looping link", "pipe", "under a file"])
def test_a_checkpoint_dir_that_cannot_be_a_folder_is_refused(data, tmp_path, name, kind):
    folder, problem = _place(kind, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(RecstackError, match=rf"^{name}: checkpoint_dir = '.*run': .*{problem}"):
        _fit(name, data, folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing left behind


def test_a_checkpoint_state_with_a_repeated_key_is_refused(data, tmp_path):
    folder = tmp_path / "run"
    _fit("lightgcn", data, folder)
    state = folder / "state.json"
    text = state.read_text()
    # the key written twice: the last value won, without a word
    state.write_text(text.replace('{\n  "format"', '{\n  "epochs_done": 0,\n  "format"', 1))
    assert text != state.read_text()
    with pytest.raises(RecstackError, match=r"run: not a readable checkpoint: its state\.json "
                                            r"is not valid JSON \(the key 'epochs_done' is "
                                            r"given twice"):
        _fit("lightgcn", data, folder, epochs=2)


def test_a_checkpoint_state_that_is_no_object_is_refused(data, tmp_path):
    folder = tmp_path / "run"
    _fit("lightgcn", data, folder)
    (folder / "state.json").write_text("[1, 2]")
    with pytest.raises(RecstackError, match=r"state\.json: expected a JSON object, got a list "
                                            r"\(\[1, 2\]\)"):
        _fit("lightgcn", data, folder, epochs=2)


def test_a_plain_new_folder_still_takes_checkpoints(data, tmp_path):
    _fit("lightgcn", data, tmp_path / "deep" / "run")
    assert (tmp_path / "deep" / "run" / "state.json").is_file()
