"""A step size times a per-step decay of 1 or more (BPR's SGD with its L2 term, AdamW's
decoupled weight decay in mf / neural_mf / two_tower) multiplies the decayed parameters by
``1 - product <= 0`` every step: refused before training, naming both settings and the
bound each must stay below. It used to train noise without a word (BPR, 0.01 x 150:
vectors near 1e-39, training AUC 0.51)."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model


@pytest.fixture
def clicks() -> Interactions:
    rng = np.random.default_rng(0)
    users, items = rng.integers(0, 30, 300), rng.integers(0, 20, 300)
    return Interactions.from_arrays(users, items, np.ones(300))


@pytest.fixture
def ratings() -> Interactions:
    rng = np.random.default_rng(1)
    users, items = rng.integers(0, 30, 300), rng.integers(0, 20, 300)
    return Interactions.from_arrays(users, items, rng.integers(1, 6, 300).astype(float),
                                    rating_range=(1, 5))


def test_bpr_regularization_times_learning_rate_of_one_and_a_half(clicks):
    model = create_model("bpr", learning_rate=0.01, regularization=150, epochs=3)
    with pytest.raises(ConfigError) as refused:
        model.fit(clicks)
    # 0.01 x 150 = 1.5; 1 - 1.5 = -0.5; 1 / 0.01 = 100; 1 / 150 = 0.006667
    assert str(refused.value) == (
        "bpr: learning_rate x regularization = 0.01 x 150 = 1.5 is 1 or more: each step "
        "multiplies the factors and biases it updates by 1 - learning_rate x regularization "
        "= -0.5, which flips their signs, so what is learned is noise; use regularization "
        "below 1 / learning_rate = 100 (or learning_rate below 1 / regularization = "
        "0.006667)")
    assert not model.is_fitted


@pytest.mark.parametrize(("params", "says"), [
    # exactly 1: the factor is 0 (0.5 x 2)
    ({"learning_rate": 0.5, "regularization": 2}, r"= 1 is 1 or more: .* by 1 - learning_rate "
                                                  r"x regularization = 0, which throws"),
    # beyond 2: the factor's size exceeds 1 (0.01 x 201 = 2.01, factor -1.01)
    ({"learning_rate": 0.01, "regularization": 201},
     r"= 2\.01 is 1 or more: .* = -1\.01, which flips their signs and grows them"),
    # the learning rate far above its default (0.01) is the one named first
    ({"learning_rate": 200.0}, r"= 200\.0 x 0\.01 = 2 is 1 or more: .* use learning_rate "
                               r"below 1 / regularization = 100 \(or regularization below "
                               r"1 / learning_rate = 0\.005\)"),
])
def test_bpr_products_at_and_beyond_one_are_refused(clicks, params, says):
    with pytest.raises(ConfigError, match=says):
        create_model("bpr", epochs=2, **params).fit(clicks)


def test_bpr_just_below_one_still_trains(clicks):
    model = create_model("bpr", learning_rate=0.01, regularization=99, epochs=2).fit(clicks)
    assert model.is_fitted


def test_adamw_weight_decay_in_mf_and_neural_mf(ratings):
    pytest.importorskip("torch")
    for name in ("mf", "neural_mf"):
        with pytest.raises(ConfigError, match=(
                rf"^{name}: learning_rate x weight_decay = 0\.5 x 3 = 1\.5 is 1 or more: each "
                r"step multiplies every parameter \(optimizer='adamw'\) by 1 - learning_rate x "
                r"weight_decay = -0\.5, .* use learning_rate below 1 / weight_decay = 0\.3333 "
                r"\(or weight_decay below 1 / learning_rate = 2\)$")):
            create_model(name, optimizer="adamw", learning_rate=0.5, weight_decay=3,
                         epochs=1).fit(ratings)
    # with Adam the decay is an L2 term in the loss, which Adam's step normalises: trained
    assert create_model("mf", optimizer="adam", learning_rate=0.5, weight_decay=3,
                        epochs=1, device="cpu").fit(ratings).is_fitted


def test_two_tower_weight_decay(clicks):
    # refused before torch is needed; the default weight_decay is 0, so it is named first
    with pytest.raises(ConfigError, match=r"^two_tower: learning_rate x weight_decay = 0\.1 x "
                                          r"10 = 1 is 1 or more: .* use weight_decay below 1 "
                                          r"/ learning_rate = 10 \(or learning_rate below 1 "
                                          r"/ weight_decay = 0\.1\)$"):
        create_model("two_tower", learning_rate=0.1, weight_decay=10).fit(clicks)
