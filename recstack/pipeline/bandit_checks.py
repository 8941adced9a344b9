"""Input checks shared by the Bayesian logistic regression, the bandit policies, the bandit
simulation, the off-policy estimators, position bias and the imbalance helpers: each refuses
a bad array or number with one line that names the argument, the first offending position
and value, and what would be right."""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Collection
from typing import Any

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import refuse_ragged
from recstack.errors import RecstackError, shown
from recstack.metrics._validation import (
    beyond_float,
    exact_as_float,
    exact_as_int,
    object_missing_as_nan,
    refuse_masked,
    refuse_not_numbers,
    value_as_given,
)
from recstack.models.base import (
    _new_public_name,
    _unknown_attribute_message,
    integer_objects,
)
from recstack.specs import finite_or_infinite, number_spelling_hint


class BanditInputError(RecstackError, ValueError):
    """An array given to a bandit policy, the Bayesian logistic regression or an off-policy
    estimator has the wrong shape or a value it cannot take."""


#: the most cells (float64, 1 GiB) of a scipy sparse matrix made dense for the dense solvers
MAX_DENSE_CELLS = 1 << 27


def _first_bad(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _position(index: tuple[int, ...]) -> str:
    if not index:
        return "the value"
    return f"row {index[0]}" if len(index) == 1 else "position " + str(list(index))


def refuse_complex(what: str, value: Any, error: type[Exception], *,
                   must: str = "an array of numbers") -> None:
    """Refuse what numpy would silently turn into real numbers when asked for float64:
    complex numbers (the imaginary part dropped), datetimes and durations (counts of their
    unit) and text (``'1_0'`` read as 10); ``what`` names the argument (see
    :func:`recstack.metrics._validation.not_numbers`)."""
    refuse_not_numbers(value, what, error, must=must)


def refuse_booleans(what: str, value: Any, error: type[Exception], *,
                    wanted: str = "the model's scores") -> None:
    """Refuse an array of true/false values where scores (``wanted``: what is expected, as
    the message says it) are expected: it is a mask or labels given in the wrong place
    (true would silently score 1, false 0)."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return  # ragged rows and the like: the conversion that follows names them
    if array.dtype.kind == "b":
        raise error(f"{what} must be numbers, got true/false values; pass {wanted}, "
                    "not a mask or labels")
    # one true/false among numbers (an object array, a table with a true/false column)
    # was read as 1 or 0, silently, where an array of them only is refused
    mixed = first_true_false(array)
    if mixed is not None:
        raise error(f"{what} must be numbers, got the true/false value {mixed[1]!r} at "
                    f"{mixed[0]}; pass {wanted}, not a mask or labels")


def first_true_false(array: np.ndarray) -> tuple[str, Any] | None:
    """Where the first true/false value of an object array is (``"row 3"``, ``"position
    [1, 0]"``) and the value, or None when it holds none (or is not an object array)."""
    if array.dtype.kind != "O" or not array.size:
        return None
    flat = array.ravel()
    is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in flat), bool, flat.size)
    if not is_bool.any():
        return None
    at = int(np.argmax(is_bool))
    place = (f"row {at}" if array.ndim == 1 else
             f"position {list(map(int, np.unravel_index(at, array.shape)))}")
    return place, flat[at]


def _rows_of_nothing(array: np.ndarray, ndim: int | None) -> np.ndarray:
    """An empty list (``[]``, read as shape ``(0,)``) where an array of ``ndim`` > 1
    dimensions is wanted, as no rows: shape ``(0, 0, ...)``. ``update([], [], [])`` was
    refused as "items must be a 2-D array, got shape (0,)" while the same empty round as
    ``(0, k)`` arrays was a no-op (and ``fit([], [])`` was told that X must be 2-D, not
    that the batch is empty)."""
    if ndim is not None and ndim > 1 and array.shape == (0,):
        return array.reshape((0,) * ndim)
    return array


