"""Forty-sixth probe, the pipeline: a scipy sparse X for the Bayesian logistic regression
(numpy's "setting an array element with a sequence"), isotonic calibration of scores of
magnitude 1e-300 (one threshold: a constant map), and ``take`` of rows a frame does not
have (numpy's IndexError, or a negative row silently counted from the end)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import RecstackError
from recstack.pipeline import bandit_checks
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import IsotonicCalibrator
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema


def _data():
    rng = np.random.default_rng(3)
    dense = rng.normal(size=(60, 4)) * (rng.random((60, 4)) < 0.5)
    labels = (dense @ np.array([1.0, -1.0, 0.5, 0.0]) + rng.normal(size=60) > 0)
    return dense, labels.astype(float)


def test_a_sparse_x_is_read_as_its_dense_values():
    dense, y = _data()
    from_sparse = BayesianLogisticRegression().fit(sp.csr_matrix(dense), y)
    from_dense = BayesianLogisticRegression().fit(dense, y)
    np.testing.assert_allclose(from_sparse.predict_proba(sp.csc_matrix(dense)),
                               from_dense.predict_proba(dense))
    from_sparse.partial_fit(sp.coo_matrix(dense[:10]), y[:10])


def test_a_sparse_x_too_big_to_densify_is_refused_by_name(monkeypatch):
    dense, y = _data()
    monkeypatch.setattr(bandit_checks, "MAX_DENSE_CELLS", 100)
    with pytest.raises(BanditInputError, match=r"BayesianLogisticRegression: X is a scipy "
                                               r"sparse 60 x 4 matrix, 240 cells once dense"):
        BayesianLogisticRegression().fit(sp.csr_matrix(dense), y)


def test_isotonic_on_tiny_scores_is_the_map_of_the_scores_scaled_up():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=200)
    labels = (scores + rng.normal(size=200) > 0).astype(float)
    # isotonic regression depends only on the order of the scores: the same map, scaled
    reference = IsotonicCalibrator().fit(scores, labels).predict(scores)
    for magnitude in (1e-300, 1e300):
        tiny = IsotonicCalibrator().fit(scores * magnitude, labels)
        np.testing.assert_allclose(tiny.predict(scores * magnitude), reference)
    assert np.ptp(reference) > 0.5


def _frame(n=4):
    schema = FeatureSchema((Feature("a", "numeric", "doc"),))
    return FeatureFrame(schema, np.arange(n, dtype=np.float32)[:, None],
                        np.zeros((n, 0), np.int32), np.arange(n), np.arange(n),
                        np.arange(n))  # one group (request) per user


def _candidates(n=4):
    return Candidates(np.arange(n), np.arange(n), np.zeros((n, 1)), np.ones((n, 1)),
                      ("ease",), 10)


@pytest.mark.parametrize("make, where", [(_frame, "FeatureFrame.take"),
                                         (_candidates, "Candidates.take")])
@pytest.mark.parametrize("rows, message", [
    (np.array([0, 7]), r"row 7 \(at position 1 of rows\) is outside the 4 rows "
                       r"\(positions 0\.\.3\)"),
    (np.array([-1]), r"row -1 .* outside the 4 rows"),
    (np.array([0.5]), r"rows must be integer row positions .* got dtype float64"),
    (np.array([True, False]), r"a boolean mask of rows needs one entry per row \(4\), got 2"),
    ("0", r"rows must be a boolean mask of 4 entries or row positions 0\.\.3, got str"),
    (np.zeros((2, 2), int), r"rows must be a 1-D"),
])
def test_rows_the_table_does_not_have_are_named(make, where, rows, message):
    with pytest.raises(RecstackError, match=rf"^{where}: {message}"):
        make().take(rows)


@pytest.mark.parametrize("make", [_frame, _candidates])
def test_good_rows_are_taken_in_order(make):
    table = make()
    np.testing.assert_array_equal(table.take(np.array([2, 0])).items, [2, 0])
    np.testing.assert_array_equal(table.take([1]).items, [1])
    np.testing.assert_array_equal(table.take(np.array([True, False, False, True])).items,
                                  [0, 3])
    assert len(table.take(np.array([], dtype=np.int64))) == 0
