"""``recstack fit --registry DIR`` stopped by a full disk or ``ulimit -f`` while the new
version is written names the registry asked for, not the temporary folder the version is
staged in."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile

import pytest

from recstack.cli import main

EXPERIMENT = """\
[data]
source = "synthetic:n_users=300,n_items=200,n_interactions=6000"
[split]
method = "random"
[[models]]
type = "als"
factors = 32
"""


@pytest.fixture
def experiment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(EXPERIMENT)
    return tmp_path / "exp.toml"


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_names_the_registry_not_the_staging_folder(experiment):
    # before: "recstack: error: /tmp/recstack-publish-r4ejqb7d/version/model: File too
    # large (larger than the file size limit: ...)"
    import resource

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))

    done = subprocess.run(
        [sys.executable, "-m", "recstack.cli", "fit", "exp.toml", "--model", "als",
         "--registry", "reg"], cwd=experiment.parent, capture_output=True, text=True,
        timeout=300, preexec_fn=limit_file_size)
    assert done.returncode == 2, done.stderr
    # (the lines before it are the fit's progress)
    assert "Traceback" not in done.stderr and "recstack-publish-" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        "recstack: error: --registry reg: the new version of als could not be written: File "
        "too large (larger than the file size limit: the shell's `ulimit -f`, or the largest "
        "file the filesystem holds); nothing was published (a version is written first in a "
        f"temporary folder under {tempfile.gettempdir()}, then moved into the registry)")
    assert not (experiment.parent / "reg").exists()


def test_a_full_temporary_disk_names_the_registry_and_tmpdir(experiment, monkeypatch, capsys):
    from recstack.models.base import Recommender

    def full_disk(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.path.join(path, "arrays.npz"))

    monkeypatch.setattr(Recommender, "save", full_disk)
    assert main(["fit", "exp.toml", "--model", "als", "--registry", "models",
                 "--name", "tastes"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("recstack: error: --registry models: the new version of tastes "
                          "could not be written: No space left on device (the disk is full); "
                          "nothing was published")
    assert err.endswith("; free space there, or set TMPDIR to a folder on a disk with room\n")
    assert "recstack-publish-" not in err
