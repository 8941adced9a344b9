r"""The ranker's training examples, made the way production systems make them.

*The time-based scheme* (:func:`time_window`, :func:`make_training_data`): the training
log is cut at a time
:math:`t_c`. Candidate generators are fitted on the history before :math:`t_c` only; they
propose candidates for the users active in the label window :math:`[t_c, t_{end}]`, and a
candidate is a positive when the user interacted with it in the window, a negative
otherwise. Every feature is computed from the history before :math:`t_c`
(:meth:`~recstack.pipeline.features.FeatureBuilder.statistics` refuses anything later), so
an example never sees its own future. The final model then refits its generators on all
of the training log, and serves with features computed from all of it
(:class:`recstack.pipeline.two_stage.TwoStage`).

*The per-user scheme* (:func:`user_window`) labels each user's latest training
interactions instead, mirroring an evaluation that holds out each user's last ones (the
per-user temporal protocol): the generators and features see everything else.

*Negatives.* Candidates are mostly negatives. Three ways to deal with it:

- :func:`sample_negatives` with ``"uniform"`` keeps each negative with probability
  :math:`w` (every positive is kept). A pointwise model fitted on the sample estimates
  :math:`p = P(y = 1 \mid x, \text{kept})`; the probability on the original scale is
  (:func:`~recstack.pipeline.imbalance.correct_probability`; He et al., "Practical
  lessons from predicting clicks on ads at Facebook", 2014)

  .. math:: q = \frac{p}{p + (1 - p) / w}

  since the odds :math:`p / (1 - p)` of the sample are the original odds divided by
  :math:`w`.
- :func:`sample_negatives` with ``"hard"`` keeps, in each user's group, the
  :math:`\lceil w \, n^-_u \rceil` negatives the generators ranked best (lowest best rank
  over the sources): those are the ones a ranker must learn to push down. The sample is
  not random, so no probability correction applies: use it for ranking, not calibration.
- :func:`~recstack.pipeline.imbalance.class_weights` keeps every example and weights the
  classes instead (``balanced``: :math:`w_c = N / (2 N_c)`, as scikit-learn's
  ``class_weight="balanced"``), which leaves the ranking of a pointwise model's scores
  and changes its intercept only.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from recstack.config import check_seed
from recstack.data.interactions import Interactions
from recstack.data.splits import _ceil_3, exact_share, share_count
from recstack.errors import ConfigError, EmptyResultError, RecstackError, counted, shown
from recstack.metrics._validation import exact_as_float, exact_as_int
from recstack.models.base import Recommender
from recstack.pipeline.bandit_checks import check_count, percentage_hint
from recstack.pipeline.candidates import (
    Candidates,
    candidate_recall,
    generate_candidates,
    require_candidates,
    score_candidates,
    source_names,
    too_many_per_source,
)
from recstack.pipeline.features import FeatureBuilder, check_cutoff

# the shared imbalance tools live in their own module (used by the Bayesian logistic
# regression too); imported here so that their old import path keeps working
from recstack.pipeline.imbalance import (  # noqa: F401 (re-exported)
    ceil_share,
    class_weights,
    correct_probability,
    downsample_negatives,
    positive_labels,
)
from recstack.pipeline.schema import FeatureFrame
from recstack.specs import SEED_MAX, did_you_mean, number_spelling_hint

NegativeSampling = Literal["all", "uniform", "hard"]


@dataclass
class TrainingData:
    """The examples one cutoff gives the ranker.

    Attributes
    ----------
    frame : FeatureFrame
        One row per kept (user, candidate) pair, grouped by user.
    labels : ndarray of float32
        1 where the user interacted with the candidate in the label window, else 0.
    weights : ndarray of float32
        Sample weights (all 1 unless class weights were asked for).
    cutoff : int
        :math:`t_c`: the history is everything before it, the labels everything after.
    candidate_recall : float
        The share of the window's items the candidates hold (the ranker's ceiling there).
    negative_rate : float
        The rate :math:`w` the negatives were kept with (1: all kept).
    """

    frame: FeatureFrame
    labels: np.ndarray
    weights: np.ndarray
    cutoff: int
    candidate_recall: float
    negative_rate: float


def window_cutoff(train: Interactions, label_fraction: float) -> int:
    """The cutoff time :math:`t_c` that leaves (about) the latest ``label_fraction`` of the
    rows of ``train`` in the label window: the smallest timestamp among them, so rows that
    share a timestamp stay on one side.

    The window's rows are ``label_fraction x n`` of the ``n`` rows rounded by the one rule
    of every split's share (:func:`recstack.data.splits.share_count`: to the nearest whole
    number, a half up, the fraction read as written), at most ``n - 1`` so that a row is
    history: 0.34 of 10 rows is 3 rows, 0.35 is 4, 0.15 is 2. A share that rounds to no
    row is refused, saying the least share that gives one."""
    _require_interactions(train, "train")
    if train.timestamp is None:
        raise RecstackError("training data: the interactions have no timestamps; the "
                            "ranker's examples come from a later time window than the "
                            "history its features see, which needs them")
    # an exact number (Decimal, Fraction) is checked as its float, as every numeric option
    # is, and counted as written (share_count: Decimal("0.35") of 10 rows is 4 rows)
    given, label_fraction = label_fraction, exact_as_float(label_fraction)
    if isinstance(label_fraction, bool) or not isinstance(
            label_fraction, int | float | np.integer | np.floating) \
            or not 0.0 < label_fraction < 1.0:
        raise ConfigError(f"training data: label_fraction must be in (0, 1), got "
                          f"{shown(given)}{number_spelling_hint(given, float, 'label_fraction')}")
    if not len(train):
        # the cutoff is a timestamp of train: there is none (an IndexError from numpy)
        raise RecstackError("training data: the interactions have no rows, so there is no "
                            "time to cut them at into a history and a label window")
    times = np.sort(train.timestamp)
    n = len(times)
    # the one share rule of every split (it was floor(n (1 - f)) rows of history, so the
    # window took ceil(f n) rows: 3 of 10 for 0.21, and a row of 10 for 0.01)
    as_written = given if isinstance(given, Decimal | Fraction) else label_fraction
    window_rows = share_count(as_written, n)
    if window_rows < 1 and n > 1:
        raise RecstackError(
            f"training data: the label window is the latest label_fraction x the {n:,} rows, "
            f"rounded (a half up): label_fraction = {label_fraction:g} gives "
            f"{float(exact_share(as_written) * n):g} rows, which is no row; raise "
            f"label_fraction to at least {_ceil_3(0.5 / n)}")
    position = n - min(window_rows, n - 1) if n > 1 else 0
    cutoff = int(times[position])
    if cutoff <= int(times[0]):
        raise RecstackError(f"training data: every interaction before the label window "
                            f"shares the first timestamp {cutoff}; there is no history to "
                            "fit the generators on (lower label_fraction)")
    return cutoff


def time_window(train: Interactions, cutoff: int) -> tuple[Interactions, Interactions]:
    """The time-based scheme's two sides: ``(history, window)``, the rows before ``cutoff``
    and those at or after it. A cutoff that leaves either side without a row (after the
    last timestamp: no labels; at or before the first: no history) is refused, naming the
    data's first and last timestamps, as is data without any row."""
    _require_interactions(train, "train")
    cutoff = check_cutoff(cutoff, "training data")
    if train.timestamp is None:
        raise RecstackError("training data: the interactions have no timestamps; the "
                            "time-based scheme needs them")
    if not len(train):
        raise RecstackError("training data: the interactions have no rows, so there is "
                            f"nothing to cut at {cutoff} into a history and a label window")
    first, last = int(train.timestamp.min()), int(train.timestamp.max())
    if not first < cutoff <= last:
        # every row on one side: an empty label window (or history), without a word
        side = ("after the last timestamp, so the label window (rows at or after it) is "
                "empty" if cutoff > last else "at or before the first timestamp, so the "
                "history (rows before it) is empty")
        raise RecstackError(f"training data: cutoff {cutoff} is {side}; both sides need some "
                            f"rows, and the interactions' timestamps run from {first} to "
                            f"{last}: choose a cutoff in ({first}, {last}] (e.g. "
                            "window_cutoff(train, 0.2))")
    return (train.select(train.timestamp < cutoff), train.select(train.timestamp >= cutoff))


