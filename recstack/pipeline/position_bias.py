r"""Position bias: propensities per position, and inverse propensity weights for rankers.

A logged click at position :math:`k` is the product of two events, the user examining the
slot and the item being relevant (the examination hypothesis, Richardson et al. 2007):

.. math:: P(c = 1 \mid i, k) = \theta_k \cdot \mathrm{rel}_i

so a ranker trained on raw clicks learns :math:`\theta_k \mathrm{rel}_i`, and whatever put
items high in the log (the old ranking) looks relevant. recstack offers two corrections:

1. **Position as a feature.** Put the logged position in the frame as the numeric feature
   ``"position"``; the ranker learns its effect next to the others, and at serving scores
   every candidate at one fixed position (the rankers' ``serving_position``
   hyperparameter; :func:`with_serving_position` does the same to a frame by hand).
2. **Inverse propensity weighting** (Joachims, Swaminathan & Schnabel 2017, "Unbiased
   Learning-to-Rank with Biased Feedback", eq. 4 ff.). With the examination propensity
   :math:`\theta_k` of each position, relative to position 1, a click at position
   :math:`k` is weighted :math:`1 / \theta_k` (:func:`ipw_sample_weights`), which makes
   the weighted clicks an unbiased estimate of relevance: :math:`E[c / \theta_k] =
   \mathrm{rel}_i`. Non-clicked rows keep weight 1 (the pairwise and listwise losses
   weight a pair or a list term by the clicked row's weight, as the paper does). The
   guarantee holds for those losses, whose terms are clicked rows' (pairwise: ``bpr``,
   ``ranknet``, ``hinge``, ``lambdarank``, LightGBM's ``lambdarank``; listwise:
   ``softmax``). A pointwise loss (``bce``, ``focal``, LightGBM's ``binary``) also has
   terms for the rows not clicked, weighted 1, and its expected loss is minimised at
   :math:`\mathrm{rel} / (1 + \mathrm{rel}\,(1 - \theta_k))`, not at
   :math:`\mathrm{rel}`: still ordered by relevance at one position, but items logged
   high keep some advantage (the unbiased pointwise form, Saito et al. 2020, trains on the
   soft label :math:`c / \theta_k` instead, a loss unbounded below that recstack does
   not offer). With a pointwise ranker, prefer the position feature.

Propensities are given (e.g. from a swap experiment) or estimated from a log by
:func:`estimate_propensities`: the click-through rate at each position divided by the one
at position 1. This estimate is unbiased only when the items' relevance does not depend on
their position in the log, i.e. the log comes from a randomised ordering (a RandTop-n or
randomised-swap slice of traffic); from a log ranked by an earlier model it confounds
position with relevance and overstates the bias.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from recstack.data.interactions import caller_stacklevel
from recstack.errors import shown
from recstack.metrics._validation import check_aligned
from recstack.pipeline.bandit_checks import (
    BanditInputError,
    as_float_array,
    check_count,
    check_not_empty,
    check_number,
    check_same_length,
    first_true_false,
    refuse_booleans,
)
from recstack.pipeline.imbalance import positive_labels
from recstack.pipeline.schema import FeatureFrame
from recstack.specs import arguments_named, did_you_mean

#: the deepest position a log may hold (a shown list is far shorter; beyond it a typo,
#: such as a timestamp in the position column, would allocate a huge table)
MAX_POSITION = 1_000_000


@arguments_named
def estimate_propensities(positions: np.ndarray, clicks: np.ndarray, *,
                          n_positions: int | None = None, smoothing: float = 1.0
                          ) -> np.ndarray:
    r"""Examination propensity per position relative to position 1, from a click log.

    .. math:: \hat\theta_k = \frac{\mathrm{CTR}_k}{\mathrm{CTR}_1}, \qquad
              \mathrm{CTR}_k = \frac{\text{clicks at } k + \alpha\,\overline{\mathrm{CTR}}}
                                    {\text{impressions at } k + \alpha}

    with :math:`\alpha` = ``smoothing`` pseudo-impressions at the overall click rate (so
    that a rarely shown position does not get a propensity of 0 or a wild one).

    Parameters
    ----------
    positions : array of int, shape (n,)
        The 1-based position each impression was shown at.
    clicks : array of {0, 1}, shape (n,)
    n_positions : int, optional
        How many positions to return (default: the largest logged).
    smoothing : float
        :math:`\alpha` above; 0 turns smoothing off (every position up to
        ``n_positions`` must then have impressions).

    Returns
    -------
    ndarray of float64, shape (n_positions,)
        ``result[k - 1]`` is :math:`\hat\theta_k`, at most 1; ``result[0]`` is 1. With
        ``smoothing = 0`` a position shown but never clicked gets 0, which
        :func:`ipw_sample_weights` takes where no weight needs it (its rows are unclicked).
        With ``smoothing > 0`` a position the log never shows (below ``n_positions``, or a
        gap) gets the smoothing prior, the overall click rate over position 1's (at most
        1), with a warning naming it: it is no estimate.

    Notes
    -----
    Unbiased only for a log whose order was randomised (see the module docstring). A
    position shown rarely can come out above 1 by chance: such an estimate is capped at 1,
    with a warning naming the position (:func:`ipw_sample_weights` warns of a propensity
    above 1 given by hand).
    """
    where = "estimate_propensities"
    check_aligned(("positions", positions), ("clicks", clicks), error=BanditInputError,
                  where=f"{where}: ")
    positions = as_positions(where, positions)
    clicks = as_float_array(where, "clicks", clicks, ndim=1)
    check_same_length(where, positions=positions, clicks=clicks)
    if not len(positions):
        raise BanditInputError(f"{where}: the log is empty; give at least one impression")
    if not np.isin(clicks, (0.0, 1.0)).all():
        row = int(np.flatnonzero(~np.isin(clicks, (0.0, 1.0)))[0])
        raise BanditInputError(f"{where}: clicks must be 0 or 1, row {row} is "
                               f"{float(clicks[row])!r}")
    smoothing = check_number(where, "smoothing", smoothing, low=0.0)
    size = (int(positions.max()) if n_positions is None
            else check_count(where, "n_positions", n_positions, high=MAX_POSITION))
    if size < positions.max():
        # named the clash but neither the row nor what would be right
        deepest = int(positions.max())
        row = int(np.argmax(positions > size))
        raise BanditInputError(f"{where}: n_positions={n_positions} but the log has position "
                               f"{deepest} (first beyond it: row {row}, position "
                               f"{int(positions[row])}); give n_positions >= {deepest}, or "
                               "None to cover every position of the log")
    impressions = np.bincount(positions - 1, minlength=size).astype(np.float64)
    if impressions[0] == 0:
        # every propensity is relative to position 1: without it the smoothing's prior
        # (the overall click rate) would silently stand in for position 1's
        raise BanditInputError(
            f"{where}: the log has no impression at position 1 (its positions run from "
            f"{int(positions.min())} to {int(positions.max())}), so no position can be "
            "compared with the top; positions are 1-based, counted from the top of the list")
    if smoothing == 0 and not (impressions > 0).all():
        # without pseudo-impressions a position never shown has no click rate (0 / 0), and
        # its propensity came out 0: ipw_sample_weights then refused it as "a position
        # nobody examines", which is what the log cannot tell
        unshown = np.flatnonzero(impressions == 0) + 1
        listed = ", ".join(str(int(k)) for k in unshown[:5]) + (
            f" and {len(unshown) - 5} more" if len(unshown) > 5 else "")
        raise BanditInputError(
            f"{where}: with smoothing = 0, position(s) {listed} have no impression in the "
            f"log (of positions 1..{size}), so their click rate is 0 / 0 and no propensity "
            "can be estimated; give smoothing > 0 (their propensity then comes from the "
            "overall click rate), or a smaller n_positions, or a log that shows them")
    clicked = np.bincount(positions - 1, clicks, minlength=size)
    overall = clicks.mean()
    # a position without impressions (smoothing > 0 here) gets the prior itself: (0 + a *
    # overall) / (0 + a) is the overall rate whatever a, where the old floor of 1e-12 on
    # the denominator made it a * overall / 1e-12 for a smoothing below 1e-12 (2.6e-299 for
    # 1e-311, a propensity near 0, called "the smoothing prior" by the warning below), and
    # a subnormal a * overall rounds
    with np.errstate(invalid="ignore", divide="ignore"):
        ctr = np.where(impressions > 0,
                       (clicked + smoothing * overall) / (impressions + smoothing), overall)
    if not ctr[0] > 0:
        # the log's mistake, refused as every other one of this module is (a plain
        # RecstackError here was the odd one out, not caught as a BanditInputError)
        fix = ("the log has no click at all" if overall == 0 else
               "give smoothing > 0 (the overall click rate then stands in as a prior)")
        raise BanditInputError(f"{where}: no click at position 1 in the log "
                               f"({int(impressions[0])} impressions there, 0 clicks), so no "
                               f"position can be compared with it; {fix}")
    with np.errstate(over="ignore"):
        propensities = ctr / ctr[0]
    if not np.isfinite(propensities).all():
        # a tiny smoothing (1e-320) with no click at position 1: the top's click rate was a
        # few subnormal units, the ratios overflowed (numpy's "overflow encountered" warning)
        # and the infinite estimates were capped to 1 as if they were noise
        k = int(np.flatnonzero(~np.isfinite(propensities))[0])
        raise BanditInputError(
            f"{where}: position 1's click rate ({int(clicked[0])} click(s) in "
            f"{int(impressions[0])} impression(s), smoothing = {shown(smoothing)}) is "
            f"{float(ctr[0]):.3g}, so small that position {k + 1}'s ({float(ctr[k]):.3g}) "
            "divided by it passes float64 and no propensity can be estimated; give "
            "a larger smoothing (1, the default), or a log with clicks at position 1")
    unshown = np.flatnonzero(impressions == 0)
    if len(unshown):
        # smoothing gives a position the log never showed the prior (the overall click
        # rate over position 1's), returned beside the estimates as if it were one: a log
        # of the top slot alone with n_positions=3 gave [1, 1, 1], so clicks lower down
        # were left unweighted, the bias uncorrected, without a word
        listed = ", ".join(str(int(k) + 1) for k in unshown[:5]) + (
            f" and {len(unshown) - 5} more" if len(unshown) > 5 else "")
        prior = min(float(propensities[unshown[0]]), 1.0)
        warnings.warn(f"{where}: position(s) {listed} have no impression in the log (of "
                      f"positions 1..{size}), so their propensity ({prior:.4g}) is the "
                      "smoothing prior (the overall click rate over position 1's), not an "
                      "estimate; log impressions there (a randomised slice of traffic), or "
                      "give propensities measured otherwise (e.g. a swap experiment)",
                      UserWarning, stacklevel=caller_stacklevel())
    # the positions never shown were said above: not again as noise from 0 impressions
    above = np.flatnonzero((propensities > 1.0) & (impressions > 0))
    if len(above):
        # a position clicked more often than the top says it is examined more, which the
        # examination model of a list does not allow: it is noise from few impressions (or a
        # log that is not randomised), and ipw_sample_weights would weight its clicks below
        # 1; capped at 1, as ipw_sample_weights' warning advises, and said so
        listed = ", ".join(f"position {int(k) + 1}: {float(propensities[k]):.4g} from "
                           f"{int(impressions[k])} impression(s)" for k in above[:5]) + (
            f" and {len(above) - 5} more" if len(above) > 5 else "")
        warnings.warn(f"{where}: the estimates at {listed} came out above position 1's and "
                      "were capped at 1 (a position is not examined more than the top); "
                      "log more impressions there, or raise smoothing", UserWarning,
                      stacklevel=caller_stacklevel())
    return np.minimum(propensities, 1.0)


@arguments_named
def ipw_sample_weights(positions: np.ndarray, labels: np.ndarray,
                       propensities: np.ndarray, *, clip: float | None = 0.05,
                       clicked_only: bool = True, per: str | None = None) -> np.ndarray:
    r"""Inverse propensity weights for a ranker's ``sample_weight``.

    .. math:: w_i = \frac{1}{\max(\theta_{k_i}, \text{clip})} \text{ for clicked rows
              } (y_i > 0), \qquad w_i = 1 \text{ otherwise}

    (with ``clicked_only=False`` every row gets :math:`1 / \theta_{k_i}`). Clipping
    bounds the variance that tiny propensities bring (Joachims et al. 2017, sec. 4.3),
    at the price of some bias.

    Parameters
    ----------
    positions : array of int, shape (n,)
        1-based logged position of each row.
    labels : array, shape (n,)
        Clicks (or graded labels, >= 0; > 0 counts as clicked).
    propensities : array of float, shape (n_positions,)
        :math:`\theta_k` at index ``k - 1`` (from :func:`estimate_propensities` or given),
        relative to position 1: the first is 1. Each is > 0 where a weight needs it (a
        click's, every row's with ``clicked_only=False``); a 0 where none does (an
        unsmoothed estimate of a position shown but never clicked) is taken.
    clip : float or None
        Smallest propensity used; None: no clipping.
    per : {"position", "row"} or None
        How ``propensities`` is read: ``"position"``, :math:`\theta_k` at index ``k - 1``
        (as above); ``"row"``, each row's own propensity :math:`\theta_{k_i}` (one per
        row, 1 for the rows at position 1). None (the default): per position, unless the
        propensities have one value per row and would also cover the positions, with other
        weights read per row: that case is read per position with a warning asking which
        is meant (an array of one propensity per row read as a table by position gave
        wrong weights silently).
    """
    where = "ipw_sample_weights"
    check_aligned(("positions", positions), ("labels", labels), error=BanditInputError,
                  where=f"{where}: ")
    given_positions = positions
    positions = as_positions(where, positions)
    # a -1 (a "dislike", or a log's "not shown" code) was read as an unclicked row and
    # weighted 1, silently: refused naming its row, by the rule the rankers' losses share
    clicked = positive_labels(where, labels, meaning="clicks 1/0 or a graded relevance",
                              fix="")
    check_same_length(where, positions=positions, labels=clicked)
    # no rows gave no weights, where estimate_propensities refuses an empty log: one rule
    check_not_empty(where, "positions", positions)
    if per != "position":
        # one propensity per row given as a pandas Series in another order than the
        # positions was paired by position: each row weighted by another row's propensity,
        # silently, where positions and labels were checked (a table by position has no
        # rows to align)
        check_aligned(("positions", given_positions), ("labels", labels),
                      ("propensities", propensities), error=BanditInputError,
                      where=f"{where}: ")
    # true/false read as propensities 1 and 0: a mask given in their place
    refuse_booleans(f"{where}: propensities", propensities, BanditInputError,
                    wanted="estimate_propensities(...)'s examination probabilities")
    propensities = as_float_array(where, "propensities", propensities, ndim=1)
    if per is not None and not (isinstance(per, str) and per in ("position", "row")):
        raise BanditInputError(f"{where}: per must be 'position' (propensities[k - 1] is "
                               "position k's) or 'row' (one propensity per row), got "
                               f"{shown(per)}{did_you_mean(per, ('position', 'row'))}")
    if per is None and len(propensities) == len(positions) > 1 \
            and positions.max() <= len(propensities) \
            and not np.array_equal(propensities[positions - 1], propensities):
        warnings.warn(
            f"{where}: propensities has one value per row ({len(positions)}) and also "
            f"covers the positions 1..{int(positions.max())}, and the two readings give "
            "different weights; it is read per position (propensities[k - 1] is position "
            "k's, as estimate_propensities gives): say which it is, per='position' or "
            "per='row' (each row's own propensity)", UserWarning, stacklevel=caller_stacklevel())
    if clip is not None:
        # propensities are relative to position 1 (1 there): a clip above 1 would raise
        # every position's to it, the top's too (clip=2 gave every click the weight 0.5)
        # its range is (0, 1], named as such in every refusal (0 and NaN were told
        # "(0, inf]", a range whose upper part is refused too)
        try:
            number: float | None = check_number(where, "clip", clip, low=0.0,
                                                low_inclusive=False)
        except BanditInputError:
            number = None
        if number is not None and number > 1:
            raise BanditInputError(f"{where}: clip must be at most 1, got {shown(clip)}: "
                                   "propensities are relative to position 1, whose is 1, so "
                                   "a larger clip would lower every weight below 1; give a "
                                   "clip in (0, 1]")
        clip = check_number(where, "clip", clip, low=0.0, low_inclusive=False, high=1.0)
        if not math.isfinite(1.0 / clip):
            # the weight a clipped propensity gets, 1 / clip, was infinite (1e-320): the
            # rows were then refused advising "clip=0.05, the default", a clip the user had
            # given; the clip itself is what is wrong
            raise BanditInputError(
                f"{where}: clip = {clip!r} is too small for its weight 1 / clip (the largest "
                "weight it allows) to be a float64 number; give a clip of at least 1e-308 "
                "(0.05, the default, bounds the weights at 20)")
    if not isinstance(clicked_only, bool | np.bool_):
        raise BanditInputError(f"{where}: clicked_only must be True or False, got "
                               f"{clicked_only!r}")
    if per == "row":
        return _row_weights(where, positions, clicked, propensities, clip, clicked_only)
    in_table = positions <= len(propensities)  # the others are refused below, by name
    in_use = np.zeros(len(propensities), dtype=bool)
    in_use[positions[in_table & (clicked | (not clicked_only))] - 1] = True
    in_use[:1] = True  # position 1's is the reference the others are relative to
    _refuse_non_positive(where, propensities, in_use, lambda k: f"position {k + 1}",
                         lambda k: _row_at(positions, clicked, clicked_only, k + 1),
                         clicked_only)
    if len(propensities) and not math.isclose(float(propensities[0]), 1.0, rel_tol=1e-6):
        # the weights are 1 / theta_k for clicks and 1 for the other rows: with propensities
        # on another scale (click rates per position, or examination probabilities whose
        # top is not 1) every click was weighted 1 / theta_1 times too much against the
        # non-clicks, and clip bounded the wrong numbers
        raise BanditInputError(
            f"{where}: propensities must be relative to position 1, so the first must be 1 "
            f"(as estimate_propensities gives); it is {float(propensities[0])!r}: divide them "
            "by it (propensities / propensities[0]) if they are click rates or examination "
            "probabilities per position")
    # a position examined more than the top: its clicks were weighted below 1 without a
    # word; inverse weights (1 / theta) or counts given as propensities read so too
    _warn_of_propensities_above_one(where, propensities, lambda k: f"position {k + 1}",
                                    "those positions are")
    if len(positions) and positions.max() > len(propensities):
        # an empty array was "propensities cover 1..0"; no row or value was named
        row = int(np.flatnonzero(positions > len(propensities))[0])
        covered = (f"cover 1..{len(propensities)}" if len(propensities)  # positions
                   else "is empty")
        raise BanditInputError(
            f"{where}: propensities {covered}, but row {row} was shown at position "
            f"{int(positions[row])} (positions run up to {int(positions.max())}); give one "
            f"propensity per position up to {int(positions.max())} (estimate_propensities("
            f"..., n_positions={int(positions.max())})), or per='row' for one per row")
    theta = propensities if clip is None else np.maximum(propensities, float(clip))
    with np.errstate(over="ignore", divide="ignore"):
        weights = 1.0 / theta[positions - 1]
    # only the weights taken count: an unclicked row's 1 / 0 is replaced by 1 below
    unusable = ~np.isfinite(weights) & (clicked | (not clicked_only))
    if unusable.any():
        row = int(np.flatnonzero(unusable)[0])
        raise BanditInputError(f"{where}: row {row}'s weight 1 / propensity "
                               f"{float(theta[positions[row] - 1])!r} (position "
                               f"{int(positions[row])}) passes float64; clip the propensities "
                               "(clip=0.05, the default; clip=None was given)")
    if clicked_only:
        weights = np.where(clicked, weights, 1.0)
    return weights


def _warn_of_propensities_above_one(where: str, propensities: np.ndarray,
                                    name: Callable[[int], str], were: str) -> None:
    """Warn of propensities above 1 (relative to position 1, whose is 1): the clicks they
    cover get weights below 1. ``name`` names an entry by its index (a position or a row),
    ``were`` says what those entries are ("those positions are")."""
    above = np.flatnonzero(propensities > 1.0 + 1e-9)
    if not len(above):
        return
    listed = ", ".join(f"{name(int(k))}: {float(propensities[k]):.4g}"
                       for k in above[:5]) + (f" and {len(above) - 5} more"
                                              if len(above) > 5 else "")
    warnings.warn(f"{where}: propensities above 1 ({listed}) say {were} examined more than "
                  "position 1, so their clicks get weights below 1; if they are estimates "
                  "from few impressions, cap them (np.minimum(propensities, 1)); if they are "
                  "weights 1 / theta or click counts, give the propensities theta instead",
                  UserWarning, stacklevel=caller_stacklevel())


def _refuse_non_positive(where: str, propensities: np.ndarray, in_use: np.ndarray,
                         name: Callable[[int], str], row_of: Callable[[int], int] | None,
                         clicked_only: bool) -> None:
    """Refuse a negative propensity, and a propensity of 0 that a weight needs: ``in_use``
    marks the entries (positions or rows) whose ``1 / theta`` some row's weight takes (a
    click's, or every row's with ``clicked_only=False``; position 1's always, the reference).

    A 0 where no weight needs it is taken: ``estimate_propensities(..., smoothing=0)`` gives
    0 to a position shown but never clicked, and the same log's weights were refused as "a
    position nobody examines cannot be reweighted", though its rows are all unclicked and
    weigh 1 (``clicked_only=True``, the default)."""
    bad = (propensities < 0) | ((propensities == 0) & in_use)
    if not bad.any():
        return
    k = int(np.flatnonzero(bad)[0])
    value = float(propensities[k])
    # a 0 a weight needs: the row that needs it, and where such a 0 comes from
    needed = "" if value < 0 or row_of is None or k == 0 else (
        f", and row {row_of(k)} there "
        + ("is clicked" if clicked_only else "needs its weight (clicked_only=False weights "
                                             "every row)"))
    unclicked = "" if value < 0 or clicked_only else (
        "; estimate_propensities(..., smoothing=0) gives 0 to a position shown but never "
        "clicked: give smoothing > 0, or keep clicked_only=True (unclicked rows weigh 1)")
    unit = "a position" if row_of is not None else "a row"
    raise BanditInputError(f"{where}: propensities must be > 0 ({unit} nobody examines "
                           f"cannot be reweighted); {name(k)} has {value!r}{needed}"
                           f"{unclicked}")


def _row_at(positions: np.ndarray, clicked: np.ndarray, clicked_only: bool,
            position: int) -> int:
    """The first row at ``position`` whose weight is ``1 / theta`` (a click's, or any row's
    with ``clicked_only=False``)."""
    rows = (positions == position) & (clicked | (not clicked_only))
    return int(np.flatnonzero(rows)[0])


def _row_weights(where: str, positions: np.ndarray, clicked: np.ndarray,
                 propensities: np.ndarray, clip: float | None, clicked_only: bool
                 ) -> np.ndarray:
    """:func:`ipw_sample_weights` for ``per="row"``: each row's own propensity, checked by
    the rules of the table by position (> 0, relative to position 1), naming rows
    (``clip`` and ``clicked_only`` checked by the caller)."""
    if len(propensities) != len(positions):
        raise BanditInputError(f"{where}: per='row' needs one propensity per row "
                               f"({len(positions)}), got {len(propensities)}")
    _refuse_non_positive(where, propensities, clicked | (not clicked_only) | (positions == 1),
                         lambda row: f"row {row}", None,
                         clicked_only)
    top = (positions == 1) & ~np.isclose(propensities, 1.0, rtol=1e-6, atol=0.0)
    if top.any():
        row = int(np.argmax(top))
        raise BanditInputError(
            f"{where}: propensities must be relative to position 1, so a row at position 1 "
            f"has 1; row {row} has {float(propensities[row])!r}: divide them by the "
            "propensity of position 1 if they are click rates or examination probabilities")
    # a row's propensity above 1 gave its click a weight below 1 without a word, where the
    # same value in a table by position is warned of: one rule for both readings
    _warn_of_propensities_above_one(
        where, propensities, lambda row: f"row {row} at position {int(positions[row])}",
        "those rows were")
    theta = propensities if clip is None else np.maximum(propensities, float(clip))
    with np.errstate(over="ignore", divide="ignore"):
        weights = 1.0 / theta
    unusable = ~np.isfinite(weights) & (clicked | (not clicked_only))
    if unusable.any():
        row = int(np.flatnonzero(unusable)[0])
        raise BanditInputError(f"{where}: row {row}'s weight 1 / propensity "
                               f"{float(theta[row])!r} passes float64; clip the propensities "
                               "(clip=0.05, the default; clip=None was given)")
    return np.where(clicked, weights, 1.0) if clicked_only else weights


def as_positions(where: str, positions: Any) -> np.ndarray:
    """Logged positions as int64: a 1-D array of whole numbers from 1 (the top) to
    :data:`MAX_POSITION`."""
    try:
        given = np.asarray(positions)
    except (TypeError, ValueError):
        # lists of different lengths: numpy's "inhomogeneous shape" ValueError escaped
        # here; as_float_array below refuses them in words
        given = np.asarray([])
    if given.dtype == bool:
        raise BanditInputError(f"{where}: positions must be whole numbers >= 1, got "
                               "true/false values")
    # one among whole numbers was the position 1 (True) or refused as 0 (False)
    mixed = first_true_false(given)
    if mixed is not None:
        raise BanditInputError(f"{where}: positions must be whole numbers >= 1, got the "
                               f"true/false value {mixed[1]!r} at {mixed[0]}")
    array = as_float_array(where, "positions", positions, ndim=1)
    bad = (array != np.round(array)) | (array < 1) | (array > MAX_POSITION)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        # a 0 is a position counted from 0, or a click given in the positions' place
        zero = (" (positions count from 1: add 1 to positions counted from 0; or were the "
                "clicks given in their place?)" if array[row] == 0 else "")
        raise BanditInputError(f"{where}: positions must be whole numbers from 1 (the top) to "
                               f"{MAX_POSITION}; row {row} is {float(array[row])!r}{zero}")
    floating = _first_float(positions) if len(array) else None
    if floating is not None:
        # whole floats refused too, as every index argument of the project (as_index_array):
        # 1.0 is more often a score, a click or a propensity given in the wrong place
        raise BanditInputError(
            f"{where}: positions must be integers, got floats ({float(array[floating])!r} at "
            f"row {floating}); pass whole numbers (positions.astype(int) if they are "
            "positions)")
    return array.astype(np.int64)


def _first_float(value: Any) -> int | None:
    """The row of the first float in ``value`` (a float array or pandas column: row 0; a
    list: its first float entry), or None when it holds none."""
    dtype = getattr(value, "dtype", None)
    if dtype is not None and not isinstance(dtype, np.dtype):
        return 0 if "float" in str(dtype).lower() else None  # pandas' Float64 and the like
    if dtype is not None and dtype.kind == "f":
        return 0
    if dtype is None or dtype.kind == "O":
        rows = np.asarray(value, dtype=object).ravel()
        return next((row for row, v in enumerate(rows)
                     if isinstance(v, float | np.floating)), None)
    return None


@arguments_named
def with_serving_position(frame: FeatureFrame, value: float = 1.0, *,
                          feature: str = "position") -> FeatureFrame:
    """A copy of ``frame`` with the numeric feature ``feature`` set to ``value`` on every
    row (what a ranker with ``serving_position`` does inside ``score``)."""
    from recstack.pipeline.rankers.base import check_frame, with_position

    where = "with_serving_position"
    check_frame(frame, where)
    # a position as logged ones are (1 = the top): NaN marked every row's position missing
    # and text ("3") was read as the number
    value = check_number(where, "value", value, low=1.0, high=MAX_POSITION)
    # the module's error class, as for every other argument of it (a plain RecstackError
    # escaped ``except ValueError``, which caught a wrong value)
    problem = frame.schema.missing_numeric(feature)
    if problem is not None:
        raise BanditInputError(f"{where}: feature: {problem}")
    return with_position(frame, feature, value)
