"""Sixteenth bad-input probe of saved rankers: a model file damaged with its checksum made
to match (so that the reader gets past the check) escaped ``load_ranker`` as the format
library's own traceback (``zipfile.BadZipFile``, ``safetensors.SafetensorError``), and a
LightGBM model cut short killed the whole Python process ("terminate called without an
active exception"), with no error to catch."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.rankers.storage import META, _digest
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema


def toy() -> tuple[FeatureFrame, np.ndarray]:
    """30 groups of 6 candidates, labelled 1 where the signal is above 0.5."""
    rng = np.random.default_rng(0)
    signal = rng.random(180)
    schema = FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric")))
    groups = np.repeat(np.arange(30), 6)
    frame = FeatureFrame(schema, np.c_[signal, rng.random(180)], np.zeros((180, 0)), groups,
                         np.tile(np.arange(6), 30), groups)
    return frame, (signal > 0.5).astype(float)


def damage(folder: Path, name: str, content: bytes) -> None:
    """Replace ``name`` by ``content`` and make every checksum of ranker.json match."""
    (folder / name).write_bytes(content)
    meta = json.loads((folder / META).read_text())
    meta["sha256"][name] = hashlib.sha256(content).hexdigest()
    meta["sha256"][META] = _digest(meta)
    (folder / META).write_text(json.dumps(meta))


@pytest.mark.parametrize(("ranker", "params", "file"), [
    ("logistic", {}, "weights.npz"),
    ("wide_deep", {"epochs": 1}, "weights.safetensors"),
])
def test_a_damaged_model_file_is_a_recstack_error(tmp_path, ranker, params, file):
    pytest.importorskip("torch" if ranker == "wide_deep" else "sklearn")
    frame, labels = toy()
    folder = create_ranker(ranker, **params).fit(frame, labels).save(tmp_path / "ranker")
    whole = (folder / file).read_bytes()
    damage(folder, file, whole[:len(whole) // 2])
    with pytest.raises(RecstackError, match=rf"^{folder}: the ranker's model file cannot be "
                                            r"read \(\w+: .*\); it is damaged: save the ranker "
                                            r"again$"):
        load_ranker(folder)


def lightgbm_folder(tmp_path: Path) -> Path:
    pytest.importorskip("lightgbm")
    frame, labels = toy()
    ranker = create_ranker("lightgbm", n_estimators=3, min_child_samples=2, n_jobs=1)
    return ranker.fit(frame, labels).save(tmp_path / "ranker")


@pytest.mark.parametrize(("cut", "said"), [
    (lambda text: text[:text.index("Tree=1") + 20], "tree 2 is not where its header says"),
    (lambda text: text.split("Tree=0")[0], "no tree follows its header"),
    (lambda text: text.split("end of trees")[0],
     "its 3 trees do not end where its header says"),
    (lambda text: "garbage", "its header has no tree_sizes line"),
])
def test_a_lightgbm_model_cut_short_is_refused_not_a_crash(tmp_path, cut, said):
    folder = lightgbm_folder(tmp_path)
    text = (folder / "model.txt").read_text()
    damage(folder, "model.txt", cut(text).encode())
    # in a child process: before the check, LightGBM aborted the interpreter itself
    script = ("from recstack.pipeline.rankers import load_ranker\n"
              "try:\n"
              f"    load_ranker({str(folder)!r})\n"
              "except Exception as error:\n"
              "    print(type(error).__name__, error)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.startswith(f"RecstackError {folder}: {folder / 'model.txt'}: not a "
                                  f"complete LightGBM model ({said}")
    assert done.stdout.rstrip().endswith("the file is damaged: save the ranker again")


def test_a_complete_lightgbm_model_still_loads_and_scores_the_same(tmp_path):
    folder = lightgbm_folder(tmp_path)
    frame, labels = toy()
    ranker = create_ranker("lightgbm", n_estimators=3, min_child_samples=2, n_jobs=1)
    expected = ranker.fit(frame, labels).score(frame)
    np.testing.assert_array_equal(load_ranker(folder).score(frame), expected)
