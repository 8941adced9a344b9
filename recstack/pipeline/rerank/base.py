"""The re-ranker contract: one method over a batch of users' scored lists, composable in a
chain.

A re-ranker takes the lists of a batch of users, ``items`` and ``scores`` (both ``(n_users,
n)``, best first, empty slots ``-1`` with score ``-inf``), and returns new lists of the same
width with the same padding convention: a filter moves what it removes out (the slots at the
end become empty), a boost changes scores and re-sorts, a greedy re-ranker (MMR, Steck,
exposure) reorders. Asked for more items than it has, a re-ranker never invents any: the
list keeps its empty slots.

Everything a re-ranker takes from the data (genre matrix, item popularity, item ages,
block-list masks, item vectors) is computed once by :meth:`Reranker.fit` from the training
:class:`~recstack.data.interactions.Interactions` (and the wrapped model, for its item
vectors) into arrays ending in ``_``, which :meth:`Reranker.state` returns for saving; the
hyperparameters (declared with :class:`~recstack.models.base.Param`, as models declare
theirs) round-trip to JSON with :meth:`Reranker.config`, so a chain is a list of
``{type = ..., ...}`` tables in an experiment file. What changes per request (the users'
histories) comes in a :class:`RerankContext`.
"""

from __future__ import annotations

import copy
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Self, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel, refuse_ragged
from recstack.errors import ConfigError, RecstackError, counted, shown, shown_given
from recstack.metrics._validation import check_aligned, exact_as_int, refuse_masked
from recstack.models import persistence
from recstack.models.base import Configurable, canonical_value, check_interactions
from recstack.models.persistence import SparseSpec, expected_array_names
from recstack.pipeline.bandit_checks import (
    PAD_OR_SPLIT_ROWS,
    _missing_as_nan,
    as_index_array,
    refuse_booleans,
    refuse_complex,
)
from recstack.pipeline.settings import ReadOnlyWith, refuse_unread_settings
from recstack.registry import Registry
from recstack.specs import closest, did_you_mean, table_hint

__all__ = ["RerankContext", "Reranker", "StepWithoutEffectWarning", "available_rerankers",
           "create_reranker", "register_reranker", "reranker_class", "run_chain"]


class StepWithoutEffectWarning(UserWarning):
    """A re-ranker whose settings make it change no list (an empty block list, a boost of
    weight 0, a trade-off that keeps relevance only, a predicate every item passes):
    warned once at :meth:`Reranker.fit`, naming the setting. Not an error: a block list or a
    catalog column can be empty for a while, and a search over a trade-off may try its
    neutral end."""



@dataclass(frozen=True)
class RerankContext:
    """What a re-ranker may need about the users of a batch beyond their lists.

    Attributes
    ----------
    seen : scipy.sparse.csr_matrix, shape (n_users_of_vocabulary, n_items)
        The training interactions (row = user index): histories for the seen-item filter
        and for Steck's target genre distribution. For users who are not training users
        (a new visitor of the service), each row is that user's own history (the items
        of their request).
    training_users : numpy.ndarray of int, shape (n_rows_of_seen,), optional
        Which training user each row of ``seen`` is, that is, which row of the per-user
        state a re-ranker learned at fit (a block list's ``per_user``), or ``-1`` for a
        user who is none (a new visitor): no training user's personal state applies to
        them. None (the default): the rows of ``seen`` are the training users. Without it,
        a visitor's one-row history was row 0, and the first training user's own block
        list was applied to every visitor.
    """

    seen: sp.csr_matrix
    training_users: np.ndarray | None = None


