r"""Ranking losses for the PyTorch rankers, over groups padded to one matrix.

Every loss takes ``scores``, ``labels`` and ``weights`` of shape ``(n_groups, width)`` and
a boolean ``mask`` of the same shape (True where a row exists: groups shorter than
``width`` are padded), and returns a scalar tensor. :math:`s_i` is a score (a logit),
:math:`y_i \ge 0` a label, :math:`w_i` a row weight (1 without weights), :math:`\sigma`
the logistic function.

Pointwise (the rows on their own; reduced by the weighted mean
:math:`\sum_i w_i \ell_i / \sum_i w_i` over existing rows; labels > 0 are positives):

- ``bce``: :math:`\ell_i = -[y_i \log\sigma(s_i) + (1 - y_i)\log(1 - \sigma(s_i))]`.
- ``focal`` (Lin et al. 2017, "Focal Loss for Dense Object Detection", eq. 5):
  :math:`\ell_i = -\alpha_t (1 - p_t)^\gamma \log p_t` with :math:`p_t = \sigma(s_i)` for a
  positive and :math:`1 - \sigma(s_i)` for a negative, :math:`\alpha_t = \alpha` for a
  positive and :math:`1 - \alpha` for a negative (no :math:`\alpha` weighting when
  ``alpha`` is None). :math:`\gamma = 0` without :math:`\alpha` is ``bce``.

Pairwise (over the pairs :math:`(i, j)` of one group with :math:`y_i > y_j`; each pair
weighted by :math:`w_i`, the weight of the preferred row, as inverse propensity weighting
of clicks does (Joachims et al. 2017); reduced by :math:`\sum w_i \ell_{ij} / \#\text{pairs}`):

- ``bpr`` / ``ranknet`` (Rendle et al. 2009; Burges et al. 2005 with target probability 1,
  the same function): :math:`\ell_{ij} = -\log\sigma(s_i - s_j)`.
- ``hinge``: :math:`\ell_{ij} = \max(0, m - (s_i - s_j))`, margin :math:`m`.

Listwise (per group with a positive label; reduced by the mean over those groups):

- ``softmax`` (ListNet top-1, Cao et al. 2007, with the target
  :math:`P_y(i) = w_i y_i / \sum_k y_k`): :math:`\ell = -\sum_i P_y(i)
  \log \frac{e^{s_i}}{\sum_k e^{s_k}}`. With equal weights the target is the label
  distribution :math:`y_i / \sum_k y_k`; a row weight scales its row's term, as inverse
  propensity weighting of the softmax loss does (Ai et al. 2018, "Unbiased Learning to
  Rank with Unbiased Propensity Estimation"; their ULTRA toolkit's label distribution
  :math:`w_i y_i / \sum_k y_k`). The model side is Cao's top-one probability with
  :math:`\phi = \exp`; the target side takes :math:`\phi(y) = y`, not the paper's
  :math:`\phi = \exp`, deliberately: a label 0 gets no target mass
  (with :math:`e^y`, every negative of a long candidate list would get a share of the
  target), which is the softmax cross-entropy of TF-Ranking (Bruch et al. 2019, "An
  Analysis of the Softmax Cross Entropy Loss for Learning-to-Rank"). Every row of the group
  is in the denominator, a row of weight 0 included.
- ``lambdarank`` (Burges 2010, "From RankNet to LambdaRank to LambdaMART", eq. 8 ff.):
  the RankNet pair terms weighted by the change of nDCG that swapping the two rows would
  cause at the current ranking, :math:`\ell = \sum_{y_i > y_j} w_i |\Delta \mathrm{nDCG}_{ij}|
  \cdot (-\log\sigma(s_i - s_j))`, with :math:`|\Delta\mathrm{nDCG}_{ij}| = |2^{y_i} - 2^{y_j}|
  \cdot |1/\log_2(1 + r_i) - 1/\log_2(1 + r_j)| / \mathrm{IDCG}` (ranks :math:`r` from the
  current scores, ties in the order of the rows, treated as constants; IDCG over every row
  of the group, no cut-off); summed per group and averaged over groups that have a pair.
  Its gradient in :math:`s_i` is Burges's :math:`\lambda_{ij}` with :math:`\sigma = 1`.
  Unlike LightGBM's lambdarank (:mod:`recstack.pipeline.rankers.gbdt`), every pair counts
  (no truncation level) and the lambdas are not normalised per group.

Pairs of equal labels take no part in the pairwise losses or lambdarank (RankNet's target
probability 1/2 for them is left out, as BPR and LambdaRank leave them out). The focal
loss's :math:`\alpha` is off by default (``focal_alpha = None``); Lin et al. report
:math:`\gamma = 2, \alpha = 0.25` (torchvision's ``sigmoid_focal_loss`` defaults).
"""

from __future__ import annotations

import math
from typing import Any

POINTWISE = ("bce", "focal")
PAIRWISE = ("bpr", "ranknet", "hinge")
LISTWISE = ("softmax", "lambdarank")
LOSSES = POINTWISE + PAIRWISE + LISTWISE


