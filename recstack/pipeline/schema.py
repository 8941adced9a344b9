"""The feature frame: the one table the feature stage builds and every ranker reads.

A :class:`FeatureFrame` holds one row per (user, candidate item) pair, grouped by the
request it belongs to (``groups``: rows of one group are contiguous; a pair appears at most
once in a group, and a frame that repeats one is refused rather than deduplicated, since
which copy's features and label to keep is the caller's decision), with numeric
features in one float32 matrix and categorical features as integer codes in another. The
columns are declared once in a :class:`FeatureSchema`, so the code that builds a frame for
training and the code that builds it at serving time cannot disagree on names, order,
kinds or vocabularies.

Categorical codes: ``0`` is the shared "unknown" level (a category never seen when the
vocabulary was built, or a missing value); known levels are ``1 .. cardinality - 1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from recstack.data.interactions import refuse_ragged, to_float32_values
from recstack.errors import RecstackError, shown
from recstack.metrics._validation import refuse_masked, refuse_not_numbers
from recstack.pipeline.bandit_checks import PAD_OR_SPLIT_ROWS, as_index_array
from recstack.specs import did_you_mean

#: the fields of a feature in :meth:`FeatureSchema.to_json`
_SCHEMA_FIELDS = ("name", "kind", "doc", "cardinality")

#: the code every categorical feature gives an unseen or missing level
UNKNOWN = 0

FeatureKind = Literal["numeric", "categorical"]

#: what the float32 values of a frame are, in the warning of a value float32 changes
FEATURES_KEPT_IN = "the type the ranker's features are kept in"


@dataclass(frozen=True)
class Feature:
    """One named, typed column of a feature frame.

    Parameters
    ----------
    name : str
        Unique within a schema.
    kind : {"numeric", "categorical"}
    doc : str
        What the value means and which data it is computed from (shown in reports).
    cardinality : int, optional
        Categorical features only: the number of codes, the unknown level ``0`` included.
    """

    name: str
    kind: FeatureKind
    doc: str = ""
    cardinality: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise RecstackError(f"feature name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.kind, str) or self.kind not in ("numeric", "categorical"):
            raise RecstackError(f"feature {self.name!r}: kind must be 'numeric' or "
                                f"'categorical', not {self.kind!r}"
                                f"{did_you_mean(self.kind, ('numeric', 'categorical'))}")
        if not isinstance(self.doc, str):
            # written to the saved schema and shown in reports as the feature's description
            raise RecstackError(f"feature {self.name!r}: doc must be a string (what the "
                                f"value means), got {shown(self.doc)}")
        if self.kind == "categorical" and (
                isinstance(self.cardinality, bool)
                or not isinstance(self.cardinality, int | np.integer) or self.cardinality < 1):
            raise RecstackError(f"categorical feature {self.name!r} needs an integer "
                                "cardinality >= 1 (the unknown level 0 included), got "
                                f"{self.cardinality!r}")
        if self.kind == "numeric" and self.cardinality is not None:
            raise RecstackError(f"numeric feature {self.name!r} takes no cardinality")


@dataclass(frozen=True)
class FeatureSchema:
    """The ordered columns of a feature frame; numeric and categorical kept apart."""

    features: tuple[Feature, ...]

    def __post_init__(self) -> None:
        if isinstance(self.features, str | bytes | dict) or not isinstance(self.features,
                                                                          Iterable):
            raise RecstackError(f"feature schema: features must be a sequence of Feature, got "
                                f"{type(self.features).__name__}")
        # a tuple whatever sequence was given, so that schemas compare equal by content
        object.__setattr__(self, "features", tuple(self.features))
        for position, feature in enumerate(self.features):
            if not isinstance(feature, Feature):
                raise RecstackError(f"feature schema: entry {position} must be a Feature, got "
                                    f"{feature!r}")
        names = [f.name for f in self.features]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise RecstackError(f"feature schema names {', '.join(duplicates)} more than once")

    @property
    def numeric(self) -> tuple[Feature, ...]:
        return tuple(f for f in self.features if f.kind == "numeric")

    @property
    def categorical(self) -> tuple[Feature, ...]:
        return tuple(f for f in self.features if f.kind == "categorical")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    def missing_numeric(self, name: Any) -> str | None:
        """Why ``name`` names no numeric feature of the schema (or None when it does): the
        words of every place a numeric feature is named by the user (the position of
        :func:`~recstack.pipeline.position_bias.with_serving_position` and of a ranker's
        ``position_feature``), each raising its own error class. A misspelt name gets the
        nearest one, a categorical feature says so."""
        from recstack.specs import did_you_mean

        numeric = [f.name for f in self.numeric]
        if isinstance(name, str) and name in numeric:
            return None
        shown = (repr(name) if isinstance(name, str)
                 else f"{name!r} ({type(name).__name__}: a feature is named by a string)")
        kind = (" (it is categorical: a position must be a numeric feature)"
                if name in {f.name for f in self.categorical} else
                did_you_mean(name, numeric) if isinstance(name, str) else "")
        return (f"the frame has no numeric feature {shown}{kind} (its features: "
                f"{', '.join(self.names) or 'none'})")

    def to_json(self) -> list[dict[str, Any]]:
        return [{"name": f.name, "kind": f.kind, "doc": f.doc, "cardinality": f.cardinality}
                for f in self.features]

    @classmethod
    def from_json(cls, entries: Iterable[dict[str, Any]]) -> FeatureSchema:
        """The schema :meth:`to_json` wrote; anything else is a RecstackError naming the
        entry."""
        if not isinstance(entries, list | tuple):
            raise RecstackError(f"feature schema: expected a list of features, got "
                                f"{type(entries).__name__}")
        features = []
        for position, entry in enumerate(entries):
            if not isinstance(entry, dict) or "name" not in entry or "kind" not in entry:
                raise RecstackError(f"feature schema: entry {position} must be an object with "
                                    f"'name' and 'kind', got {entry!r}")
            # a field to_json never writes was added or misspelt by hand ('cardinalty'),
            # and ignored without a word
            unknown = sorted(str(key) for key in entry if key not in _SCHEMA_FIELDS)
            if unknown:
                raise RecstackError(
                    f"feature schema: entry {position} ({entry['name']!r}) has unknown "
                    f"field(s) {', '.join(map(repr, unknown))}"
                    f"{did_you_mean(unknown[0], _SCHEMA_FIELDS)}; its fields are "
                    f"{', '.join(map(repr, _SCHEMA_FIELDS))}")
            # a null doc is no description (it was read as the text 'None'); a number is
            # read as its text, so that a schema saved with one stays readable
            doc = entry.get("doc")
            features.append(Feature(entry["name"], entry["kind"],
                                    "" if doc is None else str(doc),
                                    entry.get("cardinality")))
        return cls(tuple(features))

    def require_same(self, other: FeatureSchema, where: str, *,
                     against: str | None = None) -> None:
        """Refuse a frame built with other columns than the ones a ranker was fitted on,
        naming the first difference. Only what a ranker reads counts (each feature's name,
        kind and cardinality, in order): ``doc`` is a description for reports, and a frame
        whose features are described in other words has the same columns.

        ``against`` names the frame ``self`` is the schema of, where it is no fitted
        ranker's (``"the training frame"``, ``"frames[0]"``): a check made before any fit
        (validation rows, frames stacked) said "the schema it was fitted with" of a ranker
        still fitting. None: the fitted ranker's."""
        reference, was, listed = (
            ("the schema it was fitted with", "at fit", "fitted with") if against is None
            else (f"the schema of {against}", f"in {against}", f"{against} has"))
        if [_layout(f) for f in other.features] == [_layout(f) for f in self.features]:
            return
        mine, theirs = set(self.names), set(other.names)
        missing, extra = sorted(mine - theirs), sorted(theirs - mine)
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected {', '.join(extra)}")
        if not parts:
            given = {f.name: f for f in other.features}
            changed = [f"feature {f.name!r} is {_described(given[f.name])}, was "
                       f"{_described(f)} {was}" for f in self.features
                       if _layout(given[f.name]) != _layout(f)]
            # an empty list: same features, another order
            parts.extend(changed or [f"the features are in another order: "
                                     f"{', '.join(other.names)}; {listed} "
                                     f"{', '.join(self.names)}"])
        raise RecstackError(f"{where}: the feature frame does not match {reference} "
                            f"({'; '.join(parts)})")


