"""A fit that fails because one setting is far beyond the range it trains in names that
setting, and prints no numpy warning first (found by the generated parameter matrix,
tests/test_four_hundred_fifty_sixth_param_matrix.py).

Before: two-tower's ``temperature=3e38`` was told to "raise the learning rate (e.g. 0.001
to 0.1)"; ALS's ``alpha=2**62`` to "lower the regularization" (at its default);
LightGCN's ``weight_decay=3e38`` and Mult-VAE's ``regularization=3e38`` to "lower the
learning rate"; a learning rate of 1e-30 was told to be raised without being named;
ALS's ``alpha=3e38``, iALS's ``init_stddev=3e38``, MostPopular's ``half_life_days=5e-324``
and two-tower's huge learning rates printed numpy's "overflow encountered in ..." before
the refusal.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError, TrainingFailedError
from recstack.models import create_model


def _data() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(24), 6)
    items = np.concatenate([rng.choice(16, size=6, replace=False) for _ in range(24)])
    ratings = rng.integers(1, 6, len(users)).astype(float)
    return Interactions.from_arrays(users, items, ratings, np.arange(len(users)),
                                    rating_range=(1.0, 5.0))


def _refusal(name: str, **settings: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's warnings included
        with pytest.raises(TrainingFailedError) as caught:
            create_model(name, **settings).fit(_data())
    return str(caught.value)


TORCH_SMALL = {"epochs": 1, "batch_size": 32, "device": "cpu"}


def test_two_tower_temperature_that_stops_every_step_is_named() -> None:
    pytest.importorskip("torch", reason="two_tower trains with PyTorch")
    message = _refusal("two_tower", dim=4, hidden=4, temperature=3e38, **TORCH_SMALL)
    assert message.startswith("two_tower: training left the weights at their start: ")
    assert message.endswith(
        "so every score would be the random start's, with temperature=3e+38, beyond the "
        "range it trains in (0.01 to 10); lower the temperature to at most 10 (default 0.2)")
    assert "learning rate" not in message


@pytest.mark.parametrize("name", ["mf", "lightgcn", "mult_vae", "two_tower"])
def test_a_learning_rate_too_small_to_move_a_weight_is_named_with_its_value(name: str) -> None:
    pytest.importorskip("torch", reason="these models train with PyTorch")
    small = {"mf": {"factors": 4}, "lightgcn": {"dim": 4, "layers": 1},
             "mult_vae": {"hidden": 4, "latent": 4}, "two_tower": {"dim": 4, "hidden": 4}}
    message = _refusal(name, learning_rate=1e-30, **small[name], **TORCH_SMALL)
    assert message.startswith(f"{name}: training left the weights at their start: ")
    assert message.endswith("; raise the learning rate (learning_rate=1e-30; e.g. 0.001 to "
                            "0.1)")


def test_als_alpha_that_stops_the_solver_is_named_not_the_regularization() -> None:
    message = _refusal("als", factors=4, iterations=1, alpha=2**62)
    assert message == (
        "als: training left the factors at their random start: the conjugate-gradient "
        "solver made no step in 1 iteration(s) (its float32 sums overflow), so every score "
        "would be random, with alpha=4611686018427387904, beyond the range it trains in (up "
        "to 100); lower the alpha to at most 100 (default 3.0)")


def test_als_alpha_and_regularization_both_beyond_their_ranges_are_both_named() -> None:
    message = _refusal("als", factors=4, iterations=1, alpha=2**62, regularization=1e18)
    assert "alpha=4611686018427387904" in message, message
    assert "regularization=1e+18" in message, message


def test_als_regularization_that_stops_the_solver_keeps_its_explanation() -> None:
    message = _refusal("als", factors=4, iterations=1, regularization=1e16)
    assert "with regularization=1e+16 (its float32 sums of regularization x factors " \
        "overflow)" in message and message.endswith("lower the regularization (e.g. 0.01 "
                                                    "to 1000)")


@pytest.mark.parametrize(("name", "setting", "small"), [
    ("lightgcn", "weight_decay", {"dim": 4, "layers": 1}),
    ("lightgcn_pp", "weight_decay", {"dim": 4, "layers": 1}),
    ("mult_vae", "regularization", {"hidden": 4, "latent": 4}),
    ("mult_dae", "regularization", {"hidden": 4, "latent": 4}),
])
def test_an_l2_weight_that_overflows_the_loss_is_named_not_the_learning_rate(
        name: str, setting: str, small: dict[str, Any]) -> None:
    pytest.importorskip("torch", reason="these models train with PyTorch")
    message = _refusal(name, **{setting: 3e38}, **small, **TORCH_SMALL)
    assert message.startswith(f"{name}: training diverged in epoch 1: its mean training "
                              "loss is inf; ")
    words = setting.replace("_", " ")
    assert message.endswith(f"with {setting}=3e+38, beyond the range it trains in (up to "
                            f"10); lower the {words} to at most 10 (default "
                            f"{create_model(name).get_params()[setting]!r})")
    assert "learning rate" not in message


@pytest.mark.parametrize(("name", "settings"), [
    ("als", {"factors": 4, "iterations": 1, "alpha": 3e38}),
    ("ials", {"factors": 4, "iterations": 1, "block_size": 4, "init_stddev": 3e38}),
])
def test_an_overflowing_setting_is_refused_without_a_numpy_warning(
        name: str, settings: dict[str, Any]) -> None:
    setting = next(key for key, value in settings.items() if value == 3e38)
    assert f"with {setting}=3e+38, beyond the range it trains in" in _refusal(name, **settings)


def test_a_half_life_below_every_age_warns_in_words_only() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = create_model("most_popular", half_life_days=5e-324).fit(_data())
    said = [str(w.message) for w in caught]
    assert said and all(text.startswith("most_popular: half_life_days=5e-324 leaves ")
                        for text in said), said
    assert np.isfinite(model.score_users(np.arange(3))).all()


def test_two_tower_vectors_past_float32_are_refused_without_a_numpy_warning() -> None:
    pytest.importorskip("torch", reason="two_tower trains with PyTorch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RecstackError, match=r"learning_rate=4611686018427387904"):
            create_model("two_tower", dim=4, hidden=4, recent_items=3, text_dim=4, max_tags=4,
                         learning_rate=2**62, **TORCH_SMALL).fit(_data())


@pytest.mark.parametrize(("name", "setting", "value", "bound"), [
    ("content", "interaction_weight", 1e-300, "0 or at least 1.4e-45"),
    ("bspm", "blur_time", 5e-324, "at least 1.4e-45"),
    ("ease", "regularization", 1e-46, "at least 1.4e-45"),
])
def test_a_setting_float32_holds_as_0_is_refused(name: str, setting: str, value: float,
                                                 bound: str) -> None:
    # content's interaction_weight=1e-300 was the text-only model (float32's 0), and its
    # warning said "with interaction_weight = 0"; bspm's blur_time=5e-324, declared > 0,
    # was a blurring of length 0
    with pytest.raises(RecstackError) as caught:
        create_model(name, **{setting: value}).fit(_data())
    assert str(caught.value) == (
        f"{name}: {setting} must be {bound} in size (float32's smallest number: recstack "
        f"computes in float32, where {value!r} is 0), got {value!r}")


@pytest.mark.parametrize(("name", "setting"), [("most_popular", "half_life_days"),
                                               ("bpr", "tolerance")])
def test_a_tiny_setting_computed_in_float64_is_not_refused_as_float32_zero(
        name: str, setting: str) -> None:
    create_model(name, **{setting: 1e-300}).validate_params()