class Reranker(Configurable, ABC):
    """Base class of re-rankers (see the module docstring)."""

    n_items_: int
    #: settings read only under another's value, refused at fit when given otherwise
    #: (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {}

    # ------------------------------------------------------------------ hyperparameters
    def config(self) -> dict[str, Any]:
        """The re-ranker as a JSON-able table: ``{"type": name, **hyperparameters}``."""
        return {"type": self.name, **self.get_params()}

    # ------------------------------------------------------------------ fitting
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "n_items_")

    def fit(self, train: Interactions, *, item_vectors: np.ndarray | None = None) -> Self:
        """Compute what the re-ranker needs from the training data (``item_vectors``: the
        wrapped model's item embeddings, for re-rankers that use them); returns ``self``."""
        self.validate_params()
        # at fit only: a saved chain whose setting was ignored still loads
        refuse_unread_settings(self.name, self, self.read_only_with)
        # a DataFrame (or a path) failed inside a re-ranker on a missing attribute
        # ("'DataFrame' object has no attribute 'item_table'"), with pandas' traceback
        check_interactions(train, f"{self.name}.fit(train)")
        if item_vectors is not None and not self.reads_item_vectors():
            # given and never read (mmr with features = 'column'): the re-ranker ran on
            # what its settings name, without a word about the vectors
            warnings.warn(f"{self.name}: item_vectors given to fit() are unused: "
                          f"{self._item_vectors_unused()}", UserWarning,
                          stacklevel=caller_stacklevel())
            item_vectors = None
        self._fit(train, item_vectors)
        without_effect = self._without_effect()
        if without_effect is not None:
            # the step ran, took its time in every request, and handed back every list as
            # it came in, without a word
            reason, fix = without_effect
            warnings.warn(StepWithoutEffectWarning(
                f"{self.name}: {reason}, so this step changes no list; {fix}"),
                stacklevel=caller_stacklevel())
        self.n_items_ = train.n_items
        self.fitted_params_ = copy.deepcopy(self.get_params())
        return self

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:  # noqa: B027
        """Learn the arrays the re-ranker needs (none by default)."""

    def _without_effect(self) -> tuple[str, str] | None:
        """Why the fitted settings change no list and what to do instead, or None (the
        default): read by :meth:`fit`, which warns with :class:`StepWithoutEffectWarning`."""
        return None

    def reads_item_vectors(self) -> bool:
        """Whether :meth:`fit` reads ``item_vectors`` under the current settings (False by
        default; vectors given to a re-ranker that does not read them are warned of)."""
        return False

    def _item_vectors_unused(self) -> str:
        """Why :meth:`fit` does not read ``item_vectors``, ending with what to do."""
        return f"{self.name} does not read item vectors; leave them out"

    def state(self) -> dict[str, np.ndarray]:
        """The fitted arrays, for saving (npz, never pickle)."""
        return {}

    def load_state(self, arrays: dict[str, np.ndarray], n_items: int) -> None:
        """Restore what :meth:`state` returned (arrays checked by :meth:`state_spec`)."""
        self.validate_params()
        if not isinstance(arrays, dict):
            raise RecstackError(f"{self.name}.load_state: arrays must be a dict of arrays by "
                                f"name (what state() returned), got {type(arrays).__name__}")
        where = f"{self.name}.load_state"
        n_items = _item_count(where, n_items)
        expected = sorted(expected_array_names(self.state_spec()))  # a sparse matrix is 4 arrays
        missing = [name for name in expected if name not in arrays]
        if missing:
            # the array was read by name inside _load_state: a bare KeyError
            raise RecstackError(
                f"{where}: the arrays lack {', '.join(map(repr, missing))}; "
                f"it restores {', '.join(map(repr, expected))} (what state() returned)")
        extra = sorted(str(name) for name in arrays if name not in expected)
        if extra:
            # a misspelt or another step's array was dropped without a word
            raise RecstackError(
                f"{where}: unexpected array(s) {', '.join(map(repr, extra))}; it restores "
                f"{', '.join(map(repr, expected))} (what state() returned)")
        # called directly, the arrays met no check: an array of the wrong length, NaN or
        # outside its range was kept, and failed (or scored wrongly) at rerank
        arrays = self._checked_arrays(where, arrays, n_items)
        self._load_state(arrays)
        self.n_items_ = n_items
        self.fitted_params_ = copy.deepcopy(self.get_params())

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:  # noqa: B027
        """Restore the fitted arrays (none by default)."""

    def _checked_arrays(self, where: str, arrays: dict[str, Any], n_items: int
                        ) -> dict[str, np.ndarray]:
        """``arrays`` as numpy arrays of their declared dtypes, checked against
        :meth:`state_spec` as a saved model's are (shape against ``n_items`` and the integer
        hyperparameters, finite values, declared bounds, sparse structure); errors start
        with ``where``. Numbers of another width or kind of number are converted (a
        float64 array where float32 is declared); other kinds are refused."""
        specs = self.state_spec()
        converted: dict[str, np.ndarray] = {}
        for name, value in arrays.items():
            array = value if isinstance(value, np.ndarray) else np.asarray(value)
            spec = _spec_of(specs, name)
            wanted = None if spec is None else _declared_dtype(spec, name)
            if array.dtype.hasobject or array.dtype.kind not in "biufU":
                # np.asarray of a dict, of None, of mixed values: an object array
                raise RecstackError(f"{where}: {self._saved_array_label(name)} must be an "
                                    f"array of numbers, got {array.dtype} values")
            if wanted is not None and array.dtype != wanted and (
                    (wanted.kind == "f" and array.dtype.kind in "iuf")
                    or (wanted.kind in "iu" and array.dtype.kind in "iu")):
                with np.errstate(over="ignore", invalid="ignore"):
                    narrowed = array.astype(wanted)
                if wanted.kind in "iu" and not np.array_equal(narrowed, array):
                    raise RecstackError(f"{where}: {self._saved_array_label(name)} holds "
                                        f"values that {wanted} cannot hold")
                array = narrowed  # too large for float32: infinite, refused below
            converted[name] = array
        symbols = {"n_items": n_items}
        symbols.update({param: value for param, value in self.get_params().items()
                        if type(value) is int})
        checker = persistence._Checker(where, cast(Any, self), symbols)
        for name, spec in specs.items():
            if isinstance(spec, SparseSpec):
                checker.sparse(name, spec, converted)
            else:
                checker.array(name, spec, converted[name])
        return converted

    def _saved_array_label(self, name: str) -> str:
        """How load errors name the array ``name`` of this step's state."""
        return f"array {name!r} of re-ranker {self.name!r}"

    def state_spec(self) -> dict[str, Any]:
        """What each array of :meth:`state` must be (see
        :mod:`recstack.models.persistence`)."""
        return {}

    def check_state(self, arrays: dict[str, np.ndarray], item_ids: Any, user_ids: Any
                    ) -> str | None:
        """What disagrees between the loaded arrays (shapes already checked against
        :meth:`state_spec`) and this step's settings over the saved vocabularies
        (:class:`~recstack.data.idmap.IdMap`), or None (the default: nothing to compare)."""
        return None

    # ------------------------------------------------------------------ re-ranking
    def rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
               context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        """New lists for a batch of users.

        Parameters
        ----------
        users : ndarray of int, shape (n_users,)
            User indices (rows of ``context.seen``).
        items : ndarray of int, shape (n_users, n)
            Item indices, best first; ``-1`` for an empty slot.
        scores : ndarray of float, shape (n_users, n)
            Their scores; ``-inf`` for an empty slot.
        context : RerankContext

        Returns
        -------
        items : ndarray of int64, shape (n_users, n)
        scores : ndarray of float64, shape (n_users, n)
            Same padding convention; the scores are the re-ranker's (e.g. boosted), or, for
            a greedy reordering, the objective each item was picked with.
        """
        if not self.is_fitted:
            raise RecstackError(f"{self.name}: call fit() before rerank()")
        self._refuse_changed_params()
        users, items, scores = check_lists(users, items, scores, self.n_items_, self.name)
        check_context(context, users, self.n_items_, self.name)
        if items.shape[1] == 0 or items.shape[0] == 0:
            return items, scores
        return self._rerank(users, items, scores, context)

    @abstractmethod
    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]: ...

    def _refuse_changed_params(self) -> None:
        """Refuse hyperparameters set to other values since fit: fit turned them into the
        re-ranker's arrays (a block list's mask, a column's values, the item vectors), so
        a new value was silently ignored (``step.items = [...]`` blocked the old items)."""
        fitted = getattr(self, "fitted_params_", None)
        if fitted is None:
            return
        now = self.get_params()
        changed = [f"{name}={fitted[name]!r} at fit, now {now[name]!r}"
                   for name in self.params
                   # the one canonical form the models compare in: a list set where fit
                   # saw a tuple of the same ids (or a numpy number) was refused as changed
                   if canonical_value(now[name]) != canonical_value(fitted.get(name))]
        if changed:
            raise ConfigError(f"{self.name}: {'; '.join(changed)}; the re-ranker was fitted "
                              "with the values of fit: call fit() again to use the new ones, "
                              "or set them back")

    def items_kept(self) -> np.ndarray | None:
        """For filters that treat every user alike: a boolean ``(n_items,)`` mask of the
        items they let through (a chain whose filters together keep none is refused);
        None for other re-rankers."""
        return None

    def catalog_mask(self, users: np.ndarray, context: RerankContext) -> np.ndarray | None:
        """For filters: a boolean ``(n_users, n_items)`` mask of the items that may be
        recommended, applied to the whole catalog before candidates are taken (so no
        candidate slot is spent on a blocked item); None for other re-rankers."""
        return None

    def _mask_users(self, users: Any, rows: int | None = None, of: str = "") -> np.ndarray:
        """``users`` of :meth:`catalog_mask` as int64 indices, checked as :meth:`rerank`
        checks them, and within ``0..rows - 1`` (the rows of ``of``) when ``rows`` is given:
        unchecked, an unfitted filter failed on a missing attribute, text on numpy's
        UFuncTypeError, an index past the rows on scipy's IndexError, and -1 silently read
        the last user's row."""
        if not self.is_fitted:
            raise RecstackError(f"{self.name}: call fit() before catalog_mask()")
        self._refuse_changed_params()
        users = as_index_array(self.name, "users", users, ndim=1, size=None, what="user",
                               error=RecstackError)
        if rows is not None:
            outside = (users < 0) | (users >= rows)
            if outside.any():
                row = int(np.flatnonzero(outside)[0])
                raise RecstackError(f"{self.name}: user index {int(users[row])} (row {row}) "
                                    f"is not a row of {of} (0..{rows - 1})")
        return users


