"""Hundred-sixty-sixth bad-input probe of saved rankers' model files and state, edited by
hand with their checksums made to match.

- The standardisation a ranker saves beside its weights (each numeric feature's training
  mean and scale: ``weights.npz`` of the logistic ranker, ``weights.safetensors`` of the
  PyTorch ones) was read unchecked: a scale of 0 scored every candidate 0 or 1 (with a
  RuntimeWarning), a negative one turned the feature's effect around, a short array was
  broadcast over the features, a NaN was told at score time as features "on another scale
  than the training ones", and text failed in numpy with a traceback. Each is refused at
  load, naming the file and the feature. So are the logistic ranker's intercept when it is
  not a finite number and the multitask ranker's ratings' mean and scale.
- LightGBM's ``best_iteration`` in ``ranker.json``'s state (the trees score uses, 0: all)
  was read with ``int()``: true scored with the first tree alone, 2.7 with two, and -1 or
  a number past the trees with all of them, silently. It must be a whole number from 0 to
  the trees the model holds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.rankers.storage import META, _digest, _sha256

from .saved_rankers import edit_meta, toy


def rechecksum(folder: Path) -> None:
    """Make ranker.json's checksums match its files again (a hand edit that knows the
    format)."""
    meta = json.loads((folder / META).read_text())
    for name in meta["sha256"]:
        if name != META:
            meta["sha256"][name] = _sha256(folder / name)
    meta["sha256"][META] = _digest(meta)
    (folder / META).write_text(json.dumps(meta))


@pytest.fixture(scope="module")
def logistic_saved(tmp_path_factory) -> Path:
    pytest.importorskip("sklearn")
    frame, labels = toy()
    folder = tmp_path_factory.mktemp("logistic") / "ranker"
    create_ranker("logistic").fit(frame, labels).save(folder)
    return folder


def edited_npz(saved: Path, tmp_path: Path, change) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(saved, folder)
    with np.load(folder / "weights.npz") as stored:
        arrays = {name: stored[name] for name in stored.files}
    change(arrays)
    np.savez(folder / "weights.npz", **arrays)
    rechecksum(folder)
    return folder


def test_an_unedited_logistic_ranker_loads_and_scores_as_saved(logistic_saved, tmp_path):
    frame, _ = toy()
    folder = edited_npz(logistic_saved, tmp_path, lambda arrays: None)
    np.testing.assert_array_equal(load_ranker(folder).score(frame),
                                  load_ranker(logistic_saved).score(frame))


@pytest.mark.parametrize(("name", "value", "said"), [
    ("scales", [0.0, 0.3], "the input scale of numeric feature 'signal' is 0.0, where the "
                           "ranker saved a number above 0"),
    ("scales", [0.3, -1.0], "the input scale of numeric feature 'noise' is -1.0"),
    ("scales", [np.nan, 0.3], "the input scale of numeric feature 'signal' is nan"),
    ("means", [np.inf, 0.3], "the input mean of numeric feature 'signal' is inf, where the "
                             "ranker saved a finite number"),
    ("means", [0.5, np.nan], "the input mean of numeric feature 'noise' is nan"),
    ("scales", [0.3], r"the input scales are numbers of shape \(1,\), expected 2 numbers, "
                      "one per numeric feature of ranker.json"),
    ("scales", [[0.3, 0.3]], r"the input scales are numbers of shape \(1, 2\)"),
    ("means", ["a", "b"], r"the input means are <U1 values of shape \(2,\)"),
    ("intercept", [np.nan], "the intercept is nan, where the ranker saved a finite number"),
])
def test_an_edited_logistic_standardisation_is_refused_naming_the_file(
        logistic_saved, tmp_path, name, value, said):
    folder = edited_npz(logistic_saved, tmp_path,
                        lambda arrays: arrays.__setitem__(name, np.array(value)))
    with pytest.raises(RecstackError, match=f"weights.npz: {said}.*the file was edited or "
                                            "is damaged: save the ranker again"):
        load_ranker(folder)


@pytest.fixture(scope="module", params=["wide_deep", "multitask"])
def torch_saved(request, tmp_path_factory) -> tuple[str, Path]:
    pytest.importorskip("torch")
    pytest.importorskip("safetensors")
    frame, labels = toy()
    if request.param == "multitask":
        labels = np.c_[labels, np.where(labels > 0, 1.0 + 4.0 * frame.numeric[:, 1], np.nan)]
    folder = tmp_path_factory.mktemp(request.param) / "ranker"
    create_ranker(request.param, epochs=1).fit(frame, labels).save(folder)
    return request.param, folder


def edited_tensors(saved: Path, tmp_path: Path, change) -> Path:
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file

    folder = tmp_path / "copy"
    shutil.copytree(saved, folder)
    file = str(folder / "weights.safetensors")
    tensors = load_file(file)
    with safe_open(file, "np") as handle:
        metadata = handle.metadata()
    change(tensors)
    save_file(tensors, file, metadata=metadata)
    rechecksum(folder)
    return folder


def test_an_unedited_torch_ranker_loads_and_scores_as_saved(torch_saved, tmp_path):
    _, saved = torch_saved
    frame, _ = toy()
    folder = edited_tensors(saved, tmp_path, lambda tensors: None)
    np.testing.assert_array_equal(load_ranker(folder).score(frame),
                                  load_ranker(saved).score(frame))


@pytest.mark.parametrize(("name", "value", "said"), [
    ("inputs.scales", [0.0, 0.3], "the input scale of numeric feature 'signal' is 0.0"),
    ("inputs.scales", [0.3, -2.0], "the input scale of numeric feature 'noise' is -2.0"),
    ("inputs.means", [np.nan, 0.3], "the input mean of numeric feature 'signal' is nan"),
    ("inputs.scales", [0.3], r"the input scales are numbers of shape \(1,\)"),
])
def test_an_edited_torch_standardisation_is_refused_naming_the_file(
        torch_saved, tmp_path, name, value, said):
    _, saved = torch_saved
    folder = edited_tensors(saved, tmp_path, lambda tensors: tensors.__setitem__(
        name, np.array(value, tensors[name].dtype)))
    with pytest.raises(RecstackError, match=f"weights.safetensors: {said}"):
        load_ranker(folder)


def test_a_constant_feature_keeps_its_infinite_scale(tmp_path):
    """An infinite scale is what a PyTorch ranker saves for a feature constant in training
    (it ignores the feature): it loads, and scores as saved."""
    pytest.importorskip("torch")
    frame, labels = toy()
    constant = frame.numeric.copy()
    constant[:, 1] = 3.0
    frame = type(frame)(frame.schema, constant, frame.categorical, frame.users, frame.items,
                        frame.groups)
    ranker = create_ranker("wide_deep", epochs=1).fit(frame, labels)
    assert np.isinf(ranker.scales_[1])
    loaded = load_ranker(ranker.save(tmp_path / "ranker"))
    np.testing.assert_array_equal(loaded.score(frame), ranker.score(frame))


@pytest.fixture(scope="module")
def multitask_saved(tmp_path_factory) -> Path:
    pytest.importorskip("torch")
    frame, labels = toy()
    labels = np.c_[labels, np.where(labels > 0, 1.0 + 4.0 * frame.numeric[:, 1], np.nan)]
    folder = tmp_path_factory.mktemp("multitask") / "ranker"
    create_ranker("multitask", epochs=1).fit(frame, labels).save(folder)
    return folder


@pytest.mark.parametrize("pair", [[3.0, 0.0], [3.0, -1.0], [np.nan, 1.0], [3.0, np.inf]])
def test_an_edited_rating_scale_is_refused(multitask_saved, tmp_path, pair):
    folder = edited_tensors(multitask_saved, tmp_path, lambda tensors: tensors.__setitem__(
        "ratings.mean_scale", np.array(pair)))
    with pytest.raises(RecstackError, match=r"weights.safetensors: the ratings' mean and "
                                            "scale are .*, where the ranker saved a finite "
                                            "mean and a scale above 0"):
        load_ranker(folder)


# ------------------------------------------------------------------ LightGBM best_iteration
@pytest.fixture(scope="module")
def lightgbm_saved(tmp_path_factory) -> Path:
    pytest.importorskip("lightgbm")
    frame, labels = toy()
    folder = tmp_path_factory.mktemp("lightgbm") / "ranker"
    create_ranker("lightgbm", loss="binary", n_estimators=5, min_child_samples=5,
                  n_jobs=1).fit(frame, labels).save(folder)
    return folder


@pytest.mark.parametrize("value", [True, 2.7, -1, 6, 10**30, "3", None, [3]])
def test_an_edited_best_iteration_is_refused(lightgbm_saved, tmp_path, value):
    folder = tmp_path / "copy"
    shutil.copytree(lightgbm_saved, folder)
    edit_meta(folder, lambda meta: meta["state"].__setitem__("best_iteration", value))
    with pytest.raises(RecstackError, match=r"ranker.json: state 'best_iteration' must be a "
                                            r"whole number from 0 \(every tree\) to 5 \(the "
                                            "trees the model holds\\), got "):
        load_ranker(folder)


def test_a_best_iteration_within_the_trees_scores_with_that_many(lightgbm_saved, tmp_path):
    """best_iteration = 2 (what early stopping records) scores with the first two trees:
    the raw score of LightGBM's own prediction with num_iteration=2."""
    frame, _ = toy()
    folder = tmp_path / "copy"
    shutil.copytree(lightgbm_saved, folder)
    edit_meta(folder, lambda meta: meta["state"].__setitem__("best_iteration", 2))
    loaded = load_ranker(folder)
    full = load_ranker(lightgbm_saved)
    from recstack.pipeline.rankers.gbdt import _matrix

    expected = full.booster_.predict(_matrix(frame), num_iteration=2, raw_score=True)
    np.testing.assert_allclose(loaded.score(frame), expected.astype(np.float32), rtol=1e-6)
    assert not np.allclose(loaded.score(frame), full.score(frame))
