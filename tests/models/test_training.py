"""The one epoch loop (run_epochs) and the validation scorer the models early-stop on."""

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.evaluation.evaluator import Evaluator
from recstack.models import training
from recstack.models.training import (
    ResumePoint,
    TrainingHistory,
    run_epochs,
    validation_metric,
    validation_ndcg,
)


def scripted(scores):
    """An epoch function and a validation callable replaying ``scores`` (one per epoch),
    with a 'parameter' that is the epoch number, so restoring can be seen."""
    state = {"parameter": None, "epoch": None}

    def train_epoch(epoch):
        state["epoch"] = epoch
        state["parameter"] = epoch
        return {"loss": 1.0 / (epoch + 1)}

    def validate():
        return scores[state["epoch"]]

    def snapshot():
        return state["parameter"]

    def restore(value):
        state["parameter"] = value

    return state, train_epoch, validate, snapshot, restore


def test_early_stopping_waits_patience_epochs_and_restores_the_best():
    state, train_epoch, validate, snapshot, restore = scripted(
        [0.1, 0.3, 0.2, 0.25, 0.29, 0.5, 0.6])
    history = run_epochs(train_epoch, epochs=7, description="t", validate=validate,
                         patience=3, snapshot=snapshot, restore=restore)
    # best at epoch 1; epochs 2, 3, 4 do not beat it, so the loop stops after epoch 4
    assert [e["val"] for e in history.epochs] == [0.1, 0.3, 0.2, 0.25, 0.29]
    assert history.best_epoch == 1 and history.best_score == 0.3 and history.stopped_early
    assert state["parameter"] == 1


def test_without_validation_every_epoch_runs_and_the_last_is_kept():
    state, train_epoch, _, snapshot, restore = scripted([0.0] * 4)
    history = run_epochs(train_epoch, epochs=4, description="t", snapshot=snapshot,
                         restore=restore)
    assert len(history.epochs) == 4 and not history.stopped_early
    assert state["parameter"] == 3


def test_a_validation_that_never_gives_a_number_stops_after_patience_epochs():
    _, train_epoch, validate, snapshot, restore = scripted([math.nan] * 10)
    history = run_epochs(train_epoch, epochs=10, description="t", validate=validate,
                         patience=2, snapshot=snapshot, restore=restore)
    assert len(history.epochs) == 2 and history.best_epoch is None


def test_a_resumed_run_continues_after_the_finished_epochs_and_calls_after_epoch():
    scores = [0.1, 0.3, 0.2, 0.4, 0.35]
    _, train_epoch, validate, snapshot, restore = scripted(scores)
    straight = run_epochs(train_epoch, epochs=5, description="t", validate=validate,
                          patience=10, snapshot=snapshot, restore=restore)

    state, train_epoch, validate, snapshot, restore = scripted(scores)
    seen = []
    first = run_epochs(train_epoch, epochs=2, description="t", validate=validate,
                       patience=10, snapshot=snapshot, restore=restore,
                       after_epoch=lambda done, history, best: seen.append((done, best)))
    assert seen == [(1, 0), (2, 1)]
    ran = []

    def counting_epoch(epoch):
        ran.append(epoch)
        return train_epoch(epoch)

    resumed = run_epochs(counting_epoch, epochs=5, description="t", validate=validate,
                         patience=10, snapshot=snapshot, restore=restore,
                         resume_from=ResumePoint(first, best_state=1))
    assert ran == [2, 3, 4]
    assert resumed.epochs == straight.epochs and resumed.best_epoch == straight.best_epoch == 3
    assert state["parameter"] == 3


def test_a_run_that_had_stopped_early_does_not_train_again():
    history = TrainingHistory(epochs=[{"val": 0.2}], best_epoch=0, best_score=0.2,
                              stopped_early=True)
    restored = []
    run_epochs(lambda epoch: pytest.fail("trained again"), epochs=5, description="t",
               validate=lambda: 0.0, restore=restored.append,
               resume_from=ResumePoint(history, best_state="best"))
    assert restored == ["best"]


