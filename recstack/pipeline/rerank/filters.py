"""Filters: re-rankers that remove items from the lists (already seen, block lists, items
failing a predicate over the item table). Each also gives a catalog mask, so that
:class:`~recstack.pipeline.rerank.model.Reranked` removes the items before it takes
candidates and no candidate slot is spent on a blocked item."""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, counted, described_value, shown, shown_given
from recstack.models.base import Param
from recstack.models.persistence import ArraySpec, SparseSpec, sparse_from_state, sparse_state
from recstack.pipeline.rerank.base import (
    LABEL_SEPARATOR,
    SEPARATOR_DOC,
    RerankContext,
    Reranker,
    _is_missing,
    check_context,
    check_separator,
    item_column,
    keep_in_lists,
    label_pairs,
    refuse_other_separator,
    register_reranker,
    training_rows,
    value_keys,
)
from recstack.specs import closest, did_you_mean

__all__ = ["BlockList", "ItemPredicate", "SeenFilter", "UnknownIdsWarning"]


class UnknownIdsWarning(UserWarning):
    """A block list names ids that the training data does not have (counted, not an
    error: a catalog changes, and a stale block list must not stop serving)."""


@register_reranker
class SeenFilter(Reranker):
    """Removes the items each user interacted with in the training data."""

    name = "seen"
    params: ClassVar[dict[str, Param]] = {}

    def catalog_mask(self, users: np.ndarray, context: RerankContext) -> np.ndarray:
        users = self._mask_users(users)
        check_context(context, users, self.n_items_, self.name)
        return context.seen[users].toarray() == 0

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        seen = context.seen[users]
        # membership of (row, item) in the CSR rows, without densifying the catalog
        rows = np.repeat(np.arange(len(users)), items.shape[1])
        flat = items.ravel()
        hit = np.asarray(seen[rows, np.maximum(flat, 0)]).ravel() != 0
        return keep_in_lists(items, scores, ~hit.reshape(items.shape))