def _item_count(where: str, n_items: Any) -> int:
    """``n_items`` of :meth:`Reranker.load_state` as an int (a numpy integer is one),
    refused when it is no whole count: a float, true/false, text or a negative number was
    kept and failed at rerank (or checked item indices against it)."""
    n_items = exact_as_int(n_items)  # a whole Decimal or Fraction: its int
    if isinstance(n_items, bool | np.bool_) or not isinstance(n_items, int | np.integer) \
            or n_items < 0:
        raise RecstackError(f"{where}: n_items must be a whole number of items, 0 or more "
                            f"(the catalog's size, len(item ids)), got {shown(n_items)}")
    return int(n_items)


def _spec_of(specs: dict[str, Any], name: str) -> Any:
    """The declaration covering the array ``name`` (a sparse matrix's four parts share
    one), or None."""
    if name in specs:
        return specs[name]
    prefix, _, part = str(name).rpartition("_")
    spec = specs.get(prefix)
    return spec if isinstance(spec, SparseSpec) and part in _SPARSE_PARTS else None


_SPARSE_PARTS = ("indptr", "indices", "data", "shape")


def _declared_dtype(spec: Any, name: str) -> np.dtype | None:
    """The numpy dtype an array under ``spec`` is stored in (None for a family such as
    ``"int"`` or ``"str"``: the checker takes any of it)."""
    if isinstance(spec, SparseSpec):
        if str(name).endswith("_data"):
            return np.dtype(spec.dtype)
        return None  # indptr, indices, shape: any integer
    if spec.dtype in persistence._DTYPE_FAMILIES:
        return None
    return np.dtype(spec.dtype)