# ---------------------------------------------------------------------------- validation
def test_validation_ndcg_by_hand():
    # user 0 has item 0 in training (excluded) and items 3 and 4 as validation rows; user 1
    # (no validation row, so not counted) brings items 1 and 2 into the catalog. Ranked
    # without item 0, user 0's scores give 2, 3, 1, 4: hits at ranks 2 and 4.
    data = Interactions.from_arrays(np.array([0, 1, 1, 0, 0]), np.array([0, 1, 2, 3, 4]))
    is_validation = np.isin(data.item_index, data.items.to_index([3, 4]))
    train, validation = data.select(~is_validation), data.select(is_validation)
    by_id = {0: 9.0, 1: 0.5, 2: 0.9, 3: 0.7, 4: 0.1}
    scores = np.zeros((2, 5), np.float32)
    scores[:, data.items.to_index(list(by_id))] = list(by_id.values())

    def score_users(users):
        return scores[users]

    ideal = 1 + 1 / math.log2(3)
    assert validation_ndcg(score_users, train, validation, k=10) == pytest.approx(
        (1 / math.log2(3) + 1 / math.log2(5)) / ideal, abs=1e-12)
    # at k=2 only the rank-2 hit counts, against an ideal of two hits
    assert validation_ndcg(score_users, train, validation, k=2) == pytest.approx(
        (1 / math.log2(3)) / ideal, abs=1e-12)


def test_validation_ndcg_agrees_with_the_evaluator():
    rng = np.random.default_rng(4)
    data = Interactions.from_arrays(rng.integers(0, 80, 3000), rng.integers(0, 120, 3000))
    split = random_split(data, 0.2, seed=0)
    table = rng.standard_normal((data.n_users, data.n_items)).astype(np.float32)
    table[:, ::7] = 0.5  # ties, broken the same way on both paths

    class Scorer:
        def score_users(self, users):
            return table[users]

    expected = Evaluator(metrics=("ndcg",), ks=(10,)).evaluate(
        Scorer(), split.train, split.test).means()["ndcg@10"]
    got = validation_ndcg(lambda users: table[users], split.train, split.test, k=10)
    assert got == pytest.approx(expected, abs=1e-12)


# ---------------------------------------------------------------------------- one loop
def test_every_iterative_model_trains_through_the_one_loop(monkeypatch):
    """BPR, the rating models, two-tower and SASRec all run run_epochs (the torch models
    through TorchTrainer, which hands it their minibatch epoch)."""
    pytest.importorskip("torch")
    pytest.importorskip("numba")
    from recstack.models import bpr, mf, torch_training
    from recstack.models.registry import create_model
    from tests.models.quick_params import quick_params

    calls = []

    def recording(*args, **kwargs):
        calls.append(kwargs["description"])
        return run_epochs(*args, **kwargs)

    for module in (bpr, mf, torch_training):
        monkeypatch.setattr(module, "run_epochs", recording)
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 30, 600), rng.integers(0, 20, 600),
                                    rng.integers(1, 6, 600).astype(float),
                                    rng.integers(0, 1000, 600), rating_range=(1.0, 5.0))
    for name in ("bpr", "mf", "neural_mf", "two_tower", "sasrec"):
        params = quick_params(name)
        params["epochs"] = 2
        create_model(name, **params).fit(data)
    assert calls == ["Fitting bpr", "Training mf", "Training neural_mf", "Training two_tower",
                     "Training sasrec"]
    assert training.run_epochs is run_epochs


def test_validation_recall_by_hand_and_against_the_evaluator():
    # the by-hand case above: hits at ranks 2 and 4 of user 0's two validation items
    data = Interactions.from_arrays(np.array([0, 1, 1, 0, 0]), np.array([0, 1, 2, 3, 4]))
    is_validation = np.isin(data.item_index, data.items.to_index([3, 4]))
    train, validation = data.select(~is_validation), data.select(is_validation)
    scores = np.zeros((2, 5), np.float32)
    scores[:, data.items.to_index([0, 1, 2, 3, 4])] = [9.0, 0.5, 0.9, 0.7, 0.1]
    assert validation_metric(lambda users: scores[users], train, validation,
                             metric="recall", k=10) == 1.0
    assert validation_metric(lambda users: scores[users], train, validation,
                             metric="recall", k=2) == 0.5
    rng = np.random.default_rng(5)
    data = Interactions.from_arrays(rng.integers(0, 80, 3000), rng.integers(0, 120, 3000))
    split = random_split(data, 0.2, seed=0)
    table = rng.standard_normal((data.n_users, data.n_items)).astype(np.float32)

    class Scorer:
        def score_users(self, users):
            return table[users]

    expected = Evaluator(metrics=("recall",), ks=(10,)).evaluate(
        Scorer(), split.train, split.test).means()["recall@10"]
    got = validation_metric(lambda users: table[users], split.train, split.test,
                            metric="recall", k=10)
    assert got == pytest.approx(expected, abs=1e-12)
