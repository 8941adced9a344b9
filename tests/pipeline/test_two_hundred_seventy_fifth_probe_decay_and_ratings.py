"""Two-hundred-seventy-fifth bad-input probe of the PyTorch rankers (wide_deep, dcn_v2,
multitask).

AdamW's decoupled decay multiplies every weight by ``1 - learning_rate x weight_decay`` each
step. At 1 or more that factor is 0 or negative: the fit ended without a word and score
blamed the features for the infinite outputs ("give features on the scale of the training
ones"), though they were the training features. Such settings are now refused at fit, before
anything trains, as ``mf``/``neural_mf``/``two_tower`` refuse them.

An infinite rating in a multitask ranker's labels was refused without naming its row or
value; it is now named as an infinite interaction label is."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

pytest.importorskip("torch")

SCHEMA = FeatureSchema((Feature("price", "numeric"),
                        Feature("genre", "categorical", cardinality=3)))
N = 8
GROUPS = np.repeat(np.arange(2), 4)
FRAME = FeatureFrame(SCHEMA, np.arange(N, dtype=np.float32)[:, None],
                     (np.arange(N) % 3).reshape(N, 1).astype(np.int64), GROUPS, np.arange(N),
                     GROUPS)
CLICKS = (np.arange(N) % 2).astype(np.float64)


def labels(name: str) -> np.ndarray:
    return np.column_stack([CLICKS, np.ones(N)]) if name == "multitask" else CLICKS


@pytest.mark.parametrize("name", ["wide_deep", "dcn_v2", "multitask"])
def test_a_decay_that_flips_the_weights_is_refused_before_training(name):
    # 0.01 x 1e30 = 1e28: each step multiplies the weights by 1 - 1e28 (their outputs
    # were -inf at score, blamed on the features)
    ranker = create_ranker(name, epochs=1, hidden=(4,), weight_decay=1e30)
    with pytest.raises(ConfigError, match=(
            rf"^{name}: learning_rate x weight_decay = 0\.01 x 1e\+30 = 1e\+28 is 1 or more: "
            r"each step multiplies every weight of the network \(AdamW's decoupled decay\) "
            r"by 1 - learning_rate x weight_decay = -1e\+28, which flips their signs and "
            r"grows them, so what is learned is noise; use weight_decay below 1 / "
            r"learning_rate = 100 \(or learning_rate below 1 / weight_decay = 1e-30\)$")):
        ranker.fit(FRAME, labels(name))
    assert not ranker.is_fitted


def test_a_decay_that_zeroes_the_weights_is_refused_naming_the_larger_setting_first():
    # 0.5 x 2 = 1 exactly: the factor is 0; learning_rate is 50 times its default, the
    # decay's default is 0 (infinitely above), so weight_decay is named first
    with pytest.raises(ConfigError, match=(
            r"= 0\.5 x 2\.0 = 1 is 1 or more: .* by 1 - learning_rate x weight_decay = 0, "
            r"which throws their values away, .* use weight_decay below 1 / learning_rate = "
            r"2 \(or learning_rate below 1 / weight_decay = 0\.5\)$")):
        create_ranker("wide_deep", epochs=1, hidden=(4,), learning_rate=0.5,
                      weight_decay=2.0).fit(FRAME, CLICKS)


def test_a_decay_just_below_the_bound_still_fits():
    # 0.01 x 99 = 0.99: each step keeps 1% of the weights, a strong but real decay
    ranker = create_ranker("wide_deep", epochs=1, hidden=(4,), weight_decay=99.0)
    scores = ranker.fit(FRAME, CLICKS).score(FRAME)
    assert scores.shape == (N,) and np.isfinite(scores).all()


@pytest.mark.parametrize(("ratings", "message"), [
    ([1, 2, np.nan, -np.inf, 3, np.inf, 4, 5],
     r"2 ratings \(labels column 1\) are infinite, first at row 3 \(-inf\)"),
    ([1, 2, 3, 4, 5, 6, 7, np.inf],
     r"1 rating \(labels column 1\) is infinite, first at row 7 \(inf\)"),
])
def test_an_infinite_rating_is_named_by_row_and_value(ratings, message):
    with pytest.raises(RecstackError, match=(
            rf"^multitask.fit: {message}; a rating must be a finite number, or NaN where "
            r"the row has none$")):
        create_ranker("multitask", epochs=1, hidden=(4,)).fit(
            FRAME, np.column_stack([CLICKS, ratings]))


def test_an_infinite_validation_rating_is_named_as_the_validation_labels():
    bad = np.column_stack([CLICKS, np.r_[np.ones(N - 1), np.inf]])
    with pytest.raises(RecstackError, match=(
            r"^multitask.fit \(validation\): 1 rating \(labels column 1\) is infinite, "
            r"first at row 7 \(inf\)")):
        create_ranker("multitask", epochs=1, hidden=(4,), patience=1).fit(
            FRAME, labels("multitask"), validation=(FRAME, bad))
