"""Scoring shared by the factor models (ALS, iALS, BPR, LightGCN): a dot product of user
and item factors, and the scoring of new histories by the models that fold them in.

Kept apart from any one model so that each factor model imports this module, never another
model's.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from recstack.data.interactions import caller_stacklevel
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.models.base import NOT_GIVEN, check_call


class FactorMixin:
    """Scoring for models whose score is a dot product of user and item factors.

    ``score(u, i) = user_factors_[u] · item_factors_[i] (+ item_bias_[i])``. Mix it in before
    :class:`~recstack.models.base.Recommender`; the model sets ``user_factors_`` and
    ``item_factors_`` (float32, C-contiguous) and, if it has one, ``item_bias_``. It supplies
    ``_score_users``, ``_score_pairs`` (a row-wise dot product instead of full rows), the
    item vectors of ``similar_items`` (the factors), the public embeddings and the
    ``_state``/``_load_state`` pair.

    Embeddings: ``user_embeddings()`` and ``item_embeddings()`` are such that
    ``user_embeddings() @ item_embeddings().T`` equals the scores. Without an item bias they
    are the factors, ``(n_users, factors)`` and ``(n_items, factors)``; with one, each gets
    one more column, 1 for users and the bias for items, ``(n, factors + 1)``, so that a
    maximum-inner-product index over them ranks as the model does.
    """

    user_factors_: np.ndarray
    item_factors_: np.ndarray
    #: models without an item bias leave this None
    item_bias_: np.ndarray | None = None

    # the attributes below come from Recommender, which this class is mixed into
    items_: Any
    _require_fitted: Any

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        scores = self.user_factors_[user_indices] @ self.item_factors_.T
        if self.item_bias_ is not None:
            scores += self.item_bias_
        return scores

    def _score_pairs(self, user_index: np.ndarray, item_index: np.ndarray) -> np.ndarray:
        scores = np.einsum("ij,ij->i", self.user_factors_[user_index],
                           self.item_factors_[item_index])
        if self.item_bias_ is not None:
            scores += self.item_bias_[item_index]
        return scores.astype(np.float32, copy=False)

    def _item_embeddings(self) -> np.ndarray:
        return self.item_factors_

    def _user_embeddings(self) -> np.ndarray:
        return self.user_factors_

    def _public_item_embeddings(self) -> np.ndarray:
        if self.item_bias_ is None:
            return self.item_factors_
        return np.hstack([self.item_factors_, self.item_bias_[:, None]])

    def _public_user_embeddings(self) -> np.ndarray:
        if self.item_bias_ is None:
            return self.user_factors_
        ones = np.ones((len(self.user_factors_), 1), self.user_factors_.dtype)
        return np.hstack([self.user_factors_, ones])

    def _state(self) -> dict[str, np.ndarray]:
        state = {"user_factors": self.user_factors_, "item_factors": self.item_factors_}
        if self.item_bias_ is not None:
            state["item_bias"] = self.item_bias_
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.user_factors_ = np.ascontiguousarray(arrays["user_factors"], dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(arrays["item_factors"], dtype=np.float32)
        if "item_bias" in arrays:
            self.item_bias_ = np.ascontiguousarray(arrays["item_bias"], dtype=np.float32)



class FoldInScoringMixin:
    """``score_histories`` for a factor model with ``fold_in`` (ALS, iALS): each history's
    folded-in factors times the item factors. A row with no interaction (its factors are 0,
    so every score is 0) gets item popularity instead, with a
    :class:`~recstack.models.base.PopularityFallbackWarning`. Mix it in before
    :class:`~recstack.models.base.Recommender`."""

    # from the model and Recommender, which this class is mixed into
    item_factors_: np.ndarray
    _fold_in: Any
    _require_fitted: Any
    _history_matrix: Any
    _empty_histories_by_popularity: Any

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Full-catalog scores (float32 ``(n, n_items)``) for users known only by their
        histories (see the class docstring)."""
        check_call(self, FoldInScoringMixin.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(
            history, self._fold_in(history) @ self.item_factors_.T)

def factor_limits(name: str, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
    """The data limit of a factor count (the hyperparameter ``name``), for a model's
    :meth:`~recstack.models.base.Recommender.data_limits`: the rank of the scores,
    ``min(n_users, n_items)``, past which the extra dimensions only cost time, so that a
    tuning search keeps to it. The default spaces draw ``factors`` up to 256: on 30 users
    and 20 items every trial past 30 warned so (:func:`warn_excess_factors` warns past
    both counts), and those from 21 to 30 were as idle without a word."""
    rank = min(n_users, n_items)
    return {name: (rank + 1, f"{name} <= min(n_users, n_items) = {rank:,}, the rank of the "
                             "scores; more only cost time and memory")}


def warn_excess_factors(model: str, name: str, factors: int, n_users: int,
                        n_items: int) -> None:
    """Warn once, at fit, when ``factors`` (the hyperparameter ``name``) exceeds both the
    number of users and of items: the score matrix has rank at most ``min(n_users,
    n_items)``, so the extra dimensions add cost and nothing the data can determine. It is
    mathematically valid, so the fit still runs as asked. The remedy names that rank: it
    advised ``<=`` the larger count (``factors=50`` on 40 users and 20 items: "use factors
    <= 40", where every dimension past 20 is as idle as those past 40)."""
    if factors > n_users and factors > n_items:
        rank = min(n_users, n_items)
        warnings.warn(f"{model}: {name}={factors} is more than both the {n_users:,} user(s) "
                      f"and the {n_items:,} item(s) of the training data; the scores have "
                      f"rank at most {rank:,}, so the dimensions past {rank:,} only "
                      f"cost time and memory; use {name} <= {rank:,}"
                      f"{_default_hint(model, name, factors, rank)}",
                      RuntimeWarning, stacklevel=caller_stacklevel())


def _default_hint(model: str, name: str, factors: int, rank: int) -> str:
    """Where ``factors`` is the model's default, the setting to write: a default is no
    value the user chose, and a tuning search that does not vary it warned at every trial
    "use factors <= 40" to a reader who had written no factors anywhere. The default does
    not adapt to the data: the model fits, saves and reports the value its settings say
    (``get_params``), and a fit with more dimensions than the rank is still a valid,
    different fit."""
    from recstack.models.registry import available_models, model_class

    if model not in available_models():
        return ""
    declared = model_class(model).params.get(name)
    if declared is None or declared.default != factors:
        return ""
    return (f" ({factors} is {model}'s default: set {name} = {rank} where the model is "
            f"declared, e.g. create_model({model!r}, {name}={rank}) or {name} = {rank} in its "
            f"[[models]] table, which a tuning search keeps in the trials that do not vary "
            f"{name})")


def refuse_without_negatives(model: str, positives: Any) -> None:
    """Refuse a pairwise fit (BPR, LightGCN) on a users x items pattern ``positives``
    (CSR, one stored entry per positive pair) in which no user has both a positive and an
    item without one: every training triple needs a negative item the user has not
    interacted with, so every positive was skipped, nothing was learned, and the model's
    vectors stayed at their random start (its lists were noise, without a word)."""
    degree = np.diff(positives.indptr)
    n_items = positives.shape[1]
    if degree.size and not ((degree > 0) & (degree < n_items)).any():
        raise RecstackError(
            f"{model}: every user with training rows has interacted with every one of the "
            f"{n_items:,} item(s), so there is no negative item to sample: pairwise training "
            "would skip every positive and learn nothing (its vectors would stay random); "
            "give training data in which users have items left to rank, or a model that "
            "needs no negatives (e.g. most_popular, item_knn, ease)")


def require_factor_memory(model: str, name: str, factors: int, n_users: int, n_items: int,
                          bytes_per_value: int, extra: int = 0,
                          also: tuple[str, Any] | None = None) -> None:
    """Refuse, before anything is allocated, a fit whose factor matrices (``n_users +
    n_items`` vectors of ``factors`` values, ``bytes_per_value`` bytes each counting the
    copies the solver keeps) and ``extra`` bytes (e.g. a ``factors x factors`` Gram
    matrix) would not fit in memory, naming the hyperparameter ``name`` to lower: such a
    fit failed with numpy's "Unable to allocate", or was killed halfway. (``factors``
    beyond :data:`~recstack.models.base.MAX_FACTORS` were refused before, by the
    declaration, :func:`~recstack.models.base.width_param`.) ``also``: ``(setting,
    value)`` of another hyperparameter that ``extra`` grows with (neural_mf's ``layers``),
    named beside ``name`` as one to lower: a fit refused for its hidden layers was told
    to lower ``factors`` alone."""
    from recstack.models.memory import require_memory

    needed = (n_users + n_items) * factors * bytes_per_value + extra
    settings = f"{name}={factors:,}"
    remedy = (f"lower {name} (the factor vectors take {bytes_per_value} bytes per user and "
              "item per dimension)")
    if also is not None:
        settings += f" and {also[0]}={also[1]}"
        remedy = f"lower {also[0]} or {remedy[len('lower '):]}"
    require_memory(model, needed,
                   f"not enough memory to fit {n_users:,} users x {n_items:,} items with "
                   f"{settings}: the fit", remedy)


def refuse_overshooting_decay(model: Any, rate_name: str, decay_name: str,
                              what: str) -> None:
    """Refuse a step size and a per-step decay (the hyperparameters ``rate_name`` and
    ``decay_name`` of ``model``) whose product is 1 or more, before anything trains. A step
    of SGD with an L2 term (BPR) or of decoupled weight decay (AdamW) multiplies each
    parameter it decays by ``1 - rate x decay`` before adding the gradient step: at 1 or
    more that factor is 0 or negative, so every step throws the parameter's value away or
    flips its sign (growing it, beyond 2), and the learned vectors were noise accepted
    without a word (BPR with learning_rate 0.01 and regularization 150: vectors near 1e-39
    and a training AUC of 0.51; at 201, vectors near 4,000). ``what``: which parameters a
    step decays. The setting further above its default is named first as the one to
    lower."""
    rate, decay = getattr(model, rate_name), getattr(model, decay_name)
    product = float(rate) * float(decay)
    if product < 1:
        return
    effect = ("throws their values away" if product == 1 else
              "flips their signs" + (" and grows them" if product > 2 else ""))

    def above_default(name: str, value: Any) -> float:
        default = float(model.params[name].default or 0)
        return float(value) / default if default > 0 else math.inf

    lower = [(decay_name, rate_name, rate), (rate_name, decay_name, decay)]
    if above_default(rate_name, rate) > above_default(decay_name, decay):
        lower.reverse()
    (first, first_by, first_other), (second, second_by, second_other) = lower
    raise ConfigError(
        f"{model.name}: {rate_name} x {decay_name} = {shown(rate)} x {shown(decay)} = "
        f"{product:.4g} is 1 or more: each step multiplies {what} by 1 - {rate_name} x "
        f"{decay_name} = {1 - product:.4g}, which {effect}, so what is learned is noise; "
        f"use {first} below 1 / {first_by} = {1 / float(first_other):.4g} (or {second} "
        f"below 1 / {second_by} = {1 / float(second_other):.4g})")


def warn_untrainable_users(model: str, user_ids: Any, n_items: int) -> None:
    """Warn, at fit, that the users ``user_ids`` have interacted with every one of the
    ``n_items`` items, so a pairwise fit can sample no negative for them: their vectors are
    set to 0 (their scores are the item biases alone, as for users without training rows)
    instead of staying at the random start."""
    shown_ids = ", ".join(shown(value) for value in list(user_ids[:5]))
    more = f" and {len(user_ids) - 5:,} more" if len(user_ids) > 5 else ""
    one = len(user_ids) == 1
    warnings.warn(
        f"{model}: {counted(len(user_ids), 'user')} ({shown_ids}{more}) "
        f"{'has' if one else 'have'} interacted with every one of the {n_items:,} item(s), "
        f"so no negative item can be sampled for {'that user' if one else 'them'} and "
        f"pairwise training learns nothing about {'them' if not one else 'that user'}: "
        f"{'its' if one else 'their'} scores are the item biases alone (the user vector is "
        "set to 0, as for users without training rows; there is no unseen item to "
        "recommend unless exclude_seen=False)", RuntimeWarning,
        stacklevel=caller_stacklevel())


def relu_tower(pre_activation: np.ndarray, weights: list[np.ndarray],
               biases: list[np.ndarray]) -> np.ndarray:
    """An MLP's last hidden layer from its first layer's pre-activation (..., width): ReLU,
    then each further layer ``(out, in)`` (torch's layout) with its bias and ReLU."""
    hidden = np.maximum(pre_activation, 0)
    for weight, bias in zip(weights, biases, strict=True):
        hidden = np.maximum(hidden @ weight.T + bias, 0)
    return hidden


def uniform_negatives(users: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
                      n_items: int, rng: np.random.Generator) -> np.ndarray:
    """One negative item for each entry of ``users`` (int64), uniform over the items that
    user has no positive for in the CSR pattern ``indptr``/``indices`` (sorted, distinct
    columns per row), drawn by vectorised rejection: all at once, then only the
    collisions again. Every user given must have at least one item without a positive."""
    users = np.asarray(users, dtype=np.int64)
    degree = np.diff(indptr)
    # sorted (rows in order, sorted columns), so membership is a binary search
    keys = np.repeat(np.arange(len(degree), dtype=np.int64), degree) * n_items \
        + np.asarray(indices, dtype=np.int64)
    negatives = rng.integers(0, n_items, size=len(users), dtype=np.int64)
    pending = np.arange(len(users))
    while len(pending) and len(keys):
        candidate = users[pending] * n_items + negatives[pending]
        found = np.searchsorted(keys, candidate)
        collided = (found < len(keys)) & (keys[np.minimum(found, len(keys) - 1)] == candidate)
        pending = pending[collided]
        negatives[pending] = rng.integers(0, n_items, size=len(pending), dtype=np.int64)
    return negatives
