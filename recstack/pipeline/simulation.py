r"""A click simulator built from the synthetic dataset's hidden truth, to run bandit policies.

:func:`recstack.data.synthetic.generate_with_truth` gives every user a latent vector that
drifts along their active window (from ``user_factors_early`` to ``user_factors_late``) and
every item a latent vector and a bias. The environment turns the generator's rating
affinity into a click probability:

.. math:: a_{ui}(f) = u_u(f)^\top v_i + b_u + b_i, \qquad
          u_u(f) = u_u^{\text{early}} + f\,(u_u^{\text{late}} - u_u^{\text{early}})

.. math:: p_{ui}(f) = \sigma\!\left(\mathrm{logit}(\text{base\_ctr})
          + \text{click\_scale} \cdot \frac{a_{ui}(f) - \bar a}{\mathrm{sd}(a)}\right)

with :math:`f = r / T` the share of the simulation elapsed at round :math:`r` (so users'
tastes drift as in the generator) and :math:`\bar a`, :math:`\mathrm{sd}(a)` the mean and
standard deviation of the early affinity over all (user, item) pairs.

**New items.** A share ``new_item_share`` of the catalogue (chosen at random) is not
available at first; each such item arrives at a uniformly drawn round and can be shown from
then on. The best list a round could have shown uses the items available in that round.

**Contexts.** Contextual policies see, for each (user, item) pair, the outer product
:math:`x_{ui} = \tilde u'_u \otimes \tilde v'_i` of a user vector
:math:`\tilde u' = (\tilde u, \tilde b_u, 1)` and an item vector
:math:`\tilde v' = (\tilde v, 1, \tilde b_i)`, where the tilde marks the early latent values
plus Gaussian noise of ``feature_noise`` times each column's standard deviation: what a
system would know from a factorisation of past data. The click model's logit is linear in
:math:`x_{ui}` (it contains :math:`\tilde u^\top \tilde v`, :math:`\tilde b_u`,
:math:`\tilde b_i` and a constant), so with no noise and no drift a logistic model over the
contexts is well specified. ``n_features = (n_factors + 2) ** 2``.

**A round.** ``users_per_round`` users drawn uniformly with replacement (each draw is one
visit: a user can come more than once in a round, so ``users_per_round`` may exceed
``n_users``); the policy picks ``k`` items for each; clicks are Bernoulli draws of
:math:`p_{ui}`; the round's regret is

.. math:: \mathrm{regret}_r = \sum_{u} \Big(\max_{|S| = k,\, S \subseteq A_r}
          \sum_{i \in S} p_{ui} - \sum_{i \in \text{shown}_u} p_{ui}\Big)

(expected clicks lost against the best list among the available items :math:`A_r`).
Users and clicks come from two generators seeded by the run's seed, so policies run with the
same seed meet the same users and the same click noise (common random numbers).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special
from threadpoolctl import threadpool_limits

from recstack.data.synthetic import SyntheticConfig, _as_int, generate_with_truth
from recstack.errors import ConfigError, echoed, shown, shown_number
from recstack.metrics._validation import exact_as_int
from recstack.models.base import _new_public_name, refuse_positional
from recstack.pipeline.bandit_checks import (
    as_index_array,
    check_count,
    check_number,
    check_shape,
)
from recstack.pipeline.bandits import Policy
from recstack.specs import SEED_MAX, arguments_named, did_you_mean, number_spelling_hint

__all__ = ["SMALL_SIZES", "BanditEnvironment", "SimulationResult"]

#: the settings of a BanditEnvironment, fixed when it is made
_SETTINGS = ("base_ctr", "click_scale", "feature_noise", "new_item_share", "drift", "seed")
#: what it builds from them and the synthetic truth, fixed likewise
_BUILT = ("n_users", "n_items", "n_factors", "n_features", "user_vectors", "item_vectors",
          "arrival")

# Pairs used to standardise the affinity; more than enough for a stable mean and sd.
_STANDARDISE_PAIRS = 1_000_000
#: the most numbers one round may hold (true probabilities, and contexts for a contextual
#: policy; 8 bytes each: 1 GiB)
_MAX_ROUND_VALUES = 1 << 27
#: the most rounds one run may record (its result holds four float64 values per round:
#: regret, cumulative regret, clicks and expected clicks, 1 GiB in all)
_MAX_ROUNDS = _MAX_ROUND_VALUES // 4


@dataclass(frozen=True)
class SimulationResult:
    """What one policy did in one simulation.

    Attributes
    ----------
    policy : str
    regret : ndarray (n_rounds,)
        Expected clicks lost in each round (see the module docstring).
    cumulative_regret : ndarray (n_rounds,)
    clicks : ndarray (n_rounds,)
        Clicks drawn in each round.
    expected_clicks : ndarray (n_rounds,)
        Sum of the click probabilities of the items shown.
    impressions_per_round : int
    """

    policy: str
    regret: np.ndarray
    cumulative_regret: np.ndarray
    clicks: np.ndarray
    expected_clicks: np.ndarray
    impressions_per_round: int

    @property
    def ctr(self) -> np.ndarray:
        """Click-through rate of each round."""
        return self.clicks / self.impressions_per_round

    @property
    def total_regret(self) -> float:
        return float(self.cumulative_regret[-1])

    @property
    def overall_ctr(self) -> float:
        return float(self.clicks.sum() / (self.impressions_per_round * len(self.clicks)))


#: the environment's own sizes, smaller than the synthetic data's defaults: a bandit run
#: scores every item for every visit, and the best list of each round is computed exactly
SMALL_SIZES = {"n_users": 300, "n_items": 200, "n_factors": 4, "n_genres": 6}
#: interactions per user of the environment's data unless ``n_interactions`` is given
_ROWS_PER_USER = 10


def _small_sizes(overrides: dict[str, Any]) -> dict[str, Any]:
    """The sizes of an environment made without a config: :data:`SMALL_SIZES` for each size
    not given; ``n_genres`` at most ``n_items``; ``n_interactions`` 10 per user, kept
    between the generator's bounds (``min_user_interactions`` per user, at most half the
    catalogue per user). A size that is no count is left for the generator to refuse."""
    sizes = {**SMALL_SIZES, **overrides}
    try:
        users, items = _as_int("n_users", sizes["n_users"]), _as_int("n_items", sizes["n_items"])
        fewest = _as_int("min_user_interactions", sizes.get(
            "min_user_interactions", SyntheticConfig.min_user_interactions))
    except ConfigError:
        return sizes
    if "min_user_interactions" not in overrides:
        # the generator caps this default at half the catalogue, as it caps it here
        fewest = min(fewest, max(1, items // 2))
    if "n_genres" not in overrides and items >= 1:
        sizes["n_genres"] = min(SMALL_SIZES["n_genres"], items)
    if "n_interactions" not in overrides and users >= 1:
        most = users * items // 2
        sizes["n_interactions"] = min(max(_ROWS_PER_USER * users, users * fewest), most) \
            if users * fewest <= most else _ROWS_PER_USER * users
    return sizes


class BanditEnvironment:
    """Users' true click probabilities from the synthetic generator's hidden truth; runs any
    :class:`~recstack.pipeline.bandits.Policy` (see the module docstring).

    Parameters
    ----------
    config : SyntheticConfig, optional
        The synthetic dataset whose truth defines users and items; ``**overrides`` change
        its fields (e.g. ``n_users=300, n_items=200``). Without a config the environment's
        own small sizes (:data:`SMALL_SIZES`: 300 users, 200 items, 4 factors, 6 genres)
        fill every size not given, whatever else is given: ``BanditEnvironment(n_users=20)``
        has 20 users, 200 items and 4 factors. ``n_genres`` is then at most ``n_items`` and
        ``n_interactions`` 10 per user (within the generator's bounds: at least
        ``min_user_interactions`` and at most half the catalogue per user). With a config,
        its fields are used and ``**overrides`` change them, the synthetic data's defaults
        being those of :class:`~recstack.data.synthetic.SyntheticConfig`.
    base_ctr : float in (0, 1)
        Click probability of a pair of average affinity.
    click_scale : float >= 0
        Log-odds per standard deviation of affinity.
    feature_noise : float >= 0
        Noise of the contexts' latent estimates, in column standard deviations.
    new_item_share : float in [0, 1)
        Share of items that arrive during the simulation.
    drift : bool
        Whether users' vectors move from early to late over the simulation.
    seed : int >= 0
        Seed of the contexts' noise and of the items' arrival.

    The settings are attributes of the same names, read when the environment is made:
    setting one afterwards (or a size, ``n_items``) is refused; make a new environment.
    """

    def __init__(self, config: SyntheticConfig | None = None, *positional: Any,
                 base_ctr: float = 0.05, click_scale: float = 1.5, feature_noise: float = 0.3,
                 new_item_share: float = 0.2, drift: bool = True, seed: int = 0,
                 **overrides: Any) -> None:
        where = "BanditEnvironment"
        # BanditEnvironment(None, 0.1) was Python's "takes from 1 to 2 positional arguments
        # but 3 were given", naming none of the settings
        refuse_positional(where, positional, "give the settings by name, e.g. "
                          "BanditEnvironment(base_ctr=0.05, seed=0)",
                          taken="only the synthetic config is taken by position")
        fields = [f.name for f in dataclasses.fields(SyntheticConfig)]
        unknown = sorted(set(overrides) - set(fields), key=str)
        if unknown:
            # a misspelt setting (base_crt) was told "unknown synthetic parameter(s)
            # 'base_crt'", listing the synthetic data's fields only, without the near name
            raise ConfigError(
                f"{where}: unknown argument(s) {', '.join(map(repr, unknown))}"
                f"{did_you_mean(str(unknown[0]), [*_SETTINGS, *fields])}; its settings: "
                f"{', '.join(_SETTINGS)}; the synthetic data's fields (its users and items): "
                f"{', '.join(f for f in fields if f not in _SETTINGS)}")
        base_ctr = check_number(where, "base_ctr", base_ctr, low=0.0, high=1.0,
                                low_inclusive=False, high_inclusive=False)
        click_scale = check_number(where, "click_scale", click_scale, low=0.0)
        feature_noise = check_number(where, "feature_noise", feature_noise, low=0.0)
        check_number(where, "new_item_share", new_item_share, low=0.0, high=1.0,
                     high_inclusive=False)
        # a numpy bool (a flag read from an array) is a flag too: it was refused as "drift
        # must be True or False, got True"
        if not isinstance(drift, bool | np.bool_):
            raise ConfigError(f"{where}: drift must be True or False, got {shown(drift)}")
        drift = bool(drift)
        seed = check_count(where, "seed", seed, low=0, high=SEED_MAX)  # Decimal("3"): 3
        if config is None:
            # one rule: without a config the environment's small sizes fill every size not
            # given; BanditEnvironment(n_users=20) took the synthetic data's defaults for the
            # rest (1,500 items, 16 factors) and BanditEnvironment(n_items=50) was refused
            # for 3,000 interactions too few for its 2,000 default users
            overrides = _small_sizes(overrides)
        try:
            _, truth = generate_with_truth(config, **overrides)
        except ConfigError as error:
            # the synthetic data's refusal of a size, named as this call's
            # ("n_users must be at least 1, got 0" named no caller)
            if error.args and isinstance(error.args[0], str) \
                    and not error.args[0].startswith(where):
                error.args = (f"{where}: {error.args[0]}", *error.args[1:])
            raise
        rng = np.random.default_rng(seed)
        self.base_ctr, self.click_scale, self.drift = base_ctr, click_scale, drift
        self.feature_noise, self.new_item_share = feature_noise, float(new_item_share)
        self.seed = int(seed)
        self._early = truth.user_factors_early.astype(np.float64)
        self._late = truth.user_factors_late.astype(np.float64)
        self._user_bias = truth.user_bias.astype(np.float64)
        self._items = truth.item_factors.astype(np.float64)
        self._item_bias = truth.item_bias.astype(np.float64)
        self.n_users, self.n_factors = self._early.shape
        self.n_items = self._items.shape[0]
        self.n_features = (self.n_factors + 2) ** 2

        pairs = min(self.n_users * self.n_items, _STANDARDISE_PAIRS)
        u = rng.integers(0, self.n_users, pairs)
        i = rng.integers(0, self.n_items, pairs)
        affinity = (np.einsum("ij,ij->i", self._early[u], self._items[i])
                    + self._user_bias[u] + self._item_bias[i])
        self._mean, self._sd = float(affinity.mean()), float(affinity.std()) or 1.0

        def noisy(values: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore", invalid="ignore"):  # refused below
                scale = feature_noise * values.std(axis=0, keepdims=True)
                return values + scale * rng.standard_normal(values.shape)

        self.user_vectors = np.column_stack([noisy(self._early), noisy(self._user_bias[:, None]),
                                             np.ones(self.n_users)])
        self.item_vectors = np.column_stack([noisy(self._items), np.ones(self.n_items),
                                             noisy(self._item_bias[:, None])])
        if not (np.isfinite(self.user_vectors).all() and np.isfinite(self.item_vectors).all()):
            # noise beyond the float range: every context was inf or NaN, and a contextual
            # policy learned from NaN without a word
            raise ConfigError(f"{where}: feature_noise = {feature_noise!r} makes the contexts "
                              "overflow the float range; it is in column standard deviations, "
                              "so use a value such as 0.3")
        arrival = np.zeros(self.n_items)
        new = rng.random(self.n_items) < new_item_share
        arrival[new] = rng.random(np.count_nonzero(new))
        #: share of the run after which each item can be shown (0: from the start)
        self.arrival = arrival
        self._built = True

    def __setattr__(self, name: str, value: Any) -> None:
        # the settings are read when the environment is made (the contexts' noise, the
        # items' arrivals and the affinity's scale come from them): env.feature_noise = 1
        # set later was ignored without a word, and env.base_ctr = 2 made every click
        # probability NaN, unchecked; a misspelt one (env.base_crt) was stored beside them
        if self.__dict__.get("_built"):
            if name in _SETTINGS:
                raise ConfigError(
                    f"BanditEnvironment: {name} is a setting, read when the environment is "
                    f"made (its contexts, item arrivals and click model are built from the "
                    f"settings), so setting it afterwards would change nothing or break the "
                    f"click model; make a new environment: BanditEnvironment(..., "
                    f"{name}={echoed(shown(value), 40)})")
            if name in _BUILT:
                raise ConfigError(
                    f"BanditEnvironment: {name} is built from the synthetic data when the "
                    "environment is made and cannot be changed; make a new environment "
                    "(BanditEnvironment(n_users=..., n_items=...) sets the sizes)")
            if _new_public_name(self, name, _SETTINGS):
                raise ConfigError(
                    f"BanditEnvironment: no setting {name!r}{did_you_mean(name, _SETTINGS)}; "
                    f"its settings: {', '.join(_SETTINGS)}, given when it is made "
                    "(BanditEnvironment(..., base_ctr=0.1))")
        super().__setattr__(name, value)

    # ------------------------------------------------------------------ the world
    @arguments_named
    def click_probability(self, users: np.ndarray, fraction: float = 0.0) -> np.ndarray:
        """True click probability of every item for each user, shape (len(users), n_items),
        at the share ``fraction`` of the run (0: early tastes)."""
        users = self._users("click_probability", users)
        fraction = check_number("BanditEnvironment.click_probability", "fraction", fraction,
                                low=0.0, high=1.0)
        vectors = self._early[users]
        if self.drift:
            vectors = vectors + fraction * (self._late[users] - vectors)
        affinity = vectors @ self._items.T + self._user_bias[users, None] + self._item_bias
        logit = special.logit(self.base_ctr) + self.click_scale * (affinity - self._mean) / self._sd
        return special.expit(logit)

    @arguments_named
    def contexts(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        """Context vectors (len(users), n_items or items.shape[1], n_features) for every
        item, or for ``items`` (n_users, k) when given."""
        users = self._users("contexts", users)
        u = self.user_vectors[users]
        if items is None:
            outer = u[:, None, :, None] * self.item_vectors[None, :, None, :]
        else:
            items = as_index_array("BanditEnvironment.contexts", "items", items, ndim=2,
                                   size=self.n_items)
            check_shape("BanditEnvironment.contexts", "items", items,
                        (len(users), items.shape[1]))
            outer = u[:, None, :, None] * self.item_vectors[items][:, :, None, :]
        return outer.reshape(*outer.shape[:2], self.n_features)

    @arguments_named
    def available(self, fraction: float) -> np.ndarray:
        """Boolean mask of the items released by the share ``fraction`` of the run."""
        check_number("BanditEnvironment.available", "fraction", fraction, low=0.0, high=1.0)
        return self.arrival <= fraction

    def _users(self, method: str, users: Any) -> np.ndarray:
        """User indices of the environment (``0 .. n_users - 1``), as a 1-D int64 array."""
        return as_index_array(f"BanditEnvironment.{method}", "users", users, ndim=1,
                              size=self.n_users, what="user")

    # ------------------------------------------------------------------ a run
    @arguments_named
    def run(self, policy: Policy, *, n_rounds: int, users_per_round: int = 50, k: int = 5,
            seed: int = 0) -> SimulationResult:
        """Run ``policy`` (reset first) for ``n_rounds`` rounds; see the module docstring.

        Memory per round: the true probabilities, ``users_per_round x n_items`` floats, and
        for a contextual policy the contexts, ``users_per_round x n_items x n_features``;
        lower ``users_per_round`` for a large catalogue.

        *Threads.* BLAS is limited to one thread during the run (``threadpoolctl``, restored
        afterwards): a round's matrix products are small, and synchronising BLAS threads
        on every one of them cost up to ten times the products on a busy machine.
        """
        if isinstance(policy, type) and issubclass(policy, Policy):
            # the class itself ("got ABCMeta"): it is created with the catalogue's size
            raise ConfigError(f"BanditEnvironment.run: policy is the class "
                              f"{policy.__name__}, not a policy; create one: "
                              f"{policy.__name__}(n_items={self.n_items}"
                              f"{f', n_features={self.n_features}' if policy.contextual else ''})")
        if not isinstance(policy, Policy):
            raise ConfigError(f"BanditEnvironment.run: policy must be a bandit policy (e.g. "
                              f"UCB1(n_items={self.n_items})), got {type(policy).__name__}")
        seed = check_count("BanditEnvironment.run", "seed", seed, low=0, high=SEED_MAX)
        if policy.n_items != self.n_items:
            raise ConfigError(f"BanditEnvironment.run: {policy.name} has n_items="
                              f"{policy.n_items}, the environment {self.n_items}")
        if policy.contextual and policy.n_features != self.n_features:
            raise ConfigError(f"BanditEnvironment.run: {policy.name} has n_features="
                              f"{policy.n_features}, the environment's contexts have "
                              f"{self.n_features}")
        counts = []
        for name, given in (("n_rounds", n_rounds), ("users_per_round", users_per_round),
                            ("k", k)):
            # a numpy integer (a count taken from an array) is an integer too: it was
            # refused as "must be an integer, got np.int64(3)"; so is a whole Decimal
            value = exact_as_int(given)
            if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) \
                    or value < 1:
                raise ConfigError(f"BanditEnvironment.run: {name} must be an integer >= 1, "
                                  f"got {shown(given)}{number_spelling_hint(given, int, name)}")
            counts.append(int(value))
        n_rounds, users_per_round, k = counts
        if n_rounds > _MAX_ROUNDS:
            # the result's arrays were allocated first: numpy's "Maximum allowed dimension
            # exceeded" ValueError for n_rounds = 10**30, a MemoryError for 10**12
            raise ConfigError(f"BanditEnvironment.run: n_rounds = {shown_number(n_rounds)} is "
                              f"more rounds than a run can record (at most "
                              f"{_MAX_ROUNDS:,}: four numbers per round, 1 GiB); run fewer "
                              "rounds, or several runs")
        per_pair = 1 + (self.n_features if policy.contextual else 0)
        if users_per_round * self.n_items * per_pair > _MAX_ROUND_VALUES:
            # numpy's MemoryError ("Unable to allocate 7.28 TiB") or the machine swapping
            contexts = (f" and {self.n_features} context features each" if policy.contextual
                        else "")
            most = max(1, _MAX_ROUND_VALUES // (self.n_items * per_pair))
            raise ConfigError(f"BanditEnvironment.run: users_per_round = {users_per_round:,} "
                              f"with {self.n_items:,} items{contexts} is more than a round "
                              f"can hold in memory (at most {_MAX_ROUND_VALUES:,} numbers, "
                              f"1 GiB); use users_per_round <= {most:,}")
        at_start = int(self.available(0.0).sum())
        if k > at_start:
            # said what was wrong, not what would be right: the new items arriving later
            # (new_item_share) are not there to fill the first rounds' lists
            raise ConfigError(f"BanditEnvironment.run: k={k} is more than the {at_start} "
                              f"items available at the start (the {self.n_items} items less "
                              f"the new_item_share = {self.new_item_share:g} that arrive "
                              f"during the run); give k <= {at_start}, or an environment "
                              "with more items or a lower new_item_share")
        with threadpool_limits(limits=1, user_api="blas"):
            return self._run(policy, n_rounds, users_per_round, k, seed)

    def _run(self, policy: Policy, n_rounds: int, users_per_round: int, k: int, seed: int
             ) -> SimulationResult:
        policy.reset()
        user_rng, click_rng = (np.random.default_rng(s)
                               for s in np.random.SeedSequence(seed).spawn(2))
        regret = np.empty(n_rounds)
        clicks = np.empty(n_rounds)
        expected = np.empty(n_rounds)
        for r in range(n_rounds):
            fraction = r / n_rounds
            users = user_rng.integers(0, self.n_users, users_per_round)
            mask = self.available(fraction)
            truth = self.click_probability(users, fraction)
            contexts = self.contexts(users) if policy.contextual else None
            shown = policy.select(users, k, contexts=contexts, available=mask)
            p_shown = np.take_along_axis(truth, shown, axis=1)
            reward = (click_rng.random(shown.shape) < p_shown).astype(np.float64)
            best = -np.partition(-np.where(mask, truth, -np.inf), k - 1, axis=1)[:, :k]
            # both sides summed in the same (ascending) order: the best k shown in another
            # order gave a regret of +-1.4e-14, negative in some rounds; this way each sum
            # adds values no smaller than the other's, and the regret is >= 0 (0 exactly
            # for the best k in any order)
            regret[r] = np.sort(best, axis=1).sum() - np.sort(p_shown, axis=1).sum()
            clicks[r] = reward.sum()
            expected[r] = p_shown.sum()
            policy.update(users, shown, reward,
                          contexts=self.contexts(users, shown) if policy.contextual else None)
        return SimulationResult(policy=policy.name, regret=regret,
                                cumulative_regret=np.cumsum(regret), clicks=clicks,
                                expected_clicks=expected,
                                impressions_per_round=users_per_round * k)
