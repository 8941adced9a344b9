"""Hundred forty-seventh bad-input probe, a checkpoint folder where a saved model belongs
and the reverse.

``checkpoint_dir`` inside another run's checkpoint folder was taken: that run's next epoch
replaces its folder whole, and this run's checkpoints went with it without a word. And
``load_model`` of a checkpoint folder said only that ``model.json`` was missing; it now
says the folder is a training checkpoint and how to get a saved model from it."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402

QUICK = {"dim": 8, "layers": 1, "epochs": 1, "batch_size": 32, "device": "cpu"}


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(8)
    return Interactions.from_arrays(rng.integers(0, 12, 120), rng.integers(0, 9, 120),
                                    np.ones(120), np.arange(120))


def test_a_checkpoint_folder_inside_another_checkpoint_is_refused(tmp_path, train):
    outer = tmp_path / "run"
    create_model("lightgcn", **QUICK, checkpoint_dir=str(outer)).fit(train)
    inner = outer / "nested" / "run"
    with pytest.raises(RecstackError, match=r"lies inside the checkpoint folder .*run, which "
                                            r"each epoch of its run replaces whole"):
        create_model("lightgcn", **QUICK, checkpoint_dir=str(inner)).fit(train)
    assert not (outer / "nested").exists()  # nothing written inside the other checkpoint


def test_a_checkpoint_folder_beside_another_is_taken(tmp_path, train):
    create_model("lightgcn", **QUICK, checkpoint_dir=str(tmp_path / "one")).fit(train)
    create_model("lightgcn", **QUICK, checkpoint_dir=str(tmp_path / "two")).fit(train)
    assert (tmp_path / "two" / "state.json").is_file()


def test_loading_a_checkpoint_folder_says_it_is_a_checkpoint(tmp_path, train):
    folder = tmp_path / "run"
    create_model("lightgcn", **QUICK, checkpoint_dir=str(folder)).fit(train)
    with pytest.raises(RecstackError, match=r"missing model\.json.*it is a training "
                                            r"checkpoint \(checkpoint_dir\), not a saved "
                                            r"model.*model\.save\(path\)"):
        load_model(folder)