def _layout(feature: Feature) -> tuple[str, str, int | None]:
    """What a ranker reads of a feature: its name, kind and number of codes."""
    return feature.name, feature.kind, feature.cardinality


def _described(feature: Feature) -> str:
    if feature.kind == "categorical":
        return f"categorical with cardinality {feature.cardinality}"
    return "numeric"


@dataclass
class FeatureFrame:
    """Rows of (user, item) pairs with their features.

    Attributes
    ----------
    schema : FeatureSchema
    numeric : ndarray of float32, shape (n_rows, len(schema.numeric))
        NaN marks a missing value (LightGBM handles it; the other rankers impute the
        training mean, recorded at fit).
    categorical : ndarray of int32, shape (n_rows, len(schema.categorical))
        Codes in ``0 .. cardinality - 1``; 0 is unknown.
    users, items : ndarray of int64, shape (n_rows,)
        Internal indices of the pair (the model's id maps translate them).
    groups : ndarray of int64, shape (n_rows,)
        The request (query) each row belongs to; rows of one group are contiguous, and a
        (user, item) pair appears at most once in a group (a repeat would count the same
        candidate twice in listwise and pairwise losses and in ranking metrics, so it is
        refused, naming the pair and its rows).
    """

    schema: FeatureSchema
    numeric: np.ndarray
    categorical: np.ndarray
    users: np.ndarray
    items: np.ndarray
    groups: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.schema, FeatureSchema):
            raise RecstackError(f"feature frame: schema must be a FeatureSchema, got "
                                f"{type(self.schema).__name__}")
        self.users = _index_column(self.users, "users")
        n = len(self.users)
        for name in ("items", "groups"):
            setattr(self, name, _index_column(getattr(self, name), name))
            if len(getattr(self, name)) != n:
                raise RecstackError(f"feature frame: {name} has {len(getattr(self, name))} "
                                    f"rows, users has {n}")
        self.numeric = _feature_matrix(self.numeric, n, self.schema.numeric, "numeric")
        self.categorical = _feature_matrix(self.categorical, n, self.schema.categorical,
                                           "categorical")
        if not isinstance(self.extra, dict):
            raise RecstackError(f"feature frame: extra must be a dict of per-row arrays, got "
                                f"{type(self.extra).__name__}")
        for key, value in self.extra.items():
            # a column of another length was cut or misaligned by take() (or failed there
            # with an IndexError), silently
            if len(np.atleast_1d(np.asarray(value))) != n or np.ndim(value) == 0:
                raise RecstackError(f"feature frame: extra column {key!r} has "
                                    f"{len(np.atleast_1d(np.asarray(value)))} rows, the frame "
                                    f"{n}; give one value per row")
        if n and not _contiguous(self.groups):
            raise RecstackError(_split_group_message(self.groups))
        _refuse_repeated_pairs(self.groups, self.users, self.items)
        _refuse_groups_of_two_users(self.groups, self.users)

    def __len__(self) -> int:
        return len(self.users)

    def column(self, name: str) -> np.ndarray:
        """One feature's values by name."""
        for j, f in enumerate(self.schema.numeric):
            if f.name == name:
                return self.numeric[:, j]
        for j, f in enumerate(self.schema.categorical):
            if f.name == name:
                return self.categorical[:, j]
        from recstack.specs import did_you_mean

        # a misspelt name gets the nearest one, as a schema's other look-ups do
        hint = did_you_mean(name, self.schema.names) if isinstance(name, str) else ""
        raise RecstackError(f"FeatureFrame.column: no feature named {name!r}{hint}; the "
                            f"frame has {', '.join(self.schema.names) or 'none'}")

    def take(self, rows: np.ndarray) -> FeatureFrame:
        """The frame restricted to ``rows`` (kept in the given order): a boolean mask of
        one entry per row, or row positions ``0 .. len - 1``."""
        rows = row_selection(rows, len(self), "FeatureFrame.take")
        return FeatureFrame(self.schema, self.numeric[rows], self.categorical[rows],
                            self.users[rows], self.items[rows], self.groups[rows],
                            {k: v[rows] for k, v in self.extra.items()})

    def group_sizes(self) -> np.ndarray:
        """Rows per group, in the order the groups appear (LightGBM's ``group``)."""
        if not len(self):
            return np.zeros(0, np.int64)
        starts = np.flatnonzero(np.r_[True, self.groups[1:] != self.groups[:-1]])
        return np.diff(np.r_[starts, len(self)])

    def to_pandas(self) -> Any:
        """A pandas DataFrame (categoricals as integer codes) for inspection."""
        import pandas as pd

        data: dict[str, Any] = {"user": self.users, "item": self.items, "group": self.groups}
        data |= {f.name: self.numeric[:, j] for j, f in enumerate(self.schema.numeric)}
        data |= {f.name: self.categorical[:, j] for j, f in enumerate(self.schema.categorical)}
        return pd.DataFrame(data)


