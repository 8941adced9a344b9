"""Fifth bad-input probe, training checkpoints (safetensors + JSON): an edited epoch count
(-3 trained from "epoch -3", 1.5 was read as 1, a huge count skipped training) and an
optimizer state of the wrong shape (a RuntimeError from inside Adam's step) or empty (the
optimizer silently restarted) are refused, naming the folder, before training resumes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")


@pytest.fixture(scope="module")
def data() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(20), 6)
    items = np.concatenate([rng.choice(15, 6, replace=False) for _ in range(20)])
    return Interactions.from_arrays(users, items, np.ones(len(users)),
                                    np.arange(len(users)))


@pytest.fixture(scope="module")
def checkpoint(data, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("checkpoints") / "run"
    create_model("sasrec", **{**quick_params("sasrec"), "epochs": 2,
                              "checkpoint_dir": str(folder)}).fit(data)
    return folder


def _resume(data, folder: Path):
    return create_model("sasrec", **{**quick_params("sasrec"), "epochs": 3,
                                     "checkpoint_dir": str(folder)}).fit(data)


def _copy(checkpoint: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(checkpoint, folder)
    return folder


@pytest.mark.parametrize("done", [-3, 10**6, 1.5, True, "2", None])
def test_an_edited_epoch_count_is_refused(data, checkpoint, tmp_path, done):
    folder = _copy(checkpoint, tmp_path)
    state = json.loads((folder / "state.json").read_text())
    state["epochs_done"] = done
    (folder / "state.json").write_text(json.dumps(state))
    with pytest.raises(RecstackError, match=rf"run: epochs_done is {re.escape(repr(done))} but the "
                                            r"checkpoint's history records 2 epoch\(s\).*"
                                            r"remove the folder"):
        _resume(data, folder)


def _rewrite_optimizer(folder: Path, change) -> None:
    path = folder / "optimizer.safetensors"
    tensors = safetensors_torch.load_file(path)
    safetensors_torch.save_file(change(tensors), path)


def test_optimizer_tensors_of_another_shape_are_refused(data, checkpoint, tmp_path):
    folder = _copy(checkpoint, tmp_path)
    _rewrite_optimizer(folder, lambda tensors: {
        name: (torch.zeros(3) if tensor.ndim else tensor) for name, tensor in tensors.items()})
    with pytest.raises(RecstackError, match=r"run: the optimizer state does not fit this "
                                            r"model \('0\.exp_avg' has shape \(3,\), its "
                                            r"parameter \(\d+, 16\)\)"):
        _resume(data, folder)


def test_optimizer_tensors_of_no_parameter_are_refused(data, checkpoint, tmp_path):
    folder = _copy(checkpoint, tmp_path)
    _rewrite_optimizer(folder, lambda tensors: {
        "999." + name.split(".", 1)[1]: tensor for name, tensor in tensors.items()})
    with pytest.raises(RecstackError, match=r"'999\.\w+' names no parameter of the \d+"):
        _resume(data, folder)


def test_an_empty_optimizer_state_after_an_epoch_is_refused(data, checkpoint, tmp_path):
    folder = _copy(checkpoint, tmp_path)
    _rewrite_optimizer(folder, lambda tensors: {})
    with pytest.raises(RecstackError, match="it is empty, after an epoch of training"):
        _resume(data, folder)


def test_an_untouched_checkpoint_still_resumes_to_the_uninterrupted_result(
        data, checkpoint, tmp_path):
    folder = _copy(checkpoint, tmp_path)
    resumed = _resume(data, folder)
    straight = create_model("sasrec", **{**quick_params("sasrec"), "epochs": 3}).fit(data)
    np.testing.assert_allclose(resumed.score_users(np.arange(3)),
                               straight.score_users(np.arange(3)), rtol=1e-5, atol=1e-6)


def test_best_epoch_weights_of_another_shape_are_refused_before_training(data, tmp_path):
    # they were restored only after the last epoch: a RuntimeError from load_state_dict
    folder = tmp_path / "validated"
    params = {**quick_params("sasrec"), "validation": True, "epochs": 2,
              "checkpoint_dir": str(folder)}
    create_model("sasrec", **params).fit(data)
    assert (folder / "best.safetensors").is_file()
    path = folder / "best.safetensors"
    tensors = safetensors_torch.load_file(path)
    name = sorted(tensors)[0]
    tensors[name] = torch.zeros(2, 2)
    safetensors_torch.save_file(tensors, path)
    with pytest.raises(RecstackError, match=rf"validated: the best epoch's weights do not fit "
                                            rf"this model \(e\.g\. {re.escape(repr(name))}\)"):
        create_model("sasrec", **{**params, "epochs": 3}).fit(data)
