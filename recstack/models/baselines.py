"""Baselines every other model must beat: random and most-popular."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import shown
from recstack.models.base import NOT_GIVEN, Param, Recommender, check_call
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.progress import Progress

_SECONDS_PER_DAY = 86_400.0
#: half-lives after which a weight 2 ** -age falls below float64's smallest number
_FLOAT64_HALF_LIVES = 1074.0
#: the dtypes a saved popularity may have: float64 since counts above 2 ** 24 were found
#: to round in float32 (two items of different counts tied and ranked by index), float32
#: in files saved before
_POPULARITY_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


@register
class RandomRecommender(Recommender):
    """Uniformly random scores, the floor any model must clear.

    Scores are a hash of (seed, user, item), so a user's ranking does not depend on
    which batch the user is scored in, and one seed makes a run repeatable. A score is one
    of :math:`2^{24}` equally spaced values in [0, 1) (all that float32 holds exactly), so
    two items of a user tie with probability :math:`2^{-24}` (about 22 tied pairs per user
    on a 27,000-item catalog, almost never at the top of a list); ties go to the lower item
    index, as for every model.
    """

    name = "random"
    # random for everyone: a user without training rows is served like any other
    serves_users_without_history = True
    personalised = False
    params: ClassVar[dict[str, Param]] = {
        "seed": Param(int, low=0, default=0, doc="Seeds the scores: one seed, one ranking."),
    }

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        self.n_items_ = train.n_items

    def _state(self) -> dict[str, np.ndarray]:
        return {"n_items": np.asarray(self.n_items_)}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.n_items_ = int(arrays["n_items"])

    def _state_spec(self) -> dict[str, ArraySpec]:
        return {"n_items": ArraySpec("int", (), low="n_items", high="n_items")}

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by their history (random ignores it); each history
        row gets the scores of a user index beyond the trained ones, so they differ."""
        check_call(self, RandomRecommender.score_histories, positional, unexpected, (histories,))
        n_rows = self._history_matrix(histories).shape[0]
        first = len(self.users_)
        return self._score_users(np.arange(first, first + n_rows))

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        users = user_indices.astype(np.uint64)[:, None]
        items = np.arange(self.n_items_, dtype=np.uint64)[None, :]
        with np.errstate(over="ignore"):
            key = (np.uint64(self.seed) * np.uint64(0x9E3779B97F4A7C15)
                   ^ users * np.uint64(0xBF58476D1CE4E5B9) ^ items * np.uint64(0x94D049BB133111EB))
            key = _splitmix64(key)
        return (key >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24)


