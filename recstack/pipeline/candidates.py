"""The candidate stage: several fitted generators each propose their top ``n`` items per user;
the proposals are merged into one deduplicated set per user, keeping every source's score
and rank as features, and :func:`candidate_recall` says how much of the test set the merged
set holds (the ceiling any ranker of these candidates can reach).

Merging is a union: a (user, item) pair proposed by several generators appears once, with
one score and one rank column per generator. A generator that did not propose the pair
gives it a score of NaN and the rank ``n + 1`` (one past its list), so "not proposed" sits
just below its worst proposal for every ranker, including those that cannot take NaN.
Items the user has already interacted with (``exclude``) are never candidates.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, RecstackError, shown
from recstack.metrics._validation import exact_as_int, refuse_masked
from recstack.models.base import Recommender
from recstack.pipeline.bandit_checks import as_index_array, check_count
from recstack.pipeline.schema import row_selection
from recstack.specs import arguments_named, number_spelling_hint
from recstack.topk import top_k_batched, writable_scores

#: the most items a source may propose per user (``n`` of :func:`generate_candidates`,
#: ``n_per_source`` of :class:`Candidates` and of the feature builder): ranks are float32
#: features, whole numbers exact only up to 2**24, and the "not proposed" rank is one more
#: (with 10**30, every rank and "not proposed" became the same float, silently)
MAX_PER_SOURCE = 2**24 - 1


def too_many_per_source(name: str, value: Any) -> str | None:
    """The problem with ``value`` items proposed per source (an integer >= 1, checked by
    the caller) past :data:`MAX_PER_SOURCE`, or None."""
    if int(value) <= MAX_PER_SOURCE:
        return None
    return (f"{name} must be at most {MAX_PER_SOURCE:,} (2**24 - 1), got {int(value):,}: a "
            "source's rank of an item, and n_per_source + 1 for one it did not propose, is "
            "a float32 feature, exact only up to 2**24 (above it, neighbouring ranks and "
            "'not proposed' become the same number); ask each source for fewer items")


@dataclass(frozen=True)
class Candidates:
    """The merged candidates of a batch of users, one row per (user, item) pair.

    Attributes
    ----------
    users, items : ndarray of int64, shape (n_rows,)
        Internal indices. Each user's candidates are contiguous rows, each pair once
        (refused otherwise); :func:`generate_candidates` sorts them by user, then item.
    scores : ndarray of float32, shape (n_rows, n_sources)
        Each source's score of the pair; NaN where the source did not propose it, or
        proposed it by its stand-in (item popularity) to a user it knows nothing of (an
        empty history, no training rows), whose numbers are no scores of the source.
    ranks : ndarray of float32, shape (n_rows, n_sources)
        Each source's 1-based rank of the pair; ``n_per_source + 1`` where it did not
        propose it.
    sources : tuple of str
        The column names of ``scores`` and ``ranks`` (one per generator).
    n_per_source : int
        How many items each source was asked for.
    similarity : ndarray of float32, shape (n_rows, n_scorers)
        Scores of every pair by models that propose nothing but score every candidate
        (:func:`score_candidates`; e.g. the content model's text similarity to the user's
        history). Empty by default.
    scorers : tuple of str
        The column names of ``similarity``.
    """

    users: np.ndarray
    items: np.ndarray
    scores: np.ndarray
    ranks: np.ndarray
    sources: tuple[str, ...]
    n_per_source: int
    similarity: np.ndarray | None = None
    scorers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.similarity is None:
            object.__setattr__(self, "similarity",
                               np.zeros((len(np.atleast_1d(self.users)), 0), np.float32))
        self._check()

    def _check(self) -> None:
        """Refuse columns that do not line up, by name: a hand-built (or edited) set of
        candidates with one item fewer than users failed inside numpy or scipy
        ("operands could not be broadcast together", "inconsistent shapes") in
        candidate_recall and FeatureBuilder.build. (Indices outside a vocabulary are
        refused where the vocabulary is known: FeatureBuilder.build, candidate_recall.)"""
        where = "Candidates"
        for name in ("sources", "scorers"):
            names = getattr(self, name)
            if not isinstance(names, tuple | list) or not all(isinstance(v, str) and v
                                                            for v in names):
                raise RecstackError(f"{where}: {name} must be a tuple of non-empty names, "
                                    f"got {names!r}")
            object.__setattr__(self, name, tuple(names))
        count = self.n_per_source
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 1:
            raise RecstackError(f"{where}: n_per_source must be a positive integer, got "
                                f"{count!r}")
        problem = too_many_per_source("n_per_source", count)
        if problem is not None:
            raise RecstackError(f"{where}: {problem}")
        n = None
        for name in ("users", "items"):
            # the pipeline's one index check (indices outside a vocabulary are refused
            # where the vocabulary is known)
            array = as_index_array(where, name, getattr(self, name), ndim=1, size=None,
                                   what=name[:-1], error=RecstackError)
            if n is not None and len(array) != n:
                raise RecstackError(f"{where}: users has {n} rows, items {len(array)}; give "
                                    "one user and one item per candidate row")
            n = len(array)
            object.__setattr__(self, name, array.astype(np.int64, copy=False))
        self._check_order()
        for name, columns in (("scores", self.sources), ("ranks", self.sources),
                              ("similarity", self.scorers)):
            # a masked array's hidden scores or ranks became features, silently
            refuse_masked(getattr(self, name), f"{where}: {name}", RecstackError)
            array = np.asarray(getattr(self, name))
            if array.shape != (n, len(columns)) or (array.size
                                                    and array.dtype.kind not in "iuf"):
                holder = "sources" if name != "similarity" else "scorers"
                raise RecstackError(f"{where}: {name} must be numbers of shape (rows, "
                                    f"{holder}) = {(n, len(columns))}, got shape "
                                    f"{array.shape} and dtype {array.dtype}")
        self._check_ranks()

    def _check_ranks(self) -> None:
        """Refuse a source's rank outside the whole numbers 1..n_per_source + 1, or the
        "not proposed" rank n_per_source + 1 beside a score, and an infinite score: as
        generate_candidates writes them, a proposed pair (a finite score) has a rank in
        1..n_per_source and one not proposed (NaN) the rank n_per_source + 1. Hand-built
        candidates with a rank of 7 among 2 proposals, a fraction, or a score marked as not
        proposed became rank and n_sources features outside anything the ranker was trained
        on, without a word."""
        scores = np.asarray(self.scores, np.float64)
        ranks = np.asarray(self.ranks, np.float64)
        if not scores.size:
            return
        n = int(self.n_per_source)
        proposed = ~np.isnan(scores)
        problems = (
            (np.isinf(scores), "a score of {score}; a source's score is finite, or NaN "
                               "where it did not propose the item"),
            (~((ranks >= 1) & (ranks <= n + 1) & (ranks == np.round(ranks))),
             "rank {rank}; a rank is a whole number in 1..n_per_source = 1..{n} for a "
             "proposed item, n_per_source + 1 = {n_plus} for one not proposed"),
            (proposed & (ranks == n + 1),
             "score {score} with rank {rank}, the rank of an item it did not propose; give "
             "a proposed item its rank in 1..{n}, or NaN as its score"),
        )
        for bad, problem in problems:
            if bad.any():
                row, column = (int(i) for i in np.argwhere(bad)[0])
                detail = problem.format(score=f"{float(scores[row, column]):g}",
                                        rank=f"{float(ranks[row, column]):g}", n=n,
                                        n_plus=n + 1)
                raise RecstackError(
                    f"Candidates: row {row} (user {int(self.users[row])}, item "
                    f"{int(self.items[row])}) has, for source {self.sources[column]!r}, "
                    f"{detail} (generate_candidates builds them so)")

    def _check_order(self) -> None:
        """Refuse a user whose rows are not contiguous, or a pair given twice: each user's
        rows are read as one query group (FeatureBuilder.build failed later with "the rows
        of a group must be contiguous", naming no candidate row), and a repeated pair
        counted twice in the features and the training rows."""
        problem = _order_problem(self.users, self.items)
        if problem is not None:
            row, other, what = problem
            if what.startswith("belongs"):
                what = (f"belongs to the same user as row {other}, but another user's rows "
                        "come between them")
            else:
                what = f"{what} row {other}"
            raise RecstackError(
                f"Candidates: row {row} (user {int(self.users[row])}, item "
                f"{int(self.items[row])}) {what}; each user's rows must be "
                "contiguous and each pair given once (generate_candidates sorts them by "
                "user, then item: np.lexsort((items, users)) gives that order)")

    def __len__(self) -> int:
        return len(self.users)

    def best_rank(self) -> np.ndarray:
        """The best (lowest) rank any source gave each pair: how "hard" a negative is."""
        return self.ranks.min(axis=1) if self.ranks.shape[1] else np.zeros(len(self))

    def take(self, rows: np.ndarray) -> Candidates:
        """The candidates restricted to ``rows`` (a boolean mask, or positions, taken in
        the order given), as long as each user's rows stay contiguous and no row is taken
        twice."""
        rows = row_selection(rows, len(self), "Candidates.take")
        if rows.dtype != np.bool_:
            # positions that split a user's rows (read as two query groups downstream) or
            # took a row twice (the pair counted twice), named by their place in rows
            problem = _order_problem(self.users[rows], self.items[rows])
            if problem is not None:
                at, other, _ = problem
                if rows[at] == rows[other]:
                    clash = f"is taken again (first at position {other})"
                else:
                    clash = (f"is user {int(self.users[rows[at]])}'s, whose rows up to "
                             f"position {other} are separated from it by another user's")
                raise RecstackError(
                    f"Candidates.take: row {int(rows[at])} (at position {at} of rows) "
                    f"{clash}; take each row once, keeping each user's rows together "
                    "(e.g. np.sort(rows), or a boolean mask)")
        return Candidates(self.users[rows], self.items[rows], self.scores[rows],
                          self.ranks[rows], self.sources, self.n_per_source,
                          np.asarray(self.similarity)[rows], self.scorers)


def _order_problem(users: np.ndarray, items: np.ndarray) -> tuple[int, int, str] | None:
    """The first row that breaks "each user's rows contiguous, each pair once", with the
    earlier row it clashes with and how: ``(row, other, what)``; None when none does."""
    if len(users) < 2:
        return None
    later = users[1:] > users[:-1]
    if (later | ((users[1:] == users[:-1]) & (items[1:] > items[:-1]))).all():
        return None  # sorted by user, then item, as generate_candidates makes them
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    run_users = users[starts]
    order = np.argsort(run_users, kind="stable")
    again = run_users[order[1:]] == run_users[order[:-1]]
    split = None
    if again.any():
        # the later of two runs of one user: its first row, against the earlier run's last
        candidates_ = [(starts[order[i + 1]], order[i]) for i in np.flatnonzero(again)]
        start, earlier = min(candidates_)
        end = starts[earlier + 1] - 1 if earlier + 1 < len(starts) else len(users) - 1
        split = (int(start), int(end), "belongs to the same user as")
    if users.min() >= 0 and items.min() >= 0 \
            and int(users.max()) * (int(items.max()) + 1) + int(items.max()) < 2**62:
        key = users * (int(items.max()) + 1) + items  # one sort key per pair
        pair_order = np.argsort(key, kind="stable")
        same = key[pair_order[1:]] == key[pair_order[:-1]]
    else:
        pair_order = np.lexsort((np.arange(len(users)), items, users))
        same = (users[pair_order[1:]] == users[pair_order[:-1]]) \
            & (items[pair_order[1:]] == items[pair_order[:-1]])
    repeat = None
    if same.any():
        # stable: the earlier row of a repeated pair comes first, its repeat right after
        later = pair_order[1:][same]
        at = int(np.argmin(later))
        repeat = (int(later[at]), int(pair_order[:-1][same][at]), "repeats the pair of")
    found = [p for p in (split, repeat) if p is not None]
    return min(found) if found else None


def source_names(generators: Sequence[Recommender]) -> tuple[str, ...]:
    """One column name per generator: its registry name, numbered when repeated
    (``ease``, ``item_knn``, ``item_knn_2``)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for generator in generators:
        seen[generator.name] = seen.get(generator.name, 0) + 1
        count = seen[generator.name]
        names.append(generator.name if count == 1 else f"{generator.name}_{count}")
    return tuple(names)


@arguments_named
def generate_candidates(generators: Sequence[Recommender], user_indices: np.ndarray,
                        n: int, *, exclude: sp.csr_matrix | None = None,
                        sources: Sequence[str] | None = None,
                        batch_size: int | None = None,
                        per_user: int | None = None,
                        histories: sp.csr_matrix | None = None,
                        exclude_items: np.ndarray | None = None) -> Candidates:
    """Merge each generator's top ``n`` items for every user of ``user_indices``.

    With ``per_user = N`` instead, every user gets exactly ``N`` candidates (fewer only
    where the generators together cannot propose that many unseen items), even when the
    generators' lists overlap: each generator is asked for its top ``n`` (``n >= N``), the
    lists are read in interleaved rank order (every source's rank 1, then every source's
    rank 2, ..., sources in the order given) and the first ``N`` distinct items are kept.
    The score and rank columns of a kept pair are still every source's score and rank
    within its top ``n``, so the features mean the same with and without the cut.

    Parameters
    ----------
    generators : sequence of Recommender
        Fitted models sharing one item vocabulary (any registered model).
    user_indices : ndarray of int
        Internal user indices to propose items for, read as a set: a user given more than
        once gets one set of candidates, computed once (the rows are keyed by user, not
        by position in ``user_indices``).
    n : int
        Items asked of each generator per user (``>= 1``).
    exclude : scipy.sparse.csr_matrix, optional
        ``n_users x n_items``: items never proposed to a user (those already seen). By
        default the first generator's training matrix.
    sources : sequence of str, optional
        Column names; by default :func:`source_names`.
    batch_size : int, optional
        Users scored at once by each generator (default: within the memory budget of
        :func:`recstack.topk.top_k_batched`).
    per_user : int, optional
        Candidates per user after the merge (see above); ``None`` keeps the whole union.
    histories : scipy.sparse.csr_matrix, optional
        New users known only by their histories (``n x n_items``): ``user_indices`` are
        then its row positions, each generator proposes from ``score_histories`` of a
        row, and ``exclude`` defaults to the histories themselves.
    exclude_items : ndarray of bool, optional
        ``(n_items,)``: items never proposed to any user, masked column-wise in each
        scored batch (a sparse ``exclude`` holding them for every user cost more than the
        batch itself).

    Returns
    -------
    Candidates
        Sorted by user then item; a generator's empty slots (fewer than ``n`` unseen items
        left) and non-finite scores propose nothing.
    """
    given, n = n, exact_as_int(n)  # a whole Decimal or Fraction: its int
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ConfigError(f"candidates: n (items asked of each generator) must be a positive "
                          f"integer, got {shown(given)}{number_spelling_hint(given, int, 'n')}")
    problem = too_many_per_source("n (items asked of each generator)", n)
    if problem is not None:
        raise ConfigError(f"candidates: {problem}")
    batch_given, batch_size = batch_size, exact_as_int(batch_size)  # a whole Decimal: its int
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(
            batch_size, int | np.integer) or batch_size < 1):
        # refused inside the shared top-k loop without a word of which call it was
        raise ConfigError(f"candidates: batch_size (users scored at once) must be a positive "
                          f"integer or None, got {shown(batch_given)}"
                          f"{number_spelling_hint(batch_given, int, 'batch_size')}")
    _require_model_list(generators, "generators")
    if not generators:
        raise ConfigError("candidates: no generators given; name at least one fitted model")
    for position, generator in enumerate(generators):
        if not isinstance(generator, Recommender):
            raise RecstackError(f"candidates: generators[{position}] is "
                                f"{_not_a_model(generator)}")
        if not generator.is_fitted:
            raise RecstackError(f"candidates: generators[{position}] ({generator.name}) is "
                                "not fitted; call fit() on it before asking for candidates")
        if histories is not None and not callable(getattr(generator, "score_histories",
                                                          None)):
            raise RecstackError(f"candidates: generators[{position}] ({generator.name}) "
                                "cannot score a new user from their history (it has no "
                                "score_histories)")
    n_items = len(generators[0].items_)
    # as many items is not one vocabulary: merged by index, another generator's item 0
    # ("w") was proposed as the first's ("x"); so for users, but new users' rows of
    # ``histories`` are the same for every generator
    vocabularies = [("item", "items_")] + ([("user", "users_")] if histories is None else [])
    for position, generator in enumerate(generators[1:], start=1):
        if len(generator.items_) != n_items:
            raise RecstackError(f"candidates: generators[{position}] ({generator.name}) has "
                                f"{len(generator.items_)} items, generators[0] has {n_items};"
                                " fit every generator on the same data (one vocabulary)")
        for kind, attribute in vocabularies:
            mine, first = getattr(generator, attribute), getattr(generators[0], attribute)
            if mine != first:
                differ = int(np.argmax(mine.external_ids != first.external_ids)) \
                    if len(mine) == len(first) else min(len(mine), len(first))
                raise RecstackError(
                    f"candidates: generators[{position}] ({generator.name}) was fitted on "
                    f"other {kind} ids than generators[0] ({generators[0].name}): {kind} "
                    f"index {differ} is {_id_at(mine, differ)} for one and "
                    f"{_id_at(first, differ)} for the other; fit every generator on the "
                    "same data (one vocabulary)")
    per_user_given, per_user = per_user, exact_as_int(per_user)  # a whole Decimal: its int
    if per_user is not None and (isinstance(per_user, bool)
                                 or not isinstance(per_user, int | np.integer)
                                 or not 1 <= per_user <= n):
        raise ConfigError(f"candidates: per_user (candidates kept per user) must be an "
                          f"integer in 1..n = 1..{n} (each generator proposes n), got "
                          f"{shown(per_user_given)}"
                          f"{number_spelling_hint(per_user_given, int, 'per_user')}")
    names = (_column_names(sources, "sources", len(generators), "generator")
             if sources is not None else source_names(generators))
    if histories is not None and (not sp.issparse(histories) or histories.ndim != 2
                                  or histories.shape[1] != n_items):
        # else refused below as "exclude must be ...", a parameter the caller never gave
        raise RecstackError(f"candidates: histories must be a sparse matrix of new users x "
                            f"the generators' {n_items} items (one row per user, columns in "
                            "the models' item order), got "
                            f"{_described_matrix(histories)}")
    if exclude_items is not None:
        exclude_items = np.asarray(exclude_items)
        if exclude_items.dtype != bool or exclude_items.shape != (n_items,):
            raise ConfigError(f"candidates: exclude_items must be a true/false mask of the "
                              f"{n_items} items (shape ({n_items},)), got "
                              f"{_described_matrix(exclude_items)} of {exclude_items.dtype}")
    if exclude is None:
        exclude = generators[0].seen_ if histories is None else histories
    n_users = len(generators[0].users_) if histories is None else histories.shape[0]
    # the generator's refusal of an argument (ConfigError, a ValueError as before), not the
    # shared check's default, the bandits' BanditInputError
    users = as_index_array("candidates", "user_indices", user_indices, ndim=1, size=n_users,
                           what="user", error=ConfigError)
    # a set of users: one given twice gets its candidates once (the result is keyed by
    # user, not by position), scored once rather than once per repeat (test.user_index,
    # one entry per interaction, scored each user as often as they had interactions)
    users = np.unique(users)
    if not sp.issparse(exclude) or exclude.shape[1] != n_items or exclude.shape[0] < n_users:
        raise RecstackError(f"candidates: exclude must be a sparse users x items matrix with at "
                            f"least {n_users} rows and {n_items} columns, got "
                            f"{_described_matrix(exclude)}"
                            # a dense matrix of the right shape was told "got (6, 5)", the
                            # shape asked for, as if that were the fault
                            + ("; convert it first: scipy.sparse.csr_matrix(exclude)"
                               if not sp.issparse(exclude) and hasattr(exclude, "shape")
                               else ""))
    keys, values, ranks, origin = [], [], [], []
    for column, generator in enumerate(generators):
        top, scores = top_k_batched(_scoring(generator, histories, exclude_items), users,
                                    int(n), exclude=exclude, batch_size=batch_size,
                                    n_items=n_items)
        rank = np.broadcast_to(np.arange(1, top.shape[1] + 1, dtype=np.float32), top.shape)
        proposed = np.isfinite(scores)
        # a user the generator knows nothing of (an empty history, no training rows) is
        # proposed its stand-in's items (item popularity) at their ranks, but the stand-in's
        # numbers are no scores of the generator (a count of 28 where item-kNN scored 1.5
        # to 3.4): the score feature is missing (NaN) for them, as for an item not proposed
        stand_in = _stand_in_rows(generator, users, histories)
        if stand_in.any():
            scores = np.where(stand_in[:, None], np.nan, scores)
        row_user = np.broadcast_to(users[:, None], top.shape)
        keys.append(row_user[proposed] * n_items + top[proposed])
        values.append(scores[proposed].astype(np.float32))
        ranks.append(rank[proposed])
        origin.append(np.full(int(proposed.sum()), column, np.int64))
    all_keys = np.concatenate(keys)
    source = np.concatenate(origin)
    pairs, row = np.unique(all_keys, return_inverse=True)
    merged_scores = np.full((len(pairs), len(generators)), np.nan, np.float32)
    merged_ranks = np.full((len(pairs), len(generators)), n + 1, np.float32)
    merged_scores[row, source] = np.concatenate(values)
    merged_ranks[row, source] = np.concatenate(ranks)
    merged = Candidates(pairs // n_items, pairs % n_items, merged_scores, merged_ranks, names,
                        int(n))
    if not _called_within_recstack():
        # the two-stage model and make_training_data say their own words (or none)
        _warn_users_without_candidates(merged, users, generators, exclude, exclude_items,
                                       histories)
    return merged if per_user is None else limit_per_user(merged, int(per_user))