def user_window(train: Interactions, n: int) -> tuple[Interactions, Interactions, int]:
    """The per-user scheme's sides: ``(history, window, cutoff)``, each user's last ``n``
    rows by time in the window (users with ``n`` rows or fewer keep theirs in the
    history), as :func:`recstack.data.splits.leave_last_out` splits a test set; the
    features' cutoff is just after the history's last row.

    This mirrors an evaluation that holds out each user's last interactions: the history
    that serves the examples' features and generators holds other users' interactions
    later than a given user's labels exactly as the training data of such an evaluation
    holds them for its test items. A user's own features still see only the user's past.
    """
    from recstack.data.splits import leave_last_out

    _require_interactions(train, "train")
    if train.timestamp is None:
        raise RecstackError("training data: the interactions have no timestamps; the "
                            "per-user scheme takes each user's latest ones")
    try:
        inner = leave_last_out(train, n)
    except (ConfigError, EmptyResultError) as error:
        # the split's words ("leave_last_out: n = 0", "2 of them set apart") named a
        # function the caller never called, and two_stage's fit named no model
        raise type(error)(f"training data: the per-user label window (each user's last n "
                          f"rows; two_stage's user_labels) is a leave-last-out split, and "
                          f"it failed: {error}") from None
    assert inner.train.timestamp is not None  # a split keeps the timestamps it was given
    return inner.train, inner.test, int(inner.train.timestamp.max()) + 1


