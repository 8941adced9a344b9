"""Explicit-rating matrix factorisation (mf) and its neural variant (neural_mf).

References are computed from the definitions in recstack.models.mf, written out again here
element by element (math.exp, explicit loops), not by calling the model's own code.
"""

from __future__ import annotations

import dataclasses
import math
import sys

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.pointwise import evaluate_ratings
from recstack.models import create_model, load_model
from recstack.models.mf import MatrixFactorization, NeuralMatrixFactorization

torch = pytest.importorskip("torch")

TINY = {"factors": 4, "epochs": 2, "batch_size": 8, "device": "cpu"}


@pytest.fixture(autouse=True)
def one_torch_thread():
    # tiny minibatches gain nothing from threads, and threads spin when the CPU is shared
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def ratings() -> Interactions:
    """3 users x 4 items ("a".."d"), ratings 1-5, every user and item present."""
    users = ["u1", "u1", "u1", "u2", "u2", "u3", "u3", "u3", "u2", "u1"]
    items = ["a", "b", "c", "a", "d", "b", "c", "d", "c", "d"]
    values = [5, 1, 4, 4, 2, 1, 5, 3, 4, 2]
    return Interactions.from_arrays(users, items, values, rating_range=(1.0, 5.0))


@pytest.fixture(scope="module")
def synthetic_split():
    data = generate(n_users=300, n_items=200, n_interactions=12000, seed=0)
    return random_split(data, 0.2, seed=0)


def scaled_sigmoid(z: float, low: float, high: float, margin: float) -> float:
    """The definition: (low - m) + (high - low + 2m) * sigmoid(z), then clipped to the range."""
    value = (low - margin) + (high - low + 2 * margin) / (1.0 + math.exp(-z))
    return min(max(value, low), high)


# --------------------------------------------------------------------------- the formula
def test_mf_prediction_is_the_scaled_sigmoid_of_dot_product_plus_biases(ratings):
    model = MatrixFactorization(**TINY, rating_margin=0.25).fit(ratings)
    user_factors = np.array([[0.5, -1.0], [2.0, 0.5], [0.0, 0.0]], np.float32)
    item_factors = np.array([[1.0, 1.0], [-0.5, 2.0], [3.0, 0.0], [0.1, -0.2]], np.float32)
    user_bias = np.array([0.2, -0.3, 1.5], np.float32)
    item_bias = np.array([0.0, 0.4, -0.1, -6.0], np.float32)
    model._load_state({"user_factors": user_factors, "item_factors": item_factors,
                       "user_bias": user_bias, "item_bias": item_bias,
                       "rating_range": np.array([1.0, 5.0])})
    expected = np.empty((3, 4))
    for u in range(3):
        for i in range(4):
            z = sum(float(user_factors[u, f]) * float(item_factors[i, f]) for f in range(2))
            z += float(user_bias[u]) + float(item_bias[i])
            expected[u, i] = scaled_sigmoid(z, 1.0, 5.0, 0.25)
    np.testing.assert_allclose(model.score_users(np.arange(3)), expected, rtol=1e-6)
    # u2 x c: z = 6.0 - 0.3 - 0.1 = 5.6 -> 0.75 + 4.5 * 0.9963 = 5.23, clipped to 5
    assert expected[1, 2] == 5.0
    # the pair path gives the same numbers as the full rows
    users = ratings.users.to_external(np.array([0, 1, 2, 1]))
    items = ratings.items.to_external(np.array([3, 2, 0, 1]))
    np.testing.assert_allclose(model.score(users, items),
                               expected[[0, 1, 2, 1], [3, 2, 0, 1]], rtol=1e-6)