def row_selection(rows: Any, n: int, where: str) -> np.ndarray:
    """``rows`` of a table of ``n`` rows, checked: a boolean mask of ``n`` entries or int
    positions in ``0 .. n - 1`` (numpy's IndexError named neither the argument nor the
    range, and a negative position silently counted from the end)."""
    if isinstance(rows, str | bytes | dict) or rows is None:
        raise RecstackError(f"{where}: rows must be a boolean mask of {n} entries or row "
                            f"positions 0..{n - 1}, got {type(rows).__name__}")
    refuse_ragged(rows, name="rows", wanted=f"a boolean mask of {n} entries or row positions "
                  f"0..{n - 1}", error=RecstackError, where=f"{where}: ")
    refuse_masked(rows, f"{where}: rows", RecstackError)  # its hidden entries read as rows
    array = np.asarray(rows)
    if array.ndim != 1:
        raise RecstackError(f"{where}: rows must be a 1-D mask or list of row positions, got "
                            f"shape {array.shape}")
    if array.dtype == np.bool_:
        if len(array) != n:
            raise RecstackError(f"{where}: a boolean mask of rows needs one entry per row "
                                f"({n}), got {len(array)}")
        return array
    if array.size and array.dtype.kind not in "iu":
        raise RecstackError(f"{where}: rows must be integer row positions (or a boolean "
                            f"mask), got dtype {array.dtype}")
    outside = (array < 0) | (array >= n)
    if outside.any():
        at = int(np.flatnonzero(outside)[0])
        raise RecstackError(f"{where}: row {array[at].item()} (at position {at} of rows) is "
                            f"outside the {n} rows (positions 0..{n - 1})")
    return array.astype(np.int64)