def make_training_data(history: Interactions, window: Interactions,
                       make_generators: Callable[[], Sequence[Recommender]],
                       builder: FeatureBuilder, *, cutoff: int, n_candidates: int,
                       sources: Sequence[str] | None = None,
                       negatives: NegativeSampling = "all", negative_rate: float = 1.0,
                       balanced: bool = False, seed: int = 0,
                       make_scorers: Callable[[], Sequence[Recommender]] | None = None
                       ) -> TrainingData:
    """The ranker's examples: candidates from generators fitted on ``history``, labelled
    by ``window`` (see the module docstring).

    Parameters
    ----------
    history, window : Interactions
        What the generators and features see, and what labels the candidates (from
        :func:`time_window` or :func:`user_window`; never the test split).
    make_generators : callable
        Returns fresh, unfitted generators; they are fitted on ``history`` here.
    builder : FeatureBuilder
        Fitted here on ``history`` (its columns and vocabularies).
    cutoff : int
        The time the features are computed at; ``history`` must end before it.
    n_candidates : int
        Items asked of each generator per user.
    negatives, negative_rate, seed
        See :func:`sample_negatives`.
    balanced : bool
        Weight the classes with :func:`class_weights` (after any sampling).
    make_scorers : callable, optional
        Returns fresh, unfitted models that score every candidate (fitted on ``history``
        here; their scores become the ``similarity_`` features).

    Users who have no history (the generators know nothing of them), or no interaction
    in the window, give no example; nor do users none of whose window items is among
    their candidates (they teach a ranker nothing about order).
    """
    _require_interactions(history, "history")
    _require_interactions(window, "window")
    cutoff = check_cutoff(cutoff, "training data")
    negative_rate = exact_as_float(negative_rate)  # Decimal, Fraction: read as their float
    for name, value in (("make_generators", make_generators), ("make_scorers", make_scorers)):
        if value is not None and not callable(value):
            raise ConfigError(f"training data: {name} must be a function returning fresh "
                              f"models (e.g. lambda: [create_model('ease')]), got "
                              f"{type(value).__name__}")
    if isinstance(builder, type) and issubclass(builder, FeatureBuilder):
        # the class itself ("got type")
        raise ConfigError(f"training data: builder is the class {builder.__name__}, not a "
                          f"builder; create one: {builder.__name__}(...)")
    if not isinstance(builder, FeatureBuilder):
        raise ConfigError(f"training data: builder must be a FeatureBuilder "
                          f"(recstack.pipeline.features), got {type(builder).__name__}")
    if not isinstance(balanced, bool | np.bool_):
        raise ConfigError(f"training data: balanced must be True or False, got {shown(balanced)}")
    read_seed = exact_as_int(seed)
    if isinstance(read_seed, bool) or not isinstance(read_seed, int | np.integer):
        raise ConfigError(f"training data: seed must be a whole number in [0, {SEED_MAX}], "
                          f"got {shown(seed)}{number_spelling_hint(seed, int, 'seed')}")
    # the one seed rule (a seed past 32 bits failed only when the negatives were drawn)
    check_seed(int(read_seed), "training data: seed")
    seed = int(read_seed)
    if negatives == "all" and not isinstance(negative_rate, bool) \
            and isinstance(negative_rate, numbers.Real) and negative_rate != 1:
        # "all" keeps every negative whatever the rate: a rate given with it was ignored
        # without a word (and TrainingData.negative_rate said 1)
        raise ConfigError(f"training data: negative_rate = {negative_rate!r} is read only "
                          "with negatives = 'uniform' or 'hard', and negatives is 'all' "
                          "(every negative kept), so it would be ignored; pass "
                          "negatives='uniform' to sample, or leave negative_rate out")
    # every option checked before the generators are fitted, naming this function's
    # arguments (n_candidates = 0 or a misspelt negatives were refused after every fit, as
    # generate_candidates' "n" and sample_negatives' "negative sampling")
    candidates_given, n_candidates = n_candidates, exact_as_int(n_candidates)  # Decimal: int
    if isinstance(n_candidates, bool) or not isinstance(n_candidates, int | np.integer) \
            or n_candidates < 1:
        raise ConfigError(f"training data: n_candidates (items asked of each generator) must "
                          f"be a positive integer, got {shown(candidates_given)}"
                          f"{number_spelling_hint(candidates_given, int, 'n_candidates')}")
    problem = too_many_per_source("n_candidates (items asked of each generator)", n_candidates)
    if problem is not None:
        raise ConfigError(f"training data: {problem}")
    check_sampling(negatives, negative_rate, "training data", ("negatives", "negative_rate"))
    _require_same_ids(history, window)
    if len(history) == 0 or len(window) == 0:
        raise RecstackError(f"training data: {len(history)} interactions in the history "
                            f"and {len(window)} in the label window; both sides need some "
                            "(choose another cutoff or label_fraction)")
    if history.timestamp is None:
        # refused by the features' statistics only after every generator was fitted
        raise RecstackError("training data: the history has no timestamps; the features "
                            "(recency, time-decayed popularity) are computed at the cutoff "
                            "from them: give interactions with timestamps")
    _require_labels_after_history(history, window)
    n_users = history.n_users
    known = np.bincount(history.user_index, minlength=n_users) > 0
    active = np.unique(window.user_index)
    users = active[known[active]]
    if not len(users):
        raise RecstackError("training data: no user of the label window has any history; "
                            "no example can be made")
    # a misspelt table or context column, named before the generators' fits, not after
    builder.check_columns(history)
    generators = [g.fit(history) for g in _fresh_models(make_generators, "make_generators")]
    # items no generator learned anything of in the history (no rows there: an item new in
    # the window) are never candidates, as a fitted TwoStage never proposes its untrained
    # items: their examples (no popularity, often a positive) taught the ranker a
    # situation serving never meets
    candidates = generate_candidates(generators, users, n_candidates,
                                     exclude=history.to_csr(), sources=sources,
                                     exclude_items=untrained_items(generators))
    labels = _labels(candidates, window)
    recall = candidate_recall(candidates, window.for_users(users))
    with_positive = np.bincount(candidates.users, weights=labels, minlength=n_users) > 0
    keep = with_positive[candidates.users]
    if not keep.any():
        raise RecstackError(f"training data: none of the {len(users)} users' candidates "
                            "holds any of their items of the label window (candidate recall "
                            "0); ask for more candidates or other generators")
    candidates, labels = candidates.take(keep), labels[keep]
    chosen = sample_negatives(labels, candidates, negatives, negative_rate, seed=seed,
                              name="training data: negative_rate")
    candidates, labels = candidates.take(chosen), labels[chosen]
    scorers = ([m.fit(history) for m in _fresh_models(make_scorers, "make_scorers")]
               if make_scorers is not None else [])
    if scorers:
        candidates = score_candidates(candidates, scorers, source_names(scorers))
    builder.fit(history, candidates.sources, n_candidates, candidates.scorers)
    frame = builder.build(candidates, builder.statistics(history, cutoff))
    weights = (class_weights(labels) if balanced else np.ones(len(labels), np.float32))
    return TrainingData(frame, labels, weights, int(cutoff), recall,
                        negative_rate if negatives == "uniform" else 1.0)