def ranking_loss(name: str, scores: Any, labels: Any, mask: Any, weights: Any, *,
                 focal_gamma: float = 2.0, focal_alpha: float | None = None,
                 margin: float = 1.0) -> Any:
    """The loss ``name`` (one of :data:`LOSSES`) of padded group matrices."""
    if name == "bce":
        return bce(scores, labels, mask, weights)
    if name == "focal":
        return focal(scores, labels, mask, weights, gamma=focal_gamma, alpha=focal_alpha)
    if name in ("bpr", "ranknet"):
        return pairwise_logistic(scores, labels, mask, weights)
    if name == "hinge":
        return pairwise_hinge(scores, labels, mask, weights, margin=margin)
    if name == "softmax":
        return softmax_cross_entropy(scores, labels, mask, weights)
    if name == "lambdarank":
        return lambdarank(scores, labels, mask, weights)
    raise ValueError(f"unknown loss {name!r}; the losses are {', '.join(LOSSES)}")


def weighted_mean(values: Any, mask: Any, weights: Any) -> Any:
    """The mean of ``values`` over the rows ``mask`` keeps, each by its weight (0 where no
    kept row has weight). The total is not floored: a floor of 1e-12 scaled the loss of
    rows weighted 1e-40 (float32's range, accepted by ``fit``) down by 1e-26, every step
    fell below the weights' resolution and the fit was refused as "training left the
    weights at their start", blaming the learning rate."""
    w = weights * mask
    total = w.sum()
    return (values * w).sum() / (total + (total == 0).to(total.dtype))


def bce(scores: Any, labels: Any, mask: Any, weights: Any) -> Any:
    import torch

    target = (labels > 0).to(scores.dtype)
    values = torch.nn.functional.binary_cross_entropy_with_logits(scores, target,
                                                                  reduction="none")
    return weighted_mean(values, mask, weights)


def focal(scores: Any, labels: Any, mask: Any, weights: Any, *, gamma: float = 2.0,
          alpha: float | None = None) -> Any:
    import torch

    positive = labels > 0
    # log p_t computed stably: log sigma(s) for positives, log sigma(-s) for negatives
    log_pt = torch.nn.functional.logsigmoid(torch.where(positive, scores, -scores))
    values = -((1 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        values = values * torch.where(positive, alpha, 1 - alpha)
    return weighted_mean(values, mask, weights)


def _pairs(labels: Any, mask: Any) -> Any:
    """(n_groups, width, width) bool: row i preferred to row j within a group."""
    valid = mask[:, :, None] & mask[:, None, :]
    return valid & (labels[:, :, None] > labels[:, None, :])


def pairwise_logistic(scores: Any, labels: Any, mask: Any, weights: Any) -> Any:
    import torch

    pairs = _pairs(labels, mask)
    difference = scores[:, :, None] - scores[:, None, :]
    values = -torch.nn.functional.logsigmoid(difference) * weights[:, :, None]
    return (values * pairs).sum() / pairs.sum().clamp_min(1)


def pairwise_hinge(scores: Any, labels: Any, mask: Any, weights: Any, *,
                   margin: float = 1.0) -> Any:
    pairs = _pairs(labels, mask)
    difference = scores[:, :, None] - scores[:, None, :]
    values = (margin - difference).clamp_min(0) * weights[:, :, None]
    return (values * pairs).sum() / pairs.sum().clamp_min(1)


def softmax_cross_entropy(scores: Any, labels: Any, mask: Any, weights: Any) -> Any:
    import torch

    gains = labels * weights * mask
    kept = gains.sum(dim=1) > 0
    if not kept.any():
        return scores.sum() * 0.0
    # normalised by the labels alone: normalised by the weighted labels, the weights of a
    # group with one positive cancelled, and inverse propensity weights changed nothing
    target = gains[kept] / (labels * mask).sum(dim=1)[kept, None]
    logits = scores[kept].masked_fill(~mask[kept], -math.inf)
    log_softmax = torch.log_softmax(logits, dim=1).masked_fill(~mask[kept], 0.0)
    return -(target * log_softmax).sum(dim=1).mean()


def lambdarank(scores: Any, labels: Any, mask: Any, weights: Any) -> Any:
    import torch

    with torch.no_grad():
        # current 1-based ranks by score within each group (padding ranked last)
        masked = scores.detach().masked_fill(~mask, -math.inf)
        order = torch.argsort(masked, dim=1, descending=True, stable=True)
        ranks = torch.empty_like(order)
        positions = torch.arange(1, scores.shape[1] + 1, device=scores.device)
        ranks.scatter_(1, order, positions.expand_as(order))
        discount = 1.0 / torch.log2(1.0 + ranks.to(scores.dtype))
        gain = (2.0 ** labels - 1) * mask
        ideal_gain = torch.sort(gain, dim=1, descending=True).values
        idcg = (ideal_gain / torch.log2(1.0 + positions.to(scores.dtype))).sum(dim=1)
        delta = ((gain[:, :, None] - gain[:, None, :]).abs()
                 * (discount[:, :, None] - discount[:, None, :]).abs()
                 / idcg.clamp_min(1e-12)[:, None, None])
    pairs = _pairs(labels, mask)
    difference = scores[:, :, None] - scores[:, None, :]
    values = -torch.nn.functional.logsigmoid(difference) * delta * weights[:, :, None]
    per_group = (values * pairs).sum(dim=(1, 2))
    has_pairs = pairs.any(dim=(1, 2))
    if not has_pairs.any():
        return scores.sum() * 0.0
    return per_group[has_pairs].mean()