@register_reranker
class BlockList(Reranker):
    """Removes explicitly blocked items: a global list, and lists per user.

    Ids are external ids. Ids the training data does not have (unknown items, unknown users)
    are not an error: they are counted in ``unknown_items_`` and ``unknown_users_`` and
    announced once by an :class:`UnknownIdsWarning` at :meth:`fit`, and otherwise ignored
    (an item the model does not know can never be recommended anyway).

    Attributes
    ----------
    blocked_ : numpy.ndarray of bool, shape (n_items,)
        Globally blocked items.
    per_user_ : scipy.sparse.csr_matrix, shape (n_users, n_items)
        Items blocked per user (stored value 1), by training user index: a user who is
        no training user (``-1`` in :attr:`RerankContext.training_users`, a new visitor)
        has only the global list.
    unknown_items_, unknown_users_ : int
        Ids of the lists that were not found (0 after loading: the lists were resolved at
        fit).
    """

    name = "block_list"
    params: ClassVar[dict[str, Param]] = {
        "items": Param((list, tuple), default=(),
                       doc="Item ids blocked for every user."),
        "per_user": Param((list, tuple), element=Param(dict), default=(),
                          doc="Tables {user = id, items = [ids]}: items blocked for one user."),
    }

    def validate_params(self) -> None:
        if isinstance(self.per_user, dict):
            # {user: [items]}, the mapping Python suggests, was "must be list or tuple, got
            # {...}", which did not say how to write it
            user, items = next(iter(self.per_user.items()), ("a", ["x"]))
            example = {"user": user, "items": list(items) if isinstance(items, list | tuple)
                       else [items]}
            count = len(self.per_user)
            raise ConfigError(f"{self.name}: per_user must be a list of tables {{user = id, "
                              f"items = [ids]}}, one per user, got a table of {count:,} "
                              f"entr{'y' if count == 1 else 'ies'} keyed by user; write each "
                              f"user as its own table, e.g. [{shown(example)}]")
        super().validate_params()
        for position, entry in enumerate(self.per_user):
            keys = set(entry)
            if keys != {"user", "items"} or not isinstance(entry["items"], list | tuple):
                # the key that is wrong, with the nearest one (a misspelt 'usr' was only
                # "must be a table {user = id, items = [ids]}")
                odd = sorted(map(str, keys - {"user", "items"}))
                lacking = sorted({"user", "items"} - keys)
                said = [f"unknown key {name!r}{did_you_mean(name, lacking or ('user', 'items'))}"
                        for name in odd]
                # a key the misspelt one was taken for is not said to be missing too
                meant = {closest(name, lacking) for name in odd}
                said += [f"no {name!r}" for name in lacking if name not in meant]
                problem = "; " + "; ".join(said) if said else \
                    f"; its items are {shown(entry['items'])}, not a list of ids"
                raise ConfigError(f"{self.name}: per_user[{position}] must be a table "
                                  f"{{user = id, items = [ids]}}, got {shown(entry)}{problem}")
        for position, value in enumerate(self.items):
            _check_id(self.name, f"items[{position}]", value)
        for position, entry in enumerate(self.per_user):
            _check_id(self.name, f"per_user[{position}].user", entry["user"])
            for inner, value in enumerate(entry["items"]):
                _check_id(self.name, f"per_user[{position}].items[{inner}]", value)

    def _masks(self, item_ids: IdMap, user_ids_map: IdMap
               ) -> tuple[np.ndarray, sp.csr_matrix, list[Any], list[Any]]:
        """The global and per-user masks that ``items`` and ``per_user`` make over these
        vocabularies, and the ids they lack."""
        unknown_items: list[Any] = []
        blocked = np.zeros(len(item_ids), bool)
        index = _known(item_ids, list(self.items))
        unknown_items += [v for v, i in zip(self.items, index, strict=True) if i < 0]
        blocked[index[index >= 0]] = True
        user_ids = [entry["user"] for entry in self.per_user]
        users = _known(user_ids_map, user_ids)
        unknown_users = [v for v, i in zip(user_ids, users, strict=True) if i < 0]
        rows, cols = [], []
        for user, entry in zip(users, self.per_user, strict=True):
            found = _known(item_ids, list(entry["items"]))
            unknown_items += [v for v, i in zip(entry["items"], found, strict=True) if i < 0]
            if user >= 0:
                rows.append(np.full(int((found >= 0).sum()), user))
                cols.append(found[found >= 0])
        row = np.concatenate(rows) if rows else np.empty(0, np.int64)
        col = np.concatenate(cols) if cols else np.empty(0, np.int64)
        matrix = sp.csr_matrix((np.ones(len(row), np.float32), (row, col)),
                               shape=(len(user_ids_map), len(item_ids)))
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return blocked, matrix, unknown_items, unknown_users

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        blocked, matrix, unknown_items, unknown_users = self._masks(train.items, train.users)
        if train.n_items and blocked.all():
            # as item_predicate refuses a condition no item passes: a list of every item
            # (a catalog export pasted as the block list) would empty every list silently
            raise ConfigError(f"{self.name}: items blocks all {train.n_items:,} items of the "
                              "catalog, so every list would be empty; block only the items "
                              "that must never be shown")
        open_items = ~blocked
        if train.n_items and matrix.nnz:
            # the same for one user: per_user (with the global items) covering every item
            # gave that user an empty list, silently, where the global form is refused
            left = int(open_items.sum()) - np.asarray(
                matrix[:, open_items].sum(axis=1)).ravel()
            emptied = np.flatnonzero(left <= 0)
            if len(emptied):
                named = _few(train.users.to_external(emptied).tolist())
                also = ", with those of items," if blocked.any() else ""
                raise ConfigError(
                    f"{self.name}: per_user blocks every item of the catalog (all "
                    f"{train.n_items:,}{also}) for {len(emptied)} user(s): "
                    f"{named}, so their lists would be empty; block only the items that "
                    "must never be shown to them")
        self.blocked_, self.per_user_ = blocked, matrix
        self.unknown_items_, self.unknown_users_ = len(unknown_items), len(unknown_users)
        if unknown_items or unknown_users:
            named = "; ".join(f"{what}: {_few(values)}" for what, values in
                              (("items", unknown_items), ("users", unknown_users)) if values)
            # a zero count is left out: "7 blocked item id(s) and 0 user id(s)" read as if
            # user ids had been checked and were missing from the message
            counts = " and ".join(f"{len(values)} {what} id(s)" for what, values in
                                  (("blocked item", unknown_items), ("user", unknown_users))
                                  if values)
            warnings.warn(UnknownIdsWarning(
                f"{self.name}: {counts} are not in the training data ({named}); "
                "they are ignored"), stacklevel=caller_stacklevel())

    def _without_effect(self) -> tuple[str, str] | None:
        if self.items or any(entry["items"] for entry in self.per_user):
            return None
        # {"type": "block_list"} alone, or lists emptied upstream: a step that blocks
        # nothing at every request (ids unknown to the data are warned of apart)
        tables = len(self.per_user)
        per_user = (f"per_user's {counted(tables, 'table')} list{'s' if tables == 1 else ''} "
                    "no item" if tables else "per_user is empty")
        return (f"it blocks no item (items is empty and {per_user})", "list the ids to "
                "block in items (for every user) or per_user ({user = id, items = [ids]}), "
                "or leave the step out")

    def items_kept(self) -> np.ndarray:
        return ~self.blocked_

    def catalog_mask(self, users: np.ndarray, context: RerankContext) -> np.ndarray:
        visitors = isinstance(context, RerankContext) and context.training_users is not None
        users = self._mask_users(users, None if visitors or not self.is_fitted
                                 else self.per_user_.shape[0], "the training users")
        if visitors:
            check_context(context, users, self.n_items_, self.name)
        owners = training_rows(users, context, self.per_user_.shape[0], self.name)
        personal = self.per_user_[np.maximum(owners, 0)].toarray() != 0
        # a visitor (-1) is no training user: no one's personal list applies to them
        personal &= (owners >= 0)[:, None]
        return ~personal & ~self.blocked_[None, :]

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        safe = np.maximum(items, 0)
        owners = training_rows(users, context, self.per_user_.shape[0], self.name)
        rows = np.repeat(np.maximum(owners, 0), items.shape[1])
        personal = np.asarray(self.per_user_[rows, safe.ravel()]).reshape(items.shape) != 0
        personal &= (owners >= 0)[:, None]
        return keep_in_lists(items, scores, ~(self.blocked_[safe] | personal))

    def state(self) -> dict[str, np.ndarray]:
        return {"blocked": self.blocked_, **sparse_state("per_user", self.per_user_)}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.blocked_ = np.asarray(arrays["blocked"], bool)
        self.per_user_ = sparse_from_state("per_user", arrays)
        self.unknown_items_ = self.unknown_users_ = 0

    def state_spec(self) -> dict[str, Any]:
        return {"blocked": ArraySpec("bool", ("n_items",)),
                "per_user": SparseSpec(("n_users", "n_items"))}

    def check_state(self, arrays: dict[str, np.ndarray], item_ids: IdMap,
                    user_ids: IdMap) -> str | None:
        """The saved masks against those that ``items`` and ``per_user`` make over the
        saved vocabularies: a model.json whose lists were edited after saving (or masks
        from another model) blocked other items than the file says, silently."""
        blocked, matrix, _, _ = self._masks(item_ids, user_ids)
        saved = np.asarray(arrays["blocked"], bool)
        if saved.shape == blocked.shape and not np.array_equal(saved, blocked):
            differ = int(np.flatnonzero(saved != blocked)[0])
            # the id as Python has it: a text id has no .item() (AttributeError)
            item = item_ids.to_external([differ]).tolist()[0]
            return (f"the saved block list {'blocks' if saved[differ] else 'does not block'} "
                    f"item {item!r}, but the model's items setting "
                    f"{'does not list' if saved[differ] else 'lists'} it; the settings and "
                    "the saved arrays are of different fits (refit and save again)")
        per_user = sparse_from_state("per_user", arrays)
        if per_user.shape == matrix.shape and (per_user != matrix).nnz:
            return ("the saved per-user block lists differ from the model's per_user "
                    "setting; the settings and the saved arrays are of different fits (refit "
                    "and save again)")
        return None


