"""BPR: the SGD step against the formula, the negative sampler, ranking on a checkerboard,
determinism, the skipped share, early stopping and bad input."""

import re
import sys
from contextlib import nullcontext

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.models import bpr as bpr_module
from recstack.models.bpr import BPR, _compiled_sgd_block, _kth_non_positive
from recstack.models.training import validation_ndcg

pytest.importorskip("numba")


def checkerboard(n_users: int = 100, n_items: int = 60, per_user: int = 12, *,
                 seed: int = 0) -> Interactions:
    """Even users pick even items and odd users odd items."""
    rng = np.random.default_rng(seed)
    users, items = [], []
    for user in range(n_users):
        chosen = rng.choice(np.arange(user % 2, n_items, 2), size=per_user, replace=False)
        users += [user] * per_user
        items += chosen.tolist()
    return Interactions.from_arrays(np.array(users), np.array(items))


@pytest.fixture(scope="module")
def board() -> Interactions:
    return checkerboard()


class Recorder:
    """A progress reporter that keeps every report."""

    def __init__(self) -> None:
        self.reports: list[dict] = []
        self.advances = 0

    def task(self, description, total=None):
        recorder = self

        class Task:
            def advance(self, n=1):
                recorder.advances += n

            def report(self, **values):
                recorder.reports.append(values)

        return nullcontext(Task())


def test_kth_non_positive_is_the_kth_absent_index():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n_items = int(rng.integers(1, 30))
        positives = np.sort(rng.choice(n_items, size=int(rng.integers(0, n_items)),
                                       replace=False))
        padded = np.concatenate([[-7, -7], positives, [99]]).astype(np.int32)  # an offset row
        absent = np.setdiff1d(np.arange(n_items), positives)
        for k in range(len(absent)):
            assert _kth_non_positive(padded, 2, len(positives), k) == absent[k]


