r"""Nearline fold-in between full retrains: new users and new items join a published
factor model without training it.

Between two full retrains, new logs bring users and items the published model has never
seen; it cannot recommend to them or recommend them. Folding in computes their factors
from the new window's events with every other factor held fixed, which costs a few
least-squares solves instead of a training run (:func:`fold_in_model`):

1. **new users** from their events on items the model knows, with the item factors
   fixed: the model's own exact ``fold_in`` (for ALS, the user step of the objective,
   :math:`(Y^\top C_u Y + \lambda I) x_u = Y^\top C_u p_u`);
2. **new items** from the events of every user of the window (known users with their
   trained factors, new ones with those of step 1), the user factors fixed: the item
   step of the same objective,

   .. math:: \left(X^\top C_i X + \lambda I\right) y_i = X^\top C_i\, p_i ,

   with :math:`X` the user factors of the window's users and :math:`C_i` the diagonal of
   confidences ``1 + alpha * r`` of item :math:`i`'s column. The objectives of ALS and
   iALS are symmetric in users and items, so this is the model's user fold-in applied to
   the transposed problem (the item columns as histories, the user factors in the place
   of item factors): the same exact solver, not a second implementation;
3. **new users again**, now from all their events (those on new items included), so a
   user whose events were all on new items gets factors too.

Users and items the published model knew keep their trained factors (a retrain updates
them; the serving layer's :func:`recstack.serving.embedding_store.fold_in_users`
refreshes known users' vectors nearline). The result is a model of the same type and
hyperparameters whose vocabulary is the window's users and items, saved, gated and
published like a trained one.

In a pipeline file, ``[training] fold_in_between = N`` makes up to ``N`` consecutive runs
after a full retrain fold in instead of training (:func:`use_fold_in`); the next run
retrains (from scratch or warm-started, as the file says), and so on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.models.base import history_matrix
from recstack.models.warm_start import known_rows
from recstack.specs import arguments_named, whole_exact_as_int

__all__ = ["FOLD_IN_MODELS", "fold_in_items", "fold_in_model", "use_fold_in"]

#: models whose objective is symmetric in users and items, with an exact user fold-in:
#: their item fold-in is the user fold-in of the transposed problem
FOLD_IN_MODELS = ("als", "ials")
#: how a pipeline run makes its model (``train.json``'s ``strategy``)
STRATEGIES = ("retrain", "warm_start", "fold_in")


def fold_in_items(model: Any, histories: Any, user_factors: np.ndarray) -> np.ndarray:
    """Factors of items known only by their columns of events, user factors held fixed.

    Parameters
    ----------
    model
        A fitted ALS or iALS model (its hyperparameters set the objective).
    histories
        Sparse ``n_new_items x n_users`` values: row ``i`` is item ``i``'s events, one
        column per row of ``user_factors``.
    user_factors
        ``(n_users, factors)``: the fixed factors of the users of those columns.

    Returns
    -------
    numpy.ndarray
        float32 ``(n_new_items, factors)``: the exact item step of the model's objective
        (see the module docstring).
    """
    _check_foldable(model)
    try:
        factors = np.asarray(user_factors, dtype=np.float32)
    except (TypeError, ValueError):
        factors = None
    if factors is None or factors.ndim != 2 or factors.shape[1] != model.factors \
            or not np.isfinite(factors).all():
        raise RecstackError(
            f"fold_in_items: user_factors must be a finite (n_users, {model.factors}) "
            "matrix (the model's factors per user), got "
            + ("values that are not numbers" if factors is None else
               f"shape {factors.shape}" if factors.ndim != 2 or factors.shape[1] !=
               model.factors else "NaN or infinite values"))
    history = history_matrix(histories, len(factors), model.name)
    try:
        # the model's own refusal of negative values (a dislike read as an interaction),
        # which history_matrix alone does not apply, on the transposed problem
        _mirror(model, factors)._refuse_negative_history_values(history)
    except RecstackError as error:
        raise RecstackError(f"fold_in_items: {error} (here a row is a new item and a column "
                            "a row of user_factors)") from None
    return _solve_rows(model, history, factors)


@arguments_named
def fold_in_model(previous: Any, train: Interactions) -> Any:
    """``previous`` (a fitted ALS or iALS model) extended to the users and items of
    ``train`` without training: known ids keep their factors, new ones are folded in
    (see the module docstring). Returns a new fitted model of the same type and
    hyperparameters whose vocabulary is ``train``'s (compact it first to drop ids
    without events)."""
    from recstack.evaluation.evaluator import check_interactions

    _check_foldable(previous)
    check_interactions(train=train)  # a DataFrame was an AttributeError on .to_csr
    previous._require_fitted()
    if not len(train):
        # it returned a model of no users and no items, which recommends nothing, saved
        # and gated as if folded in
        raise RecstackError("fold_in_model: train holds no interactions, so there is "
                            "nothing to fold in; give the window's events (a model needs "
                            "at least one user and one item)")
    # refused as fit refuses them, naming the user and item: negative values reached the
    # solver as rows of a subset, named by positions the caller never saw
    previous._check_weights(train.value, "train")
    previous._refuse_negative_occurrences(train)
    n_factors = previous.item_factors_.shape[1]
    seen = sp.csr_matrix(train.to_csr(), dtype=np.float32)
    seen.sum_duplicates()
    confidence = getattr(previous, "_confidence", None)
    if confidence is not None:
        confidence(seen)  # ALS's refusal of values below 0, as its fit applies it

    items = np.zeros((train.n_items, n_factors), np.float32)
    try:
        new_item, old_item = known_rows(train.items, previous.items_)
        new_user, old_user = known_rows(train.users, previous.users_)
    except ConfigError as error:
        # the refusal spoke of a "warm start", which a fold-in is not
        raise ConfigError("fold_in_model: " + str(error).removeprefix("warm start: ")
                          ) from None
    if not len(new_item) and not len(new_user):
        # every factor was solved against zeros: a model of zero vectors, which ranks
        # every item alike, gated and published as a fold-in
        raise RecstackError(f"fold_in_model: none of train's {counted(train.n_users, 'user')} "
                            f"and {counted(train.n_items, 'item')} is known to the previous "
                            f"model (e.g. user {shown(train.users.external_ids[0])}, item "
                            f"{shown(train.items.external_ids[0])}), so nothing anchors the "
                            "new vectors; retrain on this window instead")
    items[new_item] = previous.item_factors_[old_item]
    item_known = np.zeros(train.n_items, bool)
    item_known[new_item] = True

    users = np.zeros((train.n_users, n_factors), np.float32)
    users[new_user] = previous.user_factors_[old_user]
    user_new = np.ones(train.n_users, bool)
    user_new[new_user] = False

    def fold_users(columns: np.ndarray, factors: np.ndarray) -> None:
        rows = np.flatnonzero(user_new)
        if len(rows) and len(columns):
            history = seen[rows][:, columns]
            users[rows] = _solve_rows(previous, history, factors)

    # 1. new users from the known items
    known_items = np.flatnonzero(item_known)
    fold_users(known_items, items[known_items])
    # 2. new items from every user of the window
    fresh_items = np.flatnonzero(~item_known)
    if len(fresh_items):
        items[fresh_items] = fold_in_items(previous, sp.csr_matrix(seen.T)[fresh_items],
                                           users)
    # 3. new users again, from all their events
    fold_users(np.arange(train.n_items), items)

    model = type(previous)(**previous.get_params())
    model.users_, model.items_, model.seen_ = train.users, train.items, seen
    model.user_factors_, model.item_factors_ = users, items
    return model


def use_fold_in(between: int, strategies: Sequence[str], previous: Any) -> bool:
    """Whether this run folds in rather than trains: ``between`` > 0, a published model
    that can be folded into, and fewer than ``between`` fold-in runs since the last
    training run (``strategies``: the completed runs' strategies, oldest first)."""
    given, between = between, whole_exact_as_int(between)  # Decimal(2) is 2
    if isinstance(between, bool) or not isinstance(between, int | np.integer) or between < 0:
        raise ConfigError(f"use_fold_in: between must be a whole number of runs >= 0 "
                          f"([training] fold_in_between), got {shown(given)}")
    # a generator or None was a TypeError from reversed(); a misspelt strategy counted as
    # a retrain and restarted the fold-in streak
    if not isinstance(strategies, list | tuple) \
            or not all(isinstance(s, str) and s in STRATEGIES for s in strategies):
        raise ConfigError(f"use_fold_in: strategies must be a list of the completed runs' "
                          f"strategies ({', '.join(map(repr, STRATEGIES))}), oldest first, "
                          f"got {strategies!r:.80}")
    if between <= 0 or previous is None or getattr(previous, "name", None) not in \
            FOLD_IN_MODELS:
        return False
    streak = 0
    for strategy in reversed(strategies):
        if strategy != "fold_in":
            break
        streak += 1
    return streak < between


def _solve_rows(model: Any, history: sp.csr_matrix, fixed: np.ndarray) -> np.ndarray:
    """The model's exact user fold-in of the rows of ``history`` against the ``fixed``
    factors of its columns (item factors, or user factors for the transposed problem):
    a copy of the model whose items are those columns runs its own ``fold_in``. Rows
    without events get 0 (there is nothing to solve from)."""
    mirror = _mirror(model, fixed)
    out = np.zeros((history.shape[0], fixed.shape[1]), np.float32)
    nonempty = np.diff(history.indptr) > 0
    if nonempty.any():
        out[nonempty] = mirror.fold_in(history[nonempty])
    return out


def _mirror(model: Any, fixed: np.ndarray) -> Any:
    """A copy of ``model`` whose items are the rows of ``fixed`` (by position)."""
    mirror = type(model)(**model.get_params())
    mirror.item_factors_ = np.ascontiguousarray(fixed, dtype=np.float32)
    mirror.user_factors_ = np.zeros((0, fixed.shape[1]), np.float32)
    mirror.items_, mirror.users_ = _positions(len(fixed)), _positions(0)
    mirror.seen_ = sp.csr_matrix((0, len(fixed)), dtype=np.float32)
    return mirror


def _positions(n: int) -> Any:
    from recstack.data.idmap import IdMap

    return IdMap(np.arange(n, dtype=np.int64))


def _check_foldable(model: Any) -> None:
    if getattr(model, "name", None) not in FOLD_IN_MODELS:
        raise ConfigError(f"fold-in needs a model whose user and item steps are exact "
                          f"least-squares solves ({', '.join(FOLD_IN_MODELS)}); "
                          f"{getattr(model, 'name', type(model).__name__)} must be retrained")