def _index_column(values: Any, name: str) -> np.ndarray:
    """``users``, ``items`` or ``groups`` as a 1-D int64 array, checked as every index
    argument of the pipeline is (:func:`~recstack.pipeline.bandit_checks.as_index_array`):
    integers only, floats refused, whole ones too (3.0 is more often a score, a label or a
    feature given in the wrong place than an index), nothing beyond int64."""
    # internal indices count from 0: a -1 ("unknown" or "not shown" in a log) was kept as
    # a user, an item or a request of its own, silently
    return as_index_array("feature frame", name, values, ndim=1, size=None, what="",
                          error=RecstackError, nonnegative=True)


def _feature_matrix(values: Any, n: int, features: tuple[Feature, ...],
                    kind: FeatureKind) -> np.ndarray:
    """The numeric (float32, NaN = missing, never infinite) or categorical (int32 codes in
    ``0 .. cardinality - 1``) matrix of ``n`` rows, checked against its ``features``."""
    values = _frame_by_name(values, features, kind)
    # numpy would read text ('1_0' as 10), keep the real part of complex numbers and count
    # the days of a date: none of them is a feature value
    refuse_ragged(values, name=kind, wanted=f"the {kind} features, an array of numbers",
                  error=RecstackError, where="feature frame: ", advice=PAD_OR_SPLIT_ROWS)
    refuse_not_numbers(values, f"feature frame: the {kind} features", RecstackError,
                       must="numbers")
    array = np.asarray(values)
    # the values as given (Python ints, Decimal, Fraction) where numpy holds them as
    # objects: a precision warning shows them as written, not as their float64, and
    # checks the exact whole numbers float64 itself would have rounded
    given = array if array.dtype == object else None
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        try:
            array = _missing_as_nan(array).astype(np.float64)
        except (TypeError, ValueError):
            raise RecstackError(f"feature frame: the {kind} features must be numbers, got "
                                f"dtype {array.dtype}") from None
    if array.ndim == 1 and n and array.size == n * len(features):
        if len(features) > 1:
            # read row by row, the columns joined one after the other (np.concatenate of
            # each feature's values) were dealt out across the features without a word
            raise RecstackError(
                f"feature frame: the {kind} features are a 1-D array of {array.size} values, "
                f"but the schema declares {len(features)} {kind} columns "
                f"({', '.join(repr(f.name) for f in features[:5])}"
                f"{', ...' if len(features) > 5 else ''}), so which value belongs to which "
                f"column is a guess; give an array of shape {(n, len(features))}, one column "
                f"per feature in the schema's order (e.g. np.column_stack of the columns)")
        array = array.reshape(n, -1)
        given = None if given is None else given.reshape(n, -1)
    if not n:
        array = np.zeros((0, len(features)))
    if array.ndim != 2 or array.shape != (n, len(features)):
        raise RecstackError(f"feature frame: the {kind} features have shape {array.shape}; "
                            f"the frame has {n} rows and its schema declares "
                            f"{len(features)} {kind} columns, so expected "
                            f"{(n, len(features))}")
    if kind == "numeric":
        # beyond float32's range a value would become infinite in the frame
        bad = np.isinf(array)
        if array.dtype.itemsize > 4 or np.issubdtype(array.dtype, np.integer):
            bad |= np.abs(array) > np.finfo(np.float32).max
        if bad.any():
            row, column = (int(i) for i in np.argwhere(bad)[0])
            raise RecstackError(f"feature frame: numeric feature {features[column].name!r} "
                                f"is {float(array[row, column])!r} at row {row}; features must be "
                                "finite float32 numbers (NaN marks a missing value)")
        if array.dtype != np.float32:
            # whole numbers past 2**24 (ids, counts) became other whole numbers in the
            # float32 frame without a word: warned of, naming the feature and the row
            for j, feature in enumerate(features):
                values_j = np.asarray(array[:, j])
                exact_j = (given[:, j] if given is not None and given.shape == array.shape
                           else None)
                as_given = values_j if exact_j is None else exact_j

                def holding(row: int, as_given: np.ndarray = as_given) -> str:
                    return f"row {row} holds {shown(as_given[row])}"

                to_float32_values(values_j, feature.name, holding, lambda: "feature frame",
                                  exact=exact_j, kept_in=FEATURES_KEPT_IN)
        return array.astype(np.float32)
    if array.dtype == bool and array.size:
        # True/False read as codes 1 and 0, and 0 is the unknown level: every False became
        # "never seen" without a word
        raise RecstackError(_true_false_codes(features[0].name))
    whole = np.issubdtype(array.dtype, np.integer) or array.dtype == bool
    for column, feature in enumerate(features):
        codes = array[:, column]
        levels = int(feature.cardinality or 0)  # set for every categorical feature
        bad = (codes < 0) | (codes >= levels)
        if not whole:
            bad |= ~np.isfinite(codes) | (codes != np.round(codes))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            # a missing code (NaN, pd.NA of a nullable column) has its own code: 0
            missing = (" (a missing value: give it the code 0, the unknown level)"
                       if not whole and np.isnan(codes[row]) else "")
            raise RecstackError(f"feature frame: categorical feature {feature.name!r} has "
                                f"code {codes[row].item()!r}{missing} at row {row}; codes are "
                                f"whole numbers in 0..{levels - 1} (0: unknown)")
    if not whole and array.size:
        # whole floats too, as the frame's indices (3.0 is more often a numeric feature
        # put among the categorical ones than a code)
        row, column = (int(i) for i in np.argwhere(np.ones(array.shape, bool))[0])
        raise RecstackError(f"feature frame: categorical feature {features[column].name!r} "
                            f"has the float {float(array[row, column])!r} at row {row}; codes "
                            "are integers in 0..cardinality - 1 (0: unknown): pass "
                            "categorical.astype(int) if they are codes")
    return array.astype(np.int32)