@register
class MostPopular(Recommender):
    """Items ranked by how many training rows they have (the same list for everyone).

    Popularity counts interactions, as RecBole's Pop does: a user's repeated rows of an
    item (a song played three times) count every time. Dacrema et al.'s TopPop counts the
    item's distinct users instead; fit on ``train.deduplicate()`` for that count. Items of
    equal popularity are listed by item index, the lower first (:func:`recstack.topk.top_k`).

    With ``half_life_days``, each row counts ``2 ** (-age / half_life)``, its age measured
    from the latest training timestamp: recent popularity outweighs old popularity.

    Popularity is float64, so counts are exact up to :math:`2^{53}` (float32, used before,
    rounded counts above :math:`2^{24}`, tying items of different counts); a model saved
    with float32 popularity loads and scores as it did.
    """

    name = "most_popular"
    # the same list for everyone, users without training rows included
    serves_users_without_history = True
    personalised = False
    params: ClassVar[dict[str, Param]] = {
        "half_life_days": Param(
            (int, float), low=0, low_inclusive=False, optional=True, default=None,
            doc="Each row counts 2 ** (-age / half_life_days); None counts every row 1.",
            search={"type": "float", "low": 1.0, "high": 3650.0, "log": True},
            needs_timestamps=True, computes_in="float64"),
    }

    def _reads_occurrences(self) -> bool:
        return True  # it counts rows, whatever their values

    def _occurrences_role(self) -> str:
        return "it counts every row as one interaction"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        weights = None
        if self.half_life_days is not None:
            if train.timestamp is None:
                from recstack.errors import RecstackError

                raise RecstackError("most_popular: half_life_days needs timestamps; "
                                    "these training data have none")
            age_days = (train.timestamp.max() - train.timestamp) / _SECONDS_PER_DAY
            with np.errstate(over="ignore"):
                # half_life_days=5e-324: an age over it is infinite, a weight of 0, as for
                # 1e-30 (told by _warn_popularity_lost); numpy's own warning came first
                weights = np.exp2(-age_days / self.half_life_days)
        self.popularity_ = np.bincount(train.item_index, weights=weights,
                                       minlength=train.n_items).astype(np.float64)
        if weights is not None:
            self._warn_popularity_lost(train, age_days)

    def _warn_popularity_lost(self, train: Interactions, age_days: np.ndarray) -> None:
        """Warn when the half-life leaves items with training rows a popularity of exactly
        0: a row's weight ``2 ** (-age / half_life_days)`` below float64's smallest number
        (2 ** -1074, a row 1074 half-lives old) rounds to 0, so every item whose rows are
        all that old tied at 0, ordered by index, where the formula ranks them by their
        rows' ages (``half_life_days=1`` on three years of data, inside the tuning
        range)."""
        lost = (np.bincount(train.item_index, minlength=train.n_items) > 0) \
            & (self.popularity_ == 0)
        if not lost.any():
            return
        newest = np.full(train.n_items, np.inf)
        np.minimum.at(newest, train.item_index, age_days)
        # every item's newest row keeps a weight >= 2 ** -1074 from this half-life on
        needed = float(newest[np.isfinite(newest)].max()) / _FLOAT64_HALF_LIVES
        shown_needed = float(f"{needed:.3g}")
        while shown_needed < needed:  # rounded up, to three digits
            shown_needed = float(f"{max(shown_needed, needed) * 1.001:.3g}")
        lost_items = np.flatnonzero(lost)
        examples = ", ".join(shown(item) for item in
                             train.items.external_ids[lost_items[:3]].tolist())
        warnings.warn(
            f"{self.name}: half_life_days={shown(self.half_life_days)} leaves "
            f"{len(lost_items):,} of the {int((newest < np.inf).sum()):,} items with training "
            f"rows (e.g. {examples}) a popularity of exactly 0: their newest rows are "
            f"{float(newest[lost].min()):,.4g} days or more before the latest training row, "
            "and a row's weight 2 ** (-age / half_life_days) below float64's smallest "
            "number (2 ** -1074, a row 1074 half-lives old) rounds to 0, so they tie and are "
            "ordered by index among themselves, where the half-life ranks them by their "
            f"rows' ages; use half_life_days >= {shown_needed:g} to rank every item",
            RuntimeWarning, stacklevel=caller_stacklevel())

    def _state(self) -> dict[str, np.ndarray]:
        return {"popularity": self.popularity_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.popularity_ = arrays["popularity"]

    def _state_spec(self) -> dict[str, ArraySpec]:
        # the newest training row counts fully: a fitted model's counts are never all 0
        # (with them every list was the catalog in index order). The declaration names one
        # dtype and popularity has two (float64, float32 in older files): "id" (integers,
        # floats, text) admits both, and _check_state refuses every other dtype
        return {"popularity": ArraySpec("id", ("n_items",), low=0, nonzero=True)}

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        popularity = arrays["popularity"]
        if popularity.dtype in _POPULARITY_DTYPES:
            return None
        return (f"array 'popularity' of model {self.name!r} has dtype {popularity.dtype}, "
                "expected float64 (or float32, as saved before recstack stored exact "
                "counts), so the file was damaged or edited")

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """The same popularity scores for users known only by their history (a writable
        array of its own, as every model's, where scoring shares one read-only row)."""
        check_call(self, MostPopular.score_histories, positional, unexpected, (histories,))
        return np.array(self._score_users(np.arange(self._history_matrix(histories).shape[0])))

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.popularity_, (len(user_indices), len(self.popularity_)))


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a cheap, well-mixed integer hash."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))
