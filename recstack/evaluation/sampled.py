"""Sampled-negatives evaluation: each held-out item ranked among N items the user never had.

Why it exists
-------------
The published figures of NCF (He et al., WWW 2017: leave-one-out, the held-out item ranked
among 100 items, itself and 99 the user has not interacted with; NeuMF on MovieLens-1M
HR@10 0.730, NDCG@10 0.447) and of SASRec (Kang & McAuley, ICDM 2018: 100 sampled
negatives; MovieLens-1M HR@10 0.8245, NDCG@10 0.5905) are measured under this protocol,
not by ranking the full catalog; to reproduce them a model must be measured the same way.

Its known bias
--------------
Krichene & Rendle (KDD 2020, "On Sampled Metrics for Item Recommendation") show that
sampled metrics are biased estimates of their full-ranking counterparts and can even rank
models in another order than full ranking does. Use this protocol to compare with
published numbers measured under it; for everything else use the full-catalog
:class:`recstack.evaluation.evaluator.Evaluator`, recstack's default.

The protocol
------------
For every test user with a relevant held-out item, the candidates are the held-out item
and ``N`` negatives: either sampled here (:func:`sample_negatives`: ``n_negatives``
items, 100 by default, drawn uniformly without replacement from the items the user has
no row with in train *or* test, by a seeded generator, users in index order), or given
per user (``negatives=``: e.g. the NCF repository's ``*.test.negative`` file, read by
:func:`recstack.data.ncf_files.load_ncf_files`). The model's ``score_users`` scores the
full catalog; only the candidates' scores are used. With the 0-based rank ``r`` of the
held-out item among the ``1 + N`` candidates:

- ``hit_rate@K`` = 1 if ``r < K`` else 0;
- ``ndcg@K`` = ``1 / log2(r + 2)`` if ``r < K`` else 0 (one relevant item: the ideal is 1).

**Ties.** The reference codes break ties by list order (NCF appends the held-out item
after its negatives, SASRec puts it first), so a model that gives many items one score is
rated by that order. Here the held-out item's rank is taken uniformly at random among the
places its ties share, and each metric is its *expected* value under that draw: with
``h`` negatives scored strictly higher and ``t`` scored equal, ``hit_rate@K`` =
``|{h..h+t} ∩ [0, K)| / (t + 1)`` and ``ndcg@K`` the mean of ``1/log2(r + 2)`` over those
places below K. A model scoring every item alike gets ``hit_rate@K = K / (1 + N)``,
what chance gives, never a perfect score (and a :class:`ConstantScoresWarning`).

A user with several relevant held-out items has each ranked on its own against the same
negatives (never holding any of them); the user's value is the mean over those items, so
every user weighs alike, as in the full-catalog evaluator. The result is an
:class:`~recstack.evaluation.results.EvaluationResult` with per-user values and
confidence intervals as the full-ranking evaluator returns; its ``meta["protocol"]``
names the negatives (sampled with seed, or a digest of those given), so a paired test
refuses results measured on other negatives or by full ranking.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel, seed_value
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.evaluation.evaluator import (
    DEFAULT_MEMORY_BUDGET_BYTES,
    NO_HISTORY_SHARE,
    ConstantScoresWarning,
    Evaluator,
    TrainingPairsWarning,
    _check_fitted_on,
    _check_fitted_rows,
    _check_no_test_pairs_fitted,
    _checked_call,
    _pattern,
    check_interactions,
    check_one_split,
    of_total,
    refuse_non_scorer,
    test_pairs_key,
)
from recstack.evaluation.results import EvaluationResult
from recstack.metrics._validation import exact_as_int, how_to_write
from recstack.progress import Progress, resolve
from recstack.specs import arguments_named

__all__ = ["DEFAULT_NEGATIVES", "SAMPLED_METRICS", "NegativesWarning", "evaluate_sampled",
           "expected_hit_ndcg", "sample_negatives"]

#: negatives per user in NCF's and SASRec's protocol (NCF's files hold 99 beside the
#: held-out item, 100 candidates in all)
DEFAULT_NEGATIVES = 100
#: the metrics of the protocol, per user at each K
SAMPLED_METRICS = ("hit_rate", "ndcg")
#: bytes per score cell held at once (a batch's full rows and what is gathered from them)
_CELL_BYTES = 16
_TIE_RULE = "expected rank under random tie-breaking"


class NegativesWarning(UserWarning):
    """Given negatives that hold an item the user has a training row with, or one item
    twice: they are ranked as given (as the reference codes rank them), which is not
    the protocol's 'items the user never interacted with'."""