def test_one_sgd_step_follows_the_bpr_gradient():
    # one user, two items, item 0 positive: the only possible negative is item 1
    indptr, indices = np.array([0, 1], np.int64), np.array([0], np.int32)
    rng = np.random.default_rng(5)
    user, items = rng.normal(size=(1, 3)).astype(np.float32), rng.normal(size=(2, 3)).astype(
        np.float32)
    bias = np.array([0.3, -0.2], np.float32)
    lr, reg = 0.1, 0.05
    p, qi, qj, bi, bj = (user[0].astype(np.float64), items[0].astype(np.float64),
                         items[1].astype(np.float64), 0.3, -0.2)
    x = bi - bj + p @ (qi - qj)
    g = 1.0 / (1.0 + np.exp(x))  # d ln sigmoid(x) / dx
    expected = (p + lr * (g * (qi - qj) - reg * p), qi + lr * (g * p - reg * qi),
                qj + lr * (-g * p - reg * qj), bi + lr * (g - reg * bi), bj + lr * (-g - reg * bj))
    counts = _compiled_sgd_block()(indptr, indices, np.zeros(1, np.int32), np.zeros(1, np.int64),
                                   0, 1, 2, user, items, bias, lr, reg, 0)
    assert tuple(counts) == (int(x > 0), 1, 0)
    for got, want in zip((user[0], items[0], items[1], bias[0], bias[1]), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_checkerboard_is_learned(board):
    recorder = Recorder()
    model = BPR(factors=8, learning_rate=0.05, epochs=30).fit(board, progress=recorder)
    assert recorder.advances == 30 and len(recorder.reports) == 30
    assert set(recorder.reports[-1]) == {"auc", "skipped"}
    assert recorder.reports[-1]["auc"] > 0.9 and recorder.reports[-1]["skipped"] == 0.0
    items, _ = model.recommend(board.users.external_ids, k=5)
    assert np.mean(items % 2 == board.users.external_ids[:, None] % 2) > 0.98


def test_same_parity_items_outrank_the_others(board):
    # AUC of "same parity as the user" against "other parity", over every item
    model = BPR(factors=8, learning_rate=0.05, epochs=30).fit(board)
    assert parity_auc(model, board) > 0.9


def parity_auc(model, data):
    scores = model.score_users(np.arange(data.n_users))
    parity = data.items.external_ids % 2
    aucs = []
    for user, row in zip(data.users.external_ids, scores, strict=True):
        same, other = row[parity == user % 2], row[parity != user % 2]
        aucs.append(np.mean(same[:, None] > other[None, :]))
    return float(np.mean(aucs))


def test_same_seed_same_factors(board):
    first = BPR(factors=8, epochs=5, seed=4).fit(board)
    again = BPR(factors=8, epochs=5, seed=4).fit(board)
    other = BPR(factors=8, epochs=5, seed=5).fit(board)
    for name in ("user_factors_", "item_factors_", "item_bias_"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
        assert not np.array_equal(getattr(first, name), getattr(other, name))
    assert first.history_.epochs == again.history_.epochs


def test_skipped_share_counts_exactly_the_users_with_every_item(board):
    # a user who has every item has no negative: all of their positives are skipped
    frame = board.to_frame()
    full = Interactions.from_arrays(
        np.r_[frame.user_id.to_numpy(), np.full(board.n_items, 10_000)],
        np.r_[frame.item_id.to_numpy(), board.items.external_ids])
    model = BPR(factors=4, epochs=3).fit(full)
    shares = [epoch["skipped"] for epoch in model.history_.epochs]
    assert shares == [board.n_items / len(full)] * 3
    assert all(epoch["skipped"] == 0.0 for epoch in BPR(factors=4, epochs=3).fit(
        board).history_.epochs)


def test_early_stopping_restores_the_best_epoch(board):
    split = random_split(board, 0.2, seed=1)
    # a large step overfits the small board quickly, so validation peaks and falls
    model = BPR(factors=16, learning_rate=0.3, regularization=0.0, epochs=200, patience=3)
    model.fit(split.train, validation=split.test)
    history = model.history_
    assert history.stopped_early and history.best_epoch < len(history.epochs) - 1
    assert max(epoch["val"] for epoch in history.epochs) == history.best_score
    assert history.epochs[-1]["val"] < history.best_score
    restored = validation_ndcg(model.score_users, split.train, split.test)
    assert restored == history.best_score


def test_validation_fraction_carves_a_holdout(board):
    model = BPR(factors=4, epochs=4, validation_fraction=0.2).fit(board)
    assert all("val" in epoch for epoch in model.history_.epochs)
    assert all("val" not in epoch for epoch in BPR(factors=4, epochs=4).fit(
        board).history_.epochs)


def test_validation_must_share_the_vocabularies(board):
    other = checkerboard(n_users=10, seed=3)
    with pytest.raises(RecstackError, match="same split"):
        BPR(epochs=1).fit(board, validation=other)


def test_several_threads_learn_too(board):
    model = BPR(factors=8, learning_rate=0.05, epochs=30, num_threads=2).fit(board)
    assert parity_auc(model, board) > 0.9


def test_scores_include_the_item_bias_and_pairs_agree_with_rows(board):
    model = BPR(factors=4, epochs=3).fit(board)
    rows = model.score_users(np.arange(5))
    expected = model.user_factors_[:5] @ model.item_factors_.T + model.item_bias_
    np.testing.assert_allclose(rows, expected, rtol=1e-6)
    users = board.users.external_ids[[0, 0, 3]]
    items = board.items.external_ids[[1, 2, 5]]
    np.testing.assert_allclose(model.score(users, items), rows[[0, 0, 3], [1, 2, 5]],
                               rtol=1e-5)
    neighbours, similarity = model.similar_items(items[:1], k=3)
    assert neighbours.shape == similarity.shape == (1, 3) and items[0] not in neighbours[0]


def test_users_without_training_rows_are_ranked_by_item_bias(board):
    absent = np.isin(board.user_index, [3, 8])
    model = BPR(factors=4, epochs=3).fit(board.select(~absent))  # vocabulary keeps 3 and 8
    np.testing.assert_array_equal(model.user_factors_[[3, 8]], 0.0)
    np.testing.assert_array_equal(model.score_users(np.array([3, 8])),
                                  np.vstack([model.item_bias_] * 2))


@pytest.mark.parametrize(("param", "value"), [
    ("factors", 0), ("learning_rate", 0.0), ("regularization", -1.0), ("epochs", 0),
    ("patience", 0), ("validation_fraction", 0.7), ("learning_rate", float("inf")),
    ("num_threads", -2),
])
def test_out_of_range_hyperparameters_are_refused_naming_them(board, param, value):
    with pytest.raises(ConfigError, match=param):
        BPR(**{param: value}).fit(board)


def test_missing_numba_names_the_install_command(board, monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    bpr_module._compiled_sgd_block.cache_clear()
    try:
        with pytest.raises(RecstackError, match=re.escape('pip install "recstack[bpr]"')):
            BPR(epochs=1).fit(board)
    finally:
        bpr_module._compiled_sgd_block.cache_clear()


def stop_epoch_by_the_rule(aucs: list[float], patience: int, tolerance: float) -> int:
    """How many epochs the documented rule runs on this training-AUC sequence: an epoch is
    progress when its AUC beats the last progress epoch's by ``tolerance`` (relative); the
    run ends after ``patience`` epochs without progress."""
    reference, last_progress = aucs[0], 0
    for epoch, auc in enumerate(aucs[1:], start=1):
        if auc > reference * (1 + tolerance):
            reference, last_progress = auc, epoch
        if epoch - last_progress >= patience:
            return epoch + 1
    return len(aucs)


def test_without_validation_the_run_stops_when_the_training_auc_levels_off(board):
    # (a 1% tolerance: on the 1,200 positives of the board one more correct triple is
    # already a 0.08% rise)
    model = BPR(factors=8, learning_rate=0.05, patience=10, tolerance=1e-2).fit(board)
    aucs = [epoch["auc"] for epoch in model.history_.epochs]
    assert len(aucs) < 1000                           # the default budget is an upper bound
    assert model.history_.stopped_early
    assert all("val" not in epoch for epoch in model.history_.epochs)
    # the same rule, written out, on a run that never stops (patience beyond the budget)
    long = BPR(factors=8, learning_rate=0.05, epochs=len(aucs) + 50,
               patience=10_000).fit(board)
    long_aucs = [epoch["auc"] for epoch in long.history_.epochs]
    assert long_aucs[:len(aucs)] == aucs              # same seed, same epochs
    assert len(aucs) == stop_epoch_by_the_rule(long_aucs, 10, 1e-2)
    # any rise counting as progress would have run on
    assert stop_epoch_by_the_rule(long_aucs, 10, 0.0) > len(aucs)


def test_a_run_still_improving_is_not_stopped(board):
    # a small step improves the training AUC slowly but steadily: the default patience
    # lets it run the whole budget
    model = BPR(factors=8, learning_rate=0.005, epochs=60).fit(board)
    aucs = [epoch["auc"] for epoch in model.history_.epochs]
    assert len(aucs) == 60 and not model.history_.stopped_early
    assert aucs[-1] > aucs[0] * 1.2


def test_default_fit_stops_by_itself_at_the_converged_accuracy(board):
    model = BPR(factors=8).fit(board)
    assert model.history_.stopped_early and len(model.history_.epochs) < 400
    # a run with three times the epochs and no stopping is no better on the parity AUC
    longer = BPR(factors=8, epochs=3 * len(model.history_.epochs), patience=10_000).fit(board)
    assert parity_auc(model, board) > parity_auc(longer, board) - 0.01