def not_an_array(value: Any, ndim: int | None, what: str = "numbers",
                 examples: tuple[str, str] = ("[0, 2]", "[[0, 2], [1, 3]]")) -> str:
    """What ``value``, which is no array (numpy reads it as one of shape ``()``), is, and
    what to give instead, for a refusal: "got None; give a list or 1-D array of them, such
    as [0, 2]" (``examples``: of a 1-D and a 2-D one). "got shape ()" said neither what
    was given nor what to give."""
    from collections.abc import Mapping, Set

    if value is None:
        got = "None"
    elif isinstance(value, str | bytes):
        got = f"the text {shown(value)[:60]}"
    elif isinstance(value, Set):
        got = f"a set ({shown(value)[:60]}), which has no order"
    elif isinstance(value, Mapping):
        got = f"a {type(value).__name__} ({shown(value)[:60]})"
    elif isinstance(value, numbers.Number | np.generic):
        got = f"the single value {shown(value.item() if isinstance(value, np.generic) else value)}"
    else:
        got = f"{type(value).__name__} {shown(value)[:60]}"
    example = {1: examples[0], 2: f"{examples[1]} (one row each)"}.get(ndim or 1, "")
    shape = f"{ndim}-D array" if ndim else "array"
    return f"got {got}; give a list or {shape} of {what}" + (f", such as {example}"
                                                                if example else "")


#: the fix for rows of different lengths, said by every pipeline argument that takes rows
PAD_OR_SPLIT_ROWS = "pad the short rows or give each list in its own call"

#: a 1-D and a 2-D array of numbers, as the refusals of what is no array show them
_NUMBER_EXAMPLES = ("[1.0, 0.5]", "[[1.0, 0.5], [0.0, 2.0]]")


def as_float_array(where: str, name: str, value: Any, *, ndim: int | None,
                   error: type[Exception] = BanditInputError) -> np.ndarray:
    """``value`` as a finite float64 array with ``ndim`` dimensions (None: any); ``error``:
    the class of the refusal, the caller's (a bandit's :class:`BanditInputError` unless
    told)."""
    if isinstance(value, str | bytes | dict) or value is None:
        raise error(f"{where}: {name} must be an array of numbers, "
                    f"{not_an_array(value, ndim, examples=_NUMBER_EXAMPLES)}")
    refuse_ragged(value, name=name, wanted="an array of numbers", error=error,
                  where=f"{where}: ", advice=PAD_OR_SPLIT_ROWS)
    refuse_complex(f"{where}: {name}", value, error)
    if sp.issparse(value):
        value = _densified(where, name, value, error)
    try:
        array = np.asarray(value, dtype=np.float64)
    except OverflowError:
        raise error(f"{where}: {beyond_float(value, name)}") from None
    except (TypeError, ValueError) as problem:
        with_missing = _missing_as_nan(value)
        if with_missing is None:
            raise error(f"{where}: {name} must be an array of numbers ({problem})"
                        ) from None
        array = with_missing
    array = _rows_of_nothing(array, ndim)
    if ndim is not None and array.ndim != ndim:
        got = (not_an_array(value, ndim, examples=_NUMBER_EXAMPLES)
               if array.ndim == 0 else f"got shape {array.shape}")
        raise error(f"{where}: {name} must be a {ndim}-D array, {got}")
    bad = ~np.isfinite(array)
    if bad.any():
        index = _first_bad(bad)
        columns = getattr(value, "columns", None)
        column = (f" (column {columns[index[1]]!r})"
                  if columns is not None and len(index) == 2 else "")
        # the value as written (None, pd.NA, Decimal('NaN')), a number as its float
        shown_value = value_as_given(value, array, index)
        missing = (" (a missing value)" if np.isnan(array[index])
                   and not shown_value.endswith("(a missing value)") else "")
        raise error(f"{where}: {name} must be finite, {_position(index)}{column} "
                    f"is {shown_value}{missing}")
    return array


def _densified(where: str, name: str, value: Any,
               error: type[Exception] = BanditInputError) -> np.ndarray:
    """A scipy sparse matrix as the dense array the solvers work on (numpy read it as one
    Python object: "setting an array element with a sequence"), refused past
    :data:`MAX_DENSE_CELLS` cells, whose dense copy would not fit in memory."""
    cells = int(np.prod(value.shape, dtype=np.int64))
    if cells > MAX_DENSE_CELLS:
        raise error(
            f"{where}: {name} is a scipy sparse {' x '.join(map(str, value.shape))} matrix, "
            f"{cells:,} cells once dense (the most is {MAX_DENSE_CELLS:,}); the solvers work "
            "on dense arrays, so give fewer rows per call (partial_fit takes batches)")
    return value.toarray()


