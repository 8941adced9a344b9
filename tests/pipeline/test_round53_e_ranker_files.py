"""Round 53 (E): a saved ranker's folder holding another ranker's model file, a model file
of pickled arrays, a PyTorch ranker loaded where torch is missing, and a contextual bandit
given one context row per user."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import ContextualThompson, LinUCB
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.rankers.storage import _digest, _sha256
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

pytest.importorskip("lightgbm")
pytest.importorskip("sklearn")

#: each ranker's model file and the words naming its format in the refusal
MODEL_FILES = {"lightgbm": ("model.txt", "LightGBM text model"),
               "logistic": ("weights.npz", "numpy .npz archive"),
               "wide_deep": ("weights.safetensors", "safetensors weights")}
SETTINGS = {"lightgbm": {"n_estimators": 3, "loss": "binary"}, "logistic": {},
            "wide_deep": {"epochs": 1, "device": "cpu"}}


def _frame() -> tuple[FeatureFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    schema = FeatureSchema((Feature("a", "numeric"), Feature("b", "numeric"),
                            Feature("c", "categorical", cardinality=4)))
    users = np.repeat(np.arange(10), 8)
    numeric = rng.normal(size=(len(users), 2)).astype(np.float32)
    labels = (numeric[:, 0] > 0).astype(float)
    frame = FeatureFrame(schema, numeric, rng.integers(1, 4, (len(users), 1)), users,
                         np.tile(np.arange(8), 10), users)
    return frame, labels


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if "torch" not in sys.modules:
        pytest.importorskip("torch")
    frame, labels = _frame()
    root = tmp_path_factory.mktemp("rankers")
    return {name: create_ranker(name, **SETTINGS[name]).fit(frame, labels).save(root / name)
            for name in MODEL_FILES}


def _with_file(source: Path, target: Path, name: str, content: bytes) -> Path:
    """A copy of the saved ranker ``source`` at ``target`` whose file ``name`` holds
    ``content``, its checksum (and the metadata's) written to match, as a hand edit would."""
    shutil.copytree(source, target)
    (target / name).write_bytes(content)
    meta = json.loads((target / "ranker.json").read_text())
    meta["sha256"][name] = _sha256(target / name)
    meta["sha256"]["ranker.json"] = _digest(meta)
    (target / "ranker.json").write_text(json.dumps(meta))
    return target


@pytest.mark.parametrize(("ranker", "other"), [(ranker, other) for ranker in MODEL_FILES
                                                 for other in MODEL_FILES if other != ranker])
def test_model_file_of_another_ranker_names_both_formats(saved: dict[str, Path],
                                                         tmp_path: Path, ranker: str,
                                                         other: str) -> None:
    name, expected = MODEL_FILES[ranker]
    foreign = (saved[other] / MODEL_FILES[other][0]).read_bytes()
    folder = _with_file(saved[ranker], tmp_path / "mixed", name, foreign)
    with pytest.raises(RecstackError) as raised:
        load_ranker(folder)
    message = str(raised.value)
    # before: "does not fit lightgbm (UnicodeDecodeError: ...)", "header too large", or
    # numpy's advice to unpickle the file
    assert str(folder / name) in message
    assert f"the {ranker} ranker reads" in message and expected in message
    assert MODEL_FILES[other][1] in message
    assert "Error" not in message


def test_npz_of_pickled_arrays_is_refused_without_advice_to_unpickle(
        saved: dict[str, Path], tmp_path: Path) -> None:
    weights = tmp_path / "pickled.npz"
    with np.load(saved["logistic"] / "weights.npz") as stored:
        arrays = dict(stored)
    # an object array is written pickled (np.save's allow_pickle is True by default)
    arrays["coef"] = np.array([{"weights": 1}, None], dtype=object)
    np.savez(weights, **arrays)
    folder = _with_file(saved["logistic"], tmp_path / "logistic", "weights.npz",
                        weights.read_bytes())
    with pytest.raises(RecstackError, match="holds pickled Python objects") as raised:
        load_ranker(folder)
    assert "allow_pickle" not in str(raised.value)
    assert "pickle.load" not in str(raised.value)


def test_torch_ranker_loaded_without_torch_gives_the_install_command(
        saved: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import torch` raise ImportError, as where it is missing
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "safetensors.torch", raising=False)
    with pytest.raises(RecstackError) as raised:
        load_ranker(saved["wide_deep"])
    message = str(raised.value)
    # before: "the ranker's model file cannot be read (ModuleNotFoundError ...); it is
    # damaged: save the ranker again", which the file was not
    assert 'pip install "recstack[torch]"' in message
    assert "damaged" not in message


@pytest.mark.parametrize("policy", [ContextualThompson, LinUCB])
def test_contexts_of_one_row_per_user_are_told_the_shape_to_give(policy: type) -> None:
    bandit = policy(n_items=5, n_features=3, seed=0)
    per_user = np.ones((2, 3))
    with pytest.raises(BanditInputError) as raised:
        bandit.select([0, 1], 2, contexts=per_user)
    message = str(raised.value)
    assert "shape (2, 5, 3)" in message and "got shape (2, 3)" in message
    assert "np.repeat(contexts[:, None, :], 5, axis=1)" in message
    # the advice given works
    assert bandit.select([0, 1], 2, contexts=np.repeat(per_user[:, None, :], 5, axis=1)
                         ).shape == (2, 2)
    with pytest.raises(BanditInputError, match=r"shape \(2, 1, 3\).*got shape \(2, 3\)"):
        bandit.update([0, 1], [[1], [2]], [[1.0], [0.0]], contexts=per_user)


@pytest.mark.parametrize("policy", [ContextualThompson, LinUCB])
def test_contexts_of_one_dimension_are_told_the_shape_without_the_per_user_hint(
        policy: type) -> None:
    bandit = policy(n_items=5, n_features=3, seed=0)
    with pytest.raises(BanditInputError) as raised:
        bandit.select([0, 1], 2, contexts=np.ones(6))
    assert "shape (2, 5, 3)" in str(raised.value)
    assert "np.repeat" not in str(raised.value)
