r"""Exploration policies: which ``k`` items to show each user of a round, learning from clicks.

Every policy has the same two methods, each over a whole round (a batch of users):

- ``select(users, k, contexts=None, available=None)`` returns an int array (n_users, k) of
  item indices, best first, never an item outside ``available`` (a boolean mask over the
  catalogue, e.g. items not yet released) and never one item twice in a row;
- ``update(users, items, rewards, contexts=None)`` learns from the rewards (clicks, in
  [0, 1]) of the items shown, shape (n_users, k).

Feedback arrives once per round (a batched bandit): all users of a round are served from
the same state. Context-free policies keep per-item counts :math:`n_i` (impressions) and
:math:`s_i` (summed rewards) and score every (user, item) pair of a round at once:

- :class:`EpsilonGreedy`: with probability :math:`\varepsilon` per user, ``k`` random
  available items; otherwise the top ``k`` by the empirical mean :math:`s_i / n_i`, items
  never shown first.
- :class:`UCB1` (Auer, Cesa-Bianchi & Fischer 2002): the top ``k`` by
  :math:`s_i / n_i + \sqrt{c \ln t / n_i}` with :math:`t` the impressions so far
  (:math:`c = 2` is the paper's), items never shown first.
- :class:`BetaThompson` (Thompson 1933; Chapelle & Li 2011): per user a draw
  :math:`\theta_i \sim \mathrm{Beta}(\alpha_0 + s_i, \beta_0 + n_i - s_i)` of every item's
  click rate, and the top ``k`` draws.

Contextual policies score a feature vector per (user, item) pair, ``contexts`` of shape
(n_users, n_items, n_features) in ``select`` and (n_users, k, n_features) for the shown
items in ``update``, with the :class:`~recstack.pipeline.bayesian.BayesianLogisticRegression`
as their model of the click probability, updated online after every round:

- :class:`ContextualThompson` (Chapelle & Li 2011, Algorithm 3): per user one draw of the
  weights from the Laplace posterior and the top ``k`` logits under it. The paper's
  posterior is diagonal (``diagonal=True``); the default keeps the full Laplace
  covariance, exact where features are correlated and affordable for the tens to hundreds
  of features of a contextual policy.
- :class:`LinUCB`: the top ``k`` by the upper confidence bound of the logit,
  :math:`m^\top x + \alpha \sqrt{x^\top P^{-1} x}` (Li, Chu, Langford & Schapire 2010,
  eq. 5, with the posterior of the logistic model in place of ridge regression, as in
  GLM-UCB, Filippi et al. 2010); the logistic link is monotone, so ranking by the logit's
  bound ranks by the probability's. One model is shared by every item (an item enters
  only through its context), where the paper's Algorithm 1 (disjoint LinUCB) keeps a
  ridge regression per arm: give item-specific features (or one-hot item columns) to get
  its per-arm behaviour. The prior precision plays the ridge's identity :math:`A = I_d`
  (``prior_precision=1``).

Ties are broken at random (a fresh permutation of the catalogue per round), so that equally
scored items, such as all items before the first click, share the exploration. Every
policy is seeded; :meth:`Policy.reset` returns it to its state before any round.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from recstack.data.interactions import caller_stacklevel
from recstack.errors import ConfigError, shown
from recstack.metrics._validation import check_aligned, exact_as_int, refuse_masked
from recstack.models.base import (
    NOT_GIVEN,
    REQUIRED,
    Param,
    _holds_exact_number,
    _plain,
    exact_as_declared,
    refuse_positional,
)
from recstack.pipeline.bandit_checks import (
    BanditInputError,
    as_float_array,
    as_index_array,
    check_distinct_rows,
    check_shape,
    check_unit_interval,
    misspelt_attribute,
)
from recstack.pipeline.bayesian import (
    BayesianLogisticRegression,
    Caller,
    full_posterior_problem,
)
from recstack.specs import arguments_named, did_you_mean, number_spelling_hint

__all__ = ["POLICIES", "BetaThompson", "ContextualThompson", "EpsilonGreedy", "LinUCB",
           "Policy", "UCB1"]

# Score given to items never shown by the policies that try every item once: above any
# real score, below infinity so that the random tie-break still orders them.
_UNTRIED = 1e12


class Policy(ABC):
    """The interface of every exploration policy (see the module docstring).

    Constructor arguments are keyword-only hyperparameters, declared in ``params`` and
    validated when the policy is first used.
    """

    name: ClassVar[str]
    contextual: ClassVar[bool] = False
    params: ClassVar[dict[str, Param]] = {}
    #: the hyperparameters :meth:`reset` builds the state from (its sizes, the generator,
    #: the model's prior): set to another value later, the state would not follow (a
    #: traceback for n_items, silently the old value for the others), so a change needs
    #: reset(); the others (epsilon, exploration...) may change between rounds
    fixed_at_reset: ClassVar[tuple[str, ...]] = ("n_items", "seed")

    if TYPE_CHECKING:
        # hyperparameters become attributes at run time, from ``params``
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, *positional: Any, **params: Any) -> None:
        # EpsilonGreedy(5) was Python's "takes 1 positional argument but 2 were given",
        # naming neither the policy nor its parameters
        example = next(iter(self.params), "n_items")
        refuse_positional(self.name, positional,
                          f"give them by name, e.g. {type(self).__name__}({example}=...); "
                          f"the parameters are {sorted(self.params)}")
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            # a misspelt name gets the nearest one, as every model's and ranker's does
            raise ConfigError(f"{self.name}: unknown parameter(s) {unknown}"
                              f"{did_you_mean(unknown[0], self.params)}; the parameters "
                              f"are {sorted(self.params)}")
        for name, param in self.params.items():
            if name not in params and param.default is REQUIRED:
                raise ConfigError(f"{self.name}: missing parameter {name!r}")
            # numpy numbers (np.int64(5) items) are stored as the Python numbers they
            # equal, as every model's hyperparameters are
            setattr(self, name, params[name] if name in params else param.default)
        self._state_ready = False

    def __setattr__(self, name: str, value: Any) -> None:
        # one rule however a hyperparameter is set, the models' (Configurable.__setattr__):
        # numpy numbers and exact numbers stored as the Python numbers they name, and the
        # value as written kept for the messages (epsilon = 10**30 was told "got 1e+30";
        # policy.epsilon = Decimal("5") set after construction was kept as a Decimal and
        # refused as "must lie within float32's range")
        if name in type(self).params:
            written = self.__dict__.setdefault("_written_params", {})
            if _holds_exact_number(value):
                written[name] = value
            else:
                written.pop(name, None)
            value = _plain(exact_as_declared(value, type(self).params[name]))
        elif problem := misspelt_attribute(self, name):
            # ``policy.epsilom = 0.1`` was stored beside the hyperparameters and silently
            # ignored (the policy explored with its default), where a model refuses it
            raise ConfigError(problem)
        super().__setattr__(name, value)

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.params}

    def reset(self) -> Self:
        """Forget every round: back to the prior, the generator re-seeded."""
        self._check_params()
        self._built_with = {name: getattr(self, name) for name in self.fixed_at_reset}
        self._rng = np.random.default_rng(self.seed)
        try:
            self._reset()
        except MemoryError:
            raise BanditInputError(f"{self.name}: not enough memory for the state of "
                                   f"n_items = {self.n_items:,} items; lower n_items") from None
        self._state_ready = True
        return self

    def _ready(self) -> None:
        if not self._state_ready:
            self.reset()
            return
        # hyperparameters set since the state was built: checked as at reset (an epsilon of
        # 5 passed unchecked), and those the state was built from refused
        self._check_params()
        changed = [f"{name}={built!r} when the state was built, now {getattr(self, name)!r}"
                   for name, built in self._built_with.items() if getattr(self, name) != built]
        if changed:
            raise ConfigError(f"{self.name}: {'; '.join(changed)}; the policy's state "
                              "(counts, posterior, generator) follows the first value, so "
                              "call reset() to start again with the new one (it forgets "
                              "every round), or set it back")

    def _check_params(self) -> None:
        for name, param in self.params.items():
            value = getattr(self, name)
            try:
                param.check(self.name, name, value,
                            self.__dict__.get("_written_params", {}).get(name, NOT_GIVEN))
            except ConfigError as error:
                # epsilon="0.1" or n_items=3.0 was refused without the spelling that is
                # taken, which every model's, ranker's and the Bayesian model's settings
                # name (Configurable.validate_params)
                hint = number_spelling_hint(value, param.annotation, name)
                if not hint:
                    raise
                raise ConfigError(f"{error}{hint}") from None

    @abstractmethod
    def _reset(self) -> None: ...

    @abstractmethod
    def _scores(self, n_users: int, contexts: np.ndarray | None) -> np.ndarray:
        """Scores (n_users, n_items) of this round; higher is shown first."""

    @abstractmethod
    def _learn(self, items: np.ndarray, rewards: np.ndarray,
               contexts: np.ndarray | None) -> None: ...

    # ------------------------------------------------------------------ the interface
    @arguments_named
    def select(self, users: Any, k: int, *, contexts: Any = None, available: Any = None
               ) -> np.ndarray:
        """The ``k`` items to show each user, best first: int64 array (n_users, k)."""
        self._ready()
        where = f"{self.name}.select"
        users = _users(where, users)
        if users.ndim != 1:
            raise BanditInputError(f"{where}: users must be a 1-D array, got shape "
                                   f"{users.shape}")
        contexts = self._check_contexts(where, contexts, (len(users), self.n_items),
                                        "the number of items (the policy's n_items)")
        mask = self._check_available(where, available)
        n_available = int(mask.sum())
        if n_available == 0:
            # was "k must be an integer from 1 to the number of available items (0), got
            # 1", as if k were at fault
            raise BanditInputError(f"{where}: available marks no item as available (all "
                                   f"{self.n_items} False), so there is nothing to show; "
                                   "give a mask with at least k items True, or leave "
                                   "available out to offer every item")
        given, k = k, exact_as_int(k)  # a whole Decimal or Fraction: read as its int
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= n_available:
            raise BanditInputError(f"{where}: k must be an integer from 1 to the number of "
                                   f"available items ({n_available}), got {shown(given)}"
                                   f"{number_spelling_hint(given, int, 'k')}")
        try:
            with self._model_called_as(where, contexts):
                scores = np.array(self._scores(len(users), contexts), dtype=np.float64)
        except MemoryError:
            raise BanditInputError(f"{where}: not enough memory to score {len(users):,} "
                                   f"users x {self.n_items:,} items at once; select for "
                                   "fewer users per call") from None
        bad = ~np.isfinite(scores)
        if bad.any():
            # contexts so large that a score overflows: every infinite (or NaN) score tied
            # at the top, and the list was drawn at random among them
            row, item = (int(i) for i in np.argwhere(bad)[0])
            largest = (f" (largest |context value| {float(np.abs(contexts).max()):.3g})"
                       if contexts is not None else "")
            raise BanditInputError(f"{where}: the score of user row {row}, item {item} is "
                                   f"{float(scores[row, item])}{largest}; give contexts on "
                                   "the scale of the training ones (e.g. standardised)")
        scores[:, ~mask] = -np.inf
        return _top_k_random_ties(scores, int(k), self._rng)

    @arguments_named
    def update(self, users: Any, items: Any, rewards: Any, *, contexts: Any = None) -> Self:
        """Learn from the rewards (in [0, 1]) of the items shown: arrays (n_users, k).
        Rewards are outcomes: true/false (clicks) is read as 1/0, as labels and rewards are
        throughout the pipeline (scores, propensities, ratings and weights refuse it)."""
        self._ready()
        where = f"{self.name}.update"
        # pandas rows in another order than the others' were paired by position: each
        # reward credited to another row's items
        check_aligned(("users", users), ("items", items), ("rewards", rewards),
                      error=BanditInputError, where=f"{where}: ")
        items = as_index_array(where, "items", items, ndim=2, size=self.n_items)
        rewards = as_float_array(where, "rewards", rewards, ndim=2)
        if not rewards.size and not len(items):
            rewards = np.zeros(items.shape)  # no rows: [] or (0, k), the same empty round
        check_shape(where, "rewards", rewards, items.shape,
                    ("the number of rows (users)", "the number of items per row (as in items)"))
        check_distinct_rows(where, "items", items)
        check_unit_interval(where, "rewards", rewards)
        users = _users(where, users)
        if users.shape != (items.shape[0],):
            raise BanditInputError(f"{where}: users must have one entry per row of items "
                                   f"({items.shape[0]}), got shape {users.shape}")
        contexts = self._check_contexts(where, contexts, items.shape)
        with self._model_called_as(where, contexts):
            self._learn(items, rewards, contexts)
        return self

    def _model_called_as(self, where: str, contexts: np.ndarray | None
                         ) -> contextlib.AbstractContextManager[Any]:
        """The block within which the contextual policies' model names the policy's call and
        its ``contexts`` (with their positions) in its errors, rather than its own ``X``
        and the rows of the flattened contexts; nothing for the other policies."""
        model = getattr(self, "model_", None)
        if not isinstance(model, BayesianLogisticRegression) or contexts is None:
            return contextlib.nullcontext()
        return model.called_as(Caller(where, "contexts", contexts.shape[:-1],
                                      tuple(self.params)))

    def _check_contexts(self, where: str, contexts: Any, lead: tuple[int, ...],
                        items_said: str = "the number of items per user (as in items)"
                        ) -> np.ndarray | None:
        if not self.contextual:
            if contexts is not None:
                # a user who passes contexts expects them used: say they are not
                warnings.warn(f"{where}: the policy is context-free and ignores the contexts "
                              "given; use contextual_thompson or linucb to learn from them",
                              UserWarning, stacklevel=caller_stacklevel())
            return None
        if contexts is None:
            raise BanditInputError(f"{where}: this policy is contextual; give contexts of "
                                   f"shape {(*lead, self.n_features)}")
        contexts = as_float_array(where, "contexts", contexts, ndim=None)
        expected = (*lead, self.n_features)
        if contexts.ndim != 3 and not (not contexts.size and not lead[0]):
            # "must be a 3-D array, got shape (2, 4)" said neither the shape wanted nor that
            # a context is one row per (user, item), so one row per user was a puzzle
            per_user = (f"; one row per user (shape {contexts.shape}) is no context per "
                        "item: give each item its row, e.g. np.repeat(contexts[:, None, :], "
                        f"{lead[1]}, axis=1)"
                        if contexts.ndim == 2 and contexts.shape == (lead[0], self.n_features)
                        else "")
            raise BanditInputError(f"{where}: contexts must be a 3-D array of shape "
                                   f"{expected} (a row of n_features = {self.n_features} "
                                   f"values per user and item), got shape "
                                   f"{contexts.shape}{per_user}")
        if not contexts.size and not lead[0]:
            # no rows: [] (read as shape (0, 0, 0)) is the same empty round as (0, k, width)
            contexts = np.zeros(expected)
        check_shape(where, "contexts", contexts, (*lead, self.n_features),
                    ("the number of users", items_said,
                     "the context width (the policy's n_features)"))
        return contexts

    def _check_available(self, where: str, available: Any) -> np.ndarray:
        if available is None:
            return np.ones(self.n_items, dtype=bool)
        # a masked array's hidden entries were read as the mask (np.asarray drops its mask)
        refuse_masked(available, f"{where}: available", BanditInputError)
        try:
            mask = np.asarray(available)
        except ValueError:  # nested lists of different lengths
            raise BanditInputError(f"{where}: available must be a boolean mask of shape "
                                   f"({self.n_items},), got nested lists of different "
                                   "lengths") from None
        if mask.dtype != bool or mask.shape != (self.n_items,):
            raise BanditInputError(f"{where}: available must be a boolean mask of shape "
                                   f"({self.n_items},), got {mask.dtype} {mask.shape}")
        return mask


def _users(where: str, users: Any) -> np.ndarray:
    """The users of a round as an array; rows of different lengths (numpy's "inhomogeneous
    shape" ValueError) refused by name, and so is an entry that is no user id: None, NaN,
    infinity, a fraction, true/false, a complex number or a container (a misaligned or
    mis-parsed column), which were counted as users without a word."""
    try:
        array = np.asarray(users)
    except ValueError:
        raise BanditInputError(f"{where}: users must be a 1-D array, one entry per user of "
                               "the round; got nested lists of different lengths") from None
    if array.ndim != 1 or not array.size or array.dtype.kind in "iuS":
        if isinstance(users, list | tuple) and array.dtype.kind in "iu":
            # [0, True] became the integers [0, 1]: the flag is found in the list itself
            flags = [i for i, user in enumerate(users) if isinstance(user, bool | np.bool_)]
            if flags:
                raise BanditInputError(f"{where}: users[{flags[0]}] is {users[flags[0]]!r}, "
                                       "which is no user id; give each user as an integer "
                                       "index or a non-empty text id")
        return array
    suspects: Sequence[int]
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array) | (array != np.round(array))
        suspects = np.flatnonzero(bad)[:1].tolist()
    elif array.dtype.kind == "c":
        # [0, 1 + 2j] made 0 the complex 0j too: the entry with an imaginary part is named
        imaginary = np.flatnonzero(array.imag != 0)
        suspects = imaginary[:1].tolist() if len(imaginary) else [0]
    elif array.dtype.kind == "U":
        suspects = np.flatnonzero(np.char.str_len(np.char.strip(array)) == 0)[:1].tolist()
    else:
        suspects = range(len(array))
    for position in suspects:
        user = array[position].item() if isinstance(array[position], np.generic) \
            else array[position]
        if isinstance(user, bool) or not _is_user_id(user):
            raise BanditInputError(f"{where}: users[{position}] is {user!r}, which is no user "
                                   "id; give each user as an integer index or a non-empty "
                                   "text id")
    return array


def _is_user_id(user: Any) -> bool:
    """An integer, a whole finite float (an id column pandas made float) or non-empty text."""
    if isinstance(user, str):
        return bool(user.strip())
    if isinstance(user, int):
        return True
    return isinstance(user, float) and math.isfinite(user) and user.is_integer()


def _top_k_random_ties(scores: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of each row's ``k`` largest scores, best first, ties in a random order."""
    permutation = rng.permutation(scores.shape[1])
    shuffled = scores[:, permutation]
    part = np.argpartition(-shuffled, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(shuffled, part, axis=1), axis=1, kind="stable")
    return permutation[np.take_along_axis(part, order, axis=1)]


_N_ITEMS = Param(int, low=1, doc="size of the catalogue (item indices 0..n_items-1)")
_SEED = Param(int, low=0, default=0, doc="seed of the policy's random choices")


class _CountingPolicy(Policy):
    """Shared state of the context-free policies: impressions and summed rewards per item."""

    def _reset(self) -> None:
        self.impressions_ = np.zeros(self.n_items)
        self.successes_ = np.zeros(self.n_items)

    def _learn(self, items: np.ndarray, rewards: np.ndarray, contexts: np.ndarray | None
               ) -> None:
        self.impressions_ += np.bincount(items.ravel(), minlength=self.n_items)
        self.successes_ += np.bincount(items.ravel(), weights=rewards.ravel(),
                                       minlength=self.n_items)

    def _means_untried_first(self) -> np.ndarray:
        shown = self.impressions_ > 0
        return np.where(shown, self.successes_ / np.maximum(self.impressions_, 1), _UNTRIED)


class EpsilonGreedy(_CountingPolicy):
    """Greedy on the empirical click rate, random for a share ``epsilon`` of the users."""

    name = "epsilon_greedy"
    params = {"n_items": _N_ITEMS,
              "epsilon": Param((int, float), low=0.0, high=1.0, default=0.1,
                               computes_in="float64",
                               doc="probability that a user's list is random"),
              "seed": _SEED}

    def _scores(self, n_users: int, contexts: np.ndarray | None) -> np.ndarray:
        scores = np.broadcast_to(self._means_untried_first(), (n_users, self.n_items)).copy()
        explore = self._rng.random(n_users) < self.epsilon
        # an exploring user's whole row is random: a uniformly random list
        scores[explore] = self._rng.random((int(explore.sum()), self.n_items))
        return scores


class UCB1(_CountingPolicy):
    """Upper confidence bound on each item's click rate (Auer et al. 2002)."""

    name = "ucb1"
    params = {"n_items": _N_ITEMS,
              "exploration": Param((int, float), low=0.0, default=2.0,
                                   computes_in="float64",
                                   doc="c in sqrt(c ln t / n_i) (2: the paper's UCB1)"),
              "seed": _SEED}

    def upper_bounds(self) -> np.ndarray:
        """Every item's bound :math:`s_i / n_i + \\sqrt{c \\ln t / n_i}` (inf: never shown)."""
        self._ready()
        total = max(float(self.impressions_.sum()), 1.0)
        shown = self.impressions_ > 0
        # sqrt(c) apart: c ln t overflowed to infinity for an exploration near float64's
        # largest value, and every shown item then tied at the top
        bonus = math.sqrt(self.exploration) * np.sqrt(np.log(total)
                                                      / np.maximum(self.impressions_, 1))
        return np.where(shown, self.successes_ / np.maximum(self.impressions_, 1) + bonus,
                        np.inf)

    def _scores(self, n_users: int, contexts: np.ndarray | None) -> np.ndarray:
        upper = self.upper_bounds()
        shown = np.isfinite(upper)
        # a never-shown item is scored above every shown one: capped at a fixed 1e12, it
        # tied with the shown items whose bound passed it (an exploration of 1e24 or
        # more), and those were shown before items never tried. A bound is at most
        # sqrt(c) sqrt(ln t) + 1 < 1e156 (c < 1.8e308, ln t < 710), so twice it is finite
        top = float(upper[shown].max()) if shown.any() else 0.0
        scores = np.where(shown, upper, max(_UNTRIED, 2.0 * top))
        return np.broadcast_to(scores, (n_users, self.n_items))


class BetaThompson(_CountingPolicy):
    """Thompson sampling over a Beta posterior of every item's click rate."""

    name = "thompson"
    params = {"n_items": _N_ITEMS,
              "prior_alpha": Param((int, float), low=0.0, low_inclusive=False, default=1.0,
                                   computes_in="float64",
                                   doc="Beta prior pseudo-clicks"),
              "prior_beta": Param((int, float), low=0.0, low_inclusive=False, default=1.0,
                                  computes_in="float64",
                                  doc="Beta prior pseudo-non-clicks"),
              "seed": _SEED}

    def _scores(self, n_users: int, contexts: np.ndarray | None) -> np.ndarray:
        alpha = self.prior_alpha + self.successes_
        beta = self.prior_beta + self.impressions_ - self.successes_
        return self._rng.beta(alpha, beta, size=(n_users, self.n_items))


class _BayesianPolicy(Policy):
    """Shared state of the contextual policies: the online Bayesian logistic regression."""

    contextual = True
    fixed_at_reset = ("n_items", "n_features", "prior_precision", "diagonal", "forgetting",
                      "seed")

    def _check_params(self) -> None:
        super()._check_params()
        # refused here, naming the policy's setting, rather than at the first update
        problem = None if self.diagonal else full_posterior_problem(self.n_features)
        if problem:
            raise ConfigError(f"{self.name}: n_features = {self.n_features:,} with "
                              f"diagonal=False: {problem}")

    def _reset(self) -> None:
        self.model_ = BayesianLogisticRegression(
            prior_precision=self.prior_precision, fit_intercept=False, diagonal=self.diagonal,
            forgetting=self.forgetting, seed=self.seed)

    def _learn(self, items: np.ndarray, rewards: np.ndarray, contexts: np.ndarray | None
               ) -> None:
        assert contexts is not None  # checked by update
        if not items.size:
            # a round without feedback (no user, or k = 0) teaches nothing, as it does the
            # counting policies; the model refused it as "the batch is empty", an error
            # that named the model rather than the policy's round
            return
        self.model_.partial_fit(contexts.reshape(-1, self.n_features), rewards.ravel())

    def _fitted(self) -> bool:
        return hasattr(self.model_, "mean_")


_BAYES_PARAMS: dict[str, Param] = {
    "n_items": _N_ITEMS,
    "n_features": Param(int, low=1, doc="length of a (user, item) context vector"),
    "prior_precision": Param((int, float), low=0.0, low_inclusive=False, default=1.0,
                             computes_in="float64",
                             doc="precision of the Gaussian prior on the weights"),
    "diagonal": Param(bool, default=False, doc="diagonal posterior (many features)"),
    "forgetting": Param((int, float), low=0.0, high=1.0, low_inclusive=False, default=1.0,
                        computes_in="float64",
                        doc="forgetting factor per round (1: none)"),
    "seed": _SEED,
}


class ContextualThompson(_BayesianPolicy):
    """Thompson sampling over the Laplace posterior of a Bayesian logistic regression."""

    name = "contextual_thompson"
    params = dict(_BAYES_PARAMS)

    def _scores(self, n_users: int, contexts: np.ndarray | None) -> np.ndarray:
        assert contexts is not None
        if self._fitted():
            weights = self.model_.sample_weights(n_users, rng=self._rng)
        else:
            # before any feedback the posterior is the prior N(0, I / lambda)
            # math.sqrt: a whole prior_precision past int64 (10**20) is a Python int that
            # numpy's sqrt cannot take ("loop of ufunc does not support argument 0")
            weights = (self._rng.standard_normal((n_users, self.n_features))
                       / math.sqrt(self.prior_precision))
        return np.einsum("bmd,bd->bm", contexts, weights)


class LinUCB(_BayesianPolicy):
    """Upper confidence bound on the logit of a Bayesian logistic regression."""

    name = "linucb"
    params = {**_BAYES_PARAMS,
              "alpha": Param((int, float), low=0.0, default=1.0,
                             computes_in="float64",
                             doc="width of the bound in posterior standard deviations")}

    def _scores(self, n_users: int, contexts: np.ndarray | None) -> np.ndarray:
        assert contexts is not None
        if not self._fitted():
            # the standard deviation, sqrt(|x|^2 / lambda), as sqrt(|x|^2) / sqrt(lambda): a
            # tiny prior_precision (1e-320) made the variance infinite, and the policy then
            # blamed the contexts' scale for an infinite score
            norm = np.sqrt(np.einsum("bmd,bmd->bm", contexts, contexts))
            # an alpha above 1 is divided out (the order of a row is the same): its product
            # overflowed to infinity near float64's largest value (alpha = 1.7e308), refused
            # as contexts "not on the scale of the training ones"
            return min(self.alpha, 1.0) * (norm / math.sqrt(self.prior_precision))
        mean, variance = self.model_.latent_mean_variance(contexts)
        if self.alpha > 1.0:
            # mean / alpha + sd: the order of mean + alpha sd, without its overflow
            return mean / self.alpha + np.sqrt(variance)
        return mean + self.alpha * np.sqrt(variance)


#: every policy by its name
POLICIES: dict[str, type[Policy]] = {cls.name: cls for cls in (
    EpsilonGreedy, UCB1, BetaThompson, ContextualThompson, LinUCB)}