def _check_id(step: str, where: str, value: Any) -> None:
    """Refuses what cannot be an external id (a table, a list, true/false), which would
    otherwise only be counted as an unknown id."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, str | numbers.Number) \
            or (isinstance(value, numbers.Real) and not math.isfinite(value)):
        # NaN or inf (a blank cell of a spreadsheet export) was counted as an unknown id
        raise ConfigError(f"{step}: {where} must be an id (a whole number or text), got "
                          f"{value!r}")


def _known(ids: IdMap, external: list[Any]) -> np.ndarray:
    """Indices of ``external`` in the vocabulary ``ids``, -1 for those it lacks.

    Each id keeps its own type: one numpy array of ids of mixed types (``[27, "zzz"]``)
    turns them all into text, and 27 would then never match an integer vocabulary. Text
    that spells a whole number matches an integer vocabulary, as in
    :meth:`~recstack.data.idmap.IdMap.to_index`.
    """
    if not external:
        return np.empty(0, np.int64)
    integer = ids.pandas_index.dtype.kind in "iu"
    keys = [_as_integer(value) if integer and isinstance(value, str) else value
            for value in external]
    return ids.pandas_index.get_indexer(pd.Index(keys, dtype=object)).astype(np.int64)


def _as_integer(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text  # not a number: unknown to an integer vocabulary, and counted so


def _few(values: list[Any], limit: int = 5) -> str:
    shown = ", ".join(map(repr, values[:limit]))
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


_OPERATORS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
              ">": operator.gt, ">=": operator.ge}
#: operators as other languages (SQL, Excel, a reversed '>=') write them
_OTHER_SPELLINGS = {"=>": "'>='", "=<": "'<='", "=": "'=='", "<>": "'!='", "~=": "'!='",
                    "=!": "'!='", "eq": "'=='", "ne": "'!='", "lt": "'<'", "le": "'<='",
                    "gt": "'>'", "ge": "'>='", "not in": "'in' with keep = false",
                    "has": "'contains'", "includes": "'contains'"}
_OPS_BY_KIND = {"numbers": (*_OPERATORS, "in"), "datetimes": (*_OPERATORS, "in"),
                "text": ("==", "!=", "in", "contains"),
                "true/false values": ("==", "!=", "in"),
                "lists": ("contains",)}


def _column_kind(column: pd.Series) -> str:
    """What an item-table column holds, judged on its present values; "mixed" (or
    "nothing" when every value is missing) leaves every op allowed."""
    if pd.api.types.is_bool_dtype(column):
        return "true/false values"
    if pd.api.types.is_numeric_dtype(column):
        return "numbers"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "datetimes"
    inferred = pd.api.types.infer_dtype(column, skipna=True)
    if inferred in ("string", "empty"):
        return "text" if inferred == "string" else "nothing"
    present = [v for v in column
               if isinstance(v, list | tuple | np.ndarray) or not pd.isna(v)]
    if not present:
        return "nothing"
    for kind, types in (("lists", list | tuple | np.ndarray), ("text", str),
                        ("true/false values", bool | np.bool_)):
        if all(isinstance(v, types) for v in present):
            return kind
    if all(isinstance(v, numbers.Number) and not isinstance(v, bool | np.bool_)
           for v in present):
        return "numbers"
    return "mixed"


def _shown_list(values: list[Any] | tuple[Any, ...]) -> str:
    """A list given where one value belongs: ``the list [1, 2]``, or by its size when
    long (a list of thousands of ids was written whole)."""
    given = shown_given(list(values))
    return given if given == described_value(list(values)) else f"the list {given}"


def _check_label(step: str, value: Any, separator: str) -> None:
    """``contains`` tests one label: text or a number, never a list, empty text or text
    holding the separator (which no split label can equal)."""
    if isinstance(value, list | tuple):
        raise ConfigError(f"{step}: op 'contains' tests one label, got {_shown_list(value)}; "
                          "chain one item_predicate per label, or use op 'in' on a "
                          "single-label column")
    if isinstance(value, str) and not value.strip():
        raise ConfigError(f"{step}: op 'contains' needs a label, got the empty text "
                          f"{shown_given(value)}")
    if isinstance(value, str) and separator in value:
        raise ConfigError(f"{step}: op 'contains' tests one label, and {shown_given(value)} "
                          f"holds the separator {separator!r}; chain one item_predicate per label")


def _check_value_kind(step: ItemPredicate, kind: str) -> None:
    """Refuse true/false compared with numbers, or numbers with true/false: Python counts
    True as 1, so ``year > true`` or ``available == 1`` would pass items without a word;
    and text compared with numbers, or numbers with text, which are never equal."""
    values = step.value if isinstance(step.value, list | tuple) else [step.value]
    for value in values:
        is_flag = isinstance(value, bool | np.bool_)
        if kind in ("numbers", "datetimes") and is_flag:
            raise ConfigError(f"{step.name}: value {shown_given(value)} is true/false, and column "
                              f"{shown_given(step.column)} holds {kind}; compare it with a number")
        if kind == "true/false values" and not is_flag and isinstance(value, numbers.Number):
            raise ConfigError(f"{step.name}: value {shown_given(value)} is a number, and column "
                              f"{shown_given(step.column)} holds true/false values; compare "
                              "it with true or false")
        # text never equals a number: '==' passed no item, '!=' and 'in' of a mixed list
        # passed items as if the value were not there, without a word
        if step.op == "contains":
            continue
        if kind == "numbers" and isinstance(value, str):
            raise ConfigError(f"{step.name}: value {shown_given(value)} is text, and column "
                              f"{shown_given(step.column)} holds numbers; write it as a number "
                              "(without quotes)")
        if kind == "true/false values" and isinstance(value, str):
            # 'True' never equals True: '!=' passed every item, '==' none
            raise ConfigError(f"{step.name}: value {shown_given(value)} is text, and column "
                              f"{shown_given(step.column)} holds true/false values; compare "
                              "it with true or false (without quotes)")
        if kind == "text" and not is_flag and isinstance(value, numbers.Number):
            raise ConfigError(f"{step.name}: value {shown_given(value)} is a number, and column "
                              f"{shown_given(step.column)} holds text; write it as text (in "
                              f"quotes, {shown_given(str(value))})")


def _present_values(column: pd.Series, step: ItemPredicate) -> str:
    """A hint of what the column does hold, for the error of a predicate nothing passes."""
    if step.op == "contains":
        _, labels = label_pairs(column, step.name, column=step.column,
                                separator=step.separator, text_only=False)
        present = pd.unique(labels)
        what = "labels"
    else:
        try:
            present = pd.unique(column.dropna())
        except TypeError:  # lists among the values: unhashable, and no short hint
            return "check the value against the column"
        what = "values"
    if not len(present):
        return "the column holds no value"
    shown = ", ".join(map(repr, sorted(present[:200].tolist(), key=str)[:8]))
    more = f" and {len(present) - 8} more" if len(present) > 8 else ""
    return f"its {what} include {shown}{more}"


@register_reranker
class ItemPredicate(Reranker):
    """Keeps only items whose item-table ``column`` satisfies ``op value`` (or removes them,
    with ``keep = false``).

    ``op`` is a comparison (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``), ``in`` (the value
    is a list of allowed values) or ``contains`` (the column holds labels, e.g. MovieLens
    ``genres``: lists of them, or text joining them with ``separator``, ``"Action|Comedy"``,
    and one of them must be the value: a whole label, trimmed of whitespace, so
    ``"Drama"`` does not match ``"Docudrama"``). Over a column of text or of mixed kinds,
    ``==``, ``!=`` and ``in`` match values as a categorical feature's levels are matched
    (:func:`~recstack.pipeline.rerank.base.value_keys`: text trimmed of whitespace, a whole
    number by its digits, so ``2``, ``2.0`` and ``"2"`` are one value). A missing value
    never satisfies the predicate. E.g. ``{type = "item_predicate", column = "genres", op =
    "contains", value = "Children's"}``, or ``{column = "available", op = "==", value =
    true}``. A predicate that no training item passes (or, with ``keep = false``, that
    every item passes) would leave every list empty, and is refused.

    Attributes
    ----------
    allowed_ : numpy.ndarray of bool, shape (n_items,)
    """

    name = "item_predicate"
    #: at fit, what the column holds when every item is kept (for the warning), else None
    _present: str | None = None
    params: ClassVar[dict[str, Param]] = {
        "column": Param(str, doc="The item-table column tested."),
        "op": Param(str, choices=(*_OPERATORS, "in", "contains"), default="==",
                    doc="The test: a comparison, 'in' (a list of values) or 'contains'."),
        "value": Param((str, int, float, list, tuple),
                       doc="What the column is compared with (true/false allowed too)."),
        "keep": Param(bool, default=True,
                      doc="True: keep the items that pass; False: remove them."),
        "separator": Param(str, default=LABEL_SEPARATOR,
                           doc="op = 'contains': " + SEPARATOR_DOC),
    }

    def validate_params(self) -> None:
        # an operator as other languages write it: '=>' was offered '>' (the nearest
        # spelling), a test other than the one meant
        meant = (_OTHER_SPELLINGS.get(self.op.strip()) if isinstance(self.op, str)
                 and self.op not in _OPERATORS else None)
        if meant is not None:
            raise ConfigError(f"{self.name}: op {self.op!r} is not an operator here; write "
                              f"{meant}")
        # a bool value is allowed (an availability flag), which Param refuses for a
        # number-or-text kind; check the others through their declarations
        for name, constraint in self.params.items():
            if not (name == "value" and isinstance(self.value, bool)):
                constraint.check(self.name, name, getattr(self, name), self._as_written(name))
        if self.op == "in" and not isinstance(self.value, list | tuple):
            raise ConfigError(f"{self.name}: op 'in' needs a list value, got "
                              f"{shown(self._as_written('value'))}")
        if self.op == "in":
            for position, value in enumerate(self.value):
                # a nested list or a table could never equal a value; a missing value
                # (NaN, None: a list taken from a column with gaps) is allowed and, as
                # everywhere in predicates, never passes
                if value is None or isinstance(value, float) and math.isnan(value):
                    continue
                if not isinstance(value, str | numbers.Number | np.bool_):
                    raise ConfigError(f"{self.name}: value[{position}] must be one value "
                                      "(text, a number, true or false), got "
                                      f"{type(value).__name__} {shown_given(value)}")
        if self.op in _OPERATORS and isinstance(self.value, list | tuple):
            # pandas compares a column with a list element by element: a list as long as
            # the catalog paired each item with another value, silently, and any other
            # length was a ValueError traceback
            fix = ("use op 'in' to keep any of several values" if self.op in ("==", "!=")
                   else "give one bound (chain two item_predicate steps for a range)")
            raise ConfigError(f"{self.name}: op {self.op!r} compares the column with one "
                              f"value, got {_shown_list(self.value)}; {fix}")
        check_separator(self.name, self.separator)
        if self.op == "contains":
            _check_label(self.name, self.value, self.separator)

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        column = item_column(train, self.column, self.name)
        kind = _column_kind(column)
        fitting = _OPS_BY_KIND.get(kind)
        # an op of the wrong kind (contains on numbers, < on text) passes no item, or all
        # of them with keep = false, without a word: refused instead
        if fitting is not None and self.op not in fitting:
            raise ConfigError(f"{self.name}: op {self.op!r} does not fit column "
                              f"{self.column!r}, which holds {kind}; ops that fit: "
                              f"{', '.join(fitting)}")
        _check_value_kind(self, kind)
        if self.op == "contains":
            rows, labels = label_pairs(column, self.name, column=self.column,
                                       separator=self.separator, text_only=False)
            wanted = self.value.strip() if isinstance(self.value, str) else self.value
            # labels joined by another character ("A,B" beside "A" and "B") were one label
            # of their own, which 'contains' never matched: refused with the separator
            refuse_other_separator(self.name, rows, labels, self.separator,
                                   column=self.column, item_ids=train.items.to_external)
            passes = np.zeros(len(column), bool)
            passes[rows[(labels == wanted).to_numpy(bool)]] = True
        elif self.op in ("==", "!=", "in") and kind in ("text", "mixed"):
            # values known as levels are: "a " was not "a", and in a column of mixed kinds
            # the text "2" was not the number 2 (nor 2.0), so items passed or failed by
            # how the value was typed in, without a word
            wanted = list(self.value) if self.op == "in" else [self.value]
            keys = set(value_keys([v for v in wanted if not _is_missing(v)]))
            passes = np.isin(np.array(value_keys(column.to_numpy(dtype=object)), object),
                             list(keys))
            if self.op == "!=":
                passes = ~passes
            self._warn_of_joined_labels(column, train)
        elif self.op == "in":
            passes = column.isin(list(self.value)).to_numpy(dtype=bool)
        else:
            try:
                result = _OPERATORS[self.op](column, self.value)
            except TypeError:
                raise ConfigError(f"{self.name}: column {self.column!r} ({column.dtype}) cannot "
                                  f"be compared with {self.value!r} by {self.op!r}") from None
            passes = result.fillna(False).to_numpy(dtype=bool)
        # a missing value never satisfies the predicate: pandas says NaN != 1 and finds
        # NaN in [NaN, 1], which would let items without a value pass
        passes = passes & column.notna().to_numpy(bool)
        allowed = passes if self.keep else ~passes
        if not allowed.any():
            outcome = "no item passes" if self.keep else "every item passes"
            raise ConfigError(f"{self.name}: {outcome} column {self.column!r} {self.op} "
                              f"{self.value!r} (keep = {str(self.keep).lower()}), so every "
                              f"list would be empty; {_present_values(column, self)}")
        self.allowed_ = allowed
        self._present = _present_values(column, self) if allowed.all() else None

    def _warn_of_joined_labels(self, column: pd.Series, train: Interactions) -> None:
        """Warn when ``==``, ``!=`` or ``in`` compares a whole value of a label column with
        one of its labels: ``genres == 'Drama'`` did not count an item of ``'Crime|Drama'``
        as Drama, without a word (``contains`` tests one label)."""
        wanted = list(self.value) if self.op == "in" else [self.value]
        texts = {value.strip() for value in wanted if isinstance(value, str) and value.strip()}
        if not texts or not column.map(lambda value: isinstance(value, str)
                                       and self.separator in value).any():
            return
        rows, labels = label_pairs(column, self.name, column=self.column,
                                   separator=self.separator, text_only=False)
        whole = np.array(value_keys(column.to_numpy(dtype=object)), object)[rows]
        hit = labels.isin(list(texts)).to_numpy(bool) & ~pd.Series(whole).isin(
            list(texts)).to_numpy(bool)
        if not hit.any():
            return
        first = int(np.argmax(hit))
        row, label = int(rows[first]), labels.iloc[first]
        item = train.items.to_external([row]).tolist()[0]
        value = column.iloc[row]
        warnings.warn(f"{self.name}: column {self.column!r} joins several labels with "
                      f"{self.separator!r} in one value, and op {self.op!r} compares whole "
                      f"values: item {item!r} holds {value!r}, which has the label "
                      f"{label!r} among others but is not equal to it, so op {self.op!r} "
                      f"does not count it as {label!r} ({int(hit.sum()):,} such item "
                      f"value(s)); use op = 'contains' to test one label, or compare the "
                      f"whole value ({value!r}) to match it exactly", UserWarning,
                      stacklevel=caller_stacklevel())

    def _without_effect(self) -> tuple[str, str] | None:
        if self._present is None:
            return None
        # the mirror of the refusal of a predicate that removes every item: one that
        # removes none is warned of (a flag such as 'available' can be true for every item
        # for a while, and serving must go on)
        outcome = "every item passes" if self.keep else "no item passes"
        return (f"{outcome} column {self.column!r} {self.op} {self.value!r} (keep = "
                f"{str(self.keep).lower()}): it removes no item",
                f"check the value against the column ({self._present})")

    def items_kept(self) -> np.ndarray:
        return self.allowed_

    def catalog_mask(self, users: np.ndarray, context: RerankContext) -> np.ndarray:
        users = self._mask_users(users)
        return np.broadcast_to(self.allowed_, (len(users), len(self.allowed_)))

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        return keep_in_lists(items, scores, self.allowed_[np.maximum(items, 0)])

    def state(self) -> dict[str, np.ndarray]:
        return {"allowed": self.allowed_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.allowed_ = np.asarray(arrays["allowed"], bool)

    def state_spec(self) -> dict[str, Any]:
        return {"allowed": ArraySpec("bool", ("n_items",))}
