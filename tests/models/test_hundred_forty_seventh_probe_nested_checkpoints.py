"""Hundred forty-seventh bad-input probe, a checkpoint folder declared for a model that its
container fits twice.

A two-stage model fits each generator on the history window, then on all the training
data; a blend without weights or validation rows fits each member on train less a hold-out,
then on all of train. A generator or member declared with ``checkpoint_dir`` trained its
first fit into the folder, and its second was then refused as another run's ("the training
rows differ"): the model could not be fitted at all, and said so only after the first
training. Both are now refused before any training, naming the declaration; a blend given
its validation rows fits each member once, and keeps its checkpoint."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.data.splits import random_split  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.models import create_model  # noqa: E402

QUICK = {"type": "lightgcn", "dim": 8, "layers": 1, "epochs": 1, "batch_size": 64,
         "device": "cpu"}


def data(seed: int = 1, rows: int = 600) -> Interactions:
    rng = np.random.default_rng(seed)
    return Interactions.from_arrays(rng.integers(0, 30, rows), rng.integers(0, 25, rows),
                                    np.ones(rows), np.arange(rows))


def test_a_two_stage_generator_with_a_checkpoint_is_refused_before_training(tmp_path):
    folder = tmp_path / "run"
    two_stage = create_model("two_stage", generators=(QUICK | {"checkpoint_dir": str(folder)},
                                                      {"type": "most_popular"}),
                             ranker={"type": "logistic"}, n_candidates=5)
    with pytest.raises(ConfigError, match=r"two_stage: generators\[0\] \(lightgcn\) has "
                                          r"checkpoint_dir = .*fits each generator and "
                                          r"scorer twice.*leave checkpoint_dir out"):
        two_stage.fit(data())
    assert not folder.exists()  # refused before the first fit trained into it


def test_a_blend_member_with_a_checkpoint_is_refused_when_fitted_twice(tmp_path):
    folder = tmp_path / "run"
    blend = create_model("blend", members=(QUICK | {"checkpoint_dir": str(folder)},
                                           {"type": "most_popular"}), rounds=1)
    with pytest.raises(ConfigError, match=r"blend: members\[0\] \(lightgcn\) has "
                                          r"checkpoint_dir = .*fits each member twice.*"
                                          r"fit\(train, validation=valid\)"):
        blend.fit(data())
    assert not folder.exists()


def test_a_blend_given_validation_rows_fits_a_checkpointed_member_once(tmp_path):
    folder = tmp_path / "run"
    blend = create_model("blend", members=(QUICK | {"checkpoint_dir": str(folder)},
                                           {"type": "most_popular"}), rounds=1)
    split = random_split(data(), 0.2, seed=0)
    blend.fit(split.train, validation=split.test)
    assert (folder / "state.json").is_file()


def test_a_blend_with_given_weights_fits_a_checkpointed_member_once(tmp_path):
    folder = tmp_path / "run"
    blend = create_model("blend", members=(QUICK | {"checkpoint_dir": str(folder)},
                                           {"type": "most_popular"}), weights=(1.0, 1.0))
    blend.fit(data())
    assert (folder / "state.json").is_file()
