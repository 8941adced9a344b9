"""Faithfulness audit of the rankers: each loss of :mod:`recstack.pipeline.rankers.losses`
against its paper's formula worked by hand and against PyTorch's own functions, the Wide &
Deep logit (Cheng et al. 2016, eq. 3) rebuilt from its weights, the multitask loss and
rating scale by hand, and the LightGBM lambdarank's documented LightGBM defaults (per-row
weights, truncation at 30) against LightGBM's own ranker."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.pipeline.rankers import losses  # noqa: E402
from recstack.pipeline.rankers.base import grouped_ndcg  # noqa: E402
from tests.pipeline.test_rankers import QUICK, make, synthetic_frame  # noqa: E402

F = torch.nn.functional

# two groups padded to width 4: the second has three rows
SCORES = [[2.0, 0.5, -1.0, 0.3], [0.1, -0.2, 0.0, 9.9]]
LABELS = [[2.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 5.0]]
MASK = [[True, True, True, True], [True, True, True, False]]


def batch(scores=SCORES, labels=LABELS, mask=MASK, weights=None):
    s = torch.tensor(scores, dtype=torch.float64)
    w = torch.ones_like(s) if weights is None else torch.tensor(weights, dtype=torch.float64)
    return s, torch.tensor(labels, dtype=torch.float64), torch.tensor(mask), w


def rows():
    """The existing rows as (group, score, label) triples."""
    return [(g, s, y) for g in range(2) for s, y, m in zip(SCORES[g], LABELS[g], MASK[g],
                                                           strict=True) if m]


def preferred_pairs():
    """(s_i, s_j) of every pair of one group with y_i > y_j."""
    out = []
    for g in range(2):
        n = sum(MASK[g])
        out += [(SCORES[g][i], SCORES[g][j]) for i in range(n) for j in range(n)
                if LABELS[g][i] > LABELS[g][j]]
    return out


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# ------------------------------------------------------------------ pointwise
def test_bce_is_the_log_loss_of_labels_above_0_as_torch_computes_it():
    s, y, m, w = batch()
    target = torch.tensor([float(label > 0) for _, _, label in rows()], dtype=torch.float64)
    flat = torch.tensor([score for _, score, _ in rows()], dtype=torch.float64)
    expected = F.binary_cross_entropy(torch.sigmoid(flat), target)
    assert float(losses.bce(s, y, m, w)) == pytest.approx(float(expected), rel=1e-12)


def test_focal_is_eq_5_of_lin_et_al_by_hand():
    """-alpha_t (1 - p_t)^gamma log p_t, alpha_t = alpha for a positive, 1 - alpha else."""
    s, y, m, w = batch()
    terms = []
    for _, score, label in rows():
        p_t = sigmoid(score) if label > 0 else 1 - sigmoid(score)
        alpha_t = 0.25 if label > 0 else 0.75
        terms.append(-alpha_t * (1 - p_t) ** 2 * math.log(p_t))
    got = losses.focal(s, y, m, w, gamma=2.0, alpha=0.25)
    assert float(got) == pytest.approx(sum(terms) / len(terms), rel=1e-12)
    # gamma 0 without alpha is bce
    assert float(losses.focal(s, y, m, w, gamma=0.0)) == pytest.approx(
        float(losses.bce(s, y, m, w)), rel=1e-12)


def test_pointwise_weights_give_the_weighted_mean():
    # one row of weight 3 counts as three copies of it
    s, y, m, _ = batch([[1.0, -2.0]], [[1.0, 0.0]], [[True, True]])
    w = torch.tensor([[3.0, 1.0]], dtype=torch.float64)
    expected = (3 * -math.log(sigmoid(1.0)) - math.log(1 - sigmoid(-2.0))) / 4
    assert float(losses.bce(s, y, m, w)) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------ pairwise
def test_ranknet_and_bpr_are_minus_log_sigmoid_of_the_difference():
    """Burges et al. 2005 with target probability 1 and Rendle et al. 2009: torch's
    soft_margin_loss(s_i - s_j, 1) = log(1 + exp(-(s_i - s_j))) averaged over the pairs."""
    s, y, m, w = batch()
    pairs = preferred_pairs()
    assert len(pairs) == 7  # group 1: 2 > 1, 2 > 0 twice, 1 > 0 twice; group 2: 1 > 0 twice
    difference = torch.tensor([a - b for a, b in pairs], dtype=torch.float64)
    expected = F.soft_margin_loss(difference, torch.ones_like(difference))
    for name in ("bpr", "ranknet"):
        got = losses.ranking_loss(name, s, y, m, w)
        assert float(got) == pytest.approx(float(expected), rel=1e-12)


def test_hinge_is_torch_margin_ranking_loss():
    s, y, m, w = batch()
    first = torch.tensor([a for a, _ in preferred_pairs()], dtype=torch.float64)
    second = torch.tensor([b for _, b in preferred_pairs()], dtype=torch.float64)
    expected = F.margin_ranking_loss(first, second, torch.ones_like(first), margin=0.5)
    got = losses.pairwise_hinge(s, y, m, w, margin=0.5)
    assert float(got) == pytest.approx(float(expected), rel=1e-12)


def test_a_pair_is_weighted_by_its_preferred_row():
    # one pair (row 0 over row 1): the weight of row 0 counts, row 1's does not
    s, y, m, _ = batch([[0.0, 0.0]], [[1.0, 0.0]], [[True, True]])
    w = torch.tensor([[5.0, 7.0]], dtype=torch.float64)
    assert float(losses.pairwise_logistic(s, y, m, w)) == pytest.approx(5 * math.log(2))


# ------------------------------------------------------------------ listwise
def test_softmax_is_cross_entropy_with_labels_over_their_sum_as_target():
    """ListNet's top-one cross-entropy with the target y_i / sum y (TF-Ranking's softmax
    loss): torch's cross_entropy with probability targets, per group, then the mean."""
    s, y, m, w = batch()
    expected = []
    for g in range(2):
        n = sum(MASK[g])
        logits = torch.tensor([SCORES[g][:n]], dtype=torch.float64)
        target = torch.tensor([LABELS[g][:n]], dtype=torch.float64)
        expected.append(float(F.cross_entropy(logits, target / target.sum())))
    got = losses.softmax_cross_entropy(s, y, m, w)
    assert float(got) == pytest.approx(sum(expected) / 2, rel=1e-12)
    # by hand, one group: scores 0 and ln 3 (softmax 1/4, 3/4), labels 1 and 0
    s, y, m, w = batch([[0.0, math.log(3)]], [[1.0, 0.0]], [[True, True]])
    assert float(losses.softmax_cross_entropy(s, y, m, w)) == pytest.approx(math.log(4))