def _refuse_text_levels(values: Any, features: tuple[Feature, ...]) -> None:
    """Refuse a categorical feature's column of text levels (a pandas category column of
    text, or text): it was refused as text to convert with pandas.to_numeric, which turns
    'action' into nothing; what serves is its codes, shifted past the unknown level 0."""
    import pandas as pd

    cardinality = {feature.name: feature.cardinality for feature in features}
    for column, dtype in zip(values.columns, values.dtypes, strict=True):
        if isinstance(dtype, pd.CategoricalDtype):
            levels = dtype.categories
            if pd.api.types.is_numeric_dtype(levels.dtype):
                continue  # numbers as levels: read as the codes they are, not positions
            kind_of = "a pandas category column of text levels"
            count = len(levels)
        elif pd.api.types.is_string_dtype(dtype) and _holds_text(values[column]):
            levels = pd.Index(values[column].dropna().unique())
            kind_of = "text"
            count = len(levels)
        else:
            continue
        shown_levels = ", ".join(repr(str(level)) for level in levels[:3])
        raise RecstackError(
            f"feature frame: categorical feature {str(column)!r} holds {kind_of} "
            f"({shown_levels}{', ...' if count > 3 else ''}); codes are integers in "
            f"0..cardinality - 1 with 0 the unknown level (its schema's cardinality is "
            f"{cardinality.get(str(column))}): give pd.Categorical(column).codes + 1 (a "
            f"missing value becomes 0) with cardinality {count + 1}")


