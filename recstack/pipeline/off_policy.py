r"""Off-policy evaluation: the value of a new policy estimated from a log of an old one.

The log holds, for rounds :math:`t = 1..n`, the action shown :math:`a_t`, the probability
:math:`\pi_0(a_t \mid x_t)` with which the logging policy chose it (its *propensity*) and
the reward :math:`r_t`. The evaluated (target) policy is given as its action probabilities
:math:`\pi(a \mid x_t)` for every round and action, an array (n, n_actions) whose rows sum
to 1 (:func:`deterministic_target` builds it for a policy that picks one action; a
true/false array with one true per row is that policy too, read as 1 and 0, while a row
with no true or several is refused, as a row of numbers that does not sum to 1). With the
importance weight :math:`w_t = \pi(a_t \mid x_t) / \pi_0(a_t \mid x_t)` and, for the
model-based estimators, a reward model's predictions :math:`\hat q(x_t, a)` (n, n_actions):

.. math::

   \hat V_{\mathrm{IPS}} = \frac1n \sum_t w_t r_t
   \qquad
   \hat V_{\mathrm{SNIPS}} = \frac{\sum_t w_t r_t}{\sum_t w_t}

   \hat V_{\mathrm{DM}} = \frac1n \sum_t \hat q(x_t, \pi), \qquad
   \hat q(x_t, \pi) = \sum_a \pi(a \mid x_t)\, \hat q(x_t, a)

   \hat V_{\mathrm{DR}} = \frac1n \sum_t \Big[\hat q(x_t, \pi)
                          + w_t \big(r_t - \hat q(x_t, a_t)\big)\Big]

(IPS: Horvitz & Thompson 1952, Strehl et al. 2010; SNIPS: Swaminathan & Joachims 2015;
DM and DR: Dudík, Langford & Li 2011, "Doubly Robust Policy Evaluation and Learning",
eq. 1-3). IPS and DR are unbiased when the propensities are right; DR also needs only one
of the propensities and the reward model to be right; SNIPS trades a small bias for less
variance; DM is as good as its reward model. The definitions are those of Open Bandit
Pipeline (``obp.ope``), which the tests check agreement with.

**Confidence intervals.** ``interval="normal"``: each estimate is the mean of per-round
terms :math:`\psi_t` (the summands above; for SNIPS the linearised terms
:math:`\psi_t = \hat V + w_t (r_t - \hat V) / \bar w`, the delta method), and the interval
is :math:`\hat V \pm z_{1 - \alpha/2}\, s_\psi / \sqrt n` with :math:`s_\psi` the sample
standard deviation. ``interval="bootstrap"``: the ``alpha/2`` and ``1 - alpha/2``
percentiles of the estimator recomputed on ``n_bootstrap`` resamples of the rounds with
replacement (SNIPS re-normalised on each resample), seeded. ``confidence`` is a level in
(0, 1); ``n_bootstrap`` an integer from 2 to 1,000,000, and with the bootstrap at least
:math:`\lceil 2 / \alpha \rceil` (40 for 95%), so that each tail holds a resample. A value
outside these, of another type (a float, true/false) or an unknown option is a
:class:`~recstack.errors.ConfigError` naming it. With ``interval="normal"`` the two
bootstrap options are unused: an ``n_bootstrap`` or ``seed`` other than its default is
warned of (a ``UserWarning``), not silently ignored.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats

from recstack.data.interactions import caller_stacklevel
from recstack.errors import ConfigError, shown, shown_number
from recstack.metrics._scale import working_unit
from recstack.metrics._validation import check_aligned, exact_as_float, exact_as_int
from recstack.pipeline.bandit_checks import (
    BanditInputError,
    as_float_array,
    as_index_array,
    check_count,
    check_not_empty,
    check_same_length,
    check_shape,
    check_unit_interval,
    refuse_booleans,
)
from recstack.specs import (
    SEED_MAX,
    SEED_RULE,
    arguments_named,
    did_you_mean,
    finite_or_infinite,
    number_spelling_hint,
)

__all__ = ["ESTIMATORS", "OffPolicyEstimate", "deterministic_target", "direct_method",
           "doubly_robust", "estimate_all", "ips", "snips"]

Interval = Literal["normal", "bootstrap"]
# resampled rounds held at once by the bootstrap: bounds its memory at ~32 MiB of indices
_BOOTSTRAP_CELLS = 1 << 22
# rows of the target policy may miss 1 by rounding, not by more
_ROW_SUM_TOLERANCE = 1e-6
# bootstrap resamples one call may ask for (their estimates take 8 bytes each)
_MAX_BOOTSTRAP = 1_000_000
#: resamples of the bootstrap interval unless told (the estimators' default n_bootstrap)
_DEFAULT_BOOTSTRAP = 2000
# probabilities of a dense target built by deterministic_target (8 bytes each: 2 GiB)
_MAX_TARGET_CELLS = 1 << 28


@dataclass(frozen=True)
class OffPolicyEstimate:
    """An estimated policy value with its confidence interval.

    Attributes
    ----------
    estimator : str
        ``"ips"``, ``"snips"``, ``"dm"`` or ``"dr"``.
    value : float
    lower, upper : float
        The interval's bounds.
    std_error : float
        Standard error of the normal approximation, :math:`s_\\psi / \\sqrt n` (reported
        with either interval).
    confidence : float
    interval : str
        ``"normal"`` or ``"bootstrap"``.
    n_rounds : int
    """

    estimator: str
    value: float
    lower: float
    upper: float
    std_error: float
    confidence: float
    interval: str
    n_rounds: int


@arguments_named
def deterministic_target(actions: Any, n_actions: int) -> np.ndarray:
    """The action probabilities (n, n_actions) of a policy that picks ``actions[t]`` in
    round ``t`` (one-hot rows)."""
    where = "deterministic_target"
    n_actions = check_count(where, "n_actions", n_actions)
    actions = as_index_array(where, "actions", actions, ndim=1, size=n_actions, what="action")
    check_not_empty(where, "actions", actions, "round")
    if len(actions) * n_actions > _MAX_TARGET_CELLS:
        raise BanditInputError(f"{where}: {len(actions)} rounds x {shown_number(n_actions)} "
                               f"actions is more "
                               f"than the {_MAX_TARGET_CELLS} probabilities a dense target "
                               "may hold; estimate on a sample of rounds")
    target = np.zeros((len(actions), n_actions))
    target[np.arange(len(actions)), actions] = 1.0
    return target


# --------------------------------------------------------------------------- estimators
@arguments_named
def ips(rewards: Any, actions: Any, propensities: Any, target: Any, *,
        confidence: float = 0.95, interval: Interval = "normal", n_bootstrap: int = 2000,
        seed: int = 0) -> OffPolicyEstimate:
    """Inverse propensity scoring (module docstring).

    Parameters
    ----------
    rewards : array (n,)
    actions : array of int (n,)
        The logged actions, indices into the columns of ``target``.
    propensities : array (n,) in (0, 1]
        The logging policy's probability of each logged action.
    target : array (n, n_actions)
        The evaluated policy's action probabilities; rows sum to 1 (true/false: one true
        per row, a deterministic policy).
    confidence, interval, n_bootstrap, seed
        The confidence interval (module docstring).
    """
    where = "ips"
    r, a, p, pi = _check_log(where, rewards, actions, propensities, target)
    weight = _importance_weights(where, a, p, pi)
    with np.errstate(over="ignore"):  # terms past float64 are refused by _estimate
        terms = weight * r
    return _estimate(where, terms, None, confidence, interval, n_bootstrap, seed)


@arguments_named
def snips(rewards: Any, actions: Any, propensities: Any, target: Any, *,
          confidence: float = 0.95, interval: Interval = "normal", n_bootstrap: int = 2000,
          seed: int = 0) -> OffPolicyEstimate:
    """Self-normalised inverse propensity scoring; arguments as :func:`ips`."""
    where = "snips"
    r, a, p, pi = _check_log(where, rewards, actions, propensities, target)
    weight = _importance_weights(where, a, p, pi)
    if not weight.sum() > 0:
        raise BanditInputError("snips: the target policy gives probability 0 to every logged "
                               "action, so the self-normalised estimate is undefined")
    with np.errstate(over="ignore"):  # terms past float64 are refused by _estimate
        terms = weight * r
    return _estimate(where, terms, weight, confidence, interval, n_bootstrap, seed)


@arguments_named
def direct_method(target: Any, reward_model: Any, *, confidence: float = 0.95,
                  interval: Interval = "normal", n_bootstrap: int = 2000, seed: int = 0
                  ) -> OffPolicyEstimate:
    """The direct method: the reward model's value of the target policy.

    Parameters
    ----------
    target : array (n, n_actions)
        The evaluated policy's action probabilities; rows sum to 1.
    reward_model : array (n, n_actions)
        :math:`\\hat q(x_t, a)`: the predicted reward of every action in every round.
    """
    where = "direct_method"
    check_aligned(("target", target), ("reward_model", reward_model),
                  error=BanditInputError, where=f"{where}: ")
    pi = _check_target(where, target)
    q = _reward_model(where, reward_model, pi.shape)
    with np.errstate(over="ignore", invalid="ignore"):  # refused by _estimate
        terms = np.einsum("ij,ij->i", pi, q)
    return _estimate("dm", terms, None, confidence, interval, n_bootstrap, seed)


@arguments_named
def doubly_robust(rewards: Any, actions: Any, propensities: Any, target: Any,
                  reward_model: Any, *, confidence: float = 0.95,
                  interval: Interval = "normal", n_bootstrap: int = 2000, seed: int = 0
                  ) -> OffPolicyEstimate:
    """Doubly robust estimation; arguments as :func:`ips` and :func:`direct_method`."""
    where = "doubly_robust"
    # the reward model's rows against the log's too: a DataFrame of predicted rewards in
    # another order than pandas rewards, beside a plain target array, credited each round
    # with another round's predictions, silently
    _check_log_and_model_aligned(where, rewards, actions, propensities, target, reward_model)
    r, a, p, pi = _check_log(where, rewards, actions, propensities, target)
    q = _reward_model(where, reward_model, pi.shape)
    rows = np.arange(len(a))
    weight = _importance_weights(where, a, p, pi)
    with np.errstate(over="ignore", invalid="ignore"):  # refused by _estimate
        terms = np.einsum("ij,ij->i", pi, q) + weight * (r - q[rows, a])
    return _estimate("dr", terms, None, confidence, interval, n_bootstrap, seed)


@arguments_named
def estimate_all(rewards: Any, actions: Any, propensities: Any, target: Any,
                 reward_model: Any = None, **interval_options: Any
                 ) -> dict[str, OffPolicyEstimate]:
    """IPS and SNIPS, and with a ``reward_model`` also DM and DR, by estimator name."""
    known = ("confidence", "interval", "n_bootstrap", "seed")
    unknown = sorted(set(interval_options) - set(known))
    if unknown:
        # a misspelt option (n_boot) was named, but not the one meant
        raise ConfigError(f"estimate_all: unknown option(s) {unknown}"
                          f"{did_you_mean(unknown[0], known)}; the interval options are "
                          "confidence, interval, n_bootstrap and seed")
    if reward_model is not None:
        # before any estimate: the direct method alone has no log to pair the model with
        _check_log_and_model_aligned("estimate_all", rewards, actions, propensities, target,
                                     reward_model)
    out = {"ips": ips(rewards, actions, propensities, target, **interval_options),
           "snips": snips(rewards, actions, propensities, target, **interval_options)}
    if reward_model is not None:
        out["dm"] = direct_method(target, reward_model, **interval_options)
        out["dr"] = doubly_robust(rewards, actions, propensities, target, reward_model,
                                  **interval_options)
    return out


#: the estimators by name
ESTIMATORS = {"ips": ips, "snips": snips, "dm": direct_method, "dr": doubly_robust}


# --------------------------------------------------------------------------- machinery
def _estimate(name: str, terms: np.ndarray, weight: np.ndarray | None, confidence: float,
              interval: str, n_bootstrap: int, seed: int) -> OffPolicyEstimate:
    """The estimate from its per-round terms (``weight``: SNIPS's importance weights, the
    terms then being ``w r``), with the requested interval."""
    n_bootstrap, seed = _check_interval_options(name, confidence, interval, n_bootstrap, seed)
    confidence = float(exact_as_float(confidence))  # a Decimal: Decimal - float failed
    n = len(terms)
    # the estimate and its spread scale with the terms: terms beyond 1e100 or below 1e-100
    # are summed and squared in units of the largest, then scaled back (rewards of 1e-300
    # had a standard error of exactly 0, so the interval was the estimate itself, claiming
    # certainty; rewards of 1e200 were refused as overflowing although the estimate and its
    # interval are finite)
    unit = working_unit(terms)
    scaled = terms / unit
    with np.errstate(over="ignore", invalid="ignore"):
        if weight is None:
            value = float(scaled.mean())
            linear = scaled
        else:
            value = float(scaled.sum() / weight.sum())
            linear = value + (scaled - weight * value) / weight.mean()
        std_error = float(linear.std(ddof=1) / np.sqrt(n)) * unit
        value *= unit
    if not (np.isfinite(terms).all() and np.isfinite(value) and np.isfinite(std_error)):
        # sums past float64: the estimate was reported as inf with a NaN interval
        row = int(np.argmax(np.where(np.isfinite(terms), np.abs(terms), np.inf)))
        raise BanditInputError(
            f"{name}: the estimate overflows float64 (round {row}'s term is "
            f"{float(terms[row]):.3g}): rewards, reward-model predictions or importance "
            "weights (target / propensity) that large have no finite mean; rescale the "
            "rewards (e.g. to [0, 1]) and check the smallest propensities")
    if interval == "normal":
        # from the upper tail: 0.5 + confidence / 2 rounded to 1 for a level such as
        # 1 - 2**-53 (valid, below 1), and the interval was (-inf, inf) without a word
        half = float(stats.norm.isf((1.0 - confidence) / 2)) * std_error
        lower, upper = value - half, value + half
    else:
        replicates = _bootstrap(scaled, weight, n_bootstrap, seed)
        alpha = 1.0 - confidence
        lower, upper = (float(x) * unit
                        for x in np.quantile(replicates, [alpha / 2, 1 - alpha / 2]))
    if not (math.isfinite(lower) and math.isfinite(upper)):
        # an estimate near the float64 limit whose interval reaches past it
        raise BanditInputError(
            f"{name}: the interval of the estimate {value:.3g} passes the float64 range "
            f"(about 1.8e308): rewards or reward-model predictions that large leave no room "
            "for it; rescale the rewards (e.g. to [0, 1]) and scale the estimate back")
    return OffPolicyEstimate(estimator=name, value=value, lower=lower, upper=upper,
                             std_error=std_error, confidence=float(confidence),
                             interval=interval, n_rounds=n)


def _bootstrap(terms: np.ndarray, weight: np.ndarray | None, n_bootstrap: int, seed: int
               ) -> np.ndarray:
    """The estimate on ``n_bootstrap`` resamples of the rounds, in blocks of resamples."""
    rng = np.random.default_rng(seed)
    n = len(terms)
    out = np.empty(n_bootstrap)
    block = max(1, _BOOTSTRAP_CELLS // n)
    for start in range(0, n_bootstrap, block):
        stop = min(start + block, n_bootstrap)
        index = rng.integers(0, n, size=(stop - start, n))
        if weight is None:
            out[start:stop] = terms[index].mean(axis=1)
        else:
            total = weight[index].sum(axis=1)
            # a resample without any weight has no self-normalised value; it counts as 0,
            # the value every round's reward-free estimate would give
            out[start:stop] = np.divide(terms[index].sum(axis=1), total,
                                        out=np.zeros(stop - start), where=total > 0)
    return out


def _check_interval_options(where: str, confidence: Any, interval: Any, n_bootstrap: Any,
                            seed: Any) -> tuple[int, int]:
    """Refuse a bad interval option; ``n_bootstrap`` and ``seed`` as ints (a whole
    ``Decimal("2000")`` is 2000, as every count of the pipeline reads it)."""
    # an integer past the float range is an infinity here (float() raised OverflowError)
    # an exact number (Decimal("0.9")) is read as its float, as every numeric option is
    read = exact_as_float(confidence)
    level = (finite_or_infinite(read) if isinstance(read, numbers.Real) else math.nan)
    if isinstance(confidence, bool | np.bool_) or not 0.0 < level < 1.0:
        hint = (" (a level, not a percentage: 0.95 for 95%)"
                if isinstance(read, numbers.Real) and not isinstance(confidence, bool)
                and 50.0 <= level < 100.0 else "")
        hint = hint or number_spelling_hint(confidence, float, "confidence")
        raise ConfigError(f"{where}: confidence must be a number in (0, 1), e.g. 0.95, got "
                          f"{confidence!r}{hint}")
    # text only: an array compared with ``in`` raised numpy's "truth value is ambiguous"
    if not isinstance(interval, str) or interval not in ("normal", "bootstrap"):
        raise ConfigError(f"{where}: interval must be 'normal' or 'bootstrap', got "
                          f"{interval!r:.60}{did_you_mean(interval, ('normal', 'bootstrap'))}")
    given, n_bootstrap = n_bootstrap, exact_as_int(n_bootstrap)  # a whole Decimal: its int
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, int | np.integer) \
            or not 2 <= n_bootstrap <= _MAX_BOOTSTRAP:
        raise ConfigError(f"{where}: n_bootstrap must be an integer from 2 to "
                          f"{_MAX_BOOTSTRAP}, got {shown(n_bootstrap)}"
                          f"{number_spelling_hint(given, int, 'n_bootstrap')}")
    if interval == "bootstrap":
        # a tail of less than one resample makes the bound the most extreme resample: an
        # interval narrower than the level it claims
        tail = (1.0 - float(confidence)) / 2
        needed = math.ceil(1.0 / tail - 1e-9)
        if n_bootstrap < needed:
            fix = (f"use n_bootstrap >= {needed} or a lower confidence"
                   if needed <= _MAX_BOOTSTRAP else
                   f"at most {_MAX_BOOTSTRAP} resamples are allowed, so use a lower "
                   "confidence")
            raise ConfigError(f"{where}: n_bootstrap = {int(n_bootstrap)} is too few for a "
                              f"{float(confidence)!r} bootstrap interval: each tail "
                              f"({tail:.4g} of the resamples) would hold "
                              f"{n_bootstrap * tail:.3g} of them; {fix}")
    given, seed = seed, exact_as_int(seed)  # a whole Decimal or Fraction: its int
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) \
            or not 0 <= seed <= SEED_MAX:
        # the one seed rule (recstack.specs.SEED_MAX): a seed of 10**5000 was accepted here
        raise ConfigError(f"{where}: seed must be {SEED_RULE}, got {shown_number(seed)}"
                          f"{number_spelling_hint(given, int, 'seed')}")
    if interval == "normal":
        # read only by the bootstrap: an n_bootstrap or seed given with the normal interval
        # (the default) changed nothing, without a word
        unused = [f"{name}={value!r}" for name, value, default in
                  (("n_bootstrap", n_bootstrap, _DEFAULT_BOOTSTRAP), ("seed", seed, 0))
                  if value != default]
        if unused:
            warnings.warn(f"{where}: {' and '.join(unused)} {'is' if len(unused) == 1 else 'are'}"
                          " unused: only interval='bootstrap' resamples, and the interval is "
                          "'normal'; pass interval='bootstrap' to use them, or leave them out",
                          UserWarning, stacklevel=caller_stacklevel())
    return int(n_bootstrap), int(seed)


def _importance_weights(where: str, actions: np.ndarray, propensities: np.ndarray,
                        target: np.ndarray) -> np.ndarray:
    r""":math:`\pi(a_t \mid x_t) / \pi_0(a_t \mid x_t)` of each round, refused where it
    passes float64 (a propensity below about 1e-308 gave infinite estimates or NaN)."""
    with np.errstate(over="ignore"):
        weight = target[np.arange(len(actions)), actions] / propensities
    beyond = ~np.isfinite(weight)
    if beyond.any():
        row = int(np.flatnonzero(beyond)[0])
        raise BanditInputError(f"{where}: round {row}'s importance weight (target "
                               f"{float(target[row, actions[row]])!r} / propensity "
                               f"{float(propensities[row])!r}) passes float64; a propensity "
                               "that small is a logging error (or clip the propensities, "
                               "e.g. to at least 1e-6)")
    return weight


def _reward_model(where: str, reward_model: Any, shape: tuple[int, ...]) -> np.ndarray:
    """The predicted reward of every action in every round, as numbers: true/false is
    refused, as for the propensities (predicted rewards are a model's numbers; a table of
    true/false is a policy's mask, the target's one true per row, given in its place,
    which would read as rewards 1 and 0)."""
    refuse_booleans(f"{where}: reward_model", reward_model, BanditInputError,
                    wanted="the predicted reward of every action in every round")
    q = as_float_array(where, "reward_model", reward_model, ndim=2)
    check_shape(where, "reward_model", q, shape)
    return q


def _check_target(where: str, target: Any, given: Any = None) -> np.ndarray:
    """``target`` as float64 rows of action probabilities, each summing to 1 within the
    rounding of the precision the policy was given in (``given``: the array as the user
    passed it, when ``target`` is already converted)."""
    pi = as_float_array(where, "target", target, ndim=2)
    _refuse_no_actions(where, pi)
    if len(pi) < 2:
        raise BanditInputError(f"{where}: the log must have at least 2 rounds for an "
                               f"interval, got {len(pi)}")
    check_unit_interval(where, "target", pi)
    sums = pi.sum(axis=1)
    tolerance = _row_sum_tolerance(target if given is None else given, pi.shape[1])
    off = np.abs(sums - 1.0) > tolerance
    if off.any():
        row = int(np.argmax(off))
        raise BanditInputError(f"{where}: each row of target must be the evaluated policy's "
                               f"action probabilities, summing to 1; row {row} sums to "
                               f"{float(sums[row])!r}")
    return pi


def _refuse_no_actions(where: str, pi: np.ndarray) -> None:
    """Refuse a target of rows without a column: every logged action was then refused as
    "unknown action 0 ...; actions are 0..-1", a range that named no action, or the rows
    as summing to 0.0 (the direct method), where the target itself is empty."""
    if len(pi) and not pi.shape[1]:
        raise BanditInputError(f"{where}: target has {len(pi)} row(s) but no column (shape "
                               f"{pi.shape}): it must hold the evaluated policy's "
                               "probability of every action, one column per action")


def _row_sum_tolerance(target: Any, n_actions: int) -> float:
    """How far a row of the target may miss 1: by rounding, not by more. A policy given in
    float32 or float16 (a softmax over a catalog of 100,000 actions in float32 sums to 1
    only within about 1e-5; 1/3 in float16 three times to 0.99976) misses by up to
    ``n_actions`` times its precision's epsilon, the bound of a sum's rounding; float64
    and exact numbers by 1e-6."""
    dtype = getattr(target, "dtype", None)
    # an array's dtype, or a DataFrame's columns' (the least precise of them)
    dtypes = [dtype] if isinstance(dtype, np.dtype) else list(getattr(target, "dtypes", []))
    eps = max((float(np.finfo(d).eps) for d in dtypes if isinstance(d, np.dtype)
               and d.kind == "f" and d.itemsize < 8), default=0.0)
    return max(_ROW_SUM_TOLERANCE, n_actions * eps)


def _check_log_and_model_aligned(where: str, rewards: Any, actions: Any, propensities: Any,
                                 target: Any, reward_model: Any) -> None:
    """Refuse pandas objects among the log's arrays, the target and the reward model whose
    rows hold the same index labels in different orders (each one paired by position)."""
    check_aligned(("rewards", rewards), ("actions", actions), ("propensities", propensities),
                  ("target", target), ("reward_model", reward_model),
                  error=BanditInputError, where=f"{where}: ")


def _check_log(where: str, rewards: Any, actions: Any, propensities: Any, target: Any
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # the target's rows too: a DataFrame of the policy's probabilities sorted otherwise
    # than the log took each round's probability of another round's action
    check_aligned(("rewards", rewards), ("actions", actions), ("propensities", propensities),
                  ("target", target), error=BanditInputError, where=f"{where}: ")
    r = as_float_array(where, "rewards", rewards, ndim=1)
    # true/false read as propensity 1 and 0: a mask (which rounds the target policy would
    # take) given in place of the logging policy's probabilities; rewards may be true/false
    # (clicks), as anywhere an outcome is read
    refuse_booleans(f"{where}: propensities", propensities, BanditInputError,
                    wanted="the logging policy's probability of each logged action")
    p = as_float_array(where, "propensities", propensities, ndim=1)
    pi = as_float_array(where, "target", target, ndim=2)
    _refuse_no_actions(where, pi)
    # converted (and its shape checked) before the lengths are compared: None had no
    # length (a TypeError) and ragged rows were numpy's "inhomogeneous shape"
    a = as_index_array(where, "actions", actions, ndim=1, size=pi.shape[1], what="action")
    check_same_length(where, rewards=r, actions=a, propensities=p, target=pi)
    pi = _check_target(where, pi, target)
    bad = (p <= 0) | (p > 1)
    if bad.any():
        row = int(np.argmax(bad))
        why = ("an action the logging policy never shows cannot be reweighted"
               if p[row] <= 0 else "a probability cannot exceed 1")
        raise BanditInputError(f"{where}: propensities must be in (0, 1]; row {row} is "
                               f"{float(p[row])!r} ({why})")
    return r, a, p, pi
