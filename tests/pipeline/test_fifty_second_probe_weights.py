"""Fifty-second bad-input probe of the rankers: a sample_weight outside float32's range.

LightGBM and the PyTorch rankers train on float32 weights. A weight above 3.4e38 (finite
in float64, so check_weights let it through) became infinite there: the fit failed as
"LightGBM found no split worth making" or "training diverged ... lower the learning rate",
blaming the wrong thing. A positive weight below float32's smallest number (1.4e-45)
became 0: its row silently took no part in the loss, and weights all that small left
LightGBM with nothing to learn. Both are now refused at fit by row and value."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric")))
FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_TINY = float(np.finfo(np.float32).smallest_subnormal)


def toy(n_groups: int = 10, size: int = 5) -> tuple[FeatureFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = n_groups * size
    numeric = rng.normal(size=(n, 2))
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(SCHEMA, numeric, np.zeros((n, 0), np.int64), groups,
                         np.tile(np.arange(size), n_groups), groups)
    return frame, (numeric[:, 0] > 0).astype(np.float64)


RANKERS = [
    ("lightgbm", {"loss": "binary", "n_estimators": 3, "min_child_samples": 2}),
    ("lightgbm", {"loss": "lambdarank", "n_estimators": 3, "min_child_samples": 2}),
    ("logistic", {}),
    ("wide_deep", {"epochs": 1}),
    ("dcn_v2", {"epochs": 1}),
    ("multitask", {"epochs": 1}),
]


def labels_for(name: str, labels: np.ndarray) -> np.ndarray:
    if name != "multitask":
        return labels
    return np.column_stack([labels, np.where(labels > 0, 4.0, np.nan)])


@pytest.mark.parametrize(("name", "params"), RANKERS)
@pytest.mark.parametrize(("weight", "shown"), [
    (1e300, "1e+300"),                 # finite in float64, infinite in float32
    (FLOAT32_MAX * 4, "1.36e+39"),
    (1e-50, "1e-50"),                  # positive in float64, 0 in float32
])
def test_a_weight_outside_float32_is_refused_by_row(name, params, weight, shown):
    frame, labels = toy()
    weights = np.ones(len(frame))
    weights[7] = weight
    said = rf"^{name}\.fit: sample_weight {re.escape(shown)} at row 7 is outside float32's range"
    with pytest.raises(RecstackError, match=said + r" .* scale the weights"):
        create_ranker(name, **params).fit(frame, labels_for(name, labels),
                                          sample_weight=weights)


def test_every_weight_below_float32_is_refused_not_a_no_split_error():
    frame, labels = toy()
    with pytest.raises(RecstackError, match=r"sample_weight 1e-50 at row 0 is outside"):
        create_ranker("lightgbm", loss="binary", n_estimators=3, min_child_samples=2).fit(
            frame, labels, sample_weight=np.full(len(frame), 1e-50))


@pytest.mark.parametrize("weight", [0.0, FLOAT32_TINY, FLOAT32_MAX, 1e-30, 1e30])
def test_weights_inside_float32_including_zero_still_fit(weight):
    frame, labels = toy()
    weights = np.ones(len(frame))
    weights[3] = weight
    ranker = create_ranker("logistic").fit(frame, labels, sample_weight=weights)
    assert np.isfinite(ranker.score(frame)).all()
