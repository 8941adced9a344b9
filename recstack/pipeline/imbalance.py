r"""Imbalanced binary labels: negative downsampling, class weights and the probability
correction, shared by every pointwise model trained on 0/1 labels (the rankers' training
data, :mod:`recstack.pipeline.training_data`, and the Bayesian logistic regression,
:mod:`recstack.pipeline.bayesian`).

Clicks, purchases and watched-to-the-end are rare: most examples are negatives. Two ways
to train on fewer or lighter negatives, and what each does to predicted probabilities:

- **Uniform negative downsampling** (:func:`downsample_negatives`): every positive is
  kept and each negative with probability :math:`w`. A model fitted on the sample
  estimates the sample's odds, the original odds divided by :math:`w`.
- **Class weights** (:func:`class_weights`, ``balanced``: :math:`c_y = N / (2 N_y)` as
  scikit-learn's ``class_weight="balanced"``): a weighted likelihood whose optimum has the
  odds multiplied by :math:`c_1 / c_0`, the same as keeping a share
  :math:`c_0 / c_1` of the negatives.

Either way the probability on the original scale is (He et al. 2014, "Practical lessons
from predicting clicks on ads at Facebook")

.. math:: q = \frac{p}{p + (1 - p) / r}

(:func:`correct_probability`), with :math:`r` the factor the negatives' weight was
multiplied by: :math:`w` for downsampling, :math:`c_0 / c_1` for class weights,
:math:`w\, c_0 / c_1` for both. Ranking is unchanged (the map is increasing); only the
probabilities move back to the true base rate.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from recstack.data.interactions import caller_stacklevel
from recstack.data.splits import exact_share
from recstack.errors import ConfigError, shown
from recstack.metrics._validation import exact_as_float
from recstack.pipeline.bandit_checks import (
    BanditInputError,
    as_float_array,
    check_count,
    check_not_empty,
    check_number,
    check_unit_interval,
    percentage_hint,
    refuse_booleans,
)
from recstack.specs import SEED_MAX, arguments_named, finite_or_infinite, number_spelling_hint

__all__ = ["TooFewNegativesWarning", "ceil_share", "class_weights", "correct_probability",
           "downsample_negatives", "positive_labels"]


def ceil_share(fraction: Any, count: Any) -> Any:
    """``ceil(fraction x count)`` with ``fraction`` read exactly as written
    (:func:`recstack.data.splits.exact_share`), in integers: in floating point 0.07 x 100
    is 7.000000000000001 and 0.28 x 25 is 7.000000000000001, whose ceiling took 8 where the
    share is 7 exactly. ``count``: an int (an int back) or an integer array (an int64
    array back, one per element). For the shares whose documented rule is the ceiling (a
    re-ranker's head of the catalog, the hard negatives kept per user); a split's share is
    rounded by :func:`recstack.data.splits.share_count`. A ``fraction`` that is not a
    finite number >= 0, or a ``count`` that is not a whole number >= 0, is refused with a
    :class:`~recstack.pipeline.bandit_checks.BanditInputError`."""
    # unchecked, a NaN or infinite share failed in Fraction ("Invalid literal for
    # Fraction: 'nan'"), a negative one gave a negative count, and a count of 2.7 was cut
    # to 2 (int(2.7)) and true read as 1, without a word
    check_number("ceil_share", "fraction", fraction, low=0.0)
    if isinstance(count, np.ndarray):
        if count.dtype.kind not in "iu":
            raise BanditInputError(f"ceil_share: count must be an int or an integer array, "
                                   f"got an array of {count.dtype}")
        if count.size and int(count.min()) < 0:
            index = tuple(int(i) for i in np.unravel_index(int(np.argmin(count)),
                                                           count.shape))
            raise BanditInputError(f"ceil_share: count must be >= 0, position {list(index)} "
                                   f"is {int(count[index])}")
    else:
        count = check_count("ceil_share", "count", count, low=0)
    share = exact_share(fraction)

    def one(n: int) -> int:
        return -(-share.numerator * n // share.denominator)

    if isinstance(count, np.ndarray):
        sizes, where = np.unique(count, return_inverse=True)
        return np.array([one(int(n)) for n in sizes], dtype=np.int64)[where].reshape(
            count.shape)
    return one(int(count))


class TooFewNegativesWarning(UserWarning):
    """Uniform negative downsampling kept no negative, its rate keeping less than one of
    them on average (``negative_rate = 1e-12`` of 168 negatives): the model learns from the
    positives alone. The message names the smallest rate that keeps one on average."""


@arguments_named
def downsample_negatives(labels: np.ndarray, rate: float, *, seed: int = 0,
                         name: str = "downsample_negatives: rate") -> np.ndarray:
    """Rows to keep (sorted positions): every positive (label > 0, see
    :func:`positive_labels`) and each negative independently with probability ``rate``
    (:math:`w \\in (0, 1]`), seeded. A :class:`TooFewNegativesWarning` (naming the
    caller's argument ``name``) when the rate keeps less than one negative on average and
    none was kept."""
    rate = _check_rate(rate, "downsample_negatives: rate (the share of negatives kept)",
                       upper=True)
    # numpy's own check of a seed is a ValueError (negative) or TypeError (a fraction)
    seed = check_count("downsample_negatives", "seed", seed, low=0, high=SEED_MAX)
    positive = positive_labels("downsample_negatives", labels)
    check_not_empty("downsample_negatives", "labels", positive)
    if rate == 1:
        return np.arange(len(positive))
    drawn = np.random.default_rng(seed).random(len(positive))
    kept = positive | (drawn < rate)
    n_negative = int(np.count_nonzero(~positive))
    if n_negative and positive.any() and not (kept & ~positive).any() \
            and rate * n_negative < 1:
        # a rate such as 1e-12 kept no negative: a model was fitted on the positives alone,
        # and its probabilities then corrected by that rate, silently
        warnings.warn(
            f"{name} = {rate!r} keeps {rate * n_negative:.3g} of the {n_negative:,} "
            "negatives on average, and kept none: what is learned comes from the "
            "positives alone, and probabilities corrected by the rate mean nothing; use a "
            f"rate of at least 1/{n_negative:,} = {1 / n_negative:.3g} (one negative kept "
            "on average), or 1 to keep every negative",
            TooFewNegativesWarning, stacklevel=caller_stacklevel())
    return np.flatnonzero(kept)


@arguments_named
def correct_probability(p: np.ndarray | float, rate: float) -> np.ndarray:
    r"""Put a probability learned with lighter negatives back on the original scale:
    :math:`q = p / (p + (1 - p) / r)`, ``rate`` being :math:`r` (He et al. 2014; see the
    module docstring).

    Parameters
    ----------
    p : float or array_like of float
        The model's probabilities, each in [0, 1], of any shape (a list of lists must have
        rows of one length). 0 and 1 stay 0 and 1 at every rate.
    rate : float
        One finite number > 0, for all of ``p``: the factor the negatives' weight was
        multiplied by in training. It has two meanings, and either may be below or above
        1:

        - *downsampling*: the share of negatives kept, in (0, 1]. Negatives downsampled
          to 5%: ``rate=0.05``.
        - *class weights*: :math:`c_0 / c_1`, the negatives' class weight over the
          positives'. It is above 1 whenever positives are the majority (``balanced``
          weights give the smaller class the larger weight): :math:`c_0 / c_1 = 5`:
          ``rate=5``. Here 5 means five times, not 5%.

        Both at once multiply: 5% of the negatives kept and then weighted with
        :math:`c_0 / c_1 = 5` is ``rate=0.25``. A rate of 1 leaves ``p`` as it is.

    Returns
    -------
    numpy.ndarray
        :math:`q`, float64, of ``p``'s shape (a numpy float for a single number).

    Raises
    ------
    ConfigError
        ``rate`` that is not one finite number > 0 (NaN, infinite, 0, negative, text, a
        flag, a list or array).
    BanditInputError
        ``p`` outside [0, 1] (percentages are said to be), NaN, true/false flags, text,
        rows of different lengths, or a masked array.

    Examples
    --------
    Negatives downsampled to 5%: a model's 0.5 is :math:`0.05 / 1.05`:

    >>> round(float(correct_probability(0.5, rate=0.05)), 6)
    0.047619

    Class weights with :math:`c_0 / c_1 = 5`: a model's 0.5 is :math:`5 / 6`:

    >>> round(float(correct_probability(0.5, rate=5)), 6)
    0.833333
    """
    rate = _check_rate(rate, "correct_probability: rate (the factor the negatives' weight was "
                       "multiplied by: the share of negatives kept, c0 / c1 under class "
                       "weights)", upper=False)
    # True read as the probability 1: a label or a mask given in place of the probabilities
    refuse_booleans("correct_probability: p", p, BanditInputError,
                    wanted="the model's probabilities")
    p = as_float_array("correct_probability", "p", p, ndim=None)
    check_unit_interval("correct_probability", "p", p, percentages=True)
    return scaled_odds(p, rate)


def scaled_odds(p: np.ndarray, rate: float) -> np.ndarray:
    r""":math:`q = p / (p + (1 - p) / r)`: the probabilities ``p`` (in [0, 1]) with their
    odds multiplied by ``rate`` (:math:`r > 0`), both checked by the caller, written so
    that no step overflows: with a tiny rate (``1e-320``), :math:`(1 - p) / r` was infinite
    (numpy's "overflow encountered in divide"), so a rate up to 1 multiplies :math:`p`
    instead, and one above 1 divides :math:`1 - p`."""
    with np.errstate(under="ignore"):
        if rate <= 1:
            kept = p * rate  # at most p: no overflow; 0 only where the odds are below 1e-308
            return kept / (kept + (1.0 - p))
        return p / (p + (1.0 - p) / rate)


@arguments_named
def class_weights(labels: np.ndarray) -> np.ndarray:
    r"""Per-row weights that balance the classes: :math:`w_c = N / (2 N_c)` for class
    :math:`c \in \{0, 1\}` with :math:`N_c` rows of :math:`N` (each class then weighs
    :math:`N/2` in total). A class without rows leaves the weights at 1. Positives are the
    labels > 0 (see :func:`positive_labels`)."""
    positive = positive_labels("class_weights", labels)
    check_not_empty("class_weights", "labels", positive)
    n, n_positive = len(positive), int(positive.sum())
    if n_positive in (0, n):
        return np.ones(n, np.float32)
    return np.where(positive, n / (2.0 * n_positive),
                    n / (2.0 * (n - n_positive))).astype(np.float32)


def positive_labels(where: str, labels: Any, *,
                    meaning: str = "1 or a grade > 0 for a positive, 0 for a negative",
                    fix: str = "; map -1/+1 labels to 0/1 first",
                    error: type[Exception] = BanditInputError) -> np.ndarray:
    """Which rows of the 1-D ``labels`` are positives: labels > 0, as the rankers' pointwise
    losses read them (1/0 clicks, a graded relevance 1, 2, 3..., or true/false); 0 is a
    negative. A label below 0 is refused naming its row: a -1/+1 labelling (or -1 written
    for "no label") was read as a negative, silently. ``meaning`` and ``fix`` word the
    message for the caller's labels (what they hold, and the remedy after the row);
    ``error`` is the caller's class of refusal."""
    values = as_float_array(where, "labels", labels, ndim=1, error=error)
    negative = values < 0
    if negative.any():
        row = int(np.argmax(negative))
        raise error(f"{where}: labels must be >= 0 ({meaning}), row {row} is "
                    f"{float(values[row])!r}{fix}")
    return values > 0


def _check_rate(rate: float, what: str, *, upper: bool) -> float:
    """``rate`` as a float: a share in (0, 1] (``upper``; one given as a percentage, 50, is
    said to be one), or a finite factor > 0 (the bound was written "in (0, inf)", which
    named a bound no finite number reaches)."""
    # an integer past the float range is refused as an infinity (np.isfinite raised a
    # TypeError on it)
    given, rate = rate, exact_as_float(rate)
    if isinstance(rate, bool | np.bool_) or not isinstance(rate, numbers.Real) \
            or not rate > 0 or (upper and rate > 1) \
            or not np.isfinite(finite_or_infinite(rate)):
        if upper:
            raise ConfigError(f"{what} must be in (0, 1], got {shown(given)}"
                              f"{percentage_hint(given)}"
                              f"{number_spelling_hint(given, float, 'rate')}")
        raise ConfigError(f"{what} must be a finite number > 0 (1 leaves the probabilities "
                          f"as they are), got {shown(given)}"
                          f"{number_spelling_hint(given, float, 'rate')}"
                          f"{_one_rate_hint(given)}")
    return float(rate)


def _one_rate_hint(given: Any) -> str:
    """What to write for a rate given as a list or an array, which was refused as any other
    bad value: one rate holds for all the probabilities."""
    if isinstance(given, str | bytes) or not isinstance(given, np.ndarray | list | tuple):
        return ""
    values = np.asarray(given, dtype=object).ravel()
    if len(values) == 1:
        return f" (one number, not a collection: rate = {shown(values[0])})"
    return (" (one number for all of p, not one per value: call correct_probability once "
            "per rate for probabilities corrected by different rates)")
