"""The ranking losses: values against numbers worked by hand from each formula, the
direction of every gradient on a tiny hand-made case, padding and weights."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.pipeline.rankers.losses import LOSSES, ranking_loss  # noqa: E402


def softplus(x: float) -> float:
    """-log sigmoid(-x) = log(1 + e^x), written out."""
    return math.log(1 + math.exp(x))


def one_group(scores, labels, weights=None, width=None):
    """Tensors (1, width) for one group, padded with garbage beyond its rows."""
    n = len(scores)
    width = width or n
    pad = width - n
    s = torch.tensor([list(scores) + [7.0] * pad], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([list(labels) + [3.0] * pad], dtype=torch.float64)
    w = torch.tensor([list(weights or [1.0] * n) + [5.0] * pad], dtype=torch.float64)
    mask = torch.tensor([[True] * n + [False] * pad])
    return s, y, mask, w


def value(name, scores, labels, weights=None, width=None, **kw):
    s, y, mask, w = one_group(scores, labels, weights, width)
    return float(ranking_loss(name, s, y, mask, w, **kw).detach())


# scores (2, 0, -1), labels (1, 0, 0): every expectation below is the formula, by hand
HAND = {
    # mean of -log sigma(s) for the positive and -log(1 - sigma(s)) for the negatives
    "bce": (softplus(-2) + softplus(0) + softplus(-1)) / 3,
    # -(1 - p_t)^2 log p_t, p_t = sigma(2), 1 - sigma(0), 1 - sigma(-1)
    "focal": ((1 - 1 / (1 + math.exp(-2))) ** 2 * softplus(-2)
              + 0.5 ** 2 * softplus(0)
              + (1 - 1 / (1 + math.exp(-1))) ** 2 * softplus(-1)) / 3,
    # pairs (0, 1) and (0, 2): -log sigma(2 - 0), -log sigma(2 + 1)
    "bpr": (softplus(-2) + softplus(-3)) / 2,
    "ranknet": (softplus(-2) + softplus(-3)) / 2,
    # max(0, 1 - 2) and max(0, 1 - 3)
    "hinge": 0.0,
    # -log(e^2 / (e^2 + e^0 + e^-1))
    "softmax": -2 + math.log(math.exp(2) + 1 + math.exp(-1)),
    # ranks 1, 2, 3; IDCG = 1; |dNDCG(0,1)| = 1 - 1/log2(3), |dNDCG(0,2)| = 1 - 1/log2(4)
    "lambdarank": (1 - 1 / math.log2(3)) * softplus(-2) + (1 - 0.5) * softplus(-3),
}


def test_every_loss_has_a_hand_worked_value():
    assert sorted(HAND) == sorted(LOSSES)


@pytest.mark.parametrize("name", sorted(HAND))
def test_value_matches_the_hand_computation(name):
    assert value(name, [2.0, 0.0, -1.0], [1, 0, 0]) == pytest.approx(HAND[name], rel=1e-9)


@pytest.mark.parametrize("name", sorted(HAND))
def test_padding_is_ignored(name):
    assert value(name, [2.0, 0.0, -1.0], [1, 0, 0], width=5) == pytest.approx(HAND[name],
                                                                             rel=1e-9)


def test_hinge_counts_pairs_inside_the_margin():
    # pairs (0,1): 1 - 0.5 = 0.5; (0,2): 1 - 1.5 < 0 -> 0; mean over the 2 pairs
    assert value("hinge", [0.5, 0.0, -1.0], [1, 0, 0]) == pytest.approx(0.25)
    assert value("hinge", [0.5, 0.0, -1.0], [1, 0, 0], margin=2.0) == pytest.approx(
        (1.5 + 0.5) / 2)


def test_focal_alpha_weights_positives_and_negatives():
    # one positive at s=1 (alpha) and one negative at s=1 (1 - alpha), gamma 0
    expected = (0.25 * softplus(-1) + 0.75 * softplus(1)) / 2
    assert value("focal", [1.0, 1.0], [1, 0], focal_gamma=0.0, focal_alpha=0.25) == \
        pytest.approx(expected)


def test_weights():
    # pointwise: weighted mean, weights (2, 1, 1)
    assert value("bce", [2.0, 0.0, -1.0], [1, 0, 0], [2, 1, 1]) == pytest.approx(
        (2 * softplus(-2) + softplus(0) + softplus(-1)) / 4)
    # pairwise: a pair carries the preferred row's weight, the pair count is unchanged
    assert value("bpr", [2.0, 0.0, -1.0], [1, 0, 0], [2, 1, 1]) == pytest.approx(
        2 * (softplus(-2) + softplus(-3)) / 2)
    assert value("bpr", [2.0, 0.0, -1.0], [1, 0, 0], [1, 9, 9]) == pytest.approx(
        (softplus(-2) + softplus(-3)) / 2)


def test_graded_labels():
    # softmax target = labels / sum = (2/3, 1/3, 0)
    log_z = math.log(math.exp(2) + 1 + math.exp(-1))
    assert value("softmax", [2.0, 0.0, -1.0], [2, 1, 0]) == pytest.approx(
        -(2 / 3) * (2 - log_z) - (1 / 3) * (0 - log_z))
    # pairs (0,1), (0,2), (1,2)
    assert value("bpr", [2.0, 0.0, -1.0], [2, 1, 0]) == pytest.approx(
        (softplus(-2) + softplus(-3) + softplus(-1)) / 3)
    # lambdarank, gains 3, 1, 0; IDCG = 3 + 1/log2(3); ranks 1, 2, 3
    idcg = 3 + 1 / math.log2(3)
    d = [1.0, 1 / math.log2(3), 0.5]
    expected = ((3 - 1) * (d[0] - d[1]) * softplus(-2) + 3 * (d[0] - d[2]) * softplus(-3)
                + 1 * (d[1] - d[2]) * softplus(-1)) / idcg
    assert value("lambdarank", [2.0, 0.0, -1.0], [2, 1, 0]) == pytest.approx(expected)


@pytest.mark.parametrize("name", sorted(HAND))
def test_gradient_direction(name):
    """Raising the positive's score lowers the loss, raising a negative's raises it (all
    inside the hinge margin, so that every loss is active)."""
    s, y, mask, w = one_group([0.2, 0.0, -0.1, 0.1], [1, 0, 0, 0])
    loss = ranking_loss(name, s, y, mask, w)
    loss.backward()
    grad = s.grad[0]
    assert grad[0] < 0
    assert (grad[1:] > 0).all()
    # and a small step against the gradient lowers the loss
    with torch.no_grad():
        stepped = s - 0.1 * s.grad
    assert float(ranking_loss(name, stepped, y, mask, w)) < float(loss.detach())


@pytest.mark.parametrize("name", ["bpr", "ranknet", "hinge", "softmax", "lambdarank"])
def test_groups_without_a_positive_add_nothing(name):
    scores = torch.tensor([[2.0, 0.0, -1.0], [0.3, 0.2, 0.1]], dtype=torch.float64)
    labels = torch.tensor([[1.0, 0, 0], [0, 0, 0]], dtype=torch.float64)
    mask = torch.ones(2, 3, dtype=torch.bool)
    weights = torch.ones(2, 3, dtype=torch.float64)
    assert float(ranking_loss(name, scores, labels, mask, weights)) == pytest.approx(
        HAND[name], rel=1e-9)


def test_pairs_never_cross_groups():
    # group 1's positive scores below group 0's negative: only within-group pairs count
    scores = torch.tensor([[0.0, -1.0], [-5.0, -6.0]], dtype=torch.float64)
    labels = torch.tensor([[1.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    mask = torch.ones(2, 2, dtype=torch.bool)
    weights = torch.ones(2, 2, dtype=torch.float64)
    assert float(ranking_loss("bpr", scores, labels, mask, weights)) == pytest.approx(
        softplus(-1))