def test_neural_mf_prediction_is_the_mlp_of_the_concatenated_embeddings(ratings):
    model = NeuralMatrixFactorization(**TINY, layers=(3, 2)).fit(ratings)
    rng = np.random.default_rng(7)
    state = {
        "user_embeddings": rng.normal(size=(3, 4)).astype(np.float32),
        "item_embeddings": rng.normal(size=(4, 4)).astype(np.float32),
        "hidden_weight_0": rng.normal(size=(3, 8)).astype(np.float32),
        "hidden_bias_0": rng.normal(size=3).astype(np.float32),
        "hidden_weight_1": rng.normal(size=(2, 3)).astype(np.float32),
        "hidden_bias_1": rng.normal(size=2).astype(np.float32),
        "output_weight": rng.normal(size=2).astype(np.float32),
        "output_bias": np.float32(0.3),
        "rating_range": np.array([1.0, 5.0]),
    }
    model._load_state(state)

    def forward(u: int, i: int) -> float:
        h = [float(x) for x in state["user_embeddings"][u]] + \
            [float(x) for x in state["item_embeddings"][i]]
        for layer in (0, 1):
            weight, bias = state[f"hidden_weight_{layer}"], state[f"hidden_bias_{layer}"]
            h = [max(0.0, sum(float(weight[o, j]) * h[j] for j in range(len(h)))
                     + float(bias[o])) for o in range(len(bias))]
        z = sum(float(w) * x for w, x in zip(state["output_weight"], h, strict=True)) + 0.3
        return scaled_sigmoid(z, 1.0, 5.0, 0.5)

    expected = np.array([[forward(u, i) for i in range(4)] for u in range(3)])
    np.testing.assert_allclose(model.score_users(np.arange(3)), expected, rtol=1e-5)
    pairs_u, pairs_i = np.array([2, 0, 1]), np.array([1, 3, 0])
    np.testing.assert_allclose(
        model.score(ratings.users.to_external(pairs_u), ratings.items.to_external(pairs_i)),
        expected[pairs_u, pairs_i], rtol=1e-5)


@pytest.mark.parametrize("cls", [MatrixFactorization, NeuralMatrixFactorization])
def test_predictions_stay_within_the_rating_range(cls, ratings):
    model = cls(**TINY).fit(ratings)
    # blow every learned array up: the sigmoid and the clip must still hold the range
    state = {name: (value * 1000 if name != "rating_range" else value)
             for name, value in model._state().items()}
    model._load_state(state)
    scores = model.score_users(np.arange(ratings.n_users))
    assert scores.dtype == np.float32
    assert scores.min() >= 1.0 and scores.max() <= 5.0
    assert scores.min() == 1.0 or scores.max() == 5.0  # the clip was actually needed


# --------------------------------------------------------------------------- training
def test_mf_training_beats_the_global_mean_by_far_on_low_rank_data(synthetic_split):
    train, test = synthetic_split.train, synthetic_split.test
    mean_rmse = float(np.sqrt(np.mean((test.value - train.value.mean()) ** 2)))
    model = MatrixFactorization(factors=16, epochs=10, batch_size=256, learning_rate=0.01,
                                device="cpu").fit(train)
    errors = evaluate_ratings(model, test)
    assert errors["rmse"] < 0.75 * mean_rmse  # measured: 0.756 against 1.124
    assert errors["mae"] < errors["rmse"]
    losses = [epoch["loss"] for epoch in model.history_.epochs]
    assert losses[-1] < 0.5 * losses[0]


def test_neural_mf_training_beats_the_global_mean_on_low_rank_data(synthetic_split):
    train, test = synthetic_split.train, synthetic_split.test
    mean_rmse = float(np.sqrt(np.mean((test.value - train.value.mean()) ** 2)))
    model = NeuralMatrixFactorization(factors=16, layers=(32,), epochs=10, batch_size=256,
                                      device="cpu").fit(train)
    assert evaluate_ratings(model, test)["rmse"] < 0.85 * mean_rmse  # measured: 0.837


@pytest.mark.parametrize("cls", [MatrixFactorization, NeuralMatrixFactorization])
def test_the_same_seed_gives_identical_parameters(cls, ratings):
    first = cls(**TINY, seed=3).fit(ratings)._state()
    second = cls(**TINY, seed=3).fit(ratings)._state()
    assert first.keys() == second.keys()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)
    other = cls(**TINY, seed=4).fit(ratings)._state()
    embeddings = "user_factors" if cls is MatrixFactorization else "user_embeddings"
    assert not np.array_equal(first[embeddings], other[embeddings])


def test_fit_restores_the_callers_deterministic_setting(ratings):
    assert not torch.are_deterministic_algorithms_enabled()
    MatrixFactorization(**TINY).fit(ratings)
    assert not torch.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("cls", [MatrixFactorization, NeuralMatrixFactorization])