#: what pandas.api.types.infer_dtype calls a column whose values are of several kinds,
#: among which text may be
_MIXED_KINDS = frozenset({"mixed", "mixed-integer"})


def _holds_text(column: Any) -> bool:
    """Whether a column of pandas' string or object dtype holds a str among its values (not
    only missing values, numbers or other objects). pandas' typed scan settles every column
    of one kind of value; a Python check of each value, which ran on every row of every
    such column on each scoring call, is left for columns of several kinds."""
    import pandas as pd

    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "string":
        return True
    if kind not in _MIXED_KINDS:
        return False
    return bool(column.map(lambda value: isinstance(value, str)).any())


def _true_false_codes(first: str) -> str:
    """The refusal of true/false values among the categorical features (``first``: the
    first feature holding them)."""
    return (f"feature frame: the categorical features hold true/false values ({first!r} "
            "first); codes are integers in 0..cardinality - 1 with 0 the unknown level, so "
            "False would be read as unknown: give a flag as a numeric feature, or as codes "
            "flag.astype(int) + 1 with cardinality 3")


def _missing_as_nan(array: np.ndarray) -> np.ndarray:
    """An object array with its missing entries (``pd.NA``, ``pd.NaT``, None) as NaN, so
    that every spelling of a missing value is read as None is: a missing number, and a
    missing code named by row (``pd.NA`` failed the conversion to float as "must be
    numbers, got dtype object", naming neither the feature nor the row)."""
    if array.dtype != object or not array.size:
        return array
    import pandas as pd

    missing = np.asarray(pd.isna(array), dtype=bool)
    if not missing.any():
        return array
    array = array.copy()
    array[missing] = np.nan
    return array