# ---------------------------------------------------------------------------- the metrics
def expected_hit_ndcg(higher: np.ndarray, tied: np.ndarray, k: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Expected ``hit_rate@k`` and ``ndcg@k`` of held-out items that ``higher`` negatives
    outscore and ``tied`` negatives equal, the item's 0-based rank drawn uniformly from
    ``higher .. higher + tied``: ``hit = |{h..h+t} ∩ [0, k)| / (t + 1)`` and ``ndcg`` the
    mean of ``1 / log2(r + 2)`` over those ranks below ``k``.

    >>> hit, ndcg = expected_hit_ndcg(np.array([0, 4, 12]), np.array([0, 0, 0]), 10)
    >>> hit.tolist(), np.round(ndcg, 4).tolist()
    ([1.0, 1.0, 0.0], [1.0, 0.3869, 0.0])
    """
    higher = np.asarray(higher, np.int64)
    tied = np.asarray(tied, np.int64)
    # gains[m] = sum of 1/log2(r + 2) over r < m, for m in 0..k
    gains = np.r_[0.0, np.cumsum(1.0 / np.log2(np.arange(k) + 2.0))]
    places = tied + 1
    low = np.minimum(higher, k)
    high = np.minimum(higher + places, k)
    hit = (high - low) / places
    ndcg = (gains[high] - gains[low]) / places
    return hit.astype(np.float64), ndcg


# ---------------------------------------------------------------------------- negatives
def _interacted(train: Interactions, test: Interactions) -> sp.csr_matrix:
    """Users x items pattern of every pair with a row in train or test."""
    n_users, n_items = train.shape
    rows = np.r_[train.user_index, test.user_index]
    cols = np.r_[train.item_index, test.item_index]
    matrix = sp.csr_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n_users, n_items))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _training_pairs_per_user(truth: sp.csr_matrix, train: Interactions) -> np.ndarray:
    """How many of each user's relevant test pairs are also training pairs."""
    both = _pattern(truth).multiply(_pattern(train.to_csr())).tocsr()
    both.eliminate_zeros()
    return np.diff(both.indptr)


def _refuse_only_training_pairs(truth: sp.csr_matrix, train: Interactions, function: str,
                                seen: np.ndarray) -> None:
    """Refuse a test part every relevant pair of which is also a training pair (the
    training part given as the test, or a subset of its rows). The full-ranking evaluator
    only warns there, since it masks training items and every metric comes out a visible
    0; this protocol ranks the held-out item unmasked among items the user never had, so a
    model that remembers its training pairs put each one first and HR@K came out near 1,
    looking like a result. A test part that merely shares some pairs with train (repeat
    consumption) passes. ``seen``: :func:`_training_pairs_per_user`."""
    if seen.sum() < truth.nnz:
        return
    first = int(np.flatnonzero(np.diff(truth.indptr))[0])
    user = train.users.to_external(np.array([first])).tolist()[0]
    item = train.items.to_external(truth.indices[truth.indptr[first]:][:1]).tolist()[0]
    raise ConfigError(
        f"{function}: every one of the test's {counted(truth.nnz, 'relevant (user, item) pair')}"
        f" is also a training pair (e.g. user {shown(user)}, item {shown(item)}), so each "
        "held-out item would be one the model trained on, ranked among items the user never "
        "had: the result would measure memory, not recommendation; was the training data "
        f"given as the test? Call {function}({'model, ' * (function == 'evaluate_sampled')}"
        "train, test) with a split's held-out part "
        "(split.test of leave_last_out, random_split or temporal_split)")


def _warn_if_some_training_pairs(truth: sp.csr_matrix, train: Interactions, function: str,
                                  seen: np.ndarray) -> tuple[int, int]:
    """Warn when the test's relevant pairs that are also training pairs could lift each
    averaged metric by at least :data:`NO_HISTORY_SHARE`; return how many such pairs there
    are and how many evaluated users have one (for ``meta``).

    The full-ranking evaluator masks training items, so such a pair there scores 0 and it
    warns of the users whose every relevant pair is one. Here the held-out item is ranked
    unmasked among items the user never had, so each such pair is a near-certain hit for a
    model that remembers its training pairs, whether or not the user's other pairs are
    new: a user's value is the mean over their held-out items, so the bound on the lift of
    each averaged metric is the mean, over evaluated users, of the share of their relevant
    pairs that are training pairs. Below the evaluator's share a few repeated pairs are a
    dataset's business (repeat consumption) and pass quietly; a test part of training
    pairs only is refused before this (:func:`_refuse_only_training_pairs`)."""
    relevant = np.diff(_pattern(truth).indptr)
    evaluated = relevant > 0
    touched = np.flatnonzero(seen > 0)
    pairs = int(seen.sum())
    n_evaluated = int(np.count_nonzero(evaluated))
    if not pairs or not n_evaluated:
        return pairs, len(touched)
    lift = float((seen[evaluated] / relevant[evaluated]).mean())
    if lift < NO_HISTORY_SHARE:
        return pairs, len(touched)
    # .tolist(): plain ids in the message, not np.int64(...)
    named = ", ".join(repr(u) for u in train.users.to_external(touched[:3]).tolist())
    one = len(touched) == 1
    # sample_negatives returns the negatives alone, with no meta to point at
    counts_in_meta = (" (meta['relevant_pairs_seen'] counts those pairs, "
                      "meta['users_relevant_seen'] their users)"
                      if function == "evaluate_sampled" else "")
    warnings.warn(TrainingPairsWarning(
        f"{function}: {of_total(len(touched), n_evaluated, 'evaluated test user', 'the')} "
        f"({len(touched) / n_evaluated:.0%}: {named}{', ...' if len(touched) > 3 else ''}) "
        f"{'has' if one else 'have'} training items among {'its' if one else 'their'} "
        f"relevant test items ({of_total(pairs, int(relevant.sum()), 'relevant pair')} "
        f"{'is a training pair' if pairs == 1 else 'are also training pairs'}); this "
        "protocol ranks each held-out item unmasked among items the user never had, so a "
        "model that remembers its training pairs ranks those first, lifting each averaged "
        f"metric by up to {lift:.0%}{counts_in_meta}; evaluate on pairs the users have not "
        "trained on (recstack's splits set repeated pairs apart)"),
        stacklevel=caller_stacklevel())
    return pairs, len(touched)


def _check_count(n_negatives: Any) -> int:
    given = n_negatives
    count = exact_as_int(n_negatives)
    if isinstance(count, bool | np.bool_) or not isinstance(count, int | np.integer) \
            or count < 1:
        raise ConfigError(f"n_negatives must be a positive whole number of items (e.g. 100, "
                          f"as NCF and SASRec sample), got {shown(given)}"
                          + how_to_write(given, int, "n_negatives",
                                         lambda meant: isinstance(meant, int) and meant >= 1))
    return int(count)


def _sample_indices(interacted: sp.csr_matrix, users: np.ndarray, n_negatives: int,
                    seed: int, external: Any) -> np.ndarray:
    """(len(users), n_negatives) item indices, each row drawn uniformly without replacement
    from the items outside that user's row of ``interacted``, users in the given order."""
    n_items = interacted.shape[1]
    # before anything is drawn or allocated: sample_negatives(n_negatives=10**20) was
    # numpy's "Maximum allowed dimension exceeded" (a large count, a MemoryError), where
    # evaluate_sampled refused it with the catalog's size
    if n_negatives >= n_items:
        raise ConfigError(f"n_negatives = {n_negatives:,}, but the catalog has "
                          f"{counted(n_items, 'item')}; sample fewer negatives than "
                          "items (NCF and SASRec sample 100)")
    rng = np.random.default_rng(seed)
    counts = np.diff(interacted.indptr)
    free = n_items - counts[users]
    short = np.flatnonzero(free < n_negatives)
    if len(short):
        first = int(short[0])
        raise ConfigError(
            f"n_negatives = {n_negatives:,}, but user {shown(external(users[first]))} has "
            f"only {counted(int(free[first]), 'item')} of the {n_items:,} they never "
            f"interacted with ({of_total(len(short), len(users), 'user')} evaluated have "
            f"fewer than {n_negatives:,}); lower n_negatives to at most "
            f"{int(free.min()):,}")
    out = np.empty((len(users), n_negatives), np.int64)
    for row, user in enumerate(users):
        seen = interacted.indices[interacted.indptr[user]:interacted.indptr[user + 1]]
        # the j-th item not seen is j + (seen items at or below it): seen is sorted, and
        # seen - arange counts the free items before each seen one
        picks = rng.choice(int(free[row]), n_negatives, replace=False)
        out[row] = picks + np.searchsorted(seen - np.arange(len(seen)), picks, side="right")
    return out


@arguments_named
def sample_negatives(train: Interactions, test: Interactions, n_negatives: int = DEFAULT_NEGATIVES,
                     *, seed: int = 0, relevance_threshold: float | None = None
                     ) -> dict[Any, np.ndarray]:
    """The negatives :func:`evaluate_sampled` draws with the same arguments, by user.

    For every test user with a relevant item (``value >= relevance_threshold``; every test
    row when None), in order of the user index: ``n_negatives`` distinct item ids drawn
    uniformly from the items the user has no row with in ``train`` or ``test`` (whatever
    their value), by ``numpy.random.default_rng(seed)``. Returns external user id ->
    array of external item ids; passing it back as ``negatives=`` gives the same result.
    A user with fewer such items than ``n_negatives`` is refused, naming the user, as is a
    count of at least the catalog's items, a test part in which no user has a relevant
    item, and one every relevant pair of which is also a training pair (the training part
    given as the test), as :func:`evaluate_sampled` refuses them; a test part where some
    are is warned of as there.
    """
    check_interactions(train=train, test=test)
    check_one_split(train, test=test)
    count = _check_count(n_negatives)
    seed = seed_value(seed, "sample_negatives: seed")
    settings = Evaluator(metrics=("hit_rate",), ks=(1,),
                         relevance_threshold=relevance_threshold)
    truth = settings.relevance(test)
    users = np.flatnonzero(np.diff(truth.indptr) > 0)
    if not len(users):
        # it returned {} (a threshold above every value, an empty test part) where
        # evaluate_sampled with the same arguments refuses, saying why
        settings.refuse_without_relevant(test)
    seen = _training_pairs_per_user(truth, train)
    _refuse_only_training_pairs(truth, train, "sample_negatives", seen)
    _warn_if_some_training_pairs(truth, train, "sample_negatives", seen)
    picks = _sample_indices(_interacted(train, test), users, count, seed,
                            lambda u: train.users.to_external(np.array([u]))[0])
    externals = train.users.to_external(users)
    item_ids = train.items.to_external(picks.ravel()).reshape(picks.shape)
    return {user: item_ids[row] for row, user in enumerate(externals.tolist())}


def _given_negatives(negatives: Any, train: Interactions, users: np.ndarray,
                     truth: sp.csr_matrix, interacted: sp.csr_matrix) -> list[np.ndarray]:
    """The item indices of each of ``users``' given negatives, checked: a mapping of user id
    to a list of item ids, each evaluated user present, every id known, none a relevant
    test item of the user; training items and repeats are warned of."""
    held = getattr(negatives, "negatives", negatives)  # the NCF loader's result itself
    if isinstance(held, pd.Series):
        held = held.to_dict()
    if not isinstance(held, Mapping):
        raise ConfigError(f"negatives must map each test user's id to the item ids to rank "
                          f"the held-out item against (e.g. {{'u1': [5, 9, 12]}}, or the "
                          f"result of load_ncf_files), got {type(held).__name__}")
    if not len(held):
        raise ConfigError("negatives is empty; give each test user's negative item ids")
    keys = list(held)
    try:
        codes = train.users.to_index(keys, what="user ids")
    except RecstackError as error:
        raise ConfigError(f"negatives: {error}") from None
    by_index = dict(zip(codes.tolist(), keys, strict=True))
    missing = [int(u) for u in users if int(u) not in by_index]
    if missing:
        raise ConfigError(
            f"negatives has no entry for {of_total(len(missing), len(users), 'test user')} "
            f"with a relevant item (e.g. user "
            f"{shown(train.users.to_external(np.array(missing[:1]))[0])}); give every test "
            "user's negatives, or sample them (leave negatives out)")
    given: list[list[Any]] = []
    for user in users.tolist():
        key = by_index[user]
        items = held[key]
        if isinstance(items, str | bytes) or not isinstance(
                items, Sequence | np.ndarray | pd.Series | pd.Index | set | frozenset):
            raise ConfigError(f"negatives[{shown(key)}] must be a list of item ids, got "
                              f"{type(items).__name__} {shown(items):.60}")
        # a 1-D array of numbers or text (the NCF loader's, sample_negatives') holds ids
        flat_array = isinstance(items, np.ndarray) and items.ndim == 1 \
            and items.dtype != object
        items = list(items)
        if not items:
            raise ConfigError(f"negatives[{shown(key)}] is empty; give at least one item id")
        nested = None if flat_array else next(
            (at for at, item in enumerate(items) if _holds_several(item)), None)
        if nested is not None:
            # [[3], [4]] (or a 2-D array) was looked up as ids of one flat list: an
            # IndexError where every user's inner lists were of one length, else a message
            # naming no user
            raise ConfigError(
                f"negatives[{shown(key)}] must be a flat list of item ids, but position "
                f"{nested} holds {type(items[nested]).__name__} {shown(items[nested]):.60}; "
                "give one list per user, e.g. [5, 9, 12] (a 2-D array: .ravel() it)")
        given.append(items)
    try:  # one lookup for all (a lookup per user took seconds on MovieLens-1M)
        flat = np.asarray(train.items.to_index(
            [item for items in given for item in items], what="item ids"), np.int64)
    except RecstackError:
        for user, items in zip(users.tolist(), given, strict=True):
            try:
                train.items.to_index(items, what="item ids")
            except RecstackError as error:
                raise ConfigError(f"negatives[{shown(by_index[user])}]: {error}") from None
        raise
    lengths = np.array([len(items) for items in given])
    owners = np.repeat(users.astype(np.int64), lengths)
    n_items = np.int64(truth.shape[1])
    pair_keys = owners * n_items + flat

    def pairs_of(matrix: sp.csr_matrix) -> np.ndarray:
        rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
        return np.sort(rows * n_items + matrix.indices)

    clash = np.flatnonzero(np.isin(pair_keys, pairs_of(truth)))
    if len(clash):
        user, item = owners[clash[0]], flat[clash[0]]
        raise ConfigError(
            f"negatives[{shown(by_index[int(user)])}] holds item "
            f"{shown(train.items.to_external(np.array([item]))[0])}, which is a relevant test "
            "item of that user: a negative must be an item the user never interacted with")
    overlapping = np.isin(pair_keys, pairs_of(interacted))
    ordered = np.sort(pair_keys)
    doubled_keys = ordered[1:][ordered[1:] == ordered[:-1]]
    on_train, repeats = int(overlapping.sum()), len(doubled_keys)
    example = ""
    if on_train or repeats:
        first = int(np.argmax(overlapping | np.isin(pair_keys, doubled_keys)))
        example = f" (e.g. user {shown(by_index[int(owners[first])])})"
    lists: list[np.ndarray] = np.split(flat, np.cumsum(lengths)[:-1])
    if on_train or repeats:
        parts = [f"{counted(on_train, 'item')} the user has a row with" if on_train else "",
                 f"{counted(repeats, 'repeated item')}" if repeats else ""]
        warnings.warn(NegativesWarning(
            f"the given negatives hold {' and '.join(p for p in parts if p)}{example}; they "
            "are ranked as given, but the protocol's negatives are distinct items the user "
            "never interacted with (sample_negatives draws such)"),
            stacklevel=caller_stacklevel())
    return lists


def _holds_several(item: Any) -> bool:
    """Whether ``item`` of a user's negatives is itself a collection (a list, a tuple, a
    set, an array of one or more dimensions) rather than one id (text and bytes are one)."""
    if isinstance(item, int | float | str | bytes | np.generic):  # the common case, first
        return False
    return isinstance(item, Sequence | set | frozenset | Mapping | pd.Series | pd.Index) \
        or np.ndim(item) > 0


def _digest(users: np.ndarray, negatives: list[np.ndarray]) -> str:
    sha = hashlib.sha256()
    for user, items in zip(users.tolist(), negatives, strict=True):
        sha.update(np.int64(user).tobytes())
        sha.update(np.asarray(items, np.int64).tobytes())
        sha.update(b"|")
    return sha.hexdigest()[:16]


# ---------------------------------------------------------------------------- evaluation
@arguments_named
def evaluate_sampled(model: Any, train: Interactions, test: Interactions, *,
                     ks: Sequence[int] = (10,), n_negatives: int = DEFAULT_NEGATIVES,
                     seed: int = 0, negatives: Any = None,
                     relevance_threshold: float | None = None, name: str | None = None,
                     batch_size: int | None = None, progress: Progress | None = None
                     ) -> EvaluationResult:
    """HR@K and NDCG@K of ``model`` with each held-out item ranked among ``1 + N`` items.

    Parameters
    ----------
    model
        A fitted recommender with ``score_users`` (fitted on ``train``).
    train, test
        Parts of one split (shared id maps). Every test user with a relevant item is
        evaluated. A test part whose relevant pairs are all training pairs is refused: the
        held-out items would be ones the model trained on; some shared pairs pass (repeat
        consumption), with a :class:`~recstack.evaluation.evaluator.TrainingPairsWarning`
        once they could lift each averaged metric by a tenth or more.
    ks
        Cut-offs, each below the ``1 + N`` candidates (at ``K >= 1 + N`` every user hits).
    n_negatives
        Negatives sampled per user (default 100) when ``negatives`` is not given.
    seed
        Seed of the sampling (a whole number, the data layer's seed rule).
    negatives
        Negatives given per user instead: a mapping of external user id to external item
        ids (or :func:`recstack.data.ncf_files.load_ncf_files`'s result). Every evaluated
        user needs an entry; a relevant test item of the user among them is refused.
    relevance_threshold
        Test rows with ``value >= relevance_threshold`` are held-out items (all rows when
        None), as for :class:`~recstack.evaluation.evaluator.Evaluator`.
    name
        The result's label (default: the model's name).
    batch_size
        Users scored at once (default: as many as 512 MiB of scores hold).

    Returns
    -------
    EvaluationResult
        Per-user ``hit_rate@K`` and ``ndcg@K`` (expected values under random tie-breaking:
        see the module's notes), with means and confidence intervals from ``summary()``;
        ``meta`` records the protocol, the negatives and the tie rule.

    Notes
    -----
    A biased estimate of full-ranking metrics that can order models otherwise (Krichene &
    Rendle, KDD 2020); the full-catalog :class:`~recstack.evaluation.evaluator.Evaluator`
    is the default. This one exists to reproduce figures published under it (NCF, SASRec).
    """
    refuse_non_scorer(model)
    check_interactions(train=train, test=test)
    check_one_split(train, test=test)
    try:
        label = _checked_call(model, name, progress)
    except ConfigError as error:  # its words name evaluate(), the full-ranking method
        raise ConfigError(str(error).replace("evaluate(", "evaluate_sampled(")) from None
    _check_fitted_on(model, train, label, ("users", "items"))
    # a model fitted on other rows, or on the test's answers, as the full evaluator refuses
    exclude = train.to_csr()
    _check_fitted_rows(model, exclude, label)
    settings = Evaluator(metrics=SAMPLED_METRICS, ks=ks,
                         relevance_threshold=relevance_threshold, batch_size=batch_size)
    ks_sorted = list(settings.ks)
    truth = settings.relevance(test)
    users = np.flatnonzero(np.diff(truth.indptr) > 0)
    if not len(users):
        settings.refuse_without_relevant(test)
    seen = _training_pairs_per_user(truth, train)
    _refuse_only_training_pairs(truth, train, "evaluate_sampled", seen)
    pairs_seen, users_seen = _warn_if_some_training_pairs(truth, train, "evaluate_sampled",
                                                          seen)
    _check_no_test_pairs_fitted(model, truth, exclude, train, label)
    interacted = _interacted(train, test)
    n_items = train.n_items
    if negatives is None:
        count = _check_count(n_negatives)
        seed = seed_value(seed, "evaluate_sampled: seed")
        picks = _sample_indices(interacted, users, count, seed,
                                lambda u: train.users.to_external(np.array([u]))[0])
        lists = list(picks)
        protocol = (f"sampled: each held-out item among {count:,} negatives per user, drawn "
                    f"uniformly from items never interacted with (seed {seed}); ties: "
                    f"{_TIE_RULE}")
        shortest = count
        recorded: int | None = count
    else:
        if not (type(n_negatives) is int and n_negatives == DEFAULT_NEGATIVES):
            raise ConfigError("give either negatives (the items per user) or n_negatives "
                              "(how many to sample), not both")
        lists = _given_negatives(negatives, train, users, truth, interacted)
        shortest = min(len(items) for items in lists)
        longest = max(len(items) for items in lists)
        recorded = shortest if shortest == longest else None
        protocol = (f"given negatives ({shortest:,}"
                    f"{'' if recorded else f' to {longest:,}'} per user, digest "
                    f"{_digest(users, lists)}); ties: {_TIE_RULE}")
    beyond = [k for k in ks_sorted if k >= shortest + 1]
    if beyond:
        raise ConfigError(
            f"ks = {ks_sorted}: K = {beyond[0]} is not below the {shortest + 1:,} candidates "
            f"(the held-out item and {counted(shortest, 'negative')}), so every user would "
            f"hit; use K <= {shortest:,}")

    batch = settings.batch_size or max(1, DEFAULT_MEMORY_BUDGET_BYTES // (n_items * _CELL_BYTES))
    per_user = {f"{metric}@{k}": np.empty(len(users)) for k in ks_sorted
                for metric in SAMPLED_METRICS}
    constant = 0
    threads = os.cpu_count() or 1
    with resolve(progress).task(f"Evaluating {label} (sampled)", total=len(users)) as task, \
            ThreadPoolExecutor(threads) as executor:
        for begin in range(0, len(users), batch):
            batch_users = users[begin:begin + batch]
            scores = Evaluator._checked_scores(model.score_users(batch_users), batch_users,
                                               n_items, train, label, executor, threads)
            for row, user in enumerate(batch_users.tolist()):
                at = begin + row
                candidates = scores[row, lists[at]]
                positives = scores[row, truth.indices[truth.indptr[user]:
                                                      truth.indptr[user + 1]]]
                if len(candidates) and np.all(candidates == positives[0]) \
                        and np.all(positives == positives[0]):
                    constant += 1
                higher = (candidates[None, :] > positives[:, None]).sum(axis=1)
                tied = (candidates[None, :] == positives[:, None]).sum(axis=1)
                for k in ks_sorted:
                    hit, ndcg = expected_hit_ndcg(higher, tied, k)
                    per_user[f"hit_rate@{k}"][at] = hit.mean()
                    per_user[f"ndcg@{k}"][at] = ndcg.mean()
            task.advance(len(batch_users))
    if constant:
        warnings.warn(ConstantScoresWarning(
            f"{label} gave one score to the held-out item and every negative of "
            f"{of_total(constant, len(users), 'evaluated user', 'the')}: their values are "
            f"what chance gives (hit_rate@K = K / {shortest + 1:,}), not a ranking; was it "
            "fitted, and does score_users return its scores?"),
            stacklevel=caller_stacklevel())
    frame = pd.DataFrame(per_user, index=pd.Index(train.users.to_external(users),
                                                  name="user_id"))
    users_in_test = int(np.count_nonzero(test.user_counts()))
    return EvaluationResult(
        model=label, per_user=frame, aggregate={},
        users_without_relevant=users_in_test - len(users),
        meta={"n_users": int(len(users)), "n_items": int(n_items), "ks": ks_sorted,
              "relevance_threshold": settings.relevance_threshold, "graded": False,
              "duplicate_grade": settings.duplicate_grade, "protocol": protocol,
              "n_negatives": recorded,
              "negatives": "sampled" if negatives is None else "given",
              "seed": seed if negatives is None else None, "ties": _TIE_RULE,
              "held_out_items": int(truth.nnz), "test_pairs": test_pairs_key(truth),
              "relevant_pairs_seen": pairs_seen, "users_relevant_seen": users_seen})
