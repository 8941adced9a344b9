"""Hundred-first bad-input probe of the PyTorch rankers: ``patience`` is read only to stop
early on validation rows, and fit without them ran every epoch with the setting ignored
without a word (LightGBM refuses its ``early_stopping_rounds`` without validation rows
alike, and the two-stage model never passes any). It is now refused by name at fit; the
default, and any patience with validation rows, fit as before."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

pytest.importorskip("torch")

SCHEMA = FeatureSchema((Feature("signal", "numeric"),))
GROUPS = np.repeat(np.arange(10), 4)


def _frame() -> tuple[FeatureFrame, np.ndarray]:
    signal = np.random.default_rng(0).normal(size=40)
    frame = FeatureFrame(SCHEMA, signal[:, None], np.zeros((40, 0), np.int64), GROUPS,
                         np.arange(40), GROUPS)
    return frame, (signal > 0).astype(np.float64)


@pytest.mark.parametrize("name", ["wide_deep", "dcn_v2"])
def test_patience_without_validation_rows_is_refused(name):
    frame, labels = _frame()
    with pytest.raises(RecstackError, match=rf"^{name}: patience=5 needs validation rows "
                       r"\(training stops after that many epochs without a better validation "
                       r"nDCG@10\), and fit was given none, so it would be ignored; pass "
                       r"fit\(..., validation=\(frame, labels\)\) or leave patience out$"):
        create_ranker(name, epochs=2, hidden=(4,), patience=5).fit(frame, labels)


def test_the_default_patience_and_patience_with_validation_rows_fit():
    frame, labels = _frame()
    assert create_ranker("wide_deep", epochs=2, hidden=(4,)).fit(frame, labels).is_fitted
    ranker = create_ranker("wide_deep", epochs=3, hidden=(4,), patience=1)
    ranker.fit(frame, labels, validation=(frame, labels))
    assert ranker.is_fitted and len(ranker.history_.epochs) <= 3