def untrained_items(generators: Sequence[Recommender]) -> np.ndarray | None:
    """The items (a boolean mask) none of the fitted ``generators`` learned anything of (no
    training rows; for a model placing items by their content, neither rows nor content),
    None when there are none: the ``exclude_items`` of :func:`generate_candidates` in the
    training examples, as :class:`~recstack.pipeline.two_stage.TwoStage` excludes them
    when it serves."""
    unknown: np.ndarray | None = None
    for generator in generators:
        mask = np.asarray(generator._items_without_similarity(), dtype=bool)
        unknown = mask.copy() if unknown is None else unknown & mask
    return unknown if unknown is not None and unknown.any() else None


def _require_same_ids(history: Interactions, window: Interactions) -> None:
    """Refuse a label window whose indices mean other ids than the history's: the labels
    pair them by index, so a window read on its own (its user 0 another user) labelled
    other users' candidates, silently."""
    for kind, mine, theirs in (("user", history.users, window.users),
                               ("item", history.items, window.items)):
        if mine != theirs:
            shown = ", ".join(repr(v) for v in theirs.external_ids[:3].tolist())
            expected = ", ".join(repr(v) for v in mine.external_ids[:3].tolist())
            raise RecstackError(
                f"training data: the label window's {kind} ids are not the history's (its "
                f"{kind} indices 0, 1, 2... stand for {shown or 'nothing'}, the history's for "
                f"{expected or 'nothing'}), so its labels would fall on other {kind}s; take "
                "both sides from one Interactions with time_window() or user_window()")