def _called_within_recstack() -> bool:
    """Whether :func:`generate_candidates` was called by recstack's own code: the two-stage
    model warns of its users without candidates in its own words (and not at all when it
    recommends, where such a user gets empty slots as from every model), so only a
    direct call warns. The frame of the argument check that wraps it
    (:func:`recstack.specs.arguments_named`) is passed over."""
    frame: Any = sys._getframe(2)  # the caller of generate_candidates (or its wrapper)
    while frame is not None and frame.f_globals.get("__name__") == "recstack.specs":
        frame = frame.f_back
    return frame is not None and str(frame.f_globals.get("__name__", "")).startswith(
        "recstack.")


def _warn_users_without_candidates(merged: Candidates, users: np.ndarray,
                                   generators: Sequence[Recommender], exclude: sp.csr_matrix,
                                   exclude_items: np.ndarray | None,
                                   histories: sp.csr_matrix | None) -> None:
    """Say how many of the users asked for got no candidate, a few of them, and why, as the
    two-stage model's ``candidates`` says: the result held no row of theirs, without a
    word (a ranker then had nothing of them to order)."""
    empty = np.setdiff1d(users, merged.users)
    if not len(empty):
        return
    n_items = exclude.shape[1]
    proposable = np.ones(n_items, bool) if exclude_items is None else ~exclude_items
    seen = np.asarray(sp.csr_matrix(exclude)[empty][:, np.flatnonzero(proposable)]
                      .astype(bool).sum(axis=1)).ravel()
    seen_all = seen >= int(proposable.sum())
    if histories is None:
        named = ", ".join(repr(getattr(user, "item", lambda u=user: u)())
                          for user in generators[0].users_.to_external(empty[:3]))
        who_kind = "users"
    else:
        named = "history rows " + ", ".join(str(int(row)) for row in empty[:3])
        who_kind = "new users"
    more = f" and {len(empty) - 3:,} more" if len(empty) > 3 else ""
    why = []
    if not proposable.any():
        # every user was said to have "interacted with every item the generators can
        # propose (0)", which blamed the users' histories for an exclude_items of all items
        why.append(f"exclude_items leaves out every one of the {n_items:,} items, so no "
                   "generator can propose any")
        seen_all[:] = True
    elif seen_all.any():
        who = "each" if seen_all.all() else f"{int(seen_all.sum()):,} of them"
        why.append(f"{who} interacted with every item the generators can propose "
                   f"({int(proposable.sum()):,}), all left out by exclude")
    if not seen_all.all():
        who = "each" if not seen_all.any() else f"{int((~seen_all).sum()):,} of them"
        why.append(f"{who} got no item from any generator (no finite score among their "
                   "unexcluded items)")
    warnings.warn(f"candidates: {len(empty):,} of the {len(users):,} {who_kind} asked for "
                  f"got no candidate ({named}{more}): {'; '.join(why)}; the result holds no "
                  "row of theirs", stacklevel=caller_stacklevel())


