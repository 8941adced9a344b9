"""Full-catalog evaluation of any model that scores all items for a batch of users.

For each batch of test users: score every catalog item, mask each user's training items,
take the top ``max(K)`` (:mod:`recstack.topk`: among equal scores the lower item index
ranks first, also at the cut-off), and compute every requested metric at every K from that
one list. Memory is bounded by ``batch_size x n_items`` scores.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import warnings
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.dates import held_scalar
from recstack.data.idmap import IdMap
from recstack.data.interactions import (
    Interactions,
    at_least,
    caller_stacklevel,
    check_threshold,
    is_one_of,
    refuse_ragged,
    warn_of_a_threshold_keeping_every_row,
)
from recstack.errors import ConfigError, RecstackError, counted, shown, shown_ids
from recstack.evaluation.diagnostics import index_list_overlap
from recstack.evaluation.results import EvaluationResult
from recstack.metrics._validation import exact_as_int, how_to_write, shown_given
from recstack.metrics.ranking import (
    RANKING_METRICS,
    abbreviation_hint,
    auc_per_user,
    ranking_metrics,
)
from recstack.progress import Progress, require_reporter, resolve
from recstack.specs import (
    MAX_THREADS,
    arguments_named,
    cutoffs_problem,
    cutoffs_text,
    did_you_mean,
)
from recstack.topk import mask_rows, rows_with_nan, top_k_threaded, writable_scores

#: per-user metrics that need the full score rows, not only the top-K list
FULL_SCORE_METRICS = ("auc",)
#: metrics of the recommended lists, computed at each K: ``coverage`` and ``gini`` are one
#: value over all users (``aggregate``), the others one per user
LIST_METRICS = ("coverage", "gini", "novelty", "diversity", "popularity")
DEFAULT_METRICS = ("precision", "recall", "hit_rate", "mrr", "map", "ndcg", "coverage")
DEFAULT_MEMORY_BUDGET_BYTES = 512 * 2**20
#: bytes per score cell held at once: scores, masks and the partial sort's indices; the
#: AUC's row-wise ranking needs several times more
CELL_BYTES, AUC_CELL_BYTES = 16, 40
#: how one grade is chosen for a (user, item) pair that appears several times in the test data
DUPLICATE_GRADES = ("last", "first", "max", "mean")


def _the(count: int, noun: str) -> str:
    """``the 3 users``, ``the one user``: a count and its noun in agreement."""
    return f"the one {noun}" if count == 1 else f"the {count:,} {noun}s"


def of_total(part: int, total: int, noun: str, whose: str = "") -> str:
    """``2 of 5 users``, ``2 of the 5 users`` (``whose="the"``), ``1 of its 3 pairs``, and
    of one ``the one user`` (``its one pair``): a part of a count whose noun agrees with it
    (it was "1 of 1 users", "of the 1 users")."""
    if total == 1 and part == 1:
        return f"{whose or 'the'} one {noun}"
    return f"{part:,} of {whose + ' ' if whose else ''}{total:,} {noun}s"


def check_interactions(**named: Any) -> None:
    """Refuse an argument that is not :class:`Interactions` (a DataFrame, a sparse matrix),
    naming it, before an attribute lookup fails somewhere inside."""
    for name, value in named.items():
        if not isinstance(value, Interactions):
            raise ConfigError(
                f"{name} must be recstack Interactions (a split's train or test from "
                f"recstack.data.splits, or Interactions.from_frame(...)), got "
                f"{type(value).__name__}")


def check_one_split(train: Interactions, **parts: Interactions) -> None:
    """Refuse a part (``test``, ``fold_in``) whose user or item vocabulary is not
    ``train``'s, naming the part and the vocabulary: indices are positions in them, so a
    part built on its own (another split, another data set) failed inside scipy with
    "inconsistent shapes" or, with vocabularies of one size, was read as other users and
    items."""
    for name, part in parts.items():
        differ = [f"{kind} ({getattr(part, kind)!r}, train's {getattr(train, kind)!r})"
                  for kind in ("users", "items") if getattr(part, kind) != getattr(train, kind)]
        if differ:
            retyped = [_retyped_ids(getattr(part, kind), getattr(train, kind),
                                    f"{name}'s {kind[:-1]}", "train's")
                       for kind in ("users", "items")]
            retyped_text = "".join(f"; {problem}" for problem in retyped if problem)
            raise ConfigError(
                f"train and {name} must come from one split (shared id maps), but the "
                f"vocabular{'ies' if len(differ) > 1 else 'y'} of {name}'s "
                f"{' and '.join(differ)} differ{'' if len(differ) > 1 else 's'}"
                f"{retyped_text}; take every "
                "part from one split (split.train, split.fold_in, split.test of user_split or "
                "random_split), or put all rows in one Interactions and mark the parts with "
                "recstack.data.splits.given_split")


def _retyped_ids(part: Any, train: Any, whose: str, theirs: str) -> str | None:
    """Say so where ``part``'s ids are ``train``'s written as another type (item 1 in one,
    "1" in the other, as a CSV read with another dtype gives): the vocabularies differ
    only in type, which their listing shows as quotes alone."""
    mine, other = part.external_ids, train.external_ids
    if mine.dtype.kind == other.dtype.kind or not len(mine):
        return None
    other_text = {str(i) for i in other}
    if not all(str(i) in other_text for i in mine):
        return None
    return (f"{whose} ids are {_id_type(mine)} ({shown(mine[0])}, ...) where {theirs} are "
            f"{_id_type(other)} ({shown(other[0])}, ...): the same ids written as another "
            "type; read every part with one id type (e.g. dtype=str for both)")


def _id_type(ids: np.ndarray) -> str:
    return {"i": "integers", "u": "integers", "O": "text", "U": "text"}.get(ids.dtype.kind,
                                                                          str(ids.dtype))


def refuse_model_class(model: Any) -> None:
    """Refuse a model class given where a fitted model belongs (``EASE`` for ``EASE()
    .fit(train)``): its methods, unbound, failed with a TypeError about a missing
    argument."""
    if isinstance(model, type):
        raise ConfigError(f"model: got the class {model.__name__}, not a fitted model; "
                          f"create and fit one first, e.g. {model.__name__}().fit(train) "
                          "(or recstack.models.create_model(name).fit(train))")


def refuse_non_scorer(model: Any) -> None:
    """Refuse what cannot be evaluated: a model class (:func:`refuse_model_class`) or an
    object without ``score_users``."""
    refuse_model_class(model)
    if not callable(getattr(model, "score_users", None)):
        raise ConfigError(f"model: expected a fitted recommender (with score_users), "
                          f"got {type(model).__name__} {model!r:.60}")


def _checked_call(model: Any, name: Any, progress: Any) -> str:
    """The result's label (``name``, else the model's name), after refusing a ``name`` that
    is not text (``name=5`` labelled the result with a number), one that is empty, spans
    lines or has spaces at either end, and a ``progress`` that is no reporter."""
    require_reporter(progress, "evaluate")
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"evaluate(name=...) takes the result's label as text, got "
                          f"{type(name).__name__} {name!r:.60}")
    default = str(getattr(model, "name", type(model).__name__))
    # the label keys comparison_table's rows and names the result in its files and report:
    # '' fell back to the model's name without a word, ' pop ' made a row that printed as
    # 'pop' beside another 'pop', and a line break split the table's line
    if name is not None and not name.strip():
        raise ConfigError(f"evaluate(name={name!r}) is empty; give the result's label, e.g. "
                          f"name='{default}_2', or leave name out to label it {default!r}")
    if name is not None and not name.isprintable():
        raise ConfigError(f"evaluate(name={name!r:.60}) holds a line break, tab or other "
                          "control character; the label names the result's row in "
                          "comparison_table and its files: write it on one line")
    if name is not None and name != name.strip():
        raise ConfigError(f"evaluate(name={name!r:.60}) starts or ends with a space; the label "
                          "names the result's row in comparison_table and its files, written "
                          f"without them: name={name.strip()!r}")
    return name or default


def _check_fitted_on(model: Any, train: Interactions, label: str, kinds: Sequence[str]
                     ) -> None:
    """Refuse a recstack model whose user or item vocabulary (``users_``, ``items_``) is not
    ``train``'s: its indices would name other users and items. A model fitted on another
    split or data set failed with "score_users takes ... user indices in [0, n)" or a
    score shape, or, with vocabularies of equal size, was evaluated on the wrong rows
    without a word. Scorers without a vocabulary are taken as they are."""
    for kind in kinds:
        fitted, given = getattr(model, f"{kind}_", None), getattr(train, kind)
        if isinstance(fitted, IdMap) and fitted != given:
            raise ConfigError(
                f"{label} was fitted on other {kind} than train's ({len(fitted):,} {kind} "
                f"like {fitted!r} against {len(given):,} like {given!r}); evaluate a model "
                "with the train it was fitted on (a split's train, whose test shares its "
                "id maps)")


def _check_fitted_rows(model: Any, given: sp.csr_matrix, label: str) -> None:
    """Refuse a recstack model most of whose training pairs (``seen_``) are not in
    ``train``: train and test given the other way round (the model was measured on its own
    training pairs, with the test's items masked, and the numbers looked plausible) or
    another split's part. A model fitted on part of ``train`` (say its positive ratings)
    is fine: ``train`` holds all of its pairs. ``given`` is ``train.to_csr()``, which the
    caller builds anyway to mask training items."""
    seen: Any = getattr(model, "seen_", None)  # a CSR matrix on recstack models
    if not sp.issparse(seen) or seen.shape != given.shape or not seen.nnz:
        return
    fitted, given = _pattern(seen), _pattern(given)
    shared = fitted.multiply(given).nnz
    if shared * 2 < fitted.nnz:
        raise ConfigError(
            f"{label} was fitted on other rows than train: "
            f"{of_total(fitted.nnz - shared, fitted.nnz, 'training (user, item) pair', 'its')}"
            f" {'is' if fitted.nnz - shared == 1 else 'are'} not in train; evaluate a model "
            "with the train it was fitted on (were train and test given the other way "
            "round? evaluate(model, train, test))")


def _check_no_test_pairs_fitted(model: Any, truth: sp.csr_matrix, masked: sp.csr_matrix,
                                train: Interactions, label: str, parts: str = "train"
                                ) -> None:
    """Refuse a recstack model that trained on relevant test pairs the lists do not mask
    (``masked``: train, and the fold-in history): it has seen the answers. A model fitted
    on the whole data set before it was split (or on another split's train) shares most of
    its pairs with train, so :func:`_check_fitted_rows` let it through, and its metrics
    came out inflated (recall@10 twice the honest one) without a word."""
    seen: Any = getattr(model, "seen_", None)  # a CSR matrix on recstack models
    if not sp.issparse(seen) or seen.shape != truth.shape or not seen.nnz or not truth.nnz:
        return
    answers = _pattern(seen).multiply(_pattern(truth)).tocsr()
    leaked = (answers - answers.multiply(_pattern(masked))).tocoo()
    leaked.eliminate_zeros()
    if not leaked.nnz:
        return
    user = train.users.to_external(leaked.row[:1]).tolist()[0]
    item = train.items.to_external(leaked.col[:1]).tolist()[0]
    raise ConfigError(
        f"{label} was fitted on {leaked.nnz:,} of the test's {truth.nnz:,} relevant (user, "
        f"item) pairs that {parts} does not hold (e.g. user {shown(user)}, item "
        f"{shown(item)}): it has "
        "seen the answers, so its metrics would be inflated; fit it on the split's train "
        "only (was it fitted on the whole data set before splitting, or on another "
        "split's train?)")


def _pattern(matrix: sp.spmatrix) -> sp.csr_matrix:
    """A canonical copy of ``matrix`` with 1 at every stored pair (stored zeros included),
    leaving ``matrix`` itself as it was."""
    pattern = sp.csr_matrix(matrix, copy=True)
    pattern.sum_duplicates()
    pattern.data = np.ones(pattern.nnz)
    return pattern


def test_pairs_key(truth: sp.csr_matrix) -> str:
    """The relevant test pairs of ``truth`` as a short key for ``meta["test_pairs"]``:
    their count and a digest of the (user, item) indices. Results whose keys differ were
    measured on different test pairs (another split, another part), which
    :meth:`EvaluationResult.compare` paired user by user without a word."""
    pairs = truth.tocsr(copy=True)
    pairs.sum_duplicates()
    pairs.sort_indices()
    digest = hashlib.sha256()
    for part in (pairs.shape, pairs.indptr, pairs.indices):
        digest.update(np.ascontiguousarray(np.asarray(part, dtype=np.int64)).tobytes())
    return f"{pairs.nnz} pairs, {digest.hexdigest()[:16]}"


class TrainingPairsWarning(UserWarning):
    """Every relevant test pair is also a training (or fold-in) pair: every metric is 0;
    or one evaluated user in ten or more has only such relevant pairs: theirs are 0."""


def seen_relevant(truth: sp.csr_matrix, exclude: sp.csr_matrix) -> tuple[int, np.ndarray]:
    """How many relevant pairs of ``truth`` are stored cells of ``exclude`` (the training or
    fold-in items the lists leave out, whatever their value, a duplicate row counted once),
    and the users (indices) with a relevant pair every one of which is such a cell: no
    model can rank a relevant item for them, so each of their ranking metrics is 0."""
    hits = _pattern(truth).multiply(_pattern(exclude)).tocsr()
    hits.eliminate_zeros()
    seen = np.diff(hits.indptr)
    relevant = np.diff(_pattern(truth).indptr)
    return int(seen.sum()), np.flatnonzero((relevant > 0) & (seen == relevant))


def _warn_if_only_training_pairs(truth: sp.csr_matrix, exclude: sp.csr_matrix,
                                 ids: IdMap | None = None, fold_in: bool = False) -> None:
    """Warn when every relevant test pair is a training (or fold-in) pair: those are masked
    from the lists, so every metric comes out 0, which was reported without a word (the
    training data given as the test is the usual cause). A warning, not a refusal: a
    smoke run on the training data is a deliberate use. Some repeated pairs are a
    dataset's business and pass quietly; but when a share of at least
    :data:`NO_HISTORY_SHARE` of the evaluated users have only such pairs (their metrics
    are 0 whatever the model, which pulled every mean down without a word), it names
    them, as :class:`NoHistoryWarning` names users without history."""
    if not truth.nnz:
        return
    pairs, users = seen_relevant(truth, exclude)
    row = "fold-in" if fold_in else "training"
    if pairs == _pattern(truth).nnz:
        warnings.warn(TrainingPairsWarning(
            f"every one of the test's {truth.nnz:,} relevant (user, item) pairs is also a "
            f"{row} pair, and {row} items are excluded from the lists, so every "
            "ranking metric is 0; was the training data given as the test? Evaluate on "
            "held-out pairs (a split's test)"), stacklevel=caller_stacklevel())
        return
    evaluated = int(np.count_nonzero(np.diff(truth.indptr)))
    if not len(users) or len(users) / evaluated < NO_HISTORY_SHARE:
        return
    share = len(users) / evaluated
    # .tolist(): plain ids in the message, not np.int64(...)
    named = ("" if ids is None else
             f": {', '.join(repr(u) for u in ids.to_external(users[:3]).tolist())}"
             f"{', ...' if len(users) > 3 else ''}")
    warnings.warn(TrainingPairsWarning(
        f"{of_total(len(users), evaluated, 'evaluated test user', 'the')} ({share:.0%}"
        f"{named}) {'has' if len(users) == 1 else 'have'} only {row} items among "
        f"{'its' if len(users) == 1 else 'their'} relevant test items; {row} items are "
        f"excluded from the lists, so {'its' if len(users) == 1 else 'their'} ranking "
        f"metrics are 0 whatever the model, pulling each averaged metric down by up to "
        f"{share:.0%} (meta['users_all_relevant_seen'] counts them, "
        f"meta['relevant_pairs_seen'] the {counted(pairs, 'relevant pair')} masked so); "
        "evaluate on pairs the users have not trained on (recstack's splits set repeated "
        "pairs apart)"), stacklevel=caller_stacklevel())


class NoHistoryWarning(UserWarning):
    """No evaluated user, or a share of them of at least :data:`NO_HISTORY_SHARE`, has a
    training (or fold-in) row: the model's scores say nothing it learned about them."""


#: The share of evaluated users without history from which a :class:`NoHistoryWarning`
#: is given. Metrics are averaged over users, so a share ``p`` of stranger's lists moves
#: each mean by up to ``p`` of its range: at one in ten that is larger than the gaps
#: between models that comparisons usually rest on, while a few cold users (a stray
#: user in a hand-made split) stay below it and are only counted in ``meta``.
NO_HISTORY_SHARE = 0.1


def _warn_if_no_history(truth: sp.csr_matrix, history: sp.csr_matrix, fold_in: bool) -> None:
    """Warn when a share of at least :data:`NO_HISTORY_SHARE` of the users with a relevant
    test pair have no history row, naming the count and share; and, with the cause, when
    not one has: every list is
    whatever the model gives a stranger (all-zero scores ranked by item index, for most
    models), and the metrics measured that without a word (``meta`` counted them).
    The usual cause is a held-out-users split given to :meth:`Evaluator.evaluate`, or
    the training part given as ``fold_in``. A warning, not a refusal: a cold-start
    measurement is a deliberate use."""
    users = np.flatnonzero(np.diff(truth.indptr))
    if not len(users):
        return
    without = int(np.count_nonzero(np.diff(history.indptr)[users] == 0))
    if without == 0:
        return
    if without < len(users):
        # some, not all, without history were only counted in meta: a share of lists that
        # are a stranger's (item index or popularity) pulls every averaged metric towards
        # such a ranking's by up to that share, without a word
        share = without / len(users)
        if share < NO_HISTORY_SHARE:
            return
        row = "fold-in row" if fold_in else "training row"
        warnings.warn(NoHistoryWarning(
            f"{of_total(without, len(users), 'evaluated test user', 'the')} ({share:.0%}) "
            f"{'has' if without == 1 else 'have'} no "
            f"{row}: their lists are what the model gives a stranger (items by index or "
            f"by popularity), so each averaged metric is pulled towards that ranking's by "
            f"up to {share:.0%} (meta['users_without_history'] counts them); to measure "
            f"only users the model knows, keep the test rows of users with a {row} "
            f"(recstack's own splits set the others apart)"),
            stacklevel=caller_stacklevel())
        return
    if fold_in:
        detail = ("fold-in row, so the model scored every one from an empty history; "
                  "fold_in must be the held-out users' revealed rows (split.fold_in of "
                  "user_split), not the training part")
    else:
        detail = ("training row, so the model scored users it never learned about; for "
                  "held-out users (user_split) use evaluate_fold_in(model, split.train, "
                  "split.fold_in, split.test)")
    warnings.warn(NoHistoryWarning(
        # "none of the 1 evaluated test users": the one user is said as one
        f"the one evaluated test user has no {detail}" if len(users) == 1 else
        f"none of the {len(users):,} evaluated test users has a {detail}"),
        stacklevel=caller_stacklevel())


class FoldInAfterTestWarning(UserWarning):
    """Every held-out user's fold-in rows all come after their test rows: the model
    predicted each user's past from their future, the mark of ``fold_in`` and ``test``
    given the other way round."""


#: The fewest users with both fold-in and test rows from which
#: :class:`FoldInAfterTestWarning` is given: by chance (a random, untimed split of one row
#: each) every one of 20 users has its fold-in after its test with a chance of 2**-20
FOLD_IN_ORDER_USERS = 20


def _warn_if_fold_in_after_test(fold_in: Interactions, test: Interactions) -> None:
    """Warn when, for every one of at least :data:`FOLD_IN_ORDER_USERS` users with rows
    in both, each fold-in row is later than each test row. ``evaluate_fold_in(model,
    train, split.test, split.fold_in)`` (the two swapped) was evaluated without a word:
    the parts share their id maps and users, so no check saw it. The sign is certain only
    for time-ordered parts; a random, untimed split swapped has none to see."""
    if fold_in.timestamp is None or test.timestamp is None or not len(fold_in) \
            or not len(test):
        return
    n = fold_in.n_users
    earliest_fold_in = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(earliest_fold_in, fold_in.user_index, fold_in.timestamp.astype(np.int64))
    latest_test = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(latest_test, test.user_index, test.timestamp.astype(np.int64))
    both = (np.bincount(fold_in.user_index, minlength=n) > 0) & (
        np.bincount(test.user_index, minlength=n) > 0)
    if int(both.sum()) < FOLD_IN_ORDER_USERS:
        return
    if np.all(earliest_fold_in[both] > latest_test[both]):
        warnings.warn(FoldInAfterTestWarning(
            f"for every one of the {int(both.sum()):,} users with fold-in and test rows, "
            "each fold-in row is later than each test row: the model predicted the past "
            "from the future; were fold_in and test given the other way round? "
            "evaluate_fold_in(model, split.train, split.fold_in, split.test)"),
            stacklevel=caller_stacklevel())


class ConstantScoresWarning(UserWarning):
    """A user's list ranks nothing: the model gave every item ``-inf`` (the list is
    empty, its metrics 0), or one score to every item it may recommend (the list is the
    catalog in index order, its metrics measure the item numbering, not the model), or
    the user trained on every item of the catalog (nothing is left to recommend: the list
    is empty whatever the model does)."""


def constant_score_rows(scores: np.ndarray, top_scores: np.ndarray) -> tuple[int, int]:
    """How many rows of ``scores`` (training items already masked to ``-inf``) give no
    ranking: every item ``-inf``, and every item not masked one constant (two or more of
    them). ``top_scores`` (each row's best scores, in order) picks the rows to look at, so
    a model whose scores differ costs nothing more."""
    if not top_scores.size:
        return 0, 0
    all_minus_inf = np.isneginf(top_scores[:, 0])
    candidates = np.flatnonzero(~all_minus_inf & (top_scores[:, 0] == top_scores[:, -1]))
    rows = scores[candidates]
    kept = rows > -np.inf
    lowest = np.where(kept, rows, np.inf).min(axis=1, initial=np.inf)
    highest = np.where(kept, rows, -np.inf).max(axis=1, initial=-np.inf)
    constant = np.count_nonzero((kept.sum(axis=1) > 1) & (lowest == highest))
    return int(np.count_nonzero(all_minus_inf)), int(constant)


def _rows_with_nothing_left(exclude: sp.csr_matrix, rows: np.ndarray) -> int:
    """How many of ``rows`` (rows of ``exclude``, each user's masked items) mask every
    item of the catalog: users who trained on every item, to whom nothing is left to
    recommend whatever the model scores."""
    return int(np.count_nonzero(_items_left(exclude)[rows] <= 0))


def _items_left(exclude: sp.csr_matrix) -> np.ndarray:
    """Per row of ``exclude`` (each user's masked items), how many items of the catalog are
    left to recommend. A training pair given twice masks one item: counted twice, it made
    a user with one item left look as though nothing was."""
    if not exclude.has_canonical_format:
        exclude = exclude.copy()
        exclude.sum_duplicates()
    return exclude.shape[1] - np.diff(exclude.indptr)


def _warn_of_constant_scores(name: str, minus_inf: int, constant: int, n_users: int,
                             nothing_left: int = 0) -> None:
    """One warning for the users whose lists rank nothing, saying for each case what their
    list is: empty for ``minus_inf`` users the model gave -inf for every item to (it
    said "the items in index order", which they were not), the catalog in index order for
    the ``constant`` ones, and empty, through no fault of the model, for the
    ``nothing_left`` users who trained on every item (they were counted among the first,
    blamed on the model)."""
    of = f"of the {n_users:,} evaluated users"
    unranked = minus_inf + constant
    every_one = unranked == n_users - nothing_left
    if unranked and not every_one and unranked / n_users < NO_HISTORY_SHARE:
        # a few users a healthy model cannot rank (an item-kNN user whose items share no
        # neighbour with anyone's: 1 of 1,863 on the Last.fm graph-CF split) move each mean
        # by under a tenth and are only counted in meta["users_without_ranking"], as
        # NoHistoryWarning treats a few users without history; the warning asked "was it
        # fitted?" of a model that ranked every other user
        minus_inf = constant = 0
    said = []
    if minus_inf:
        said.append(f"gave -inf for every item to {minus_inf:,} {of}: their lists are empty "
                    "(an item scored -inf is no recommendation), so their metrics are 0")
    if constant:
        said.append(f"gave one score to every item it may recommend to {constant:,} {of}: "
                    "their lists are the items in index order (0, 1, 2, ...), so their "
                    "metrics measure the item numbering, not the model")
    # a model that ranks some users is fitted and returns its scores: the others are
    # users it has nothing on (no neighbour, no co-occurrence of their items)
    advice = ("was it fitted, and does score_users return its scores?" if every_one else
              "it ranks the other users, so these are users it has nothing on (training "
              "items with no neighbour or co-occurrence in its model)")
    message = f"{name} {'; and '.join(said)}; {advice}" if said else ""
    if nothing_left:
        message += (" Besides, " if said else "") + (
            f"{nothing_left:,} {of} already have every item of the catalog (each "
            "one a training or fold-in item of theirs, left out of their lists): nothing "
            "is left to recommend them, so their lists are empty and their metrics 0 "
            f"whatever {name} scores; that is the split's doing, not the model's")
    if message:
        warnings.warn(ConstantScoresWarning(message), stacklevel=caller_stacklevel())


def _count_list_lengths(counts: dict[str, int], top: np.ndarray, exclude: sp.csr_matrix,
                        k: int) -> None:
    """Add to ``counts`` (``meta["list_lengths"]``) a batch's users whose top-``k`` list
    (``top``, ``-1`` for an empty slot) holds no item (``empty``) or fewer than ``k``
    (``short``) although more items were left to them: the model's doing (every item
    ``-inf``, a filter that blocks them). Users to whom fewer than ``k`` items were left
    (``fewer_left``: the catalog less their training items is smaller than ``k``; of them
    ``nothing_left``, none) are counted apart: their lists are short whatever the model
    scores, which :func:`~recstack.evaluation.diagnostics.diagnose` says as such."""
    left = _items_left(exclude)
    lengths = np.count_nonzero(top >= 0, axis=1)
    by_model = lengths < np.minimum(left, k)
    counts["empty"] += int(np.count_nonzero(by_model & (lengths == 0)))
    counts["short"] += int(np.count_nonzero(by_model & (lengths > 0)))
    counts["fewer_left"] += int(np.count_nonzero(left < k))
    counts["nothing_left"] += int(np.count_nonzero(left <= 0))


#: The list length at which the evaluator measures the users' mean list overlap for
#: :func:`~recstack.evaluation.diagnostics.diagnose`'s "same lists" check, whose bound
#: (0.4) was set from lists of 10 and 20. The overlap grows with the list length for every
#: model, however well it personalises (a healthy item-kNN on the synthetic data: 0.23 at
#: K = 10, 0.40 at K = 50; EASE on 300 items: 0.51 and 0.62), so measured at the largest
#: K of an experiment that asks for K = 50 or 100 it told healthy models that they give
#: everyone the same list.
SAME_LISTS_K = 10


def _stored_overlap(top_lists: np.ndarray) -> dict[str, Any]:
    """``meta["mean_list_overlap"]``: the overlap of the users' top-``k`` lists, ``k``
    being :data:`SAME_LISTS_K` or the lists' length when shorter; each list is ranked, so
    its first ``k`` items are the user's top-``k``."""
    k = min(SAME_LISTS_K, int(top_lists.shape[1]))
    return {"k": k, "overlap": index_list_overlap(np.ascontiguousarray(top_lists[:, :k]))}


class CutoffBeyondCatalogWarning(UserWarning):
    """A cut-off K is larger than the catalog: every list at K holds the whole catalog."""


def _warn_if_cutoff_beyond_catalog(ks: Sequence[int], n_items: int) -> None:
    """Warn of cut-offs larger than the catalog: each list at such a K holds every item
    (less the user's masked ones), so its metrics are those of the whole ranking (recall
    and hit rate 1 for every user with a relevant item, nDCG the full list's), and
    precision divides by a K no list reaches; ``recstack evaluate`` refuses them. A
    warning, not a refusal: a tiny catalog in a test or a smoke run is a deliberate use."""
    beyond = [k for k in ks if k > n_items]
    if beyond:
        warnings.warn(CutoffBeyondCatalogWarning(
            f"ks = {list(ks)}: K = {' and '.join(map(str, beyond))} "
            f"{'is' if len(beyond) == 1 else 'are'} larger than the catalog "
            f"({counted(n_items, 'item')}), so every list at that K holds the whole catalog (less "
            "each user's training items) and each metric at it equals its value for the "
            f"full list (precision still divides by K); use K <= {n_items:,}"),
            stacklevel=caller_stacklevel())


def _features_by_item(features: Any, train: Interactions) -> Any:
    """``features`` in the order of the item index: a DataFrame indexed by item ids (not by
    the row numbers 0..n-1) is looked up by id, as its index says; it was read by
    position, so rows in another order, or of another catalog's ids, gave every list the
    vectors of other items without a word. Anything else is returned as given."""
    if not isinstance(features, pd.DataFrame):
        return features
    _refuse_feature_gaps(features)
    index = features.index
    if index.hasnans:
        row = int(np.argmax(np.asarray(pd.isna(index), dtype=bool)))
        raise ConfigError(f"item_features: the DataFrame's index has no item id at row {row} "
                          f"(a missing value; {int(index.isna().sum()):,} in all); index it "
                          "by the item ids of train, one row each")
    if index.dtype.kind in "iu" and len(index) and index.min() == 0 \
            and index.max() == len(index) - 1 and index.is_unique:
        # the row numbers 0..n-1: positions, in order or refused in another order (by
        # recstack.metrics: "sort it first"); in order, as the plain row numbers, whatever
        # the index's type (an Int64 one in order was a StopIteration traceback)
        if (index.to_numpy(dtype=np.int64) == np.arange(len(index))).all():
            return features.reset_index(drop=True)
        return features
    if index.has_duplicates:
        repeated = index[index.duplicated()][0]
        raise ConfigError(f"item_features: the DataFrame's index names item {shown(repeated)} "
                          "more than once; give one row per item id")
    ids = train.items.pandas_index
    at = index.get_indexer(ids)
    missing = np.flatnonzero(at < 0)
    if len(missing):
        examples = ", ".join(shown(ids[i]) for i in missing[:3])
        given = ", ".join(shown(label) for label in index[:3])
        kinds = (pd.api.types.infer_dtype(index, skipna=True),
                 pd.api.types.infer_dtype(ids, skipna=True))
        # no id found at all, and the labels of another kind than the ids: say so (the
        # text '100' and the integer 100 read alike in the message)
        other = (f" (the index holds {kinds[0]} labels, the item ids are {kinds[1]}: "
                 f"convert the index to the ids' type)"
                 if len(missing) == len(ids) and kinds[0] != kinds[1] else "")
        without_row = of_total(len(missing), len(ids), "item", "the catalog's")
        raise ConfigError(
            f"item_features: the DataFrame is indexed by item id (e.g. {given}), but "
            f"{without_row} "
            f"{'has' if len(missing) == 1 else 'have'} no row, e.g. "
            f"{examples}{other}; index it by the item ids of train (or by the positions "
            "0..n-1 of the item index)")
    return features.iloc[at]


def _refuse_feature_gaps(features: pd.DataFrame) -> None:
    """Refuse a missing value (pd.NA) in a nullable column of item features (``Float64``,
    ``Int64``, ``boolean``...), naming its item and column: numpy read it as NaN, and the
    metric said only "position (0, 0) holds nan"."""
    for column_at, column in enumerate(features.columns):
        values = features.iloc[:, column_at]
        dtype = values.dtype
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) \
                or dtype.na_value is not pd.NA:
            continue
        gaps = np.asarray(values.isna(), dtype=bool)
        if gaps.any():
            row = int(np.argmax(gaps))
            raise ConfigError(
                f"item_features: column {shown(column)} has no value for item "
                f"{shown(features.index[row])} (row {row}: pd.NA, a missing value of the "
                f"nullable type {dtype}; {int(gaps.sum()):,} in the column); every item "
                "needs a number in every column: fill the gaps (e.g. .fillna(0)) first")


def _refuse_featureless(features: Any) -> None:
    """Refuse diversity's item vectors when not one item has a feature (no columns, or all
    zeros): every user's diversity would be NaN. Other faults are refused where the
    vectors are read (:func:`recstack.metrics.intra_list_diversity`)."""
    from recstack.metrics._validation import refuse_featureless

    shape = getattr(features, "shape", None)
    if shape is None or len(shape) != 2:
        return
    if sp.issparse(features):
        n_nonzero = int(features.count_nonzero())
    else:
        values = np.asarray(features)
        if values.dtype.kind not in "biuf":
            return  # text, objects: refused with their own message later
        n_nonzero = int(np.count_nonzero(values))
    refuse_featureless(tuple(shape), n_nonzero, "item_features",
                       "every user's diversity would be NaN", ConfigError)


#: the torch score dtypes numpy reads (``Tensor.numpy()``); others (bfloat16, quantised)
#: are refused with the conversion
_TORCH_READABLE = frozenset(f"torch.{kind}" for kind in (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"))


def _shape_problem(name: str, method: str, shape: tuple[int, ...], n_users: int,
                   n_items: int) -> str:
    """Why scores of ``shape`` are not the ``(n_users, n_items)`` asked of ``method``: a
    column per catalog item (the catalog of the train part, in item-index order), a row per
    user asked for, in that order; more columns than the catalog were read as though item
    index and column agreed."""
    expected = (n_users, n_items)
    said = f"{name}.{method} returned scores of shape {shape}, expected {expected}"
    if len(shape) != 2:
        return (f"{said}: a 2-d array, one row per user asked for and one column per "
                f"catalog item ({counted(n_items, 'item')} in train's vocabulary)")
    if shape == expected[::-1] and shape != expected:
        return f"{said}: users and items are swapped; return the transpose (scores.T)"
    why = []
    if shape[0] != n_users:
        why.append(f"{counted(shape[0], 'row')} for {_the(n_users, 'user')} asked for (one "
                   "row each, "
                   "in the order asked)")
    if shape[1] != n_items:
        why.append(f"{counted(shape[1], 'column')} for {_the(n_items, 'item')} of train's "
                   "vocabulary "
                   "(one column per item index; was the model fitted on another catalog, "
                   "or does it add columns of its own?)")
    return f"{said}: {'; '.join(why)}"


class Scorer(Protocol):
    def score_users(self, user_indices: np.ndarray) -> np.ndarray: ...



def pandas_as_list(values: Any, name: str) -> Any:
    """A pandas Series, Index or array (``Int64``, ``string``, categorical...) of settings
    as the list of Python values it holds, as a numpy array or a list of them is taken
    (``ks=pd.Series([10, 20])`` was refused as "no list of positive integers", with the
    Series' whole multi-line repr); a missing entry (pd.NA, NaN, None) is refused by its
    position. Any other value is returned as given."""
    if not isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray) \
            or np.ndim(values) != 1:
        return values
    missing = np.asarray(pd.isna(values), dtype=bool)
    if missing.any():
        position = int(np.argmax(missing))
        gap = np.asarray(values, dtype=object)[position]
        raise ConfigError(f"{name}: position {position} holds a missing value "
                          f"({'pd.NA' if gap is pd.NA else shown(gap)}, of the type "
                          f"{values.dtype}; {int(missing.sum()):,} in all); give one value "
                          "at every position")
    return list(values.tolist())


#: entries read at most from a one-shot iterable of settings (a generator, ``map``...):
#: more is no list of metric names or cut-offs (and an endless one would never end)
MAX_LISTED = 10_000


def listed_settings(values: Any, name: str) -> Any:
    """A one-shot iterable of settings (a generator, an iterator such as ``map(...)``, a
    dict's ``keys()``/``values()``) or a set of them as the list it holds, as
    :func:`recstack.metrics.ranking_metrics` reads them (``Evaluator(ks=(k for k in
    (10, 20)))`` and ``metrics={"ndcg", "recall"}`` were refused as "no list", naming the
    generator by its memory address); a set, having no order, in sorted order (names
    alphabetically). One of more than :data:`MAX_LISTED` entries is refused without
    reading on, and a dict (cut-offs or names as its keys, or as its values?) is refused
    naming both. Any other value, and a pandas one (:func:`pandas_as_list`), is returned
    as given, for the checks of its caller."""
    if isinstance(values, Mapping):
        raise ConfigError(f"{name} must be a list, got a dict {shown(values):.80}: give its "
                          f"keys (list({name}.keys())) or its values (list({name}.values())) "
                          "as the list meant")
    if isinstance(values, set | frozenset):
        try:
            return sorted(values)
        except TypeError:  # numbers beside text: refused by the caller, as a list
            return sorted(values, key=repr)
    if not isinstance(values, Iterator | KeysView | ValuesView | ItemsView):
        return values
    read = list(itertools.islice(values, MAX_LISTED + 1))
    if len(read) > MAX_LISTED:
        example = "[10, 20]" if name == "ks" else '["ndcg"]'
        raise ConfigError(f"{name}: the {type(values).__name__} given holds more than "
                          f"{MAX_LISTED:,} entries (it was not read on); give the list "
                          f"meant, e.g. {example}")
    return read


def _held_entries(values: Any) -> Any:
    """A list or tuple of settings with each entry given as a 0-d numpy array read as the
    value it holds (:func:`~recstack.data.dates.held_scalar`), a name as Python's text;
    anything else as given."""
    if isinstance(values, list | tuple):
        held = (held_scalar(value) for value in values)
        return type(values)(str(value) if isinstance(value, np.str_) else value
                            for value in held)
    return values


#: the Evaluator's settings that hold one value (not a list), read through held_scalar
_SCALAR_SETTINGS = ("relevance_threshold", "graded", "duplicate_grade", "batch_size",
                    "memory_budget_bytes", "n_threads", "novelty_smoothing")


#: the functions of :mod:`recstack.metrics` (and names of its registry) whose metric the
#: evaluator computes under a shorter name
EVALUATOR_NAMES = {"catalog_coverage": "coverage", "gini_index": "gini",
                   "intra_list_diversity": "diversity", "average_popularity": "popularity"}


def metric_name_hint(name: Any, known: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for an unknown metric ``name``: the evaluator's name of a
    :mod:`recstack.metrics` function (``gini_index`` is ``gini`` here; it was refused with
    no hint, the two names too far apart to be taken as a misspelling), else the nearest
    of ``known``."""
    short = EVALUATOR_NAMES.get(name) if isinstance(name, str) else None
    if short is not None and short in known:
        return (f" (did you mean {short!r}? {name} is the function's name in "
                f"recstack.metrics; the evaluator names its metric {short!r})")
    return abbreviation_hint(name, known) or did_you_mean(name, list(known))


def check_metric_names(metrics: Any, known: Sequence[str], listing: str, *,
                       kind: str = "", at_each_k: bool = True) -> None:
    """Refuse ``metrics`` unless it is a non-empty list of names in ``known`` (a bare
    ``"ndcg"`` would be read as four one-letter names): a misspelt name gets the nearest
    known one, and a cut-off written into a name is pointed to ``ks``. ``listing`` leads
    the list of known names in the message; a name given twice is refused (the result
    holds one entry per name, so a repeat was dropped; ``at_each_k``: the names are
    ranking metrics, each computed at every K, which the refusal says). Shared with the
    Spark evaluator and :func:`recstack.evaluation.pointwise.evaluate_ratings`, so every
    evaluation entry point reads a list of metric names by one rule."""
    # a 0-d array (np.array("ndcg")) as the one name it holds, refused as a bare name is:
    # it was Python's "len() of unsized object"
    metrics = _held_entries(held_scalar(pandas_as_list(metrics, "metrics")))
    if isinstance(metrics, str | bytes) or not isinstance(metrics, Sequence | np.ndarray) \
            or not len(metrics):
        example = "ndcg" if "ndcg" in known else known[0]
        # the list to write repeats the name: only for one short enough to be repeated whole
        fix = (f"; write [{shown(metrics)}]" if isinstance(metrics, str) and metrics
               and shown_given(metrics) == shown(metrics) else "")
        raise ConfigError(f"metrics must be a non-empty list of names such as [\"{example}\"], "
                          f"got {shown_given(metrics)}{fix}")
    unknown = [m for m in metrics if not isinstance(m, str) or m not in known]
    if unknown:
        hint = (" (the cut-offs go in ks, not in the names)"
                if any(isinstance(m, str) and "@" in m for m in unknown)
                else metric_name_hint(unknown[0], known))
        # a few of them, each cut to length: a list of thousands of names (or one name of
        # thousands of characters) was repeated whole
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        raise ConfigError(f"unknown {kind}metric(s) {shown_ids(unknown[:5])}{more}{hint}; "
                          f"{listing}"
                          f"{', '.join(known)}")
    names = list(metrics)
    repeated = sorted({m for m in names if names.count(m) > 1})
    if repeated:
        raise ConfigError(f"metrics names {', '.join(repeated)} more than once; name each "
                          "metric once" + (" (every one is computed at each of ks)"
                                           if at_each_k else ""))


def _check_call(evaluator: Evaluator, method: Callable[..., Any], positional: tuple[Any, ...],
                unexpected: dict[str, Any]) -> None:
    """:func:`recstack.models.base.check_call` for the evaluator's methods: a value by
    position where a keyword belongs, or a keyword they do not take, refused as a model's
    methods refuse them (Python's TypeError named no keyword to use)."""
    if positional or unexpected:
        from recstack.models.base import check_call

        check_call(evaluator, method, positional, unexpected)


def _shown_list(ks: Any) -> str:
    """``ks`` as the user wrote it, numpy's scalars as plain numbers (``[1.0]``, not
    ``[np.float64(1.0)]``)."""
    if isinstance(ks, np.ndarray | list | tuple | range) and np.ndim(ks) == 1 \
            and len(ks) <= 12:
        return f"[{', '.join(shown(k) for k in ks)}]"
    return f"{ks!r:.80}"


def _cutoff_problem(ks: Any) -> str:
    """Why ``ks`` holds no cut-offs, for the end of the refusal: the first entry that is
    no whole number >= 1 and its position (`` (K = 0 at position 1 is below 1: ...)``),
    or what else ``ks`` is (text, one number, an array of 2 dimensions); '' when its
    type says it all (None, a dict)."""
    if isinstance(ks, str | bytes):
        return " (text: give the numbers, e.g. [10] for '10')"
    if not isinstance(ks, Sequence | np.ndarray) or np.ndim(ks) != 1:
        if isinstance(ks, int | np.integer) and not isinstance(ks, bool | np.bool_):
            return f" (one number: write it as a list, [{int(ks)}])"
        if isinstance(ks, np.ndarray):
            return (f" (an array of {ks.ndim} dimensions: give one flat list of cut-offs, "
                    "e.g. [10, 20])")
        return ""
    if not len(ks):
        return " (no cut-off at all: give at least one, e.g. [10])"
    for position, k in enumerate(ks):
        if isinstance(k, bool | np.bool_):
            return (f" (the boolean {shown(k)} at position {position} is no cut-off; a cut-off "
                    "is a whole number of list positions)")
        if isinstance(k, int | np.integer):
            if k < 1:
                return (f" (K = {shown(k)} at position {position} is below 1: a cut-off counts "
                        "list positions from 1)")
            continue
        if isinstance(k, float | np.floating) and np.isfinite(k) and float(k).is_integer() \
                and k >= 1:
            return (f" ({shown(k)} at position {position} is a float: write the whole number "
                    f"{int(k)})")
        exact = isinstance(k, Fraction) or (isinstance(k, Decimal) and k.is_finite())
        if exact and k == int(k) and k >= 1:
            # Decimal('10') was said to be "not a whole number"
            return (f" ({shown(k)} at position {position} is a {type(k).__name__}: write the "
                    f"whole number {int(k)})")
        if isinstance(k, str):
            hint = how_to_write(k, int, "", lambda meant: isinstance(meant, int) and meant >= 1)
            if hint:  # ks = ["10"]: "'10' ... is not a whole number" did not name the quotes
                return f" ({shown(k)} at position {position}: {hint[2:-1]})"
        return f" ({shown(k)} at position {position} is not a whole number)"
    return ""


def _refuse_budget_below_one_row(budget: int, n_items: int, cell_bytes: int) -> None:
    """Refuse a ``memory_budget_bytes`` below what scoring one user takes (``n_items``
    cells of ``cell_bytes``): it was exceeded silently, one user at a time."""
    need = n_items * cell_bytes
    if budget < need:
        raise ConfigError(
            f"memory_budget_bytes={int(budget):,} is less than scoring one user needs: "
            f"{n_items:,} items x {cell_bytes} bytes = {need:,} bytes"
            f"{' (auc ranks each row of scores)' if cell_bytes == AUC_CELL_BYTES else ''}; "
            f"give memory_budget_bytes of at least {need:,}, or set batch_size (the users "
            "scored at once)")


def _require_batch_memory(batch: int, n_items: int, cell_bytes: int, setting: str) -> None:
    """Refuse, before the first model call, a batch whose scores the process cannot hold
    (a ``batch_size`` or ``memory_budget_bytes`` of many GiB was a MemoryError part-way
    through, or the system's out-of-memory kill), naming the setting that sized it."""
    from recstack.models.memory import require_memory

    require_memory("Evaluator", batch * n_items * cell_bytes,
                   f"scoring {batch:,} users at once over {n_items:,} items (sized by "
                   f"{setting})",
                   f"lower {setting}" + ("" if setting == "memory_budget_bytes" else
                                         ", or leave it None to size batches by "
                                         "memory_budget_bytes"))


def _finite_at_least_0(meant: Any) -> bool:
    return bool(np.isfinite(meant)) and meant >= 0


def _positive(meant: Any) -> bool:
    return isinstance(meant, int) and meant >= 1


def _thread_cap(meant: Any) -> bool:
    return isinstance(meant, int) and 1 <= meant <= MAX_THREADS


@dataclass
class Evaluator:
    """Ranks the full catalog for every test user and computes ``metrics`` at each of ``ks``.

    Parameters
    ----------
    metrics
        Names from :data:`recstack.metrics.ranking.RANKING_METRICS` (per user, at each K),
        ``"auc"`` (per user, over the full catalog) and the list metrics ``"coverage"``,
        ``"gini"``, ``"novelty"``, ``"diversity"`` (needs item genres or vectors) and
        ``"popularity"``. ``coverage@K`` (the share of the catalog in at least one user's
        top K; higher is more of it) and ``gini@K`` (the Gini index of how often each
        catalog item is in a top K, items never recommended counted with 0:
        :func:`recstack.metrics.gini_index`; 0 when every item is recommended equally
        often, near 1 when one item takes every place; lower is better, more equal) are
        one value over all evaluated users, in the result's ``aggregate``; ``gini@K`` is
        NaN when no list holds an item (every user trained on the whole catalog).
    ks
        Cut-offs: whole numbers, each once, in any order (they are sorted). ``ks`` and
        ``metrics`` take a list, tuple, array or pandas Series, a set (sorted), or a
        generator, iterator or dict view (read once into the list it holds).
    relevance_threshold
        Test pairs with ``value >= relevance_threshold`` are relevant (all pairs when None),
        compared in float32, the type values are kept in (a rating of 3.6 is relevant at a
        threshold of 3.6); any real number, ``Decimal`` and ``Fraction`` too.
    graded
        Use the test values as relevance grades (for graded nDCG) instead of 1; a pair with
        a grade <= 0 is not relevant.
    duplicate_grade
        The one value of a (user, item) pair that appears several times in the test data,
        before the threshold and the grades apply: ``"last"`` (the latest row by timestamp,
        then by row order; the default), ``"first"``, ``"max"`` or ``"mean"``. Values are
        never summed.
    batch_size
        Users scored at once; by default as many as fit in ``memory_budget_bytes``.
    memory_budget_bytes
        Bytes the scores of one batch may take (default 512 MiB) when ``batch_size`` is
        None: a batch holds ``memory_budget_bytes // (n_items * 16)`` users (``* 40`` with
        ``"auc"``). A budget of your own below one user's row (``n_items * 16`` bytes) is
        refused, naming the smallest that works (the default then scores one user at a
        time); so is a ``batch_size`` or a budget of your own whose batch needs more memory
        than the process has left, before the model is called.
    n_threads
        Threads for the top-K selection and the metrics of each batch (default: every core).
    item_features
        Item vectors (or a genre multi-hot matrix) for ``"diversity"``: one row per item in
        the order of the item index, or a DataFrame indexed by item id (its rows are looked
        up by id; a catalog item without a row is refused; one indexed by the row numbers
        0..n-1 is read by position).
    novelty_smoothing
        Passed to :func:`recstack.metrics.novelty` as ``smoothing``: ``p(i) = (users of i +
        s) / (users + s)``. The default 1 gives an item nobody trained on (which a model may
        recommend) a large but finite novelty; 0 is the unsmoothed definition, which refuses
        such items.

    Notes
    -----
    Ranking follows :mod:`recstack.topk`: among equal scores the lower item index ranks
    first, so a model that gives every item the same score is evaluated on the list
    ``0, 1, 2, ...`` minus the user's training items, whatever the constant; a
    :class:`ConstantScoresWarning` names the model and how many users it scored so (or
    gave ``-inf`` for every item) when they are every user, or one in ten or more
    (:data:`NO_HISTORY_SHARE`); ``meta["users_without_ranking"]`` counts them. Scores keep
    the model's dtype. A model that returns ``NaN`` scores is refused with an error naming
    it.

    Every test user with a relevant test pair is evaluated, through the model's
    index-level ``score_users``, including users with no training row. The public
    ``recommend`` and ``score`` refuse such users for most models (their scores mean
    nothing: see :mod:`recstack.models.base`), but here they are kept, so that every model
    is measured on the same users: a split that leaves a test user without training rows
    is the split's business. recstack's own splits do not: ``random_split``,
    ``temporal_split``, ``leave_last_out`` and ``kfold_split`` set such test rows apart and
    count them (``SplitReport.cold_user_rows``), and the held-out users of ``user_split``
    are evaluated with :meth:`evaluate_fold_in` from their fold-in history. How many
    evaluated users had no history (no training row for :meth:`evaluate`, an empty fold-in
    history for :meth:`evaluate_fold_in`) is in the result's
    ``meta["users_without_history"]``; their metrics are those of whatever the model
    returns for them: item popularity for every recstack model but the baselines and BPR
    (its learned item bias): each model's ``score_users`` gives such a user popularity, as
    ``score_histories`` does an empty history (the model's
    :class:`~recstack.models.base.PopularityFallbackWarning` is not repeated here); when
    not one of them has a
    history, or one in ten or more (:data:`NO_HISTORY_SHARE`) has none, a
    :class:`NoHistoryWarning` says so. A relevant test pair that is also a training (or
    fold-in) pair is masked from the lists like every training item, so a user all of whose
    relevant pairs are such scores 0 whatever the model: ``meta["relevant_pairs_seen"]``
    counts those pairs and ``meta["users_all_relevant_seen"]`` those users, and a
    :class:`TrainingPairsWarning` names them when they are every pair or one evaluated user
    in ten or more. A recstack model fitted on relevant test
    pairs that the lists do not mask (fitted on the whole data set before it was split) is
    refused: its metrics would be inflated. ``meta["mean_list_overlap"]`` holds ``k``,
    :data:`SAME_LISTS_K` (10) or the largest K when smaller, and ``overlap``, the
    :func:`~recstack.evaluation.diagnostics.mean_list_overlap` of the users' top-``k``
    lists, which :func:`~recstack.evaluation.diagnostics.diagnose` reads when it is given
    no lists; a model whose class sets ``personalised = False`` (the non-personalised
    baselines) has none. ``meta["list_lengths"]`` counts, at the largest K, the users whose
    list was empty (``empty``) or shorter than K (``short``) although more items were left
    to them (the model's doing), and apart those to whom fewer than K items were left
    (``fewer_left``, of them ``nothing_left`` with none): ``diagnose`` names a model whose
    lists were empty or short for one user in ten or more.
    """

    metrics: Sequence[str] = DEFAULT_METRICS
    ks: Sequence[int] = (10, 20)
    relevance_threshold: float | None = None
    graded: bool = False
    duplicate_grade: Literal["last", "first", "max", "mean"] = "last"
    batch_size: int | None = None
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES
    n_threads: int | None = None
    novelty_smoothing: float = 1.0
    item_features: np.ndarray | sp.spmatrix | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name in _SCALAR_SETTINGS:
            # a 0-d numpy array (batch_size=np.array(64), what a numpy reduction gives) is
            # the value it holds, as a split's or a filter's setting: it was "batch_size
            # must be a positive integer, got array(64)" where np.int64(64) was taken
            setattr(self, name, held_scalar(getattr(self, name)))
        known = set(RANKING_METRICS) | set(FULL_SCORE_METRICS) | set(LIST_METRICS)
        # a pandas Series or array of names or cut-offs as the list it holds
        self.metrics = listed_settings(pandas_as_list(self.metrics, "metrics"), "metrics")
        # a set of cut-offs (their order does not matter: they are sorted below), a
        # generator or a dict's keys() as the list it holds
        self.ks = listed_settings(pandas_as_list(self.ks, "ks"), "ks")
        # an entry given as a 0-d array (ks=[np.array(10), 20]) is the value it holds: it
        # was "array(10) at position 0 is not a whole number"
        self.metrics, self.ks = _held_entries(self.metrics), _held_entries(self.ks)
        refuse_ragged(self.ks, name="ks",
                      wanted="a flat list of positive integers such as [10, 20]")
        check_metric_names(self.metrics, sorted(known), "available: ")
        if not isinstance(self.ks, Sequence | np.ndarray) or isinstance(self.ks, str) \
                or np.ndim(self.ks) != 1 or not len(self.ks) or any(
                isinstance(k, bool | np.bool_) or not isinstance(k, int | np.integer) or k < 1
                for k in self.ks):
            raise ConfigError(f"ks must be a list of positive integers such as [10, 20], got "
                              f"{_shown_list(self.ks)}{_cutoff_problem(self.ks)}")
        problem = cutoffs_problem(self.ks)
        if problem:
            raise ConfigError(f"ks = {cutoffs_text(self.ks)}: {problem}")
        if len({int(k) for k in self.ks}) != len(self.ks):
            # as experiment files and ranking_metrics refuse them (a repeat was dropped)
            raise ConfigError(f"ks = {[int(k) for k in self.ks]}: each K once")
        # any real number (Decimal, Fraction too), as Python's int or float; a number in
        # quotes is told how to write it by check_threshold itself
        self.relevance_threshold = check_threshold(self.relevance_threshold,
                                                   "relevance_threshold")
        if not isinstance(self.graded, bool | np.bool_):
            raise ConfigError(f"graded must be True or False, got {shown_given(self.graded)}")
        self.graded = bool(self.graded)  # np.True_ stored as Python's True
        for name in ("batch_size", "memory_budget_bytes"):
            given = getattr(self, name)
            # a whole exact number (Decimal("3")) is the int it names, as the models'
            # whole-number settings read it; a numpy integer is stored as Python's int
            size = exact_as_int(given)
            # memory_budget_bytes=None failed in the loop with Python's "unsupported operand
            # type(s) for //"; only batch_size has a default of None
            if (size is None and name == "memory_budget_bytes") or (
                    size is not None and (isinstance(size, bool | np.bool_) or not isinstance(
                        size, int | np.integer) or size < 1)):
                raise ConfigError(f"{name} must be a positive integer, got {shown_given(given)}"
                                  f"{how_to_write(given, int, name, _positive)}")
            setattr(self, name, None if size is None else int(size))
        self.ks = sorted(set(int(k) for k in self.ks))
        if not is_one_of(self.duplicate_grade, DUPLICATE_GRADES):
            # (an array was numpy's "truth value of an array ... is ambiguous"; 'Last' was
            # not told its near name, as the other named settings are)
            near = (did_you_mean(self.duplicate_grade, DUPLICATE_GRADES)
                    if isinstance(self.duplicate_grade, str) else "")
            raise ConfigError(f"duplicate_grade must be one of {', '.join(DUPLICATE_GRADES)}, "
                              f"got {shown_given(self.duplicate_grade)}{near}")
        # np.str_ stored as Python's str
        self.duplicate_grade = str(self.duplicate_grade)  # type: ignore[assignment]
        threads = exact_as_int(self.n_threads)
        if threads is not None and (isinstance(threads, bool | np.bool_) or not isinstance(
                threads, int | np.integer) or not 1 <= threads <= MAX_THREADS):
            raise ConfigError(f"n_threads must be a whole number in [1, {MAX_THREADS}] (the "
                              f"one thread cap), got {shown_given(self.n_threads)}"
                              f"{how_to_write(self.n_threads, int, 'n_threads', _thread_cap)}")
        self.n_threads = None if threads is None else int(threads)
        # any real number, as relevance_threshold (a Decimal or Fraction was refused, and
        # NaN compared as no number at all)
        try:
            smoothing = (None if self.novelty_smoothing is None
                         else check_threshold(self.novelty_smoothing, "novelty_smoothing"))
        except ConfigError:
            smoothing = None
        if smoothing is None or smoothing < 0:
            raise ConfigError("novelty_smoothing must be a finite number >= 0, got "
                              f"{shown_given(self.novelty_smoothing)}"
                              + how_to_write(self.novelty_smoothing, float,
                                             "novelty_smoothing", _finite_at_least_0))
        self.novelty_smoothing = smoothing
        if "diversity" in self.metrics:
            # refused here, before any model is fitted, rather than after the first one
            _refuse_featureless(self.item_features)

    def evaluate(self, model: Scorer, train: Interactions, test: Interactions,
                 *positional: Any, name: str | None = None, progress: Progress | None = None,
                 **unexpected: Any) -> EvaluationResult:
        """Evaluate ``model`` (fitted on ``train``) on ``test``; both must share vocabularies."""
        _check_call(self, Evaluator.evaluate, positional, unexpected)
        refuse_non_scorer(model)
        check_interactions(train=train, test=test)
        check_one_split(train, test=test)
        label = _checked_call(model, name, progress)
        _check_fitted_on(model, train, label, ("users", "items"))
        exclude = train.to_csr()
        _check_fitted_rows(model, exclude, label)
        truth = self.relevance(test)
        _check_no_test_pairs_fitted(model, truth, exclude, train, label)
        _warn_if_only_training_pairs(truth, exclude, train.users)
        _warn_if_no_history(truth, exclude, fold_in=False)
        _warn_if_cutoff_beyond_catalog(self.ks, truth.shape[1])
        return self._run(model.score_users, truth, exclude, train, test, name=label,
                         progress=progress, method="score_users",
                         personalised=getattr(model, "personalised", True))

    def evaluate_fold_in(self, model: Any, train: Interactions, fold_in: Interactions,
                         test: Interactions, *positional: Any, name: str | None = None,
                         progress: Progress | None = None, **unexpected: Any
                         ) -> EvaluationResult:
        """Evaluate on held-out users: the model scores each user from their ``fold_in``
        history (``model.score_histories(csr)``) without having trained on them."""
        _check_call(self, Evaluator.evaluate_fold_in, positional, unexpected)
        refuse_model_class(model)
        if not hasattr(model, "score_histories"):
            raise RecstackError(f"{getattr(model, 'name', model)} cannot fold in new users")
        if not callable(model.score_histories):
            # an attribute of that name that is no method failed later with Python's
            # "'int' object is not callable", naming neither the model nor the contract
            raise RecstackError(
                f"model: {getattr(model, 'name', type(model).__name__)}'s score_histories is "
                f"not a method (it is of type {type(model.score_histories).__name__}); "
                "evaluate_fold_in "
                "calls model.score_histories(histories) with a (users x items) CSR matrix")
        check_interactions(train=train, fold_in=fold_in, test=test)
        # fold_in and test of another split failed inside scipy ("inconsistent shapes")
        check_one_split(train, fold_in=fold_in, test=test)
        label = _checked_call(model, name, progress)
        # the held-out users are new to the model, its items are not
        _check_fitted_on(model, train, label, ("items",))
        given = train.to_csr()
        _check_fitted_rows(model, given, label)
        history = fold_in.to_csr()
        truth = self.relevance(test)
        _check_no_test_pairs_fitted(model, truth, _pattern(given) + _pattern(history), train,
                                    label, "train or fold_in")
        _warn_if_only_training_pairs(truth, history, train.users, fold_in=True)
        _warn_if_no_history(truth, history, fold_in=True)
        _warn_if_fold_in_after_test(fold_in, test)
        _warn_if_cutoff_beyond_catalog(self.ks, truth.shape[1])

        def score(users: np.ndarray) -> np.ndarray:
            return model.score_histories(history[users])

        return self._run(score, truth, history, train, test, name=label, progress=progress,
                         method="score_histories",
                         personalised=getattr(model, "personalised", True))

    def relevance(self, test: Interactions) -> sp.csr_matrix:
        """The ground-truth matrix: one entry per relevant test pair, its grade (graded) or 1.

        A pair that appears several times gets one value by ``duplicate_grade``; then the
        threshold applies. With ``graded``, pairs with a grade <= 0 are left out, so a user
        whose grades are all 0 has no relevant item (not evaluated, counted in
        ``users_without_relevant``).
        """
        check_interactions(test=test)
        pairs = test.deduplicate(self.duplicate_grade)
        values = np.asarray(pairs.value, dtype=np.float64)
        if self.relevance_threshold is not None:
            # a threshold below every rating (0.4 written for 4 stars) counted every test
            # pair as relevant without a word, where Interactions.implicit warns of it
            warn_of_a_threshold_keeping_every_row(
                pairs.value, self.relevance_threshold,
                f"relevance_threshold={self.relevance_threshold:g} counts every test pair as "
                "relevant", "test values", "no pair is left out")
            # in float32, the values' type: the rating 3.6 is at least the threshold 3.6
            keep = at_least(pairs.value, self.relevance_threshold)
            pairs, values = pairs.select(keep), values[keep]
        if self.graded:
            # as in recstack.metrics.ranking, only a grade > 0 is relevant
            keep = values > 0
            pairs, grades = pairs.select(keep), values[keep]
        else:
            grades = np.ones(len(values))
        return sp.csr_matrix((grades, (pairs.user_index, pairs.item_index)), shape=test.shape)

    def refuse_without_relevant(self, test: Interactions) -> None:
        """Raise the error of a test part in which no user has a relevant item, saying why
        (no rows; a threshold above every value; grades of 0 with ``graded``). Called when
        evaluating finds no user to evaluate, and by an experiment before any model is
        fitted (:func:`recstack.experiment.run_experiment`), where it was found only after
        the first model's fit."""
        threshold = self.relevance_threshold
        reason = ""
        if not len(test):
            # an empty part (a filter or a split that left nothing) said only "no
            # relevant item", as though its rows were below a threshold
            reason = (" (test has no rows; evaluate on held-out rows, e.g. a split's "
                      "test part, and check the filters and the split that made it)")
        elif threshold is not None:
            reason = f" (relevance_threshold={threshold})"
            if len(test) and not at_least(test.value, threshold).any():
                # implicit feedback (every value 1.0) under a threshold written for
                # stars said only the threshold; the highest value is what to compare
                highest = float(test.value.max())
                kind = (", as in implicit feedback" if test.rating_range is None
                        and float(test.value.min()) == highest else "")
                reason = (f" (relevance_threshold={threshold}, but the highest test value "
                          f"is {highest:g}{kind}; lower relevance_threshold to at most "
                          f"{highest:g}, or leave it out to count every test row)")
        elif self.graded:
            # grades of 0 (or below) are not relevant: the message said nothing of why
            reason = (f" (graded=True counts only grades > 0, and the highest test value "
                      f"is {float(test.value.max()):g}; set graded=False to count every "
                      "test row as relevant)")
        raise RecstackError("no test user has a relevant item" + reason)

    # ------------------------------------------------------------------ the loop
    def _run(self, score: Callable[[np.ndarray], np.ndarray], truth: sp.csr_matrix,
             exclude: sp.csr_matrix, train: Interactions, test: Interactions, *, name: str,
             progress: Progress | None, method: str = "score_users",
             personalised: bool = True) -> EvaluationResult:
        n_relevant = np.diff(truth.indptr)
        users = np.flatnonzero(n_relevant > 0)
        users_without_history = int(np.count_nonzero(np.diff(exclude.indptr)[users] == 0))
        users_in_test = int(np.count_nonzero(test.user_counts()))
        # relevant pairs the lists leave out (training or fold-in items), and the users all
        # of whose relevant pairs are such: counted, as users without history are
        seen_pairs, all_seen = seen_relevant(truth, exclude)
        if len(users) == 0:
            self.refuse_without_relevant(test)
        ranking_names = [m for m in self.metrics if m in RANKING_METRICS]
        want_auc = "auc" in self.metrics
        k_max = max(self.ks)
        n_items = truth.shape[1]
        cell_bytes = AUC_CELL_BYTES if want_auc else CELL_BYTES
        # a budget of the user's is held to (the default, below one row of a catalog of
        # tens of millions of items, scores one user at a time, as it always did)
        chosen = self.memory_budget_bytes != DEFAULT_MEMORY_BUDGET_BYTES
        if self.batch_size is None and chosen:
            _refuse_budget_below_one_row(self.memory_budget_bytes, n_items, cell_bytes)
        batch = self.batch_size or max(1, self.memory_budget_bytes // (n_items * cell_bytes))
        if self.batch_size or chosen:
            # a setting of the user's whose batch the process cannot hold
            _require_batch_memory(min(int(batch), len(users)), n_items, cell_bytes,
                                  "batch_size" if self.batch_size else "memory_budget_bytes")

        per_user: dict[str, np.ndarray] = {}
        top_lists = np.empty((len(users), min(k_max, n_items)), np.int64)
        threads = self.n_threads or os.cpu_count() or 1
        from recstack.models.base import PopularityFallbackWarning

        # users given -inf for every item, one score for every item, and users who trained
        # on every item (nothing left to recommend them)
        flat = [0, 0, 0]
        lengths_seen = dict.fromkeys(("empty", "short", "fewer_left", "nothing_left"), 0)
        # users without history are counted here (meta, NoHistoryWarning); the model's own
        # warning about them would say it again for every scoring batch
        with resolve(progress).task(f"Evaluating {name}", total=len(users)) as task, \
                ThreadPoolExecutor(threads) as executor, warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=PopularityFallbackWarning)
            for start in range(0, len(users), batch):
                batch_users = users[start:start + batch]
                try:
                    raw = score(batch_users)
                except Exception as error:
                    # a model failing on one fold of a k-fold loop raised its bare error,
                    # naming neither the result being evaluated nor the users it scored
                    error.add_note(
                        f"raised by {method} of the model evaluated as {name!r}, scoring "
                        f"{counted(len(batch_users), 'test user')} from user "
                        f"{shown(train.users.to_external(batch_users[:1]).tolist()[0])} "
                        f"(batch from position {start:,} of {len(users):,})")
                    raise
                scores = self._checked_scores(raw, batch_users, n_items,
                                              train, name, executor, threads, method)
                batch_exclude = exclude[batch_users]
                mask_rows(scores, batch_exclude)
                # NaN was refused in _checked_scores: no second pass to count it
                top, top_scores = top_k_threaded(scores, k_max, executor, threads,
                                                 nan_refused=True)
                minus_inf, constant = constant_score_rows(scores, top_scores)
                if minus_inf:
                    # users who trained on every item: all -inf through no fault of the model
                    left = _rows_with_nothing_left(batch_exclude, np.flatnonzero(
                        np.isneginf(top_scores[:, 0])))
                    minus_inf -= left
                    flat[2] += left
                flat[0] += minus_inf
                flat[1] += constant
                top[np.isneginf(top_scores)] = -1  # masked items are not recommendations
                _count_list_lengths(lengths_seen, top, batch_exclude, k_max)
                top_lists[start:start + len(batch_users)] = top
                batch_truth = truth[batch_users]
                values = ranking_metrics(top, batch_truth, self.ks, ranking_names,
                                         n_threads=threads) if ranking_names else {}
                if want_auc:
                    values["auc"] = auc_per_user(scores, batch_truth, batch_exclude)
                for key, value in values.items():
                    per_user.setdefault(key, np.empty(len(users)))[
                        start:start + len(batch_users)] = value
                task.advance(len(batch_users))

        _warn_of_constant_scores(name, flat[0], flat[1], len(users), flat[2])
        list_per_user, aggregate = self._list_metrics(top_lists, train)
        frame = pd.DataFrame(per_user | list_per_user, index=pd.Index(
            train.users.to_external(users), name="user_id"))
        return EvaluationResult(
            model=name, per_user=frame, aggregate=aggregate,
            users_without_relevant=int(users_in_test - len(users)),
            meta={"n_users": int(len(users)), "n_items": int(n_items), "ks": list(self.ks),
                  "relevance_threshold": self.relevance_threshold,
                  "graded": self.graded, "duplicate_grade": self.duplicate_grade,
                  "users_without_history": users_without_history,
                  # users given no ranking (every item -inf, or one score for all), those
                  # who trained on every item apart
                  "users_without_ranking": int(flat[0] + flat[1]),
                  "relevant_pairs_seen": seen_pairs,
                  "users_all_relevant_seen": int(len(all_seen)),
                  # the warnings of empty lists are gone once the run is over; results.json
                  # and the report's Diagnostics keep why a model scored 0
                  "list_lengths": {"k": int(k_max), **lengths_seen},
                  "protocol": "full catalog, training items excluded",
                  "test_pairs": test_pairs_key(truth),
                  # diagnose's same-list check without the lists, which the result does
                  # not keep: 0.4 s and 27 MiB for 10,000 users at K = 20 (pairs of 2,000
                  # users drawn; on 2 busy cores), where the lists would take 1.6 MB. One
                  # entry: folds combined keep it only where every fold has the same. Not
                  # for a baseline that gives everyone one list by design (most-popular):
                  # every experiment with one would be told it "does not personalise"
                  **({"mean_list_overlap": _stored_overlap(top_lists)}
                     if personalised else {})})

    @staticmethod
    def _checked_scores(raw: Any, batch_users: np.ndarray, n_items: int, train: Interactions,
                        name: str, executor: ThreadPoolExecutor, threads: int,
                        method: str = "score_users") -> np.ndarray:
        """The model's scores for a batch as a writable array in its own dtype, refused
        with the model's name and the ``method`` that returned them (``score_users``, or
        ``score_histories`` when folding in) when they are not a (batch, n_items) array of
        numbers."""
        if raw is None:  # "an array of dtype object" said nothing of a missing return
            raise RecstackError(f"{name} returned None where scores belong; {method} must "
                                f"return a (users x items) array, one row of {n_items:,} "
                                "scores per user asked for")
        if not hasattr(raw, "dtype") and not sp.issparse(raw):
            # a list or tuple: numpy's own error on a ragged one ("setting an array element
            # with a sequence") named neither the model nor what was wrong
            try:
                raw = np.asarray(raw)
            except (TypeError, ValueError) as error:
                raise RecstackError(
                    f"{name} returned a {type(raw).__name__} that is not a (users x items) "
                    f"array of numbers ({str(error).split('. ')[0]}); {method} must give "
                    f"one row of {n_items:,} scores per user asked for") from None
        if getattr(raw, "dtype", None) == np.bool_:
            # a mask (or labels) where scores belong: true would rank as 1, false as 0
            raise RecstackError(f"{name} returned true/false values where scores belong; "
                                f"{method} must give a number per item (higher ranks "
                                "first, -inf for items that must not be recommended)")
        kind = str(getattr(raw, "dtype", ""))
        if kind.startswith("torch.") and kind not in _TORCH_READABLE:
            # torch's own "Got unsupported ScalarType BFloat16" named neither the model nor
            # a remedy: numpy has no bfloat16 (nor complex halves, nor quantised types)
            raise RecstackError(f"{name} returned scores as a {kind} tensor, which numpy "
                                f"cannot read; {method} must give real numbers: convert "
                                "them first, e.g. scores.float() (float32 holds every "
                                "bfloat16 and float16 value exactly)")
        try:
            scores = writable_scores(raw)
        except (ConfigError, TypeError, ValueError) as error:
            raise RecstackError(f"{name} returned scores that are not numbers: {error}"
                                ) from None
        if scores.shape != (len(batch_users), n_items):
            raise RecstackError(_shape_problem(name, method, scores.shape, len(batch_users),
                                               n_items))
        bad = rows_with_nan(scores, executor, threads)
        if len(bad):
            user = train.users.to_external(batch_users[bad[:1]]).tolist()[0]
            raise RecstackError(
                f"{name} returned NaN scores for "
                f"{of_total(len(bad), len(batch_users), 'user')} in a "
                f"batch (e.g. user {shown(user)}); scores must be numbers, -inf for items that "
                "must not be recommended")
        return scores

    def _list_metrics(self, top_lists: np.ndarray, train: Interactions
                      ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """Per-user novelty, popularity and diversity of the lists, and catalog coverage
        and the Gini index of exposure (one value each over all users, at each K).

        Novelty is :func:`recstack.metrics.novelty` with ``smoothing=novelty_smoothing``;
        coverage and the Gini index are over the whole catalog (``train.n_items``),
        items no list holds included.
        """
        wanted = [m for m in self.metrics if m in LIST_METRICS]
        per_user: dict[str, np.ndarray] = {}
        aggregate: dict[str, float] = {}
        if not wanted:
            return per_user, aggregate
        from recstack.metrics import beyond_accuracy

        if "diversity" in wanted and self.item_features is None:
            raise ConfigError("the diversity metric needs item_features "
                              "(item vectors or a genre multi-hot matrix)")
        features = self.item_features
        if "diversity" in wanted:
            features = _features_by_item(features, train)
        if "diversity" in wanted and not hasattr(features, "shape"):
            # a list of rows is counted like an array: one with a row per item of another
            # catalog was read by item index without a word (five rows for four items
            # passed)
            try:
                features = np.asarray(features)
            except ValueError:  # ragged rows: refused below by intra_list_diversity
                pass
        shape = getattr(features, "shape", None)  # other forms are refused below
        if "diversity" in wanted and shape and len(shape) == 2 and shape[0] != train.n_items:
            raise ConfigError(f"item_features has {counted(shape[0], 'row')} but the catalog "
                              f"has {counted(train.n_items, 'item')}; give one row per item, "
                              "in the order "
                              "of the item index")
        item_users = beyond_accuracy.item_user_counts(train.to_csr())
        for k in self.ks:
            if "coverage" in wanted:
                aggregate[f"coverage@{k}"] = beyond_accuracy.catalog_coverage(
                    top_lists, train.n_items, k=k)
            if "gini" in wanted:
                # no item in any list (every user trained on the whole catalog): there is
                # no exposure to spread, so the index is undefined, not 0 (equal) or 1
                aggregate[f"gini@{k}"] = (
                    beyond_accuracy.gini_index(top_lists, train.n_items, k=k)
                    if (top_lists[:, :k] >= 0).any() else float("nan"))
            if "novelty" in wanted:
                per_user[f"novelty@{k}"] = beyond_accuracy.novelty(
                    top_lists, item_users, train.n_users, k=k,
                    smoothing=self.novelty_smoothing)
            if "popularity" in wanted:
                per_user[f"popularity@{k}"] = beyond_accuracy.average_popularity(
                    top_lists, item_users, k=k)
            if "diversity" in wanted:
                per_user[f"diversity@{k}"] = beyond_accuracy.intra_list_diversity(
                    top_lists, features, k=k)
        return per_user, aggregate


# a misspelt field (``metric=``) was the dataclass's TypeError naming __init__()
Evaluator.__init__ = arguments_named(Evaluator.__init__)  # type: ignore[method-assign]
# a missing argument (evaluate_fold_in(model, fold_in, test), the train left out) was
# Python's TypeError naming no argument of the call; extra ones stay _check_call's
Evaluator.evaluate = arguments_named(Evaluator.evaluate)  # type: ignore[method-assign]
Evaluator.evaluate_fold_in = arguments_named(  # type: ignore[method-assign]
    Evaluator.evaluate_fold_in)
# relevance(test, threshold) was Python's TypeError naming neither the method nor what it
# takes
Evaluator.relevance = arguments_named(Evaluator.relevance)  # type: ignore[method-assign]
Evaluator.refuse_without_relevant = arguments_named(  # type: ignore[method-assign]
    Evaluator.refuse_without_relevant)