def _require_labels_after_history(history: Interactions, window: Interactions) -> None:
    """Refuse a label window holding a user's interaction earlier than that user's latest
    history row (and not itself a history row): the labels are what a user did after the
    history the generators and features see (:func:`time_window`: every window row at or
    after the cutoff; :func:`user_window`: each user's latest rows). History and window
    given the other way round (``window, history = time_window(...)``) made examples whose
    labels came before their features' data, without a word."""
    if window.timestamp is None:
        return
    assert history.timestamp is not None  # checked by the caller
    n_items = history.n_items
    users = history.user_index.astype(np.int64)
    latest = np.full(history.n_users, np.iinfo(np.int64).min, np.int64)
    np.maximum.at(latest, users, history.timestamp)
    window_users = window.user_index.astype(np.int64)
    earlier = window.timestamp < latest[window_users]
    if earlier.any():
        # a window holding the history's own rows (the whole log) labels nothing with
        # them (a user's history items are never candidates): those rows are left alone
        pairs = np.unique(users * n_items + history.item_index.astype(np.int64))
        rows = np.flatnonzero(earlier)
        keys = window_users[rows] * n_items + window.item_index[rows].astype(np.int64)
        earlier[rows[np.isin(keys, pairs)]] = False
    if not earlier.any():
        return
    row = int(np.argmax(earlier))
    user = int(window_users[row])
    user_id = window.users.to_external([user]).tolist()[0]
    item_id = window.items.to_external([int(window.item_index[row])]).tolist()[0]
    raise RecstackError(
        f"training data: the label window holds "
        f"{counted(int(earlier.sum()), 'row')} earlier than the same user's latest history "
        f"row, the first row {row} (user {user_id!r}, item {item_id!r}, at "
        f"{int(window.timestamp[row])}; the user's latest history row at "
        f"{int(latest[user])}); the labels are what users did after the history the "
        "features see: were history and window given the other way round? (time_window "
        "and user_window return the history first)")


def _fresh_models(make: Callable[[], Sequence[Recommender]], name: str
                  ) -> Sequence[Recommender]:
    """What ``make`` returns, refused unless a list of recstack models (a single model,
    or a model's name, failed while fitting with "'EASE' object is not iterable" or
    "'str' object has no attribute 'fit'")."""
    models = make()
    if isinstance(models, str | bytes | Recommender) or not isinstance(models, Sequence):
        raise ConfigError(f"training data: {name} must return a list of fresh models (e.g. "
                          f"lambda: [create_model('ease')]), but it returned "
                          f"{type(models).__name__}")
    for position, model in enumerate(models):
        if not isinstance(model, Recommender):
            raise ConfigError(f"training data: {name}()[{position}] is a "
                              f"{type(model).__name__} ({model!r}), not a recstack model; "
                              "build it with create_model(...)")
        if model.is_fitted:
            # it was refitted on the history without a word, discarding the caller's fit
            # (and any model fitted past the cutoff would leak the label window)
            raise ConfigError(f"training data: {name}()[{position}] ({model.name}) is "
                              "already fitted; these models are fitted here on the history "
                              "before the cutoff, so a fitted one would be refitted and its "
                              f"fit discarded: return fresh models (e.g. lambda: "
                              f"[create_model({model.name!r})]), a new list on each call")
    return models


def _require_interactions(value: Any, name: str) -> None:
    if not isinstance(value, Interactions):
        raise RecstackError(f"training data: {name} must be recstack Interactions, got "
                            f"{type(value).__name__}")