def test_early_stopping_restores_the_best_epoch(cls, synthetic_split):
    # no regularisation and a large constant step: validation RMSE turns up after a few epochs
    model = cls(factors=32, epochs=40, batch_size=128, learning_rate=0.03, weight_decay=0.0,
                lr_schedule="constant", validation_fraction=0.2, patience=2, device="cpu",
                **({"dropout": 0.0} if cls is NeuralMatrixFactorization else {}))
    model.fit(synthetic_split.train)
    history = model.history_
    validation = [epoch["val_rmse"] for epoch in history.epochs]
    assert history.stopped_early and len(validation) < 40
    assert history.best_epoch == int(np.argmin(validation))
    assert history.best_epoch == len(validation) - 1 - 2  # patience 2
    assert validation[-1] > validation[history.best_epoch]
    # the kept parameters are the best epoch's: numpy scoring reproduces its torch RMSE
    assert model.validation_ is not None
    assert len(model.validation_) == round(0.2 * len(synthetic_split.train))
    kept = evaluate_ratings(model, model.validation_)["rmse"]
    assert kept == pytest.approx(validation[history.best_epoch], abs=1e-5)


def test_progress_receives_loss_and_validation_rmse_every_epoch(ratings):
    reported: list[dict] = []

    class Recorder:
        def task(self, description, total=None):
            from contextlib import contextmanager

            @contextmanager
            def opened():
                class Task:
                    def advance(self, n=1):
                        pass

                    def report(self, **values):
                        reported.append(values)

                yield Task()

            return opened()

    MatrixFactorization(**{**TINY, "epochs": 3}, validation_fraction=0.3).fit(
        ratings, progress=Recorder())
    assert len(reported) == 3
    assert all({"loss", "train_rmse", "val_rmse"} <= set(r) for r in reported)
    assert all(r["val"] == -r["val_rmse"] for r in reported)  # run_epochs maximises -RMSE


# --------------------------------------------------------------------------- persistence
@pytest.mark.parametrize("name, params", [("mf", {}), ("neural_mf", {"layers": ()}),
                                          ("neural_mf", {"layers": [5, 3]})])
def test_save_load_gives_identical_scores_without_torch(name, params, ratings, tmp_path,
                                                        monkeypatch):
    model = create_model(name, **TINY, **params).fit(ratings)
    model.save(tmp_path / "model")
    monkeypatch.setitem(sys.modules, "torch", None)  # loading and scoring need no torch
    loaded = load_model(tmp_path / "model")
    users = np.arange(ratings.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))
    np.testing.assert_array_equal(loaded.similar_items(["a", "b"], k=2)[1],
                                  model.similar_items(["a", "b"], k=2)[1])
    assert loaded.rating_range_ == (1.0, 5.0)
    with np.load(tmp_path / "model" / "arrays.npz", allow_pickle=False) as stored:
        assert all(stored[key].dtype != object for key in stored.files)