def _not_a_model(value: Any) -> str:
    """What ``value``, found where a fitted model belongs, is: a model's class itself
    (which was "a ABCMeta") is told to be created and fitted."""
    if isinstance(value, type) and issubclass(value, Recommender):
        return (f"the class {value.__name__}, not a model; create and fit one: "
                f"{value.__name__}().fit(train)")
    return f"a {type(value).__name__}, not a recstack model"


def _require_model_list(models: Any, name: str) -> None:
    """Refuse ``generators`` or ``scorers`` that are not a list of models (one model given
    alone failed with "'MostPopular' object is not iterable")."""
    if isinstance(models, str | bytes | Recommender) or not isinstance(models, Sequence):
        raise ConfigError(f"candidates: {name} must be a list of fitted models, e.g. "
                          f"[model], got {type(models).__name__}")


def _column_names(names: Any, name: str, count: int, per: str) -> tuple[str, ...]:
    """``sources`` or scorer ``names``: one distinct, non-empty text per model. A single
    text was read letter by letter (``"ab"`` named two generators ``a`` and ``b``), and a
    name given twice made two features of one name, refused later without naming it."""
    if isinstance(names, str | bytes) or not isinstance(names, Sequence) \
            or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"candidates: {name} must be a list of non-empty names, one per "
                          f"{per} ({count}), got {names!r}")
    names = tuple(names)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if len(names) != count or repeated:
        problem = (f"{len(names)} names for {count} {per}s" if len(names) != count
                   else f"{', '.join(map(repr, repeated))} named more than once")
        raise ConfigError(f"candidates: {name} must give one distinct name per {per} "
                          f"({count}), got {list(names)} ({problem})")
    return names