def test_lambdarank_pair_weight_is_the_ndcg_change_of_the_swap():
    """Burges 2010: the RankNet term of a pair times |delta nDCG| of swapping the pair at
    the current ranking. By hand: scores tied at 0 (ranks 1, 2 in row order), labels 1, 0:
    swapping moves the gain 1 from rank 1 to rank 2, so nDCG falls from 1 to
    1 / log2(3), and the loss is (1 - 1 / log2 3) log 2."""
    s, y, m, w = batch([[0.0, 0.0]], [[1.0, 0.0]], [[True, True]])
    expected = (1 - 1 / math.log2(3)) * math.log(2)
    assert float(losses.lambdarank(s, y, m, w)) == pytest.approx(expected, rel=1e-12)


def test_lambdarank_delta_equals_the_ndcg_of_the_swapped_ranking():
    """|delta nDCG| from the definition: the nDCG of the current order minus that of the
    order with the two rows swapped (grouped_ndcg with a cut-off past the group)."""
    rng = np.random.default_rng(4)
    scores = rng.normal(size=6)
    labels = np.array([3.0, 0.0, 1.0, 2.0, 0.0, 1.0])
    groups = np.zeros(6, np.int64)
    expected = 0.0
    for i in range(6):
        for j in range(6):
            if labels[i] > labels[j]:
                swapped = scores.copy()
                swapped[[i, j]] = swapped[[j, i]]
                delta = abs(grouped_ndcg(scores, labels, groups, k=6)
                            - grouped_ndcg(swapped, labels, groups, k=6))
                expected += delta * math.log1p(math.exp(-(scores[i] - scores[j])))
    s, y, m, w = batch([scores.tolist()], [labels.tolist()], [[True] * 6])
    assert float(losses.lambdarank(s, y, m, w)) == pytest.approx(expected, rel=1e-9)


def test_lambdarank_gradient_is_burges_lambda():
    """d loss / d s_i = sum over j of -|delta nDCG_ij| / (1 + exp(s_i - s_j)) (sigma 1)."""
    s, y, m, w = batch([[0.0, 0.0]], [[1.0, 0.0]], [[True, True]])
    s.requires_grad_(True)
    losses.lambdarank(s, y, m, w).backward()
    delta = 1 - 1 / math.log2(3)
    np.testing.assert_allclose(s.grad.numpy(), [[-delta / 2, delta / 2]], rtol=1e-12)