def test_missing_torch_is_reported_with_the_install_command(ratings, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(RecstackError, match=r'pip install "recstack\[torch\]"'):
        MatrixFactorization(**TINY).fit(ratings)


# --------------------------------------------------------------------------- refusals
def test_implicit_data_without_a_rating_range_is_refused():
    implicit = Interactions.from_arrays(["u1", "u2"], ["a", "b"])
    for cls in (MatrixFactorization, NeuralMatrixFactorization):
        with pytest.raises(RecstackError, match="implicit.*rating_range"):
            cls(**TINY).fit(implicit)
    with pytest.raises(RecstackError, match="explicit ratings"):
        evaluate_ratings(MatrixFactorization(), implicit)


def test_ratings_outside_the_declared_range_are_refused():
    data = Interactions.from_arrays(["u1", "u2"], ["a", "b"], [3.0, 5.0],
                                    rating_range=(1.0, 5.0))
    # built field by field (from_arrays and with_values refuse a 7 on 1-5 themselves)
    data = dataclasses.replace(data, value=np.array([3.0, 7.0], np.float32))
    with pytest.raises(RecstackError, match=r"1 rating\(s\) outside rating_range.*7\.0"):
        MatrixFactorization(**TINY).fit(data)


@pytest.mark.parametrize("param, value, message", [
    ("factors", 0, "factors must be >= 1"),
    ("epochs", 2.0, "epochs must be int"),
    ("batch_size", 0, "batch_size must be >= 1"),
    ("learning_rate", 0.0, "learning_rate must be > 0"),
    ("weight_decay", -0.1, "weight_decay must be >= 0"),
    ("optimizer", "sgd", "optimizer must be one of"),
    ("lr_schedule", "step", "lr_schedule must be one of"),
    ("rating_margin", -1, "rating_margin must be >= 0"),
    ("validation_fraction", 0.9, "validation_fraction must be <= 0.5"),
    ("patience", 0, "patience must be >= 1"),
    ("seed", -1, "seed must be >= 0"),
    ("device", "tpu", "device must be 'auto', 'cpu', 'cuda'"),
])
def test_bad_hyperparameters_are_named(param, value, message, ratings):
    for cls in (MatrixFactorization, NeuralMatrixFactorization):
        with pytest.raises(ConfigError, match=message):
            cls(**{**TINY, param: value}).fit(ratings)


@pytest.mark.parametrize("param, value, message", [
    ("layers", (64, 0), r"layers\[1\] must be >= 1, got 0"),
    ("layers", (64, 2.5), r"layers\[1\] must be int"),
    ("layers", "64", "layers must be tuple or list"),
    ("dropout", 1.0, "dropout must be < 1"),
])
def test_bad_neural_hyperparameters_are_named(param, value, message, ratings):
    with pytest.raises(ConfigError, match=message):
        NeuralMatrixFactorization(**{**TINY, param: value}).fit(ratings)


def test_a_validation_fraction_too_small_for_the_data_is_refused(ratings):
    with pytest.raises(ConfigError, match="validation_fraction=0.01 of 10 rows"):
        MatrixFactorization(**TINY, validation_fraction=0.01).fit(ratings)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_it_is_refused(ratings):
    with pytest.raises(RecstackError, match="CUDA is not available"):
        MatrixFactorization(**{**TINY, "device": "cuda"}).fit(ratings)


# --------------------------------------------------------------------------- helpers
def test_rating_errors_are_rmse_and_mae_of_the_predictions(ratings):
    model = MatrixFactorization(**TINY).fit(ratings)
    test = ratings.select(np.array([0, 4, 7]))
    predicted = model.score_users(np.arange(ratings.n_users))[test.user_index, test.item_index]
    residuals = test.value.astype(np.float64) - predicted
    errors = evaluate_ratings(model, test)
    assert errors["rmse"] == pytest.approx(math.sqrt(np.mean(residuals ** 2)))
    assert errors["mae"] == pytest.approx(np.mean(np.abs(residuals)))


def test_similar_items_are_cosine_neighbours_without_the_item_itself(ratings):
    model = MatrixFactorization(**TINY).fit(ratings)
    state = model._state()
    # a and b point the same way (cosine 1), c is orthogonal to both, d is opposite to a
    state["item_factors"] = np.array([[1, 0], [3, 0], [0, 2], [-1, 0]], np.float32)
    state["user_factors"] = np.zeros((3, 2), np.float32)
    model._load_state(state)
    ids, similarities = model.similar_items(["a", "c"], k=3)
    # c ties with everything: equal similarities come in item order
    assert ids.tolist() == [["b", "c", "d"], ["a", "b", "d"]]
    np.testing.assert_allclose(similarities, [[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]], atol=1e-7)
    ids, similarities = model.similar_items("a", k=5)  # only 3 other items exist
    assert ids.tolist() == [["b", "c", "d", None, None]]
    np.testing.assert_allclose(similarities[0, :3], [1.0, 0.0, -1.0], atol=1e-7)
    assert np.isneginf(similarities[0, 3:]).all()
    with pytest.raises(ConfigError, match="k must be a positive integer"):
        model.similar_items(["a"], k=0)


# --------------------------------------------------------------------------- regularisation
@pytest.mark.parametrize("optimizer, strong", [("adam", 1.0), ("adamw", 50.0)])
def test_weight_decay_shrinks_the_factors(optimizer, strong, synthetic_split):
    def factor_norm(weight_decay: float) -> float:
        model = MatrixFactorization(factors=8, epochs=3, batch_size=512, learning_rate=0.01,
                                    weight_decay=weight_decay, optimizer=optimizer,
                                    device="cpu").fit(synthetic_split.train)
        return float(np.linalg.norm(model.user_factors_) + np.linalg.norm(model.item_factors_))

    assert factor_norm(strong) < 0.5 * factor_norm(0.0)


def test_cosine_schedule_anneals_the_learning_rate_to_zero(ratings):
    cosine = MatrixFactorization(**{**TINY, "epochs": 4}, learning_rate=0.01).fit(ratings)
    rates = [epoch["lr"] for epoch in cosine.history_.epochs]
    assert rates[0] < 0.01 and all(a > b for a, b in zip(rates, rates[1:], strict=False))
    assert rates[-1] == pytest.approx(0.0, abs=1e-12)
    constant = MatrixFactorization(**{**TINY, "epochs": 4}, learning_rate=0.01,
                                   lr_schedule="constant").fit(ratings)
    assert [epoch["lr"] for epoch in constant.history_.epochs] == [0.01] * 4