def _missing_as_nan(value: Any) -> np.ndarray | None:
    """A pandas frame or series whose nullable columns (``Int64``, ``Float64``,
    ``boolean``) hold missing values, as float64 with NaN there, so that the finite check
    names the row and column (numpy's conversion of ``pd.NA`` said only "float() argument
    must be ... not 'NAType'"); a list or object array holding ``pd.NA`` likewise; None
    for anything else."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame | pd.Series):
        # a list or object array holding pd.NA, named by its position as well
        return object_missing_as_nan(value)
    try:
        return value.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return None


def as_index_array(where: str, name: str, value: Any, *, ndim: int, size: int | None,
                   what: str = "item", error: type[Exception] = BanditInputError,
                   nonnegative: bool = False) -> np.ndarray:
    """``value`` as an int64 array of indices in ``[0, size)`` (else: an unknown ``what``;
    ``size`` None: any index int64 holds), the one check every pipeline index argument
    goes through (the bandits, off-policy estimators, candidates, feature frames' ``users``,
    ``items`` and ``groups``). An object array of integers is integers, as for the models'
    index arguments (:func:`recstack.models.base.integer_objects`); a pandas column of a
    nullable (``Int64``) or pyarrow-backed integer dtype is read as its integers, a missing
    entry named as missing. Floats are refused, whole ones too: 1.0 is more often a score,
    a reward or a probability given in the wrong place than an index. ``what`` empty: the
    message says "integer indices". ``nonnegative`` (with ``size`` None, where no
    vocabulary bounds them): internal indices, which count from 0, so a -1 (a log's
    "unknown" code) is refused naming its row rather than kept as an index of its own."""
    refuse_ragged(value, name=name, wanted=f"an array of {what or 'integer'} indices",
                  error=error, where=f"{where}: ", advice=PAD_OR_SPLIT_ROWS)
    # a masked array's hidden entries were read as indices (items shown, users, groups)
    refuse_masked(value, f"{where}: {name}", error)
    array = np.asarray(integer_objects(value))
    if array.dtype == object and _numeric_pandas(value):
        # a DataFrame of nullable integer columns holding pd.NA: read with NaN there, so
        # that the entry is named as a missing value (as a Series of them is by numpy)
        with_missing = _missing_as_nan(value)
        if with_missing is not None:
            array = with_missing
    kind = f"{what} " if what else ""
    if array.dtype == bool:
        raise error(f"{where}: {name} must hold integer {kind}indices, got true/false values")
    array = _rows_of_nothing(array, ndim)
    if array.ndim != ndim:
        got = (not_an_array(value, ndim, f"{kind}indices" if what else "integer indices")
               if array.ndim == 0 else f"got shape {array.shape}")
        raise error(f"{where}: {name} must be a {ndim}-D array of "
                    f"{what + ' indices' if what else 'integer indices'}, {got}")
    floats = np.issubdtype(array.dtype, np.floating)
    if array.size and not (floats or np.issubdtype(array.dtype, np.integer)):
        raise error(f"{where}: {name} must hold integer {kind}indices, got dtype "
                    f"{array.dtype}{_first_non_integer(array)}")

    def refuse_floats(mask: np.ndarray) -> None:
        index = _first_bad(mask)
        missing = " (a missing value)" if np.isnan(array[index]) else ""
        raise error(
            f"{where}: {name} must hold integer {kind}indices, got floats "
            f"({array[index].item()!r}{missing} at {_position(index)}); floats are refused, "
            f"whole ones too: pass whole numbers ({name}.astype(int) if they are indices)")

    if array.size and floats:
        fraction = ~np.isfinite(array) | (array != np.round(array))
        if fraction.any():
            refuse_floats(fraction)
    # checked before the cast to int64, which wraps 2**63 (uint64, or a float) around to a
    # negative number: the error names the index as given (a whole float past the range
    # too, 1e20, before the floats' own refusal)
    if size is not None:
        bad = (array < 0) | (array >= size)
        if bad.any():
            index = _first_bad(bad)
            given = array[index].item()
            raise error(f"{where}: unknown {what or 'index'} {int(given)} in {name} at "
                        f"{_position(index)}; {what + 's' if what else 'indices'} are "
                        f"0..{size - 1}")
    elif array.size:
        negative = array < 0
        if nonnegative and negative.any():
            index = _first_bad(negative)
            given = array[index].item()
            raise error(f"{where}: {name} must hold indices >= 0 (the internal indices 0, 1, "
                        f"2...), {_position(index)} holds "
                        f"{int(given) if float(given).is_integer() else given!r}; drop that "
                        "row or map its id first")
        limits = np.iinfo(np.int64)
        outside = (array > limits.max) | (array < limits.min)
        if floats:
            outside |= array >= 2.0**63  # the float nearest int64's maximum is 2**63
        if outside.any():
            index = _first_bad(outside)
            raise error(f"{where}: {name} at {_position(index)} is {array[index].item()!r}, "
                        "beyond the 64-bit integers indices are; give the model's internal "
                        "indices (0, 1, 2...)")
    if array.size and floats:
        refuse_floats(np.ones(array.shape, bool))
    return array.astype(np.int64)


def _numeric_pandas(value: Any) -> bool:
    """Whether ``value`` is a pandas frame or series whose every column has a numeric
    dtype (text columns are not read as numbers)."""
    import pandas as pd

    if isinstance(value, pd.Series):
        return pd.api.types.is_numeric_dtype(value.dtype)
    if isinstance(value, pd.DataFrame):
        return all(pd.api.types.is_numeric_dtype(dtype) for dtype in value.dtypes)
    return False


def _first_non_integer(array: np.ndarray) -> str:
    """`` (VALUE at row N)``: the first entry of a non-numeric array that is no integer
    (text, a float or None among objects), a missing one (None, ``pd.NA``) said to be
    missing."""
    import pandas as pd

    for index, value in np.ndenumerate(array):
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
            try:
                missing = " (a missing value)" if value is None or pd.isna(value) else ""
            except (TypeError, ValueError):
                missing = ""
            shown = value.item() if isinstance(value, np.generic) else value
            return f" ({shown!r}{missing} at {_position(tuple(int(i) for i in index))})"
    return ""


def check_unit_interval(where: str, name: str, array: np.ndarray, *,
                        percentages: bool = False) -> None:
    """Refuse values outside [0, 1] (probabilities, Bernoulli rewards); ``percentages``:
    say so when every value lies in [0, 100] (probabilities written as percentages, 50 for
    0.5), where a model's output may be given that way."""
    bad = (array < 0) | (array > 1)
    if bad.any():
        index = _first_bad(bad)
        hint = ""
        if percentages and bool(((array >= 0) & (array <= 100)).all()):
            hint = ("; every value lies in [0, 100]: percentages? give them divided by 100 "
                    "(0.5 for 50%)")
        raise BanditInputError(f"{where}: {name} must be probabilities in [0, 1], "
                               f"{_position(index)} is {float(array[index])!r}{hint}")