def _labels(candidates: Candidates, window: Interactions) -> np.ndarray:
    n_items = window.n_items
    window_keys = np.unique(window.user_index.astype(np.int64) * n_items
                            + window.item_index.astype(np.int64))
    return np.isin(candidates.users * n_items + candidates.items,
                   window_keys).astype(np.float32)


def check_sampling(how: Any, rate: Any, where: str, names: tuple[str, str]) -> float:
    """The negative sampling ``how`` ("all", "uniform" or "hard") and its ``rate`` in
    (0, 1] (returned as a float), refused by the caller's argument ``names``: one check for
    :func:`sample_negatives` and :func:`make_training_data`, which checks them before any
    generator is fitted (a misspelt 'hrad' was refused only after every fit, as "negative
    sampling must be ...", naming no argument)."""
    how_name, rate_name = names
    if not isinstance(how, str) or how not in _SAMPLINGS:
        near = did_you_mean(how, _SAMPLINGS) if isinstance(how, str) else ""
        raise ConfigError(f"{where}: {how_name} (the negative sampling) must be 'all', "
                          f"'uniform' or 'hard', got {shown(how)}{near}")
    given, rate = rate, exact_as_float(rate)  # Decimal, Fraction: read as their float
    if isinstance(rate, bool | np.bool_) or not isinstance(rate, numbers.Real) \
            or not 0 < float(rate) <= 1:
        raise ConfigError(f"{where}: {rate_name} (the negative sampling rate) must be in "
                          f"(0, 1], got {shown(given)}{percentage_hint(given)}"
                          f"{number_spelling_hint(given, float, rate_name)}")
    return float(rate)


_SAMPLINGS = ("all", "uniform", "hard")


def sample_negatives(labels: np.ndarray, candidates: Candidates, how: NegativeSampling,
                     rate: float, *, seed: int = 0, name: str = "sample_negatives: rate"
                     ) -> np.ndarray:
    """Rows to keep (sorted positions): every positive, and the negatives chosen by ``how``.

    Parameters
    ----------
    labels : ndarray
        > 0 for positives.
    candidates : Candidates
        Their users (the groups) and generator ranks.
    how : {"all", "uniform", "hard"}
        ``"all"``: every row. ``"uniform"``: each negative kept independently with
        probability ``rate`` (seeded). ``"hard"``: in each user's group, the
        :math:`\\lceil rate \\cdot n^-_u \\rceil` negatives with the best (lowest) rank over
        the sources, ties to the lower item index.
    rate : float
        :math:`w \\in (0, 1]`.
    name : str
        The rate as the caller's user knows it, for the warning of a ``"uniform"`` rate
        that keeps no negative (:class:`~recstack.pipeline.imbalance.TooFewNegativesWarning`).
    """
    rate = check_sampling(how, rate, "sample_negatives", ("how", "rate"))
    require_candidates(candidates, "sample_negatives")
    # the training data's refusals of an argument (ConfigError, a ValueError as before), not
    # the shared checks' default, the bandits' BanditInputError
    seed = check_count("sample_negatives", "seed", seed, low=0, high=SEED_MAX,
                       error=ConfigError)
    # one finite label per candidate row: a NaN counted as a negative, text failed inside
    # numpy, and labels of another length kept rows of other candidates, silently (or
    # failed with an IndexError)
    positive = positive_labels("sample_negatives", labels, error=ConfigError)
    if len(positive) != len(candidates):
        raise ConfigError(f"sample_negatives: labels has {len(positive)} entries, the "
                          f"candidates {len(candidates)} rows; give one label per "
                          "candidate row, in the candidates' order")
    if how == "all" or rate == 1:
        return np.arange(len(positive))
    if how == "uniform":
        return downsample_negatives(positive, rate, seed=seed, name=name)
    negative = np.flatnonzero(~positive)
    users = candidates.users[negative]
    # order the negatives by user, then best rank, then item: position within the user
    order = np.lexsort((candidates.items[negative], candidates.best_rank()[negative], users))
    ordered_users = users[order]
    starts = np.flatnonzero(np.r_[True, ordered_users[1:] != ordered_users[:-1]])
    counts = np.diff(np.r_[starts, len(order)])
    position = np.arange(len(order)) - np.repeat(starts, counts)
    # in integers, the rate read as written: np.ceil(0.07 x 100) kept 8 negatives of 100
    quota = ceil_share(rate, counts)
    kept_negative = negative[order[position < np.repeat(quota, counts)]]
    mask = positive.copy()
    mask[kept_negative] = True
    return np.flatnonzero(mask)
