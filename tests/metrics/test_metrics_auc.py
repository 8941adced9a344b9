"""AUC from full score rows (per user and pooled) and ROC AUC of a sample."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import roc_auc_score

from recstack.metrics import MetricInputError, auc_per_user, global_auc, roc_auc


@pytest.mark.reference("auc", "roc_auc")
def test_one_misordered_pair_of_six_gives_five_sixths() -> None:
    # Positives score 0.9 and 0.4; negatives 0.5, 0.3, 0.1. Only (0.4, 0.5) is misordered.
    scores = np.array([[0.9, 0.5, 0.4, 0.3, 0.1]])
    positives = sp.csr_matrix(np.array([[1, 0, 1, 0, 0]], dtype=float))
    assert auc_per_user(scores, positives)[0] == pytest.approx(5 / 6, abs=1e-15)
    assert roc_auc([1, 0, 1, 0, 0], scores[0]) == pytest.approx(5 / 6, abs=1e-15)


@pytest.mark.reference("auc", "roc_auc")
def test_ties_count_one_half() -> None:
    # One positive tied with one of two negatives: pairs score 1/2 and 1.
    scores = np.array([[0.5, 0.5, 0.1]])
    positives = np.array([[1, 0, 0]])
    assert auc_per_user(scores, positives)[0] == 0.75
    assert roc_auc([1, 0, 0], [0.5, 0.5, 0.1]) == 0.75
    assert roc_auc([1, 0, 1, 0], [2.0, 2.0, 2.0, 2.0]) == 0.5


@pytest.mark.reference("auc")
def test_excluded_items_leave_the_comparison() -> None:
    scores = np.array([[0.9, 0.8, 0.1, 0.7]])
    positives = sp.csr_matrix(np.array([[0, 0, 1, 0]], dtype=float))
    # Without exclusion the positive is last of four: AUC 0.
    assert auc_per_user(scores, positives)[0] == 0.0
    # Training items 0, 1 and 3 excluded: no negative is left.
    exclude = sp.csr_matrix(np.array([[1, 1, 0, 1]], dtype=float))
    assert math.isnan(auc_per_user(scores, positives, exclude)[0])
    # Exclusion wins over positivity.
    assert math.isnan(auc_per_user(scores, positives, positives)[0])


@pytest.mark.reference("auc")
def test_per_user_auc_agrees_with_sklearn() -> None:
    rng = np.random.default_rng(0)
    n_users, n_items = 60, 40
    # Rounded scores create ties; some -inf mimic masked items.
    scores = np.round(rng.normal(size=(n_users, n_items)), 1)
    scores[rng.random((n_users, n_items)) < 0.05] = -np.inf
    positive = rng.random((n_users, n_items)) < 0.2
    excluded = rng.random((n_users, n_items)) < 0.2
    positive[0] = False  # a user without positives
    excluded[1] = ~positive[1]  # a user without negatives
    ours = auc_per_user(scores, sp.csr_matrix(positive * 1.0), sp.csr_matrix(excluded * 1.0))
    assert math.isnan(ours[0]) and math.isnan(ours[1])
    for user in range(2, n_users):
        keep = ~excluded[user]
        labels = positive[user][keep]
        if labels.all() or not labels.any():
            assert math.isnan(ours[user])
            continue
        # sklearn rejects infinity; AUC depends only on the order, so any lower number will do.
        finite = np.where(np.isinf(scores[user]), -1e9, scores[user])
        expected = roc_auc_score(labels, finite[keep])
        assert ours[user] == pytest.approx(expected, abs=1e-9), user


@pytest.mark.reference("global_auc", "roc_auc")
def test_pooled_auc_agrees_with_sklearn() -> None:
    rng = np.random.default_rng(1)
    scores = np.round(rng.normal(size=(30, 25)), 1)
    positive = rng.random((30, 25)) < 0.3
    excluded = rng.random((30, 25)) < 0.1
    keep = ~excluded
    expected = roc_auc_score(positive[keep], scores[keep])
    assert global_auc(scores, sp.csr_matrix(positive * 1.0), excluded) == pytest.approx(
        expected, abs=1e-9
    )
    assert roc_auc(positive[keep], scores[keep]) == pytest.approx(expected, abs=1e-9)


def test_single_class_is_nan_and_empty_input_raises() -> None:
    assert math.isnan(roc_auc([1, 1], [0.2, 0.3]))
    assert math.isnan(global_auc(np.array([[0.1, 0.2]]), np.array([[0, 0]])))
    with pytest.raises(MetricInputError, match="y_true is empty"):
        roc_auc([], [])
    with pytest.raises(MetricInputError, match="global AUC needs candidates"):
        global_auc(np.zeros((0, 3)), np.zeros((0, 3)))
    assert auc_per_user(np.zeros((0, 3)), sp.csr_matrix((0, 3))).shape == (0,)


def test_bad_auc_input_raises() -> None:
    with pytest.raises(MetricInputError, match="scores holds NaN"):
        auc_per_user(np.array([[np.nan, 1.0]]), np.array([[1, 0]]))
    with pytest.raises(MetricInputError, match=r"positives has shape \(1, 3\), expected \(1, 2\)"):
        auc_per_user(np.array([[0.0, 1.0]]), np.array([[1, 0, 0]]))
    with pytest.raises(MetricInputError, match="dense 2-D"):
        auc_per_user(np.array([0.0, 1.0]), np.array([1, 0]))
    with pytest.raises(MetricInputError, match="y_true must hold binary labels"):
        roc_auc([0, 2], [0.1, 0.2])
    with pytest.raises(MetricInputError, match="length mismatch"):
        roc_auc([0, 1], [0.1])


distinct_rows = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 5), st.integers(2, 12)),
    elements=st.floats(-1e6, 1e6, allow_nan=False),
    unique=True,
)


@settings(max_examples=150, deadline=None)
@given(distinct_rows, st.data())
def test_reversing_untied_scores_gives_one_minus_auc(scores, data) -> None:
    positive = data.draw(hnp.arrays(np.bool_, scores.shape))
    forward = auc_per_user(scores, positive)
    backward = auc_per_user(-scores, positive)
    defined = ~np.isnan(forward)
    np.testing.assert_array_equal(defined, ~np.isnan(backward))
    np.testing.assert_allclose(backward[defined], 1.0 - forward[defined], atol=1e-12)
    assert np.all((forward[defined] >= 0) & (forward[defined] <= 1))


@pytest.mark.reference("auc")
def test_float32_scores_give_the_same_auc() -> None:
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(20, 30)).astype(np.float32)
    positive = rng.random((20, 30)) < 0.3
    expected = [
        roc_auc_score(positive[u], scores[u]) if 0 < positive[u].sum() < 30 else np.nan
        for u in range(20)
    ]
    np.testing.assert_allclose(auc_per_user(scores, positive), expected, atol=1e-12)
