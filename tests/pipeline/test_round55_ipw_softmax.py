"""Inverse propensity weights in the listwise softmax loss: a clicked row's weight scales
its term, -sum_i w_i y_i / sum_k y_k log softmax_i (Ai et al. 2018; their ULTRA toolkit's
label distribution). Normalised by the weighted labels, the weights of a group with one
click cancelled and the correction changed nothing. Values worked by hand."""

import math

import pytest

torch = pytest.importorskip("torch",
                            reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.pipeline.rankers.losses import ranking_loss  # noqa: E402


def loss(scores, labels, weights):
    s = torch.tensor([scores], dtype=torch.float64)
    y = torch.tensor([labels], dtype=torch.float64)
    w = torch.tensor([weights], dtype=torch.float64)
    mask = torch.ones_like(s, dtype=torch.bool)
    return float(ranking_loss("softmax", s, y, mask, w))


def log_softmax(scores, i):
    return scores[i] - math.log(sum(math.exp(v) for v in scores))


def test_a_click_weighted_five_counts_five_times():
    scores = [0.5, 1.0, -0.3]
    plain = loss(scores, [1, 0, 0], [1, 1, 1])
    weighted = loss(scores, [1, 0, 0], [5, 1, 1])
    assert plain == pytest.approx(-log_softmax(scores, 0), rel=1e-12)
    assert weighted == pytest.approx(-5 * log_softmax(scores, 0), rel=1e-12)


def test_two_clicks_of_different_weights():
    scores = [0.5, 1.0, -0.3]
    expected = -(2 * log_softmax(scores, 0) + 4 * log_softmax(scores, 1)) / 2
    assert loss(scores, [1, 1, 0], [2, 4, 1]) == pytest.approx(expected, rel=1e-12)