def _frame_by_name(values: Any, features: tuple[Feature, ...], kind: FeatureKind) -> Any:
    """A pandas DataFrame of features with its columns put in the schema's order, by name:
    read by position, a frame whose columns came in another order gave each feature
    another's values, silently. Integer names that share none with the schema (0, 1, ...)
    are read by position, as an array is; a frame naming some features but not all, or one
    twice, or naming none of them in text (misspelt), is refused. Nullable columns
    (``Int64``, ``Float64``) are read with NaN where a value is missing (numpy could not
    convert ``pd.NA``). Anything else is returned as given."""
    import pandas as pd

    # a pyarrow Table was read by numpy column by column in its own order: a table whose
    # columns came in another order than the schema's gave each feature another's values
    values = arrow_table_as_pandas(values)
    if not isinstance(values, pd.DataFrame):
        return values
    names = [str(column) for column in values.columns]
    declared = [feature.name for feature in features]
    texts = bool(names) and all(isinstance(column, str) for column in values.columns)
    if names != declared and (set(names) & set(declared) or texts):
        # text names that share none with the schema are misspelt (or another frame's),
        # not positions: read by position, 'pric' gave feature 'price' its values silently
        missing = [name for name in declared if name not in names]
        unexpected = [name for name in names if name not in declared]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if missing or unexpected or repeated:
            parts = [f"{what} {', '.join(map(repr, listed))}" for what, listed in
                     (("missing", missing), ("not in the schema", unexpected),
                      ("named twice", repeated)) if listed]
            raise RecstackError(f"feature frame: the {kind} features' columns are not the "
                                f"schema's ({'; '.join(parts)}); the schema declares "
                                f"{', '.join(map(repr, declared))}")
        label = {str(column): column for column in values.columns}
        values = values[[label[name] for name in declared]]
    if kind == "categorical":
        _refuse_text_levels(values, features)
    flags = ([str(column) for column, dtype in zip(values.columns, values.dtypes, strict=True)
              if pd.api.types.is_bool_dtype(dtype)] if kind == "categorical" else [])
    if flags and len(values):
        # a true/false column of a DataFrame was read as the floats 1.0 and 0.0 (pandas
        # counts it numeric), and refused as "the float 1.0", a value never written,
        # where an array of true/false gets the reason: False would be the unknown level
        raise RecstackError(_true_false_codes(flags[0]))
    if (kind == "categorical" and len(values.columns)
            and all(pd.api.types.is_integer_dtype(dtype) for dtype in values.dtypes)
            and not values.isna().to_numpy().any()):
        # integer codes stay integers (as float64 they were floats, which codes may not be)
        return values.to_numpy(dtype=np.int64)
    if all(pd.api.types.is_numeric_dtype(dtype) for dtype in values.dtypes):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return values


def arrow_table_as_pandas(values: Any) -> Any:
    """A pyarrow ``Table`` or ``RecordBatch`` as a pandas DataFrame, so that its columns are
    read by name as a DataFrame's are (nulls as missing values, dictionary columns as
    categories); anything else as given."""
    import pyarrow as pa

    if isinstance(values, pa.Table | pa.RecordBatch):
        return values.to_pandas()
    return values


def _contiguous(groups: np.ndarray) -> bool:
    starts = groups[np.r_[True, groups[1:] != groups[:-1]]]
    return len(np.unique(starts)) == len(starts)


def _split_group_message(groups: np.ndarray) -> str:
    """Name the first group whose rows are split, with the rows where it stops and
    starts again (the message named neither, and gave no fix)."""
    change = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    seen: dict[Any, int] = {}
    for start in change.tolist():
        key = groups[start].item()
        if key in seen:
            previous = seen[key]
            stop = int(change[change > previous][0]) - 1
            return (f"feature frame: the rows of a group must be contiguous; group {key!r} "
                    f"runs to row {stop} and starts again at row {start}; sort the rows by "
                    "group first (a stable sort keeps each group's candidate order), e.g. "
                    "order = np.argsort(groups, kind='stable')")
        seen[key] = start
    return "feature frame: the rows of a group must be contiguous"


def _refuse_groups_of_two_users(groups: np.ndarray, users: np.ndarray) -> None:
    """Refuse a group (one request: one user's candidates) whose rows are of two users:
    the listwise losses and the per-group metrics ranked the users' candidates against
    each other as one list, silently. Groups are contiguous (checked first), so it is
    enough to compare neighbouring rows."""
    mixed = (groups[1:] == groups[:-1]) & (users[1:] != users[:-1])
    if not mixed.any():
        return
    row = int(np.argmax(mixed)) + 1
    first = int(np.argmax(groups == groups[row]))
    raise RecstackError(
        f"feature frame: group {groups[row].item()!r} holds rows of two users (user "
        f"{int(users[first])} at row {first}, user {int(users[row])} at row {row}); a "
        "group is one request, ranked as one list for one user: give each user's request "
        "a group of its own")