def percentage_hint(value: Any) -> str:
    """What a refused share (a sampling rate, the share of negatives kept, in (0, 1]) above
    1 may have meant: a percentage (``50`` for 0.5, up to 100) or "one in n" (``50`` for
    0.02): `` (a share: 0.5 for 50%, or 0.02 to keep one in 50)``; else nothing."""
    read = exact_as_float(value)
    if isinstance(read, bool | np.bool_) or not isinstance(read, numbers.Real):
        return ""
    number = finite_or_infinite(read)
    if not 1 < number < math.inf:
        return ""
    one_in = f"{1 / number:.3g} to keep one in {number:,g}"
    if number > 100:
        return f" (a share: {one_in})"
    return f" (a share: {number / 100:g} for {number:g}%, or {one_in})"


def check_not_empty(where: str, name: str, array: np.ndarray, unit: str = "row") -> None:
    """Refuse a log with no rows, naming the argument: the one rule of the pipeline's
    public functions that read a log (positions, labels, clicks, actions). A log emptied by
    a filter or a join gave an empty result (no weights, no rows kept) that failed later,
    far from its cause, or trained on nothing."""
    if not len(array):
        raise BanditInputError(f"{where}: {name} is empty (no {unit}s); give at least one "
                               f"{unit} (an empty log is usually a filter or a join that "
                               "dropped every row)")