# ------------------------------------------------------------------ networks
def test_wide_deep_logit_is_eq_3_rebuilt_from_its_weights():
    """wide: w^T numerics + b + one weight per code + one weight per crossed pair of codes
    (id genre * 3 + device, modulo cross_buckets); plus the deep MLP's logit: one sum."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ranker = make("wide_deep", cross_buckets=4).fit(frame, labels)
    net = ranker.module_
    numeric = ranker._standardise(frame.numeric).astype(np.float64)
    genre, device = frame.categorical[:, 0], frame.categorical[:, 1]

    def weight(layer):
        return layer.weight.detach().numpy().astype(np.float64)

    def bias(layer):
        return layer.bias.detach().numpy().astype(np.float64)

    wide = numeric @ weight(net.wide_numeric)[0] + bias(net.wide_numeric)[0]
    wide += weight(net.wide_codes[0])[genre, 0] + weight(net.wide_codes[1])[device, 0]
    wide += weight(net.wide_crosses[0])[(genre * 3 + device) % 4, 0]
    x0 = np.hstack([numeric, weight(net.tables[0])[genre], weight(net.tables[1])[device]])
    hidden = np.maximum(x0 @ weight(net.deep[0]).T + bias(net.deep[0]), 0.0)
    deep = hidden @ weight(net.deep_output)[0] + bias(net.deep_output)[0]
    np.testing.assert_allclose(ranker.score(frame), wide + deep, rtol=1e-4, atol=1e-5)
    # a pointwise log loss: the probability is sigma of that one logit
    np.testing.assert_allclose(ranker.predict_proba(frame), 1 / (1 + np.exp(-(wide + deep))),
                               rtol=1e-4, atol=1e-6)


def test_multitask_rating_loss_and_scale_by_hand():
    """L = L_rank + lambda * sum_R w (r - r_hat)^2 / sum_R w on ratings standardised with
    their mean and (population) deviation; predict_ratings scales the head back."""
    frame, labels, _ = synthetic_frame(n_groups=20)
    ratings = np.where(np.arange(len(labels)) % 3 == 0, 1 + 4 * labels, np.nan)
    ranker = make("multitask", rating_weight=0.5).fit(frame, np.column_stack([labels, ratings]))
    rated = ratings[~np.isnan(ratings)]
    assert ranker.rating_mean_ == pytest.approx(rated.mean(), rel=1e-12)
    assert ranker.rating_scale_ == pytest.approx(rated.std(ddof=0), rel=1e-12)
    head = ranker._forward(frame, head=1).astype(np.float64)
    np.testing.assert_allclose(ranker.predict_ratings(frame),
                               head * rated.std() + rated.mean(), rtol=1e-6)
    # the extra loss of a batch of two groups, by hand
    output = (torch.zeros(4), torch.tensor([0.5, -1.0, 2.0, 0.0]))
    targets = torch.tensor([[[1.0, 1.0], [0.0, math.nan]], [[0.0, -1.0], [1.0, 3.0]]])
    mask = torch.tensor([[True, True], [True, False]])
    weights = torch.tensor([[2.0, 1.0], [1.0, 1.0]])
    # rated and present: (0, 0) weight 2, error 0.5 - 1; (1, 0) weight 1, error 2 + 1
    expected = 0.5 * (2 * 0.25 + 1 * 9.0) / 3
    got = ranker._extra_loss(torch, output, targets, mask, weights)
    assert float(got) == pytest.approx(expected, rel=1e-6)


# ------------------------------------------------------------------ LightGBM
def test_lightgbm_lambdarank_keeps_lightgbm_defaults_and_row_weights():
    """Groups of 40 candidates, grades 0..2, per-row weights: the same trees as LightGBM's
    own LGBMRanker given the rows' weights and its default truncation level (30), which the
    docstring says; another truncation level gives other trees."""
    lgb = pytest.importorskip("lightgbm", reason="LightGBM is not installed: recstack[ranking]")
    frame, labels, _ = synthetic_frame(n_groups=30, size=40)
    grades = labels * (1 + (frame.numeric[:, 0] > 1))
    weights = np.where(frame.categorical[:, 1] == 0, 3.0, 1.0)
    ours = make("lightgbm", loss="lambdarank").fit(frame, grades, sample_weight=weights)
    settings = QUICK["lightgbm"]
    X = np.hstack([frame.numeric, frame.categorical])

    def reference(**extra):
        model = lgb.LGBMRanker(
            n_estimators=settings["n_estimators"], num_leaves=settings["num_leaves"],
            min_child_samples=settings["min_child_samples"], learning_rate=0.05,
            random_state=0, n_jobs=1, deterministic=True, force_row_wise=True,
            max_cat_to_onehot=8, min_data_per_group=10, cat_smooth=10, verbosity=-1, **extra)
        model.fit(X, grades.astype(int), group=np.full(30, 40), sample_weight=weights,
                  categorical_feature=[2, 3])
        return model.predict(X, raw_score=True)

    np.testing.assert_allclose(ours.score(frame), reference(), rtol=1e-5, atol=1e-6)
    assert np.abs(ours.score(frame) - reference(lambdarank_truncation_level=40)).max() > 1e-3


# ------------------------------------------------------------------ validation metric
def test_grouped_ndcg_is_scikit_learns_mean_over_groups_with_a_positive():
    """The rankers' early-stopping metric: nDCG@k with gains 2^l - 1 (scikit-learn's
    ndcg_score on those gains, distinct scores), averaged over the groups that hold a
    positive label (the all-0 group left out, not counted 0 or 1)."""
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    n_groups, size = 7, 12
    scores = rng.normal(size=n_groups * size)
    groups = np.repeat(np.arange(n_groups), size)
    for labels in ((rng.random(n_groups * size) < 0.3).astype(float),
                   rng.integers(0, 4, n_groups * size).astype(float)):
        labels[:size] = 0  # group 0: no positive
        expected = np.mean([
            sklearn_metrics.ndcg_score([2 ** labels[groups == g] - 1], [scores[groups == g]],
                                       k=5)
            for g in range(1, n_groups)])
        assert grouped_ndcg(scores, labels, groups, k=5) == pytest.approx(expected, rel=1e-12)
