"""Fifty-second bad-input probe of LightGBM's lambdarank: a group (request) of more than
10,000 rows, LightGBM's limit for a query, failed inside LightGBM with its "[Fatal]" line
printed to the console; now the fit refuses it first, naming the group and its size, for
training and validation rows alike. Groups given in any order (contiguous but not sorted)
train as the same groups sorted."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric"),))


def frame_of(groups: np.ndarray, seed: int = 0) -> tuple[FeatureFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=(len(groups), 1))
    frame = FeatureFrame(SCHEMA, signal, np.zeros((len(groups), 0)), groups,
                         np.arange(len(groups)), groups)
    return frame, (signal[:, 0] > 0).astype(float)


def test_a_training_group_past_lightgbms_limit_is_named():
    frame, labels = frame_of(np.r_[np.full(20, 3), np.full(10_001, 7)])
    with pytest.raises(RecstackError, match=r"^lightgbm: loss 'lambdarank' takes at most "
                       r"10,000 rows per group \(LightGBM's limit\), but training group 7 "
                       r"has 10,001; keep fewer candidates"):
        create_ranker("lightgbm", n_estimators=2).fit(frame, labels)


def test_a_validation_group_past_lightgbms_limit_is_named():
    frame, labels = frame_of(np.repeat(np.arange(40), 5))
    long, long_labels = frame_of(np.full(10_001, 99), seed=1)
    with pytest.raises(RecstackError, match=r"but validation group 99 has 10,001"):
        create_ranker("lightgbm", n_estimators=2, min_child_samples=2,
                      early_stopping_rounds=1).fit(frame, labels,
                                                   validation=(long, long_labels))


def test_a_group_of_exactly_the_limit_still_fits():
    frame, labels = frame_of(np.full(10_000, 1))
    ranker = create_ranker("lightgbm", n_estimators=2).fit(frame, labels)
    assert np.isfinite(ranker.score(frame)).all()


def test_groups_in_any_order_train_as_the_same_groups_sorted():
    groups = np.repeat([5, 2, 9, 0], 25)
    frame, labels = frame_of(groups)
    order = np.argsort(groups, kind="stable")
    ordered = FeatureFrame(SCHEMA, frame.numeric[order], frame.categorical[order],
                           frame.users[order], frame.items[order], frame.groups[order])
    as_given = create_ranker("lightgbm", n_estimators=5, min_child_samples=2).fit(frame, labels)
    as_sorted = create_ranker("lightgbm", n_estimators=5, min_child_samples=2).fit(
        ordered, labels[order])
    np.testing.assert_allclose(as_given.score(frame), as_sorted.score(frame))