def _refuse_repeated_pairs(groups: np.ndarray, users: np.ndarray, items: np.ndarray) -> None:
    """Refuse a (user, item) pair listed twice in one group, naming it and both rows."""
    if len(groups) < 2:
        return
    order = np.lexsort((items, users, groups))
    g, u, i = groups[order], users[order], items[order]
    repeated = (g[1:] == g[:-1]) & (u[1:] == u[:-1]) & (i[1:] == i[:-1])
    if not repeated.any():
        return
    at = int(np.flatnonzero(repeated)[0])
    first, second = sorted((int(order[at]), int(order[at + 1])))
    raise RecstackError(
        f"feature frame: user {int(u[at])}, item {int(i[at])} is listed twice in group "
        f"{int(g[at])} (rows {first} and {second}); a candidate may appear once per group, "
        "or listwise and pairwise losses and ranking metrics would count it twice: drop the "
        "repeated rows")


def concat_frames(frames: Sequence[FeatureFrame]) -> FeatureFrame:
    """Frames of one schema stacked (their groups must not overlap)."""
    if isinstance(frames, FeatureFrame | str) or not isinstance(frames, Sequence):
        raise RecstackError(f"concat_frames: frames must be a list of FeatureFrames, got "
                            f"{type(frames).__name__}"
                            + (" (one frame: wrap it in a list)"
                               if isinstance(frames, FeatureFrame) else ""))
    for position, frame in enumerate(frames):
        if not isinstance(frame, FeatureFrame):
            raise RecstackError(f"concat_frames: frames[{position}] is a "
                                f"{type(frame).__name__}, not a FeatureFrame")
    if not frames:
        raise RecstackError("concat_frames: no feature frames to concatenate (frames is "
                            "empty); give at least one")
    schema = frames[0].schema
    for position, frame in enumerate(frames[1:], start=1):
        schema.require_same(frame.schema, f"concat_frames: frames[{position}]",
                            against="frames[0]")
    _refuse_shared_groups(frames)
    keys = set(frames[0].extra)
    for position, frame in enumerate(frames):
        # a column that some frames lack was dropped from the result, without a word
        if set(frame.extra) != keys:
            other = sorted(set(frame.extra) ^ keys, key=str)[0]
            holder, lacking = ((0, position) if other in keys else (position, 0))
            raise RecstackError(
                f"concat_frames: extra column {other!r} is in frames[{holder}] but not in "
                f"frames[{lacking}]; the frames must have the same extra columns (it would "
                "be dropped): add it to every frame, or drop it from all")
    return FeatureFrame(schema, np.concatenate([f.numeric for f in frames]),
                        np.concatenate([f.categorical for f in frames]),
                        np.concatenate([f.users for f in frames]),
                        np.concatenate([f.items for f in frames]),
                        np.concatenate([f.groups for f in frames]),
                        {k: np.concatenate([f.extra[k] for f in frames]) for k in keys
                         if all(k in f.extra for f in frames)})


def _refuse_shared_groups(frames: Sequence[FeatureFrame]) -> None:
    """Refuse a group number used by two of the frames: each group is one request, and
    the frames' groups were stacked as they were, so group 1 of one frame and group 1 of
    the next (two cutoffs' examples of one user, or two users) became one request of the
    rankers' listwise and pairwise losses, silently, when they met at the seam (and a
    "rows of a group must be contiguous" naming no frame otherwise)."""
    distinct = [np.unique(frame.groups) for frame in frames]
    groups = np.concatenate(distinct)
    owner = np.repeat(np.arange(len(frames)), [len(d) for d in distinct])
    order = np.argsort(groups, kind="stable")  # a group's frames in frame order
    groups, owner = groups[order], owner[order]
    shared = np.flatnonzero(groups[1:] == groups[:-1])
    if len(shared):
        at = int(shared[0])
        raise RecstackError(
            f"concat_frames: group {groups[at].item()!r} is in frames[{int(owner[at])}] and "
            f"frames[{int(owner[at + 1])}]; each group is one request (one query of the "
            "rankers' losses), so the frames' groups must not overlap: number the later "
            "frame's groups after the earlier ones' (e.g. its groups plus the largest group "
            "so far + 1)")