def check_lists(users: Any, items: Any, scores: Any, n_items: int, where: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lists as int64 / float64 arrays, refused with a one-line error when their shapes
    disagree, an index is outside the catalog, a score is NaN or +inf (greedy re-rankers
    would treat it as an empty slot) or a list holds an item twice; empty slots normalised
    to ``-1`` / ``-inf``."""
    # pandas rows in another order than the others' were paired by position: a user given
    # another's list, or an item another's score
    check_aligned(("users", users), ("items", items), ("scores", scores),
                  error=RecstackError, where=f"{where}: ")
    # the pipeline's one index check (an object array of ints is ints; floats, true/false
    # and text refused naming the first); the users' range is checked against the context
    users = as_index_array(where, "users", users, ndim=1, size=None, what="user",
                           error=RecstackError)
    # lists of different lengths: numpy's ValueError traceback (the scores' are refused
    # by their conversion below)
    refuse_ragged(items, name="items", wanted="an array of item indices, one row per user",
                  error=RecstackError, where=f"{where}: ", advice=PAD_OR_SPLIT_ROWS)
    # before np.asarray drops the mask: its hidden entries were listed as items
    refuse_masked(items, f"{where}: items", RecstackError)
    items = np.asarray(items)
    refuse_complex(f"{where}: scores", scores, RecstackError, must="numbers")
    refuse_booleans(f"{where}: scores", scores, RecstackError)
    try:
        scores = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError):
        # a DataFrame of nullable (Float64, pyarrow) columns holding pd.NA: read with NaN
        # there, as a Series of them is, so that the slot is named below
        with_missing = _missing_as_nan(scores)
        if with_missing is None:
            raise RecstackError(f"{where}: scores must be numbers") from None
        scores = with_missing
    # -1 marks an empty slot: the range is checked below
    items = as_index_array(where, "items", items, ndim=2, size=None, what="item",
                           error=RecstackError)
    if scores.shape != items.shape or len(users) != items.shape[0]:
        raise RecstackError(f"{where}: users {users.shape}, items {items.shape} and scores "
                            f"{scores.shape} must have one row per user and the same shape")
    bad = np.isnan(scores) | np.isposinf(scores)
    if bad.any():
        row, slot = (int(i) for i in np.argwhere(bad)[0])
        raise RecstackError(f"{where}: scores must be finite numbers (-inf for an empty "
                            f"slot); row {row}, slot {slot} holds {float(scores[row, slot])}")
    items = items.astype(np.int64)
    if items.size and (items.min() < -1 or items.max() >= n_items):
        # the range alone ("found 0..9") left the user to search for the row
        row, slot = (int(i) for i in np.argwhere((items < -1) | (items >= n_items))[0])
        raise RecstackError(f"{where}: item indices must lie in 0..{n_items - 1} (or -1 for an "
                            f"empty slot); row {row}, slot {slot} holds "
                            f"{int(items[row, slot])} (found {int(items.min())}.."
                            f"{int(items.max())})")
    empty = (items < 0) | np.isneginf(scores)
    items = np.where(empty, -1, items)
    ordered = np.sort(items, axis=1)
    repeated = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
    if repeated.any():
        row, slot = (int(i) for i in np.argwhere(repeated)[0])
        raise RecstackError(f"{where}: row {row} lists item index {int(ordered[row, slot])} "
                            "more than once; each list must hold distinct items")
    return users, items, np.where(empty, -np.inf, scores)


def check_context(context: Any, users: np.ndarray, n_items: int, where: str) -> None:
    """Refuse a context that is not a :class:`RerankContext` of this catalog, or users
    outside its rows (a negative index would silently read another user's history)."""
    seen = getattr(context, "seen", None)
    if not isinstance(context, RerankContext) or seen is None or not sp.issparse(seen) \
            or seen.ndim != 2:
        # a RerankContext whose seen was a dense array was "got RerankContext", as if the
        # context itself were the wrong thing
        shape = getattr(seen, "shape", None)
        kind = f"a {type(seen).__name__}" + (f" of shape {shape}" if shape is not None else "")
        given = (f"a RerankContext whose seen is {kind}; make it sparse, e.g. "
                 "scipy.sparse.csr_matrix(seen), or take Interactions.to_csr()"
                 if isinstance(context, RerankContext) else type(context).__name__)
        raise RecstackError(f"{where}: context must be a RerankContext(seen=<users x items "
                            f"sparse matrix>), got {given}")
    if seen.shape[1] != n_items:
        raise RecstackError(f"{where}: context.seen has {seen.shape[1]} item columns, the "
                            f"re-ranker was fitted on {n_items} items")
    outside = (users < 0) | (users >= seen.shape[0])
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise RecstackError(f"{where}: user index {int(users[row])} (row {row}) is not a row of "
                            f"context.seen (0..{seen.shape[0] - 1})")
    _check_training_users(context, where)


def _check_training_users(context: RerankContext, where: str) -> np.ndarray | None:
    """``context.training_users`` as int64 (None when not given), refused unless it gives
    one training user index, or ``-1`` for a visitor, per row of ``context.seen``."""
    given = context.training_users
    if given is None:
        return None
    rows = context.seen.shape[0]
    owners = as_index_array(where, "context.training_users", given, ndim=1, size=None,
                            what="user", error=RecstackError)
    if len(owners) != rows:
        entries = counted(len(owners), "entry", "entries")
        raise RecstackError(f"{where}: context.training_users has {entries}, context.seen "
                            f"{counted(rows, 'row')}; give one per row of seen: the training "
                            "user's index, or -1 for a visitor")
    below = owners < -1
    if below.any():
        row = int(np.flatnonzero(below)[0])
        raise RecstackError(f"{where}: context.training_users[{row}] is {int(owners[row])}; "
                            "expected a training user's index (0 or more) or -1 for a visitor "
                            "who is no training user")
    return owners


def training_rows(users: np.ndarray, context: Any, rows: int, where: str) -> np.ndarray:
    """The row of a re-ranker's per-user state (``rows`` of them: its training users) for
    each of ``users`` (rows of ``context.seen``), ``-1`` for a visitor who is no training
    user (:attr:`RerankContext.training_users`). Without ``training_users`` (or without a
    context) the users are the training users themselves; either way an index outside the
    ``rows`` is refused (it was scipy's IndexError)."""
    owners = (_check_training_users(context, where) if isinstance(context, RerankContext)
              else None)
    found = users if owners is None else owners[users]
    outside = (found < (-1 if owners is not None else 0)) | (found >= rows)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        if owners is None:
            raise RecstackError(f"{where}: user index {int(found[row])} (row {row}) is not a "
                                f"row of the training users (0..{rows - 1})")
        raise RecstackError(f"{where}: context.training_users[{int(users[row])}] (the user of "
                            f"row {row}) is {int(found[row])}, not a row of the training users "
                            f"(0..{rows - 1}); give a training user's index, or -1 for a "
                            "visitor who is no training user")
    return found


def sort_lists(items: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row sorted by score, highest first; among equal scores the earlier slot first
    (stable), empty slots last."""
    order = np.argsort(-scores, axis=1, kind="stable")
    return np.take_along_axis(items, order, 1), np.take_along_axis(scores, order, 1)


def keep_in_lists(items: np.ndarray, scores: np.ndarray, keep: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The lists with the slots where ``keep`` is False emptied and moved to the end, the
    order of the others unchanged."""
    keep = keep & (items >= 0)
    order = np.argsort(~keep, axis=1, kind="stable")
    kept = np.take_along_axis(keep, order, 1)
    return (np.where(kept, np.take_along_axis(items, order, 1), -1),
            np.where(kept, np.take_along_axis(scores, order, 1), -np.inf))


def min_max_rows(scores: np.ndarray) -> np.ndarray:
    """Each row's finite scores mapped to [0, 1] by min-max over the row (a constant row
    becomes 1); empty slots stay ``-inf``. Greedy objectives mix relevance with other terms,
    so their trade-off parameter needs relevance on a fixed scale."""
    finite = np.isfinite(scores)
    low = np.where(finite, scores, np.inf).min(axis=1, keepdims=True)
    high = np.where(finite, scores, -np.inf).max(axis=1, keepdims=True)
    # halves: the difference of two finite doubles can overflow (1e308 - -1e308), theirs
    # cannot, and the ratio is the same
    spread = high / 2 - low / 2
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        scaled = np.where(spread > 0,
                          (scores / 2 - low / 2) / np.where(spread > 0, spread, 1), 1.0)
    return np.where(finite, np.clip(scaled, 0.0, 1.0), -np.inf)


def item_column(train: Interactions, column: str, where: str) -> pd.Series:
    """A column of the item table (row ``i`` = item index ``i``), refused with the list of
    the columns when absent."""
    table = train.item_table
    if table is None:
        raise RecstackError(f"{where}: the training data has no item table, and column "
                            f"{shown_given(column)} is needed; load data with an item table")
    if column not in table.columns:
        near = did_you_mean(column, [str(c) for c in table.columns])
        listed = list(table.columns)
        raise RecstackError(f"{where}: the item table has no column {shown_given(column)}"
                            f"{near}; its columns are: "
                            + (", ".join(map(shown_given, listed)) if len(listed) <= 20
                               else shown_given(listed)))
    if (table.columns == column).sum() > 1:
        # table[column] would be a table of them all, read as if it were one column
        raise RecstackError(f"{where}: the item table has {int((table.columns == column).sum())}"
                            f" columns named {column!r}; rename or drop the copies")
    return table[column].reset_index(drop=True)


#: What joins several labels in one text value of a label column (MovieLens genres:
#: ``"Action|Comedy"``), unless a re-ranker's ``separator`` says otherwise.
LABEL_SEPARATOR = "|"

#: The declaration of a re-ranker's ``separator`` hyperparameter (one place for its text).
SEPARATOR_DOC = ("What joins several labels in one text value of the column (MovieLens "
                 "genres: 'Action|Comedy'); list values need none.")


def refuse_all_alike(where: str, rows: Any, what: str, consequence: str, fix: str) -> None:
    """Refuse item features (``rows``, one per item: label shares or unit vectors) that are
    the same for every item: every item then counts as equally alike to every other (or
    brings the same genres), so a step that re-orders by them changes no list, silently
    (the genre column of a catalog of one genre, a model whose vectors collapsed)."""
    if len(getattr(rows, "shape", ())) != 2 or rows.shape[0] < 2 or rows.shape[1] == 0:
        return
    if sp.issparse(rows):
        rows = sp.csr_matrix(rows)
        # each row against the first, without making the (items x labels) matrix dense
        first = sp.csr_matrix(np.ones((rows.shape[0], 1))) @ rows[0]
        spread = float(abs(rows - first).max())
    else:
        spread = float(np.ptp(np.asarray(rows), axis=0).max())
    if spread <= 1e-6:
        raise ConfigError(f"{where}: {what} is the same for every item, so {consequence} "
                          f"and this step would change no list; {fix}")


def warn_of_featureless_items(where: str, featureless: Any, train: Interactions,
                              source: str, effect: str, fix: str) -> None:
    """Warn of items without features (``featureless``, one flag per item index: no label
    in the column, a zero vector) among items with them: a greedy re-ranker that weighs an
    item by its features (mmr's similarity, calibrated's genre distribution) counts such an
    item as bringing nothing, so it escapes the penalty the others pay and rises in the
    lists, without a word (``effect`` says how, ``fix`` what to do). Every item without
    features is refused elsewhere (all alike)."""
    featureless = np.asarray(featureless, bool)
    if not featureless.any() or featureless.all():
        return
    first = train.items.to_external([int(np.argmax(featureless))]).tolist()[0]
    warnings.warn(f"{where}: {int(featureless.sum()):,} of the {len(featureless):,} items "
                  f"have {source} (first: item {first!r}); {where} counts such an item as "
                  f"{effect} and rises in the lists; {fix}", UserWarning,
                  stacklevel=caller_stacklevel())


def check_separator(where: str, separator: Any) -> None:
    """Refuse a separator that cannot split labels (empty, or only whitespace, which the
    labels are trimmed of)."""
    if not isinstance(separator, str) or not separator.strip():
        raise ConfigError(f"{where}: separator must be a non-empty text such as '|' (what "
                          f"joins several labels in one value), got {separator!r}")


def label_matrix(train: Interactions, column: str, where: str, *,
                 separator: str = LABEL_SEPARATOR) -> tuple[np.ndarray, list[str]]:
    """The item-table label column ``column`` (e.g. MovieLens ``genres``) as
    :func:`multi_hot` reads it, an error naming the column and the item's id."""
    return multi_hot(item_column(train, column, where), where, column=column,
                     item_ids=train.items.to_external, separator=separator)


def label_pairs(values: pd.Series, where: str, *, column: str | None = None,
                item_ids: Any = None, separator: str = LABEL_SEPARATOR,
                text_only: bool = True) -> tuple[np.ndarray, pd.Series]:
    """Every (row, label) pair of a label column (row ``i`` = item index ``i``): the rows
    (int64) and the labels, one entry per pair.

    A row holds one label (``"Drama"``), several joined by ``separator`` (``"Action|
    Comedy"``) or a list of them; labels are trimmed of surrounding whitespace, and a
    missing value, an empty text or an empty list is no label. A column of text (the usual
    case) is split without a Python loop over its rows. With ``text_only``, labels that are
    not text (numbers, true/false) are refused, naming the column and the first item
    (its id through ``item_ids``, else its index) that holds one: each distinct number
    would silently become a label of its own, which is wrong for a quantity.
    """
    values = values.reset_index(drop=True)
    try:
        # an item table repeats few distinct values (MovieLens: ~300 genre strings for
        # 60,000 movies): split each once, then spread the labels to the rows
        codes, distinct = pd.factorize(values)
    except TypeError:  # lists are unhashable: each row is its own value
        codes, distinct = np.arange(len(values)), values.to_numpy(dtype=object)
    labels_of = [_as_label_list(value, separator) for value in distinct]
    if text_only:
        wrong = np.array([any(not isinstance(label, str) for label in labels)
                          for labels in labels_of], bool)
        if wrong.any():
            row = int(np.argmax((codes >= 0) & wrong[np.maximum(codes, 0)]))
            item = item_ids([row]).tolist()[0] if item_ids is not None else row
            value = values.iloc[row]
            value = value.item() if isinstance(value, np.generic) else value
            label = next(v for v in labels_of[codes[row]] if not isinstance(v, str))
            name = f"column {column!r}" if column is not None else "the label column"
            raise RecstackError(
                f"{where}: {name} must hold text labels or lists of them (e.g. genres "
                f"'Action|Comedy' or ['Action', 'Comedy']); item {item!r} holds {value!r} "
                f"({type(label).__name__}); if these are category codes, store them as "
                "text")
    lengths = np.array([len(labels) for labels in labels_of], np.int64)
    flat = np.empty(int(lengths.sum()), object)
    flat[:] = [label for labels in labels_of for label in labels]
    row_lengths = np.where(codes >= 0, lengths[np.maximum(codes, 0)] if len(lengths) else 0,
                           0)
    rows = np.repeat(np.arange(len(values), dtype=np.int64), row_lengths)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(row_lengths) - row_lengths,
                                              row_lengths)
    first = np.cumsum(lengths) - lengths
    return rows, pd.Series(flat[first[codes[rows]] + within], dtype=object)


def multi_hot(values: pd.Series, where: str, *, column: str | None = None,
              item_ids: Any = None, separator: str = LABEL_SEPARATOR
              ) -> tuple[np.ndarray, list[str]]:
    """A label column (row ``i`` = item index ``i``) as a float32 ``(n_items, n_labels)``
    multi-hot matrix, and the labels in sorted order.

    The rows are read by :func:`label_pairs` (one label, several joined by ``separator``,
    or a list of them; text only): numbers (genre codes, a price, a year), true/false
    values and anything else are refused, naming the column and the first item that holds
    one; category codes are labels once written as text (e.g.
    ``table[column].astype(str)``).
    """
    rows, labels = label_pairs(values, where, column=column, item_ids=item_ids,
                               separator=separator)
    if not len(labels):
        name = f"column {column!r}" if column is not None else "the column"
        raise RecstackError(f"{where}: {name} holds no labels (every row is empty)")
    refuse_other_separator(where, rows, labels, separator, column=column, item_ids=item_ids)
    codes, distinct = pd.factorize(labels, sort=True)
    matrix = np.zeros((len(values), len(distinct)), np.float32)
    matrix[rows, codes] = 1.0
    return matrix, [str(label) for label in distinct]


#: What else joins several labels or groups in one text (CSV exports, other catalogs).
JOINERS = ("|", ",", ";", "/")


def joined_value(texts: Any, joiners: Any = JOINERS) -> tuple[str, str, list[str]] | None:
    """The first of ``texts`` that is two or more others of them joined by one of
    ``joiners`` (``"A|B"`` beside ``"A"`` and ``"B"``): the text, the joiner and the parts
    (trimmed), or None. Only texts whose every part is itself one of ``texts`` count, so a
    name that merely holds the character (``"R&B/Soul"`` alone) is left alone."""
    distinct = [text for text in dict.fromkeys(texts) if isinstance(text, str)]
    known = {text.strip() for text in distinct}
    for text in distinct:
        for joiner in joiners:
            if joiner not in text:
                continue
            parts = [part.strip() for part in text.split(joiner) if part.strip()]
            if len(parts) >= 2 and all(part in known and part != text.strip()
                                       for part in parts):
                return text, joiner, parts
    return None


def refuse_other_separator(where: str, rows: np.ndarray, labels: pd.Series, separator: str,
                           *, column: str | None = None, item_ids: Any = None) -> None:
    """Refuse labels (``rows``/``labels`` as :func:`label_pairs` gives them) that are other
    labels joined by another character than ``separator`` (``"Action,Comedy"`` beside
    ``"Action"`` and ``"Comedy"`` under the default ``'|'``): each such text was a label of
    its own, alike to no item with one of its parts, silently."""
    found = joined_value(pd.unique(labels.to_numpy(dtype=object)),
                         [joiner for joiner in JOINERS if joiner not in separator])
    if found is None:
        return
    text, joiner, parts = found
    row = int(rows[int(np.argmax((labels == text).to_numpy(bool)))])
    item = item_ids([row]).tolist()[0] if item_ids is not None else row
    name = f"column {column!r}" if column is not None else "the label column"
    raise RecstackError(f"{where}: {name} joins labels with {joiner!r}, not with separator "
                        f"{separator!r}: item {item!r} holds {text!r}, the labels "
                        f"{', '.join(map(repr, parts))} of other items, which would be read "
                        f"as one label of its own; set separator = {joiner!r}")


def _as_label_list(value: Any, separator: str) -> list[Any]:
    """One value of a label column as the list of its labels (not yet checked to be
    text): text split at ``separator``, labels trimmed, missing and empty ones dropped."""
    if isinstance(value, list | tuple | np.ndarray):
        labels = list(value)
    elif isinstance(value, str):
        labels = value.split(separator)
    else:
        labels = [value]
    labels = [label.strip() if isinstance(label, str) else label for label in labels]
    return [label for label in labels if not _is_missing(label) and label != ""]


def value_keys(values: Any) -> list[str]:
    """The key each value of a text or mixed column is known by when values are matched
    (an item predicate's ``==``, ``!=`` and ``in``, exposure-fairness groups): a
    categorical feature's level (:mod:`recstack.pipeline.features`: a whole number by its
    digits, so ``2``, ``2.0`` and the text ``"2.0"`` are one value ``"2"``), of text
    trimmed of surrounding whitespace, as labels are. Missing values get a key too: the
    callers leave them out."""
    # imported here: the feature builder's module imports this one
    from recstack.pipeline.features import _level_key

    return [_level_key(value.strip() if isinstance(value, str) else value)
            for value in np.asarray(values, dtype=object).ravel()]


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


# --------------------------------------------------------------------------- registry
def refuse_bare_names(where: str, declarations: dict[str, Any]) -> None:
    """Refuse a bare name among ``declarations`` (a setting's value, or the entries of a
    list of them) where a table with a 'type' belongs, with the table to write instead (in
    a re-ranker ``chain``, a name that is no re-ranker is named unknown instead)."""
    for name, value in declarations.items():
        entries = (list(enumerate(value)) if isinstance(value, list | tuple)
                   else [(None, value)])
        for position, entry in entries:
            if isinstance(entry, str):
                label = name if position is None else f"{name}[{position}]"
                # the fixes write the name out again: only for one short enough to repeat
                hint = ("" if shown_given(entry) != shown(entry) else _bare_name_hint(entry)
                        if name == "chain" else table_hint(entry))
                raise ConfigError(f"{where}: {label} must be a table with a 'type', got "
                                  f"{shown_given(entry)}{hint}")


def _bare_name_hint(entry: Any) -> str:
    """The fix for a bare name given where a re-ranker's table belongs: the table to write
    when it names a re-ranker; when it names none (a misspelling), that, with the closest
    name, rather than the table of an unknown name to write."""
    if isinstance(entry, str):
        try:
            reranker_class(entry)
        except ConfigError as error:
            return f" ({error})"
    return table_hint(entry)


def create_reranker(entry: dict[str, Any], where: str = "chain", **params: Any) -> Reranker:
    """An unfitted re-ranker from its table ``{"type": name, **hyperparameters}``; errors
    name ``where``. Hyperparameters given as keywords beside it (``create_reranker("mmr",
    trade_off=0.5)``, as ``create_model`` takes them) are refused with the table to write:
    they were Python's "unexpected keyword argument" TypeError."""
    if params:
        name = entry.get("type") if isinstance(entry, dict) else entry
        table = {"type": name, **(entry if isinstance(entry, dict) else {}), **params}
        listed = ", ".join(f"{key!r}: {shown(value)}" for key, value in table.items())
        raise ConfigError(f"create_reranker takes one table {{'type': name, "
                          f"**hyperparameters}}, not keyword arguments "
                          f"({', '.join(sorted(params))}); write "
                          f"create_reranker({{{listed}}})")
    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        raise ConfigError(f"{where} needs a 'type' naming a re-ranker, e.g. "
                          f"{{type = 'mmr', trade_off = 0.7}}; got {entry!r}"
                          f"{_bare_name_hint(entry)}")
    params = {key: value for key, value in entry.items() if key != "type"}
    try:
        _refuse_settings_of_another_step(entry["type"], params)
        reranker = reranker_class(entry["type"])(**params)
        reranker.validate_params()
    except ConfigError as error:
        raise ConfigError(f"{where} ({entry['type']}): {error}") from None
    return reranker


def _refuse_settings_of_another_step(name: str, params: dict[str, Any]) -> None:
    """A setting that is no misspelling of the step's own but belongs to another re-ranker
    (``{type = 'mmr', strength = 0.3}``: two steps' settings merged into one table, or the
    wrong type) is told whose it is; it was "no parameter 'strength'", which left the
    reader to find the step it belongs to."""
    own = reranker_class(name).params
    for key in params:
        if key in own or closest(key, own) is not None:
            continue  # the step's own, or a misspelling of one: told with the nearest
        owners = [other for other in available_rerankers()
                  if key in reranker_class(other).params]
        if owners:
            raise ConfigError(f"{name}: no parameter {key!r}, which is a setting of "
                              f"{' and '.join(owners)}; give each step its own table "
                              f"({{type = {owners[0]!r}, {key} = ...}}) or check the type; "
                              f"its parameters: {', '.join(own) or 'none'}")


def run_chain(chain: list[Reranker], users: np.ndarray, items: np.ndarray, scores: np.ndarray,
              context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
    """The lists after each re-ranker of ``chain`` in turn."""
    # one re-ranker given on its own failed with "'MMR' object is not iterable"
    if isinstance(chain, Reranker) or not isinstance(chain, list | tuple):
        shown = chain.name if isinstance(chain, Reranker) else type(chain).__name__
        raise RecstackError(f"run_chain: chain must be a list of fitted re-rankers, got "
                            f"{shown}" + (f"; for one step write [{type(chain).__name__}"
                                          "(...)]" if isinstance(chain, Reranker) else ""))
    for position, reranker in enumerate(chain):
        if isinstance(reranker, type) and issubclass(reranker, Reranker):
            # the class itself ("is a ABCMeta")
            raise RecstackError(f"run_chain: chain[{position}] is the class "
                                f"{reranker.__name__}, not a re-ranker; create and fit one: "
                                f"{reranker.__name__}(...).fit(train)")
        if not isinstance(reranker, Reranker):
            raise RecstackError(f"run_chain: chain[{position}] is a "
                                f"{type(reranker).__name__}, not a re-ranker")
    for reranker in chain:
        items, scores = reranker.rerank(users, items, scores, context)
    return items, scores


def _import_builtin() -> None:
    # importing the modules runs their @register_reranker decorators
    from recstack.pipeline.rerank import (  # noqa: F401
        boosts,
        calibrated,
        debias,
        diversity,
        fairness,
        filters,
    )


RERANKERS: Registry[Reranker] = Registry("re-ranker", _import_builtin)
#: class decorator: make a re-ranker available in chains as its ``name``
register_reranker = RERANKERS.register
available_rerankers = RERANKERS.names
reranker_class = RERANKERS.get


def greedy_lists(items: np.ndarray, scores: np.ndarray, depth: int | None,
                 objective: Any, update: Any) -> tuple[np.ndarray, np.ndarray]:
    """Greedy re-ordering of lists, all users at once, one list position per step.

    At each of the first ``depth`` positions (all when None), ``objective(step, available)``
    gives each slot's value ``(n_users, n)``; the available slot with the highest value is
    picked (the earlier slot among equal values) and ``update(picked, has_pick)`` is told
    which slot each row took. Positions after ``depth`` keep the remaining items in their
    incoming order. Returns the new lists; their scores are each pick's objective (the
    incoming score after ``depth``), so the order, not the score, is the result.
    """
    n_users, n = items.shape
    steps = n if depth is None else min(int(depth), n)
    available = items >= 0
    rows = np.arange(n_users)
    out_items = np.full((n_users, n), -1, np.int64)
    out_scores = np.full((n_users, n), -np.inf)
    for step in range(steps):
        if not available.any():
            break
        # an empty slot's relevance is -inf, which a trade-off weight of 0 (mmr's
        # trade_off = 0, calibrated's 1) multiplies into NaN with numpy's "invalid value
        # encountered in multiply" RuntimeWarning at every step: such slots are never
        # available, and their value is replaced right here
        with np.errstate(invalid="ignore"):
            value = np.where(available, objective(step, available), -np.inf)
        # a row whose objective is -inf everywhere still picks among its available slots
        value = np.where(available & np.isneginf(value), -np.finfo(np.float64).max, value)
        picked = np.argmax(value, axis=1)
        has_pick = available[rows, picked]
        out_items[:, step] = np.where(has_pick, items[rows, picked], -1)
        out_scores[:, step] = np.where(has_pick, value[rows, picked], -np.inf)
        update(picked, has_pick)
        available[rows[has_pick], picked[has_pick]] = False
    if steps < n:
        rest_items, rest_scores = keep_in_lists(items, scores, available)
        out_items[:, steps:] = rest_items[:, :n - steps]
        out_scores[:, steps:] = rest_scores[:, :n - steps]
    return out_items, out_scores
