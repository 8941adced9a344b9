"""Hundred forty-seventh bad-input probe, checkpoints and where a run starts or ends.

A checkpoint folder did not record whether its run was a fresh fit or a warm start (nor
from which model): ``fit_from(previous, train)`` on the folder of a finished fresh fit
returned the fresh fit's model, ``previous`` ignored without a word (and a plain ``fit`` on a
warm start's folder returned the warm start). And ``epochs`` lowered below the epochs a
checkpoint had finished returned a model trained for the checkpoint's epochs, with their
history, as if it were the shorter run. Each is now refused, naming the difference."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models import create_model, load_model  # noqa: E402

QUICK = {
    "lightgcn": {"dim": 8, "layers": 1, "epochs": 2, "batch_size": 32, "device": "cpu"},
    "sasrec": {"max_length": 5, "hidden": 8, "blocks": 1, "epochs": 2, "batch_size": 32,
               "validation": False, "device": "cpu"},
    "two_tower": {"dim": 8, "hidden": 8, "epochs": 2, "batch_size": 32, "recent_items": 3,
                  "device": "cpu"},
}


def data() -> Interactions:
    rng = np.random.default_rng(11)
    return Interactions.from_arrays(rng.integers(0, 15, 180), rng.integers(0, 12, 180),
                                    np.ones(180), np.arange(180))


def model(name: str, **changes):
    return create_model(name, **(QUICK[name] | changes))


def vectors(fitted) -> np.ndarray:
    return np.asarray(fitted.score_users(np.arange(3)))


@pytest.fixture(scope="module")
def train():
    return data()


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_warm_start_does_not_resume_a_fresh_fits_checkpoint(tmp_path, train, name):
    folder = tmp_path / "run"
    model(name, checkpoint_dir=str(folder)).fit(train)
    before = (folder / "state.json").read_bytes()
    previous = model(name, seed=5).fit(train)
    with pytest.raises(RecstackError, match=r"warm_start \(the checkpoint is of a fresh fit; "
                                            rf"this run warm-starts from {name} of 15 users "
                                            r"x 12 items"):
        model(name, checkpoint_dir=str(folder)).fit_from(previous, train)
    assert (folder / "state.json").read_bytes() == before  # the checkpoint is left as it was


def test_a_fresh_fit_does_not_resume_a_warm_starts_checkpoint(tmp_path, train):
    folder = tmp_path / "run"
    previous = model("lightgcn", seed=5).fit(train)
    model("lightgcn", checkpoint_dir=str(folder)).fit_from(previous, train)
    with pytest.raises(RecstackError, match=r"the checkpoint is of a warm start from lightgcn "
                                            r".*; this run is a fresh fit\).*fit_from the "
                                            r"model it names"):
        model("lightgcn", checkpoint_dir=str(folder)).fit(train)


def test_a_warm_start_from_another_model_does_not_resume(tmp_path, train):
    folder = tmp_path / "run"
    first, second = (model("lightgcn", seed=seed).fit(train) for seed in (5, 6))
    model("lightgcn", checkpoint_dir=str(folder)).fit_from(first, train)
    with pytest.raises(RecstackError, match=r"the checkpoint warm-started from lightgcn .*; "
                                            r"this run from lightgcn"):
        model("lightgcn", checkpoint_dir=str(folder)).fit_from(second, train)


def test_an_interrupted_warm_start_resumes_from_the_saved_previous_model(tmp_path, train):
    # the previous model saved and loaded again is the same start: the run resumes, and
    # ends where a warm start of two epochs without any checkpoint ends
    previous = model("lightgcn", seed=5).fit(train)
    previous.save(tmp_path / "previous")
    folder = tmp_path / "run"
    model("lightgcn", epochs=1, checkpoint_dir=str(folder)).fit_from(previous, train)
    resumed = model("lightgcn", checkpoint_dir=str(folder)).fit_from(
        load_model(tmp_path / "previous"), train)
    straight = model("lightgcn").fit_from(previous, train)
    assert len(resumed.history_.epochs) == 2
    np.testing.assert_array_equal(vectors(resumed), vectors(straight))


def test_a_fresh_fits_checkpoint_records_no_start(tmp_path, train):
    # checkpoints of fresh fits are written as before, so the ones on disk still resume
    folder = tmp_path / "run"
    model("lightgcn", checkpoint_dir=str(folder)).fit(train)
    assert "warm_start" not in json.loads((folder / "state.json").read_text())["config"]


@pytest.mark.parametrize("name", sorted(QUICK))
def test_epochs_lowered_below_the_checkpoints_are_refused(tmp_path, train, name):
    folder = tmp_path / "run"
    model(name, epochs=3, checkpoint_dir=str(folder)).fit(train)
    before = (folder / "state.json").read_bytes()
    with pytest.raises(RecstackError, match=r"this checkpoint has finished 3 epochs, more "
                                            r"than epochs = 2.*fit with epochs >= 3 to resume "
                                            r"it.*train 2 epoch\(s\) afresh"):
        model(name, epochs=2, checkpoint_dir=str(folder)).fit(train)
    assert (folder / "state.json").read_bytes() == before


def test_a_finished_checkpoint_with_the_same_epochs_returns_its_run(tmp_path, train):
    folder = tmp_path / "run"
    model("lightgcn", checkpoint_dir=str(folder)).fit(train)
    again = model("lightgcn", checkpoint_dir=str(folder)).fit(train)
    straight = model("lightgcn").fit(train)
    assert len(again.history_.epochs) == 2
    np.testing.assert_array_equal(vectors(again), vectors(straight))