def check_same_length(where: str, *, per: str = "round",
                      error: type[Exception] = BanditInputError, **arrays: np.ndarray) -> None:
    """Refuse arrays whose first dimensions differ, naming each with its length; ``per``:
    what one entry stands for in the caller's words (a bandit's round, a training
    example), ``error`` the caller's class of refusal."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise error(f"{where}: the arrays must have one entry per {per}, got lengths "
                    f"{listed}")


def check_distinct_rows(where: str, name: str, items: np.ndarray) -> None:
    """Refuse a row (one user's list) that shows an item twice: a list never does, and the
    item's impressions and rewards would count twice."""
    ordered = np.sort(items, axis=1)
    repeated = ordered[:, 1:] == ordered[:, :-1]
    if repeated.any():
        row, slot = (int(i) for i in np.argwhere(repeated)[0])
        raise BanditInputError(f"{where}: {name} row {row} shows item {int(ordered[row, slot])}"
                               " more than once; each row is one list of distinct items")


def check_shape(where: str, name: str, array: np.ndarray, shape: tuple[int, ...],
                dims: tuple[str, ...] | None = None) -> None:
    """Refuse ``array`` unless of ``shape``; ``dims`` (what each dimension counts) names
    the dimensions that differ: "contexts must have shape (2, 2, 2), got (2, 2, 3)" left
    the user to find that the last one, the policy's n_features, was the one wrong."""
    if array.shape != shape:
        said = ""
        if dims is not None and array.ndim == len(shape) == len(dims):
            wrong = [f"{dim} is {got}, expected {want}"
                     for dim, got, want in zip(dims, array.shape, shape, strict=True)
                     if got != want]
            said = f": {'; '.join(wrong)}"
        raise BanditInputError(f"{where}: {name} must have shape {shape}, got "
                               f"{array.shape}{said}")


def check_count(where: str, name: str, value: Any, *, low: int = 1,
                high: int | None = None, error: type[Exception] = BanditInputError) -> int:
    """``value`` as an int in ``[low, high]`` (a whole number, not true/false; a whole
    exact number, ``Decimal("3")``, is read as its int); ``error``: the caller's class of
    refusal."""
    read = exact_as_int(value)
    if isinstance(read, bool) or not isinstance(read, int | np.integer) or read < low \
            or (high is not None and read > high):
        bound = f">= {low}" if high is None else f"from {low} to {high}"
        # seed="3" or 3.0 was refused without the spelling that is taken, which a model's
        # settings (and an experiment file's) name
        raise error(f"{where}: {name} must be an integer {bound}, got {shown(value)}"
                    f"{number_spelling_hint(value, int, name)}")
    return int(read)


def check_number(where: str, name: str, value: Any, *, low: float = -np.inf,
                 high: float = np.inf, low_inclusive: bool = True,
                 high_inclusive: bool = True) -> float:
    """``value`` as a finite float in the given interval (not true/false or text; an exact
    number, Decimal or Fraction, is read as its float)."""
    read = exact_as_float(value)
    ok = not isinstance(read, bool) and isinstance(read, int | float | np.integer
                                                   | np.floating)
    # an integer past the float range is refused as an infinity, not an OverflowError
    number = finite_or_infinite(read) if ok else float("nan")
    ok = ok and np.isfinite(number) and (number >= low if low_inclusive else number > low) \
        and (number <= high if high_inclusive else number < high)
    if not ok:
        raise BanditInputError(f"{where}: {name} must be a finite number"
                               f"{_range_text(low, high, low_inclusive, high_inclusive)}, "
                               f"got {shown(value)}{number_spelling_hint(value, float, name)}")
    return number


def _range_text(low: float, high: float, low_inclusive: bool, high_inclusive: bool) -> str:
    """The range of :func:`check_number` in words: `` in [0, 1]`` between two bounds, `` >=
    0`` with a lower bound alone (a finite number "in [0, inf]" named a bound no finite
    number reaches), `` <= 1`` with an upper one alone, nothing without bounds."""
    bounded_below, bounded_above = bool(np.isfinite(low)), bool(np.isfinite(high))
    if bounded_below and bounded_above:
        left, right = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
        return f" in {left}{low:g}, {high:g}{right}"
    if bounded_below:
        return f" {'>=' if low_inclusive else '>'} {low:g}"
    if bounded_above:
        return f" {'<=' if high_inclusive else '<'} {high:g}"
    return ""


def misspelt_attribute(obj: Any, name: str, declared: Collection[str] | None = None
                       ) -> str | None:
    """The refusal of ``policy.epsilom = 0.1`` (or ``calibrator.n_bin = 20``), set from
    outside the object: a new public name near a declared hyperparameter, by the models'
    rule (``_new_public_name``), which was stored beside the hyperparameters and silently
    ignored. ``declared``: the names declared, where they are not ``params``. A name set by
    the object's own methods (a user's subclass keeping ``self.seen`` in ``select``) is its
    own state and set as usual. ``None`` where the name is fine."""
    if not _new_public_name(obj, name, declared):
        return None
    # the frame that set the attribute (frame 0 is this function, 1 the __setattr__)
    if sys._getframe(2).f_locals.get("self") is obj:
        return None
    return _unknown_attribute_message(obj, name, declared)

