"""Work names beside a target with a long valid name.

A training checkpoint folder named with 240 to 255 bytes (valid: a file name holds 255)
could not be written: each epoch's staging folder ``.NAME.<pid>.XXXXXXXX`` and the
previous epoch's ``NAME.old`` went past 255 bytes, and the first epoch failed with
"File name too long" (a refusal naming the folder's parent as unwritable, or the
operating system's OSError). The EASE thread-probe cache, written through its own
temporary name, had the same flaw. Both now write under a name that fits."""

import json
import os
import shutil

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.models.ease import _read_verdicts, _write_verdicts  # noqa: E402
from recstack.models.torch_training import TorchTrainer, _work_stem  # noqa: E402
from tests.models.test_hundred_twenty_third_probe_checkpoint_leftovers import (  # noqa: E402
    _dead_pid,
)
from tests.models.test_torch_training import params, problem  # noqa: E402


def _train(folder, epochs):
    calls = []
    module, optimizer, batches, loss, _ = problem(seed=0)

    def counted(epoch, generator):
        calls.append(epoch)
        return batches(epoch, generator)

    TorchTrainer(epochs=epochs, seed=1, checkpoint_dir=folder).fit(module, optimizer,
                                                                     counted, loss)
    return calls, params(module)


@pytest.mark.parametrize("name", ["c" * 240, "c" * 252, "c" * 255, "é" * 127 + "x"])
def test_a_checkpoint_folder_with_a_long_valid_name_is_written_and_resumed(tmp_path, name):
    assert len(os.fsencode(name)) in (240, 252, 255)
    folder = tmp_path / name
    assert _train(folder, epochs=2)[0] == [0, 1]
    # only the checkpoint is left: no staging folder, no NAME.old
    assert [entry.name for entry in tmp_path.iterdir()] == [name]
    assert json.loads((folder / "state.json").read_text())["epochs_done"] == 2
    calls, resumed = _train(folder, epochs=3)
    assert calls == [2]  # resumed after the two finished epochs
    assert torch.equal(resumed, _train(tmp_path / "straight", epochs=3)[1])


def test_a_long_names_dead_writers_staging_folder_is_removed(tmp_path):
    folder = tmp_path / ("d" * 250)
    _train(folder, epochs=1)
    stem = _work_stem(folder)
    assert stem != folder.name and len(os.fsencode(stem)) < 250
    dead = tmp_path / f".{stem}.{_dead_pid()}.abc12345"
    shutil.copytree(folder, dead)  # killed after writing its files, before the swap
    assert _train(folder, epochs=2)[0] == [1]
    assert sorted(entry.name for entry in tmp_path.iterdir()) == [folder.name]


def test_a_long_names_interrupted_swap_resumes_from_its_old_version(tmp_path):
    # killed between the two renames: the last complete checkpoint is set aside, none
    # under the name itself
    folder = tmp_path / ("e" * 255)
    _train(folder, epochs=1)
    os.replace(folder, tmp_path / f"{_work_stem(folder)}.old")
    assert _train(folder, epochs=2)[0] == [1]
    assert [entry.name for entry in tmp_path.iterdir()] == [folder.name]


def test_a_short_names_work_names_are_unchanged(tmp_path):
    assert _work_stem(tmp_path / "ck") == "ck"


def test_the_ease_probe_cache_is_written_under_a_long_name(tmp_path):
    path = tmp_path / ("v" * 255)
    _write_verdicts(path, {"openblas": True})
    assert _read_verdicts(path) == {"openblas": True}
    assert [entry.name for entry in tmp_path.iterdir()] == [path.name]
