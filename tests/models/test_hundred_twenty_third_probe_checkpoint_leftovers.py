"""What a killed checkpoint write leaves behind:

- each epoch's staging folder ``.NAME.XXXX`` was never removed once its writer was killed;
  it is now ``.NAME.<pid>.XXXX`` and removed by the next start when that process is gone;
- the previous epoch's ``NAME.old``, left by a writer killed before removing it, stayed
  beside a complete ``NAME``: a user who then deleted ``NAME`` to start afresh had the run
  resume from ``NAME.old`` instead. It is removed when ``NAME`` is complete, and a writer
  now renames it to a staging name before removing it."""

import json
import os
import shutil
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.models.torch_training import TorchTrainer  # noqa: E402
from tests.models.test_torch_training import problem  # noqa: E402


def _train(folder, epochs, seed=0):
    calls = []
    module, optimizer, batches, loss, _ = problem(seed=seed)

    def counted(epoch, generator):
        calls.append(epoch)
        return batches(epoch, generator)

    TorchTrainer(epochs=epochs, seed=1, checkpoint_dir=folder).fit(module, optimizer,
                                                                     counted, loss)
    return calls


def _dead_pid():
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    pid = int(child.stdout)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    pytest.skip("the finished child's process id was reused at once")


def test_a_writer_leaves_no_staging_folder_nor_old(tmp_path):
    _train(tmp_path / "ck", epochs=3)
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["ck"]


def test_a_dead_writers_staging_folder_is_removed_on_the_next_start(tmp_path):
    folder = tmp_path / "ck"
    _train(folder, epochs=1)
    dead = tmp_path / f".ck.{_dead_pid()}.abc123"
    shutil.copytree(folder, dead)  # killed after writing its files, before the swap
    living = tmp_path / f".ck.{os.getppid()}.def456"  # another run, still writing
    living.mkdir()
    unrelated = tmp_path / ".ck.notes"
    unrelated.mkdir()
    assert _train(folder, epochs=2) == [1]
    assert not dead.exists()
    assert living.exists() and unrelated.exists()


def test_a_stale_old_beside_a_complete_checkpoint_is_not_resumed_later(tmp_path):
    folder = tmp_path / "ck"
    _train(folder, epochs=1)
    shutil.copytree(folder, tmp_path / "ck.old")  # killed before removing the previous one
    _train(folder, epochs=2)  # starts, resumes from ck (epoch 1 done)
    assert not (tmp_path / "ck.old").exists()
    shutil.rmtree(folder)  # the user starts afresh
    assert _train(folder, epochs=2) == [0, 1]


def test_an_old_without_its_folder_is_still_resumed(tmp_path):
    # killed between an epoch's two renames: NAME.old is the last complete checkpoint
    folder = tmp_path / "ck"
    _train(folder, epochs=2)
    folder.rename(tmp_path / "ck.old")
    assert _train(folder, epochs=3) == [2]
    state = json.loads((folder / "state.json").read_text())
    assert state["epochs_done"] == 3