def _described_matrix(value: Any) -> str:
    """What a value given as a matrix is, for an error."""
    shape = getattr(value, "shape", None)
    kind = "sparse matrix" if sp.issparse(value) else type(value).__name__
    return f"a {kind} of shape {shape}" if shape is not None else f"a {kind}"


def require_candidates(value: Any, where: str) -> None:
    """Refuse anything but :class:`Candidates` (what :func:`generate_candidates` returns)."""
    if not isinstance(value, Candidates):
        raise RecstackError(f"{where}: candidates must be the Candidates that "
                            f"generate_candidates returns, got {type(value).__name__}")


def _id_at(ids: IdMap, index: int) -> str:
    """The external id at ``index`` of ``ids``, or "none" past its end."""
    return repr(ids.external_ids[index:index + 1].tolist()[0]) if index < len(ids) else "none"


@arguments_named
def limit_per_user(candidates: Candidates, per_user: int) -> Candidates:
    """Each user's first ``per_user`` candidates in interleaved rank order: every source's
    rank 1, then every source's rank 2, ..., sources in column order (the order in which
    reading the generators' lists side by side meets the items). Rows stay sorted by user,
    then item; score and rank columns are unchanged."""
    require_candidates(candidates, "limit_per_user")
    given, per_user = per_user, exact_as_int(per_user)  # a whole Decimal: its int
    if isinstance(per_user, bool) or not isinstance(per_user, int | np.integer) \
            or per_user < 1:
        raise ConfigError(f"candidates: per_user must be a positive integer, got "
                          f"{shown(given)}{number_spelling_hint(given, int, 'per_user')}")
    n_sources = candidates.ranks.shape[1]
    # where the interleaved reading first meets each pair: its best (rank, source)
    met = (candidates.ranks.astype(np.int64) * n_sources
           + np.arange(n_sources, dtype=np.int64)).min(axis=1)
    order = np.lexsort((met, candidates.users))
    users = candidates.users[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    position = np.arange(len(users)) - np.repeat(starts, np.diff(np.r_[starts, len(users)]))
    return candidates.take(np.sort(order[position < per_user]))


@arguments_named
def score_candidates(candidates: Candidates, scorers: Sequence[Recommender],
                     names: Sequence[str], *, batch_users: int = 1024,
                     histories: sp.csr_matrix | None = None) -> Candidates:
    """``candidates`` with every pair scored by each of ``scorers`` (fitted models on the
    same vocabulary) as ``similarity`` columns named ``names``, after any the candidates
    already hold (a name they already have is refused); non-finite scores become NaN.
    Users are scored ``batch_users`` at a time (their full rows, then the candidates'
    entries). With ``histories``, the candidates' users are its row positions (new users,
    as in :func:`generate_candidates`), scored by ``score_histories``."""
    require_candidates(candidates, "score_candidates")
    _require_model_list(scorers, "scorers")
    # a name short, and a column of similarity had no name (its feature was dropped)
    names = _column_names(names, "names", len(scorers), "scorer")
    taken = sorted(set(names) & set(candidates.scorers))
    if taken:
        # a second call replaced the first call's columns, dropping them without a word
        raise ConfigError(f"candidates: the candidates are already scored by "
                          f"{', '.join(map(repr, taken))} (their similarity columns "
                          f"{list(candidates.scorers)}); give the new scorers other names")
    batch_users = check_count("score_candidates", "batch_users", batch_users,
                              error=ConfigError)
    for position, scorer in enumerate(scorers):
        if not isinstance(scorer, Recommender):
            raise RecstackError(f"candidates: scorers[{position}] is {_not_a_model(scorer)}")
        if not scorer.is_fitted:
            raise RecstackError(f"candidates: scorers[{position}] ({scorer.name}) is not "
                                "fitted; call fit() on it first")
        # candidates hold indices of the generators' vocabulary: a scorer fitted on fewer
        # items or users failed with an IndexError (on as many, it read other items)
        for kind, indices, size in (
                ("item", candidates.items, len(scorer.items_)),
                ("user", candidates.users, None if histories is not None
                 else len(scorer.users_))):
            if size is not None and len(indices) and int(indices.max()) >= size:
                raise RecstackError(
                    f"candidates: scorers[{position}] ({scorer.name}) knows {size} "
                    f"{kind}s, but the candidates hold {kind} index {int(indices.max())}; "
                    "fit the scorers on the data the generators were fitted on (one "
                    "vocabulary)")
        if histories is not None and not callable(getattr(scorer, "score_histories", None)):
            raise RecstackError(f"candidates: scorers[{position}] ({scorer.name}) cannot "
                                "score a new user from their history (it has no "
                                "score_histories)")
    columns = np.full((len(candidates), len(scorers)), np.nan, np.float32)
    distinct, row_user = np.unique(candidates.users, return_inverse=True)
    for start in range(0, len(distinct), batch_users):
        chosen = (row_user >= start) & (row_user < start + batch_users)
        local = row_user[chosen] - start
        for column, scorer in enumerate(scorers):
            batch = distinct[start:start + batch_users]
            rows = _scoring(scorer, histories)(batch)
            scored = np.asarray(rows[local, candidates.items[chosen]], np.float32)
            # a user the scorer knows nothing of: its stand-in (item popularity) is no
            # similarity, so the feature is missing (see generate_candidates)
            scored[_stand_in_rows(scorer, batch, histories)[local]] = np.nan
            columns[chosen, column] = scored
    columns[~np.isfinite(columns)] = np.nan
    # the columns of an earlier call are kept before the new ones
    columns = np.column_stack([np.asarray(candidates.similarity, np.float32), columns])
    return Candidates(candidates.users, candidates.items, candidates.scores, candidates.ranks,
                      candidates.sources, candidates.n_per_source, columns,
                      (*candidates.scorers, *names))


def _stand_in_rows(model: Recommender, users: np.ndarray,
                   histories: sp.csr_matrix | None) -> np.ndarray:
    """Per entry of ``users`` (user indices, or rows of ``histories``), whether ``model``
    scores it by a stand-in rather than by its own scores: a history with no interaction
    (``score_histories``) or a user without training rows (``score_users``), which the
    models score by item popularity (or their own :attr:`~Recommender.history_fallback`)
    with a :class:`~recstack.models.base.PopularityFallbackWarning`. Never for the models
    whose scores of such a user are their own: the non-personalised baselines and those
    with an :attr:`~Recommender.own_ranking_without_history` (BPR's item bias).

    As candidate features these numbers were counts in another unit than the model's
    scores (item-kNN's similarity sums of 1.5 to 3.4 beside popularity counts of 28): the
    ranker read them far beyond its training range and clipped them, with a warning that
    told the user to give "the feature in the units of the training frame"."""
    stand_in = np.zeros(len(users), bool)
    if model.own_ranking_without_history or (model.serves_users_without_history
                                             and model.history_fallback is None):
        return stand_in
    if histories is None:
        return np.asarray(model._users_without_history())[users]
    empty = np.asarray(model._empty_history_rows(sp.csr_matrix(histories[users])), np.int64)
    stand_in[empty] = True
    return stand_in


def _scoring(model: Recommender, histories: sp.csr_matrix | None,
             exclude_items: np.ndarray | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """Full score rows of user indices, or of rows of ``histories`` (new users), with the
    columns of ``exclude_items`` (a boolean mask) at -inf."""
    score = (model.score_users if histories is None else
             lambda rows: np.asarray(model.score_histories(histories[rows])))  # type: ignore[attr-defined]
    if exclude_items is None or not np.any(exclude_items):
        return score
    columns = np.flatnonzero(exclude_items)

    def masked(rows: np.ndarray) -> np.ndarray:
        scores = writable_scores(score(rows))
        if scores.ndim == 2 and scores.shape[1] == len(exclude_items):
            scores[:, columns] = -np.inf
        return scores  # (another shape is refused, as returned, by top_k_batched)
    return masked


@arguments_named
def _among(wanted: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of ``wanted`` is one of ``keys``, as ``np.isin``. Candidates come
    sorted by user, then item (generate_candidates' order), so their keys are mostly
    sorted already and binary search needs no sort; np.isin argsorts both arrays together,
    which took 44 s for 20M candidate keys where this takes 1.3 s, or less when sorted."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool)
    if not (keys[1:] >= keys[:-1]).all():
        keys = np.sort(keys)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return keys[at] == wanted


def candidate_recall(candidates: Candidates, test: Interactions) -> float:
    r"""Mean per-user share of the test items that are among the user's candidates.

    .. math:: \mathrm{recall}_{cand} = \frac{1}{|U_T|} \sum_{u \in U_T}
              \frac{|C_u \cap T_u|}{|T_u|}

    over the users :math:`U_T` with at least one test item (:math:`T_u`, distinct items;
    :math:`C_u` the merged candidates, empty for a user who was not given any). No ranker of
    these candidates can reach a higher recall at any cut-off, so this is the ceiling of
    the two-stage model's recall@K. NaN when ``test`` is empty.
    """
    require_candidates(candidates, "candidate_recall")
    if not isinstance(test, Interactions):
        raise RecstackError(f"candidate_recall: test must be recstack Interactions (the test "
                            f"split), got {type(test).__name__}")
    if len(test) == 0:
        return float("nan")
    n_items = test.n_items
    for kind, indices, size in (("item", candidates.items, n_items),
                                ("user", candidates.users, test.n_users)):
        if len(indices) and int(indices.min()) < 0:
            # user * n_items - 1 is the previous user's last item: counted as a hit of
            # another user's test item, silently
            raise RecstackError(
                f"candidate_recall: the candidates hold the negative {kind} index "
                f"{int(indices.min())}; indices run from 0 (internal indices of the data "
                "the generators were fitted on)")
        if len(indices) and int(indices.max()) >= size:
            # the keys user * n_items + item then met other users' test items: a recall
            # of another vocabulary's pairs, silently
            raise RecstackError(
                f"candidate_recall: the candidates hold {kind} index {int(indices.max())}, "
                f"but the test data have {size} {kind}s; take the test split of the data "
                "the candidates' generators were fitted on (one vocabulary)")
    test_keys = np.unique(test.user_index.astype(np.int64) * n_items
                          + test.item_index.astype(np.int64))
    found = _among(test_keys, candidates.users * n_items + candidates.items)
    test_users = test_keys // n_items
    distinct, per_user = np.unique(test_users, return_inverse=True)
    if len(candidates.users) and not _among(distinct, candidates.users).any():
        # a validation split of other users than the candidates' (candidates generated
        # for the training users, a split by user) read as a recall of 0, the ceiling of
        # a model that could rank nothing, without a word
        warnings.warn(
            f"candidate_recall: none of the test's {len(distinct):,} users is among the "
            f"candidates' {len(np.unique(candidates.users)):,} users (test users such as "
            f"{_id_at(test.users, int(distinct[0]))}, candidate users such as "
            f"{_id_at(test.users, int(candidates.users[0]))}), so the recall is 0 by "
            "counting each test user as given no candidate; generate the candidates for "
            "the test's users (np.unique(test.user_index))",
            UserWarning, stacklevel=caller_stacklevel())
    hits = np.bincount(per_user, weights=found, minlength=len(distinct))
    totals = np.bincount(per_user, minlength=len(distinct))
    return float(np.mean(hits / totals))
