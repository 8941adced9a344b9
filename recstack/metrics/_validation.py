"""Input checks shared by the metric modules.

Every check raises :class:`MetricInputError` (a :class:`ValueError`) whose message names the
offending argument, says what was wrong and what would be right. Nothing here is public API
except the error class, which :mod:`recstack.metrics` re-exports.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Set, ValuesView
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from recstack.data.dates import held_scalar
from recstack.errors import (  # noqa: F401 - shown_given: the metrics import it from here
    RecstackError,
    counted,
    digit_count,
    shown,
    shown_given,
    shown_number,
)
from recstack.specs import (
    CUTOFF_RULE,
    K_MAX,
    cutoffs_problem,
    cutoffs_text,
    did_you_mean,
    finite_or_infinite,
    number_from_text,
    number_spelling_hint,
    whole_exact_as_int,
)

__all__ = ["MetricInputError"]

# Keys ``row * n_items + item`` must fit in int64 for the vectorised CSR lookup.
_MAX_KEY = np.iinfo(np.int64).max


class MetricInputError(RecstackError, ValueError):
    """A metric function received an argument it cannot use.

    Subclasses :class:`ValueError` so that callers may catch either; subclasses
    :class:`recstack.errors.RecstackError` so that the CLI reports it as a user error.
    """


#: the most positions (a cut-off ``k``, a list length ``n``) or item groups a function that
#: allocates an array of that many entries accepts: no evaluation needs more, and beyond it
#: the array would not fit in memory
MAX_POSITIONS = 10_000_000
#: the largest catalog (``n_items``) a function that allocates one entry per item accepts
MAX_CATALOG = 1_000_000_000
#: the most cells (float64, 8 GiB) of a (users x positions) array built from a cut-off
MAX_CELLS = 1 << 30


def not_numbers(values: Any, *, positions: bool = False) -> str | None:
    """Why ``values`` are not real numbers although numpy would read them as float64, or
    None when they are: complex values (numpy drops the imaginary part), datetimes and
    durations (read as counts of their unit) and text (numpy parses ``'1_0'`` as 10 and
    ``'\u0663'`` as 3), also inside an object array or a pandas column. True/false values
    pass: the callers decide about them. Text among numbers is the text itself (a list
    ``[1.0, '2']`` was "text such as '1.0'", numpy having made the number text); with
    ``positions``, named with its position: ``text '2' at position 1 among the numbers``.

    The one place where every numeric check of the metrics and the pipeline (calibrators,
    bandits, re-rankers, rankers) tells such values apart before converting.
    """
    if sp.issparse(values):
        return _kind_problem(values.dtype, None, positions)
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind not in "OUSMmc":
        return None  # a numeric ndarray or column: nothing to look at
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        return None  # ragged rows and the like: the conversion names them
    if array.dtype.kind in "US" and array.size and not isinstance(values, np.ndarray):
        # numpy made a list mixing numbers and text ([1.0, '2', 3.0]) all text, and the
        # message named the number 1.0 as "text such as '1.0'": look at the values given
        try:
            objects = np.asarray(values, dtype=object)
        except (TypeError, ValueError):
            objects = None
        if objects is not None and objects.shape == array.shape:
            mixed = _text_among_numbers(objects, positions)
            if mixed is not None:
                return mixed
    return _kind_problem(array.dtype, array, positions)


def _text_among_numbers(objects: np.ndarray, positions: bool) -> str | None:
    """The first text (or bytes) of an object array that also holds numbers (with
    ``positions``, named with its position: ``text '2' at position 1 among the numbers``),
    or None when it holds no text or nothing but text (then "text such as '1'" tells it
    all). A list such as
    ``[1.0, '2', 3.0]`` was reported as "text such as '1.0'": numpy makes every value of
    such a list text, so the message named a number and not where the text was."""
    first: tuple[int, ...] | None = None
    has_number = False
    for index in np.ndindex(objects.shape):
        value = objects[index]
        if isinstance(value, str | bytes | np.str_ | np.bytes_):
            if first is None:
                first = index
        elif value is not None:  # a number (true/false too: numpy wrote True as 'True')
            has_number = True
        if first is not None and has_number:
            break
    if first is None or not has_number:
        return None
    value = objects[first]
    if not positions:
        return _text_or_bytes(value)
    return _text_at(value, first) + " among the numbers"


def _text_at(value: Any, index: tuple[int, ...]) -> str:
    """Text (or bytes) named with its position: ``text '1.0' at position 0``, ``bytes b'1'
    at position (1, 0)`` in a table (a single value has none). "could not convert text
    such as '1.0'" read as if '1.0' were a number that failed to convert, and named no
    place."""
    given = (f"bytes {bytes(value)[:40]!r}" if isinstance(value, bytes)
             else f"text {shown(str(value))}")
    if not index:
        return given
    return f"{given} at position {index[0] if len(index) == 1 else index}"


def _kind_problem(dtype: np.dtype, array: np.ndarray | None, positions: bool
                  ) -> str | None:
    kind = dtype.kind
    if kind == "c":
        return f"complex values (dtype {dtype})"
    if kind == "M":
        return f"datetimes (dtype {dtype})"
    if kind == "m":
        return f"durations (dtype {dtype})"
    if kind in "US":
        empty: str | bytes = "" if kind == "U" else b""
        first = array.ravel()[0] if array is not None and array.size else empty
        if positions and array is not None and array.size:
            return _text_at(first, (0,) * array.ndim)
        return _text_or_bytes(first)
    if kind == "O" and array is not None and array.size:
        for index in np.ndindex(array.shape):
            value = array[index]
            if isinstance(value, str | bytes | np.str_ | np.bytes_):
                return (_text_among_numbers(array, positions)
                        or (_text_at(value, index) if positions else _text_or_bytes(value)))
            if isinstance(value, complex | np.complexfloating):
                return "complex values"
            if isinstance(value, _dt.date | _dt.timedelta | np.datetime64 | np.timedelta64):
                return f"dates or times such as {str(value)!r}"
    return None


def beyond_float(values: Any, name: str) -> str:
    """The message for ``values`` holding a number too large for float64 (an integer of
    hundreds of digits: Python, JSON and TOML read integers of any length), where numpy's
    conversion raised a bare OverflowError: names ``name``, the first such value and its
    position. Called only once the conversion has failed."""
    try:
        cells = np.asarray(values, dtype=object)
    except (TypeError, ValueError):
        cells = np.asarray([values], dtype=object)[:0]
    where, shown = "", "a value"
    for index in np.ndindex(cells.shape):
        try:
            float(cells[index])
        except OverflowError:
            shown = shown_number(cells[index])
            where = (f" at position {index[0] if len(index) == 1 else index}"
                     if index else "")
            break
        except (TypeError, ValueError):
            continue
    return (f"{name} holds {shown}{where}, too large for a float64 number (at most about "
            "1.8e308 in size); rescale the values or fix the one that is wrong")


def count_shown(value: int, *, grouped: bool = True) -> str:
    """A refused count or size for a message: grouped by thousands (``12,000``), or
    plain, an integer of more than 20 digits by its digit count and sign (``a negative
    5,001-digit integer``: writing out one of over 4,300 digits is itself Python's
    ValueError, which hid the message)."""
    if digit_count(value) > 20:
        return ("a negative " if value < 0 else "a ") + shown_number(abs(value))[2:]
    return f"{value:,}" if grouped else str(value)


def first_of(count: int) -> str:
    """What follows the value named when ``count`` values were refused alike: "" for one,
    `` (the first of 3 such values)`` for several, so that a message naming the first bad
    value also says it is not the only one to fix (a NaN in a truth matrix was "has stored
    values that are NaN or infinite", naming neither where nor how many)."""
    return f" (the first of {count:,} such values)" if count > 1 else ""


def _cell(position: tuple[int, ...]) -> str:
    """A position of a 2-D array as ``row 1, column 0`` (one of a 1-D array as its index)."""
    if len(position) == 2:
        return f"row {position[0]}, column {position[1]}"
    return f"position {position[0] if len(position) == 1 else position}"


def _nested(value: Any) -> bool:
    """Whether ``value`` is a row (a list, tuple, array or pandas column) of a nested input."""
    import pandas as pd

    return isinstance(value, list | tuple | pd.Series | pd.Index) or (
        isinstance(value, np.ndarray) and value.ndim > 0)


def _row_entries(value: Any) -> list[Any]:
    """The entries of a row of a nested input, as the user gave them."""
    if isinstance(value, np.ndarray):
        return list(value)
    if hasattr(value, "to_numpy"):  # a pandas Series or Index: its values, by position
        return list(value.to_numpy(dtype=object))
    return list(value)


def _entries_told(count: int) -> str:
    return counted(count, "entry", "entries")


def _a_number(value: Any) -> bool:
    """Whether a single value is one numpy would read as a number (or a missing value)."""
    import pandas as pd

    if isinstance(value, np.ndarray):  # a 0-d array
        return value.dtype.kind in "biuf"
    return (value is None or value is pd.NA or isinstance(value, numbers.Number | np.generic))


def unconvertible(values: Any) -> str | None:
    """Where and why numpy could not read ``values`` (a list, tuple, object array, pandas
    column or frame) as an array of numbers, or None when no reason is found: the first row
    whose length differs from the first row's (``row 1 has 1 entry where row 0 has 2``), a
    single value where a row belongs or a row where a single value belongs, or the first
    value that is not a number (a dict, a set, an object), each named by its position. The
    refusal said only "holds values that are not numbers, or rows of different lengths",
    which left the user to search a list of thousands of rows for the one to fix. Looked at
    only once the conversion has failed."""
    import pandas as pd

    if isinstance(values, pd.DataFrame):
        values = values.to_numpy(dtype=object)
    if not _nested(values):
        return None
    # the shape the first entries give: every row is measured against the first one
    shape: list[int] = []
    probe: Any = values
    while _nested(probe):
        entries = _row_entries(probe)
        shape.append(len(entries))
        if not entries:
            break
        probe = entries[0]

    def row_named(position: tuple[int, ...]) -> str:
        return (f"row {position[0]}" if len(position) == 1
                else f"the list at position {position}")

    def walk(value: Any, position: tuple[int, ...]) -> str | None:
        depth = len(position)
        if depth < len(shape):
            first = (0,) * depth
            if not _nested(value):
                return (f"{_RAGGED}{row_named(position)} is a single value, "
                        f"{shown(value):.60}, where {row_named(first)} is a list of "
                        f"{_entries_told(shape[depth])}")
            entries = _row_entries(value)
            if len(entries) != shape[depth]:
                return (f"{_RAGGED}{row_named(position)} has "
                        f"{_entries_told(len(entries))} where {row_named(first)} has "
                        f"{shape[depth]}")
            for index, entry in enumerate(entries):
                problem = walk(entry, (*position, index))
                if problem is not None:
                    return problem
            return None
        where = _cell(position)
        if _nested(value):
            return (f"{_RAGGED}{where} holds a {type(value).__name__} of "
                    f"{_entries_told(len(_row_entries(value)))}, {shown(value):.60}, where "
                    f"{_cell((0,) * depth)} holds a single number")
        if _a_number(value):
            return None
        kind = ("text" if isinstance(value, str) else "bytes" if isinstance(value, bytes)
                else f"{'an' if type(value).__name__[0] in 'aeiou' else 'a'} "
                f"{type(value).__name__}")
        return f"{where} holds {kind} {shown(value):.60}, which is not a number"

    return walk(values, ())


#: how :func:`unconvertible` begins for rows of different lengths
_RAGGED = "its rows have different lengths: "
#: what a refusal of rows of different lengths advises
_FIX_ROWS = "; give every row the same length (pad short ones, or pass one row at a time)"


#: how :func:`not_numbers` begins for bytes (``b'1'``), which need decoding before converting
BYTES_SUCH_AS = "bytes such as "


def _text_or_bytes(value: Any) -> str:
    """Text as ``text such as '1'``; bytes as bytes, ``bytes such as b'1'`` (they were
    described as text, shown decoded, so that a user looked for text that was not there)."""
    if isinstance(value, bytes):  # np.bytes_ too
        return f"{BYTES_SUCH_AS}{bytes(value)[:40]!r}"
    return f"text such as {str(value)!r}"


def refuse_not_numbers(values: Any, name: str, error: type[Exception] | None = None, *,
                       must: str = "an array of numbers") -> None:
    """Raise ``error`` (default :class:`MetricInputError`) saying that ``name`` must be
    ``must`` when :func:`not_numbers` finds ``values`` are not real numbers, when they
    are a masked array hiding entries (:func:`refuse_masked`), or a collection without an
    order or read once (:func:`refuse_unordered`)."""
    refuse_unordered(values, name, error)
    refuse_masked(values, name, error)
    problem = not_numbers(values, positions=True)
    if problem is not None:
        if problem.startswith("complex"):
            message = f"{name} must be real numbers, got {problem}"
        elif problem.startswith("bytes "):
            message = (f"{name} must be {must}, got {problem}; bytes are not read as "
                       "numbers: decode them to text (e.g. value.decode('utf-8'), or "
                       "Series.str.decode('utf-8')) and convert that to numbers first")
        elif problem.startswith("text "):
            # "could not convert text such as '1.0' to numbers" read as if '1.0' could not
            # be converted: text is refused as text, even where it spells a number
            message = (f"{name} must be {must}, got {problem}; text is not read as numbers, "
                       "even where it spells one: convert it first (e.g. pandas.to_numeric)")
        else:
            message = (f"{name} must be {must} (could not convert {problem} to numbers); "
                       "convert them first (e.g. pandas.to_numeric, or the seconds of a time)")
        raise (error or MetricInputError)(message)


def refuse_unordered(values: Any, name: str, error: type[Exception] | None = None) -> None:
    """Raise ``error`` (default :class:`MetricInputError`) when ``values`` is a set, a
    mapping (a dict) or an iterator (a generator, ``map``, ``zip``, a dict's values) where
    an array of values in order belongs: numpy reads each as one object, and the message
    said that the set "holds values that are not numbers", or was numpy's own "float()
    argument must be a string or a real number, not 'set'". A set has no order (and has
    dropped its repeats), so its values cannot be paired by position."""
    if isinstance(values, Set):  # set, frozenset, a dict's keys or items
        kind, fix = ("a set", "a set has no order (and keeps no repeats), so its values "
                     "cannot be paired by position; pass a list or array in the order meant")
    elif isinstance(values, Mapping):
        kind, fix = (f"a {type(values).__name__} (a mapping)", "pass its values in the "
                     "order meant, e.g. list(values.values()) or a pandas Series")
    elif isinstance(values, Iterator | ValuesView):
        kind, fix = (f"a {type(values).__name__}", "numpy reads it as one object, not its "
                     "values; pass list(...) of it")
    else:
        return
    raise (error or MetricInputError)(f"{name} must be an array or list of numbers, got "
                                      f"{kind}: {fix}")


def refuse_masked(values: Any, name: str, error: type[Exception] | None = None) -> None:
    """Raise ``error`` (default :class:`MetricInputError`) when ``values`` is a numpy
    masked array with masked entries: every conversion here (``np.asarray``) reads the
    values under the mask, so an RMSE counted the masked outliers and a masked list entry
    was scored as an item."""
    if not isinstance(values, np.ma.MaskedArray):
        return
    hidden = np.ma.getmaskarray(values)
    if hidden.any():
        first = tuple(int(i) for i in np.argwhere(hidden)[0])
        where = first[0] if len(first) == 1 else first
        raise (error or MetricInputError)(
            f"{name} is a masked array with {int(hidden.sum()):,} masked entries (the first "
            f"at position {where}), whose hidden values would be read as numbers; fill or "
            "drop them first (e.g. values.compressed() for a sample, values.filled(x) with "
            "the value they stand for)")


def refuse_true_false(values: Any, name: str, error: type[Exception] | None = None
                      ) -> None:
    """Raise ``error`` (default :class:`MetricInputError`) when ``values``, per-user metric
    values, holds true/false: numpy reads True as 1 and False as 0, so hits given as a
    boolean mask were averaged as 0.5 where an EvaluationResult refuses a boolean column.
    The message names ``name`` and the position of the first true/false value."""
    if isinstance(values, np.ndarray) and values.dtype.kind not in "bO":
        return  # numbers: nothing to look through
    try:
        objects = np.asarray(values, dtype=object)
    except (TypeError, ValueError):
        return  # ragged rows and the like: as_float_array names them
    flat = objects.ravel()
    position = next((at for at, value in enumerate(flat)
                     if isinstance(value, bool | np.bool_)), None)
    if position is None:
        return
    where = (position if objects.ndim <= 1 else
             tuple(int(i) for i in np.unravel_index(position, objects.shape)))
    raise (error or MetricInputError)(
        f"{name} holds true/false values (the first, {flat[position]}, at position {where}); "
        "expected numbers (write hits as 1.0 and 0.0, e.g. np.asarray(values, dtype=float))")


def exact_as_float(value: Any) -> Any:
    """An exact number (``Decimal``, ``Fraction``) as the float it names, anything else as
    given: the one rule every numeric option of the metrics and the ranking pipeline reads
    them by (as the data splits and the evaluator do); a float32 or float16 scalar is read
    as the number it shows (``np.float32(0.9)`` is 0.9, not 0.8999999761581421).
    ``Decimal("0.05")`` was refused as an alpha that "must lie in (0, 1)", and as an
    ``eps`` that "must be a real number", while ``Fraction(1, 20)`` was taken. A Decimal
    NaN is NaN and one past the float range an infinity (both then refused as not finite,
    by the caller's own check). A 0-d numpy array (``np.array(0.05)``, what a numpy
    reduction gives) is the number it holds (:func:`~recstack.data.dates.held_scalar`,
    the splits' and the models' rule): it was refused as "got array(0.05)"."""
    value = held_scalar(value)
    if isinstance(value, Decimal):
        if value.is_nan():  # float(Decimal("sNaN")) raises ValueError
            return math.nan
        return float(value)  # Decimal("1e400") is inf, not an OverflowError
    if isinstance(value, Fraction):
        return finite_or_infinite(value)
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        # a float32 / float16 option is the number it shows, its shortest repr, as the data
        # splits read a fraction: np.float32(0.9) was used (and reported) as
        # 0.8999999761581421
        return float(str(value))
    return value


def exact_as_int(value: Any) -> Any:
    """A whole exact number (``Decimal("20")``, ``Fraction(20, 1)``) as the int it names,
    anything else as given (a fraction such as ``Decimal("2.5")`` is then refused by the
    caller's check, shown as given): the integer half of :func:`exact_as_float`, which
    reads a 0-d numpy array (``np.array(64)``) as the number it holds, as that does."""
    return whole_exact_as_int(held_scalar(value))


def spelling_hint(given: Any, kind: Any, name: str,
                  check: Callable[[Any], Any] | None = None) -> str:
    """:func:`~recstack.specs.number_spelling_hint` for an argument ``name`` of a metric: a
    number given in quotes (``n_bins="10"``) or a whole number with a point where a count
    goes (``k=10.0``) is told how to write it, as the pipeline's and the models' options
    are; a name that is no identifier (``"training data"``) shows the value alone. Its
    refusal said only "got '10'", which did not say that the quotes were the mistake.
    With ``check`` (the check refusing it), the hint is given only where the number it
    spells would pass: ``k="0"`` and ``threshold="inf"`` are not told to write ``k = 0``
    or ``threshold = inf``, values refused as well."""
    try:
        hint = number_spelling_hint(given, kind, name if name.isidentifier() else "")
    except Exception:  # an array or an odd object: no hint, the refusal stands
        return ""
    if not hint or check is None:
        return hint
    meant = _number_spelt(given)
    if meant is not None:
        try:
            check(meant)
        except MetricInputError:
            return ""
    return hint


def how_to_write(given: Any, kind: type, name: str, valid: Callable[[Any], bool]) -> str:
    """How to write a setting refused as ``given`` when it is a number spelt as text
    (``batch_size="64"``, ``relevance_threshold="4"``) or, where a whole number goes, with
    a point (``batch_size=64.0``): :func:`spelling_hint`, the
    hint the metrics' own settings give (``n_bins="10"``), given only where the number
    spelt is ``valid`` (``batch_size="0"`` is not told to write 0). The refusals said only
    "got '64'", which did not say that the quotes were the mistake."""
    def check(meant: Any) -> None:
        if not valid(meant):
            raise MetricInputError(f"{name} refuses {meant!r}")

    return spelling_hint(given, kind, name, check)


def _number_spelt(given: Any) -> Any:
    """The number a quoted value (``'10'``, ``'1e3'``) or a whole float (``10.0``) spells,
    as the hint writes it; None when it spells none."""
    if isinstance(given, str):
        for cast in (int, float):
            try:
                number = number_from_text(str(given), cast)
            except ValueError:
                continue
            if isinstance(number, float) and number.is_integer():
                return int(number)
            return number
        return None
    if isinstance(given, float) and math.isfinite(given) and given.is_integer():
        return int(given)
    return None


def check_k(k: Any, name: str = "k", *, most: int | None = None, key: str | None = None
            ) -> int:
    """Return ``k`` as a Python int after checking that it is an integer >= 1 (and, when an
    array of ``k`` entries is allocated from it, at most ``most``); a whole exact number
    (``Decimal("10")``) is read as its int. ``key`` is the name a refused value's spelling
    hint shows it with (default ``name``; "" for the value alone, as for a list's item)."""
    # a 0-d array is the number it holds, refused as that number (np.array(10.0) as 10.0,
    # with its spelling hint), as the splits refuse np.array(True) as True
    k = held_scalar(k)
    given, k = k, exact_as_int(k)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        hint = spelling_hint(given, int, name if key is None else key,
                             lambda meant: check_k(meant, name, most=most))
        raise MetricInputError(f"{name} must be a positive integer, got {shown_given(given)}{hint}")
    k = int(k)
    if k <= 0:
        raise MetricInputError(f"{name} must be a positive integer (>= 1), got "
                               f"{count_shown(k, grouped=False)}")
    if most is not None and k > most:
        raise MetricInputError(f"{name} must be at most {most:,} (an array of {name} entries "
                               f"is allocated, and no evaluation needs more), got "
                               f"{count_shown(k)}")
    return k


def check_cutoff(k: Any, name: str = "k") -> int:
    """Return the cut-off ``k`` of a metric as a Python int: a whole number from 1 to
    :data:`~recstack.specs.K_MAX`, the bound :func:`ranking_metrics`, the Evaluator and
    ``[evaluation] ks`` apply (one rule: ``precision_at_k(..., k=10**6)`` was computed while
    ``ranking_metrics(..., ks=(10**6,))`` was refused)."""
    k = check_k(k, name)
    if k > K_MAX:
        raise MetricInputError(f"{name} = {count_shown(k)} is above {K_MAX:,}, the largest "
                               f"cut-off (ks are {CUTOFF_RULE}, as ranking_metrics and the "
                               f"Evaluator take them); use a {name} of at most {K_MAX:,}")
    return k


def check_cells(n_rows: int, k: int, name: str = "k", rows: str = "users") -> None:
    """Refuse an ``(n_rows, k)`` float64 array of more than :data:`MAX_CELLS` cells, naming
    ``name`` (the cut-off that sizes it)."""
    if n_rows * k > MAX_CELLS:
        raise MetricInputError(
            f"{name} = {count_shown(k)} for {n_rows:,} {rows} asks for a ({n_rows:,}, "
            f"{count_shown(k)}) array of "
            f"{n_rows * k:,} values, more than the {MAX_CELLS:,} (8 GiB) allowed; use a "
            f"{name} of at most {max(1, MAX_CELLS // max(n_rows, 1)):,}")


def check_ks(ks: Any) -> tuple[int, ...]:
    """Return the cut-offs as a tuple of distinct positive ints, in the order given (one
    cut-off, given bare or as a 0-d array, as a tuple of one)."""
    ks = held_scalar(ks)  # np.array(10) was "must be ... a sequence of ints" where 10 was taken
    if isinstance(ks, numbers.Integral) and not isinstance(ks, bool):
        ks = (ks,)
    if isinstance(ks, str | bytes):  # would be read letter by letter: "10" as 1 and 0
        raise MetricInputError(f"ks must be an int or a sequence of ints such as (10, 20), "
                               f"got the text {ks!r}{spelling_hint(ks, int, 'ks')}")
    try:
        values = tuple(ks)
    except TypeError:
        raise MetricInputError(f"ks must be an int or a sequence of ints, got {ks!r}") from None
    if not values:
        raise MetricInputError("ks is empty; give at least one cut-off, e.g. ks=(10,)")
    if isinstance(ks, np.ndarray) and ks.ndim > 1:
        # np.array([[1, 2]]) was "ks must be a positive integer, got array([1, 2])", which
        # did not say that the array has rows
        raise MetricInputError(f"ks must be one cut-off or a flat sequence of them such as "
                               f"(10, 20), got a {ks.ndim}-D array of shape {ks.shape}; "
                               "pass ks.ravel() if its entries are the cut-offs")
    nested = next((k for k in values if isinstance(k, list | tuple | range)
                   or (isinstance(k, np.ndarray) and k.ndim)), None)
    if nested is not None:
        raise MetricInputError(f"ks must be one cut-off or a flat sequence of them such as "
                               f"(10, 20), got a sequence holding the sequence "
                               f"{shown_given(nested)}; list the cut-offs themselves")
    # each cut-off's hint shows the value alone (ks = 10 would not be the list meant)
    checked = tuple(check_k(k, name="ks", key="") for k in values)
    if len(set(checked)) != len(checked):
        raise MetricInputError(f"ks has repeated cut-offs: {list(checked)}")
    # the bound the Evaluator and [evaluation] ks apply: ks = (10**6,) allocated lists of a
    # million columns per user, and range(1, 1000) as many results
    problem = cutoffs_problem(checked)
    if problem:
        raise MetricInputError(f"ks = {cutoffs_text(checked)}: {problem}")
    return checked


def check_positive_float(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float that is > 0 (or >= 0 with ``allow_zero``); an
    exact number (Decimal, Fraction) is read as its float."""
    value = held_scalar(value)  # np.array(0.5) is 0.5, refused as what it holds
    given, value = value, exact_as_float(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = spelling_hint(given, float, name, lambda meant: check_positive_float(
            meant, name, allow_zero=allow_zero))
        raise MetricInputError(f"{name} must be a real number, got {shown_given(given)}{hint}")
    number = finite_or_infinite(value)  # an integer past the float range: refused as inf
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        written = count_shown(int(value), grouped=False) \
            if isinstance(value, numbers.Integral) and np.isinf(number) \
            else repr(given) if given is not value else number
        raise MetricInputError(f"{name} must be a finite number {bound}, got {written}")
    return number


def check_finite_float(value: Any, name: str) -> float:
    """Return ``value`` as a finite float (an exact number, Decimal or Fraction, as its
    float)."""
    value = held_scalar(value)  # np.array(3.0) is 3.0, refused as what it holds
    given, value = value, exact_as_float(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = spelling_hint(given, float, name,
                             lambda meant: check_finite_float(meant, name))
        raise MetricInputError(f"{name} must be a finite number, got {shown_given(given)}{hint}")
    number = finite_or_infinite(value)  # an integer past the float range: refused as inf
    if not np.isfinite(number):
        raise MetricInputError(f"{name} must be a finite number, got "
                               f"{shown_number(value) if given is value else repr(given)}")
    return number


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` after checking that it is one of ``choices``."""
    # text only: an array or a Series compared with ``in`` raised numpy's "truth value of
    # an array is ambiguous" (a 0-d array, np.array("mean"), is the name it holds)
    value = held_scalar(value)
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        # a misspelt choice ('quantil', 'Quantile') is named with the nearest, as a
        # misspelt metric or argument is
        raise MetricInputError(f"{name} must be one of {options}; got {value!r:.80}"
                               f"{did_you_mean(value, choices)}")
    return str(value)


def as_float_1d(
    values: ArrayLike, name: str, *, allow_empty: bool = False, finite: bool = True
) -> NDArray[np.float64]:
    """Return a 1-D float64 array without NaN (and, if ``finite``, without ``±inf``).

    Empty only when ``allow_empty``.
    """
    array = as_float_array(values, name, ndim=1, allow_inf=not finite)
    if array.size == 0 and not allow_empty:
        raise MetricInputError(f"{name} is empty; the metric is undefined for no samples")
    return array


def as_float_array(
    values: Any,
    name: str,
    *,
    ndim: int,
    allow_inf: bool = False,
    allow_nan: bool = False,
    non_negative: bool = False,
) -> NDArray[np.float64]:
    """Return ``values`` as a float64 array of ``ndim`` dimensions, checked value by value.

    The one place where user arrays become numbers: ragged rows, words and ``None`` among the
    numbers, the wrong number of dimensions, ``NaN`` and ``±inf`` (unless allowed) and, with
    ``non_negative``, values below 0 raise :class:`MetricInputError` naming ``name`` and the
    position of the first bad value.
    """
    shape_words = f"{ndim}-D"
    if sp.issparse(values):
        # numpy cannot convert one: it was "the csr_matrix given holds values that are not
        # numbers, or rows of different lengths", of a matrix of numbers
        fix = (f"pass {name}.toarray() if it is meant (or is it the sparse matrix of "
               f"relevant items, given in the place of {name}?)" if ndim == 2 else
               f"pass {name}.toarray().ravel() if it is meant")
        raise MetricInputError(
            f"{name} must be a dense {shape_words} array of numbers, got a scipy sparse "
            f"{type(values).__name__} of shape {values.shape}; {fix}")
    refuse_not_numbers(values, name)
    try:
        array = np.asarray(values, dtype=np.float64)
    except OverflowError:
        raise MetricInputError(beyond_float(values, name)) from None
    except (TypeError, ValueError):
        # a DataFrame of nullable columns (Float64, Int64) holding pd.NA: numpy cannot
        # convert it, a Series of them it can (NaN there); read both alike, so that the
        # checks below name the missing value's position
        nullable = _nullable_as_nan(values)
        if nullable is None:
            nullable = object_missing_as_nan(values)
        if nullable is None:
            problem = unconvertible(values)
            raise MetricInputError(
                f"{name} must be an array of numbers ({shape_words}); "
                + (f"{problem}{_FIX_ROWS if problem.startswith(_RAGGED) else ''}"
                   if problem is not None else
                   f"the {type(values).__name__} given holds values that are not numbers, "
                   "or rows of different lengths")
            ) from None
        array = nullable
    if array.ndim != ndim:
        layout = " (rows x columns)" if ndim == 2 else ""
        # None or a single value was "got an array of shape ()", numpy's wrapping of it
        given = (("None" if values is None else f"{type(values).__name__} {shown(values):.60}")
                 if array.ndim == 0 and not isinstance(values, np.ndarray | np.generic)
                 else f"an array of shape {array.shape}")
        if array.ndim and 0 in array.shape:
            # [] where rows were wanted was "got an array of shape (0,)", which did not say
            # that nothing was given
            raise MetricInputError(f"{name} is empty (shape {array.shape}); it must be "
                                   f"{shape_words}{layout}")
        raise MetricInputError(f"{name} must be {shape_words}{layout}, got {given}")
    bad = np.zeros(array.shape, dtype=bool)
    if not allow_nan:
        bad |= np.isnan(array)
    if not allow_inf:
        bad |= np.isinf(array)
    if non_negative:
        bad |= array < 0
    if np.any(bad):
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        where = position[0] if ndim == 1 else position
        wanted = ("a number" if allow_inf else "finite") + (" or NaN" if allow_nan else "")
        if non_negative:
            wanted += " and non-negative (>= 0)"
        raise MetricInputError(
            f"{name} must be {wanted}; position {where} holds "
            f"{value_as_given(values, array, position)}{first_of(int(bad.sum()))}"
        )
    return array


def object_missing_as_nan(values: Any) -> NDArray[np.float64] | None:
    """A list or object array of numbers holding ``pd.NA`` (which numpy cannot convert,
    unlike None) as float64 with NaN there, so that the check of each value names its
    position; None for anything else."""
    import pandas as pd

    if not isinstance(values, list | tuple | np.ndarray):
        return None
    try:
        given = np.asarray(values, dtype=object)
        missing = np.frompyfunc(lambda v: v is pd.NA, 1, 1)(given).astype(bool)
        return np.asarray(np.where(missing, np.nan, given), dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None


def value_as_given(values: Any, array: NDArray[np.float64], position: tuple[int, ...]
                   ) -> str:
    """The value at ``position`` as the user wrote it (``None``, ``pd.NA``,
    ``Decimal('NaN')``, not their float ``nan``), with "(a missing value)" for None and
    ``pd.NA``; a number, and any value of a numeric array, as its float."""
    import pandas as pd

    fallback = repr(float(array[position]))
    if isinstance(values, pd.Series | pd.DataFrame | pd.Index | pd.api.extensions.
                  ExtensionArray) and np.isnan(array[position]):
        # a nullable column's (Int64, Float64, pyarrow's) gap was "holds nan", numpy's
        # reading of pd.NA, a value the user never wrote (the evaluation entry points
        # named it; the metrics called directly did not)
        try:
            objects = np.asarray(values, dtype=object)
        except (TypeError, ValueError):
            return fallback
        if objects.shape == array.shape and objects[position] is pd.NA:
            dtype = getattr(values, "dtype", None)
            kind = f" of the nullable type {dtype}" if dtype is not None else ""
            return f"pd.NA{kind} (a missing value)"
        return fallback
    if not isinstance(values, list | tuple | np.ndarray) or (
            isinstance(values, np.ndarray) and values.dtype != object):
        return fallback  # a numeric array
    try:
        objects = np.asarray(values, dtype=object)
    except (TypeError, ValueError):
        return fallback
    if objects.shape != array.shape:
        return fallback
    given = objects[position]
    if given is None:
        return "None (a missing value)"
    if given is pd.NA:
        return "pd.NA (a missing value)"
    if isinstance(given, float | int | np.floating | np.integer) and not isinstance(
            given, bool | np.bool_):
        return fallback
    return shown(given)


def _nullable_as_nan(values: Any) -> NDArray[np.float64] | None:
    """A pandas DataFrame whose columns all have numeric dtypes (nullable ``Float64`` or
    ``Int64`` among them) as float64 with NaN for ``pd.NA``; None for anything else."""
    import pandas as pd

    if not isinstance(values, pd.DataFrame) or not all(
            pd.api.types.is_numeric_dtype(dtype) for dtype in values.dtypes):
        return None
    try:
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return None


def check_aligned(*named: tuple[str, Any], error: type[Exception] | None = None,
                  where: str = "") -> None:
    """Refuse pandas Series (or DataFrames) of one sample that hold the same index labels
    in different orders: the metrics pair values by position, where pandas would pair them
    by label, so a shuffled or sorted copy would be paired wrongly without a word. Indexes
    that only partly share their labels (``[0, 1]`` beside ``[1, 2]``: two slices of one
    frame) or that share none while neither is the fresh row numbers ``0..n-1`` (user ids
    of two different samples) are refused too, naming the first label of one missing from
    the other. A filtered frame beside a fresh 0..n-1 index (predictions wrapped from an
    array) sharing no label with it is paired by position, as numpy does; arrays and lists
    are not looked at."""
    import pandas as pd  # deferred: only pandas inputs reach it

    indexed = [(name, value.index, "DataFrame" if isinstance(value, pd.DataFrame)
                else "Series") for name, value in named
               if isinstance(value, pd.Series | pd.DataFrame)]
    for (first, index, kind), (other, other_index, other_kind) in zip(indexed, indexed[1:],
                                                                      strict=False):
        # different lengths are named by the length check
        if len(index) == len(other_index) and not index.equals(other_index) \
                and index.is_unique and other_index.is_unique \
                and set(index) == set(other_index):
            # the labels compared one by one: indexes of one order but two types (a
            # nullable Int64 beside an int64 one) are not .equals, and were refused as
            # "position 0 is row 0 of a but row 0 of b"
            at = next((i for i, (a, b) in enumerate(zip(index, other_index, strict=True))
                       if not _same_label(a, b)), None)
            if at is None:
                continue
            raise (error or MetricInputError)(
                f"{where}{first} and {other} are {_pandas_kinds(kind, other_kind)} with the "
                "same index labels in different orders "
                f"(position {at} is row {_label(index[at])!r} of {first} but row "
                f"{_label(other_index[at])!r} of {other}); "
                "values are paired by position, not by index label, so align them first "
                f"(e.g. {other}.loc[{first}.index]) or pass plain arrays")
        if len(index) == len(other_index) and index.is_unique and other_index.is_unique:
            problem = _other_labels(first, index, other, other_index)
            if problem is not None:
                raise (error or MetricInputError)(
                    f"{where}{first} and {other} are {_pandas_kinds(kind, other_kind)} with "
                    f"different index labels ({problem}); values are paired by position, "
                    "not by index label, so pair them as meant first (e.g. "
                    f"{other}.loc[{first}.index] for the same rows) or, when they are "
                    "already in one order, pass plain arrays (.to_numpy())")


def _other_labels(first: str, index: Any, other: str, other_index: Any) -> str | None:
    """Why two unique indexes of one length cannot be paired by position, or None when
    they can: they hold the same labels (one order, or another order, which the caller
    names), or one is the fresh row numbers ``0..n-1`` (an array wrapped in a Series: a
    model's predictions beside a filtered frame's labels, paired by position as numpy and
    scikit-learn pair them, whatever labels the two happen to share). Labels shared in part
    (``[0, 1]`` beside ``[1, 2]``: slices of one frame, shifted) or labels altogether other
    (user ids of two samples), neither being row numbers, were paired by position without
    a word, where pandas pairs by label: the first label of ``first`` missing from
    ``other`` (or the reverse) is named."""
    labels, other_labels = set(index), set(other_index)
    if labels == other_labels or _fresh_rows(index) or _fresh_rows(other_index):
        return None
    shared = labels & other_labels
    missing, holder, lacking = next(
        ((label, first, other) for label in index if label not in other_labels), None) \
        or next((label, other, first) for label in other_index if label not in labels)
    shared_words = (f"they share {counted(len(shared), 'label')} of {len(labels)}"
                    if shared else "they share none")
    return f"row {_label(missing)!r} of {holder} is not in {lacking}'s index; {shared_words}"


def _fresh_rows(index: Any) -> bool:
    """Whether ``index`` is the row numbers ``0..n-1`` in order (pandas' default index of a
    Series made from an array, whatever the index's integer type)."""
    import pandas as pd

    if index.equals(pd.RangeIndex(len(index))):
        return True
    return all(_row_number(label) == at for at, label in enumerate(index.tolist()))


def _pandas_kinds(kind: str, other_kind: str) -> str:
    """Two pandas objects' kinds in words: ``Series``, ``DataFrames``, or ``a Series and
    a DataFrame`` in their order (a DataFrame was called a Series)."""
    if kind == other_kind:
        return "pandas Series" if kind == "Series" else "pandas DataFrames"
    return f"a pandas {kind} and a pandas {other_kind}"


def _same_label(a: Any, b: Any) -> bool:
    """Whether two index labels are one: ``pd.NA`` (whose ``==`` is no truth value, a
    TypeError traceback) and NaN are the same label as themselves."""
    if a is b:
        return True
    try:
        return bool(a == b)
    except TypeError:
        return False


def _row_number(label: Any) -> int | None:
    """``label`` as a row number: an integer of any type, or a whole float; None for
    anything else (booleans, text, fractions, missing values)."""
    if isinstance(label, bool | np.bool_):
        return None
    if isinstance(label, numbers.Integral):
        return int(label)
    if isinstance(label, float | np.floating) and np.isfinite(label) and label == int(label):
        return int(label)
    return None


def refuse_reordered_rows(values: Any, name: str, error: type[Exception] | None = None
                          ) -> None:
    """Refuse a pandas Series indexed by the row numbers ``0..n-1`` in another order (what
    ``value_counts()`` of item indices gives: the most frequent first), where values are
    read by position, one per row (item counts, popularity): each value would go to
    another row without a word. A DataFrame read as one row per item (item features,
    genres, embedding vectors) is refused the same way when its index is the row numbers
    in another order (a frame sorted by a column, or rows taken in another order): its rows
    went to other items. Labels other than the row numbers are read by position, as numpy
    does."""
    import pandas as pd  # deferred: only pandas inputs reach it

    if not isinstance(values, pd.Series | pd.DataFrame) or not values.index.is_unique \
            or values.index.equals(pd.RangeIndex(len(values))):
        return
    # by the numbers the labels are, whatever the index's type: a nullable (Int64),
    # pyarrow or categorical index of 0..n-1 in order is not RangeIndex.equals (that was a
    # StopIteration traceback), and whole floats (2.0, 1.0, 0.0) are row numbers too
    labels = [_row_number(label) for label in values.index.tolist()]
    if None not in labels and set(labels) == set(range(len(labels))):
        at = next((i for i, label in enumerate(labels) if label != i), None)
        if at is None:
            return
        kind, part = (("Series", "values") if isinstance(values, pd.Series)
                      else ("DataFrame", "rows"))
        raise (error or MetricInputError)(
            f"{name} is a pandas {kind} indexed by the row numbers in another order "
            f"(position {at} holds row {labels[at]}); its {part} are read by position, one "
            "per row, so each would go to another row: sort it first (.sort_index()) or pass "
            f"the {part} in row order")


def refuse_label_text(values: Any, name: str) -> None:
    """Refuse labels written as text (an item table's genres column, ``'Action|Comedy'``, or
    a list of genres per item) where a numeric items x features matrix belongs, saying how
    to build one: the general refusal of text said to convert it with
    ``pandas.to_numeric``, which cannot help."""
    if isinstance(values, str | bytes) or (hasattr(values, "shape")
                                          and len(values.shape) != 1):
        return  # one text, or a matrix: refused by the numeric checks
    try:
        entries = list(values)[:1000]  # the first entries tell labels from numbers
    except TypeError:
        return
    # lists of labels per item have different lengths (a rectangular table of text is
    # left to the numeric checks)
    label_lists = len({len(entry) for entry in entries
                       if isinstance(entry, list | tuple)}) > 1

    def first_text(entry: Any) -> str | None:
        if isinstance(entry, str):
            return str(entry)
        if label_lists and isinstance(entry, list | tuple):
            return next((str(label) for label in entry if isinstance(label, str)), None)
        return None

    text = next((found for entry in entries if (found := first_text(entry)) is not None),
                None)
    if text is not None:
        raise MetricInputError(
            f"{name} must be an items x features matrix of numbers (item vectors, or a "
            f"multi-hot genre matrix), got labels as text such as {text!r}; build the "
            "matrix from them with recstack.analysis.label_matrix(genres)[0] (one row per "
            "item, in the order of the item index)")


def refuse_featureless(shape: tuple[int, ...], n_nonzero: int, name: str, consequence: str,
                       error: type[Exception] | None = None) -> None:
    """Refuse an item feature matrix (genres, tags, embeddings) of which not one item has a
    feature: no columns (the genre multi-hot of items none of which has a genre) or all
    zeros. A metric of such vectors is undefined for every list (``consequence`` says how),
    which read as a measurement of nothing. ``n_nonzero`` counts non-zero entries (or rows
    with features); a matrix without rows is left to the caller."""
    if len(shape) != 2 or not shape[0]:
        return
    error = error or MetricInputError
    if shape[1] == 0:
        raise error(
            f"{name} has no columns (shape {tuple(shape)}), so no item has a feature and "
            f"{consequence}; give one column per feature (genre, tag or embedding "
            "dimension), e.g. the genre multi-hot matrix of items that have genres")
    if n_nonzero == 0:
        raise error(
            f"{name} is all zeros (shape {tuple(shape)}): no item has a feature, so "
            f"{consequence}; give the items' genres, tags or embeddings (an item may have "
            "none, but not every item)")


def _label(value: Any) -> Any:
    """An index label as the user wrote it: ``3``, not numpy's ``np.int64(3)``."""
    return value.item() if isinstance(value, np.generic) else value


def check_same_length(*named: tuple[str, np.ndarray]) -> None:
    """Raise unless all arrays have the same first dimension."""
    lengths = {name: array.shape[0] for name, array in named}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        # the noun follows the last count ("y_pred has 1 entries" was written)
        last = list(lengths.values())[-1]
        raise MetricInputError(f"length mismatch: {described} "
                               f"{'entry' if last == 1 else 'entries'}")


def as_binary_labels(values: ArrayLike, name: str, *,
                     paired: tuple[str, Any] | None = None) -> NDArray[np.float64]:
    """Return labels as float64 0/1 after checking every label is 0 or 1 (or False/True).

    ``paired`` (the name and value of the argument given beside the labels, the scores or
    probabilities): when the labels are refused and it holds only 0 and 1, the message
    says the two look swapped."""
    labels = as_float_1d(values, name)
    bad = (labels != 0) & (labels != 1)
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        swapped = ""
        if paired is not None:
            other, given = paired
            try:
                numbers = np.asarray(given, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                numbers = np.empty(0)
            if numbers.size and np.isin(numbers, (0.0, 1.0)).all():
                swapped = (f" ({other} holds only 0 and 1, as labels do: were {name} and "
                           f"{other} swapped? {name} comes first)")
        raise MetricInputError(
            f"{name} must hold binary labels 0 or 1; position {first} holds "
            # (the guess that the two are swapped says why they all are refused)
            f"{shown(labels[first])}{swapped or first_of(int(bad.sum()))}"
        )
    return labels


def refuse_predicted_classes(values: Any, name: str, wanted: str, read_as: str) -> None:
    """Refuse true/false values where ``wanted`` (probabilities, scores) belong: they are
    predicted classes (or a mask) given in the wrong place, ``read_as`` says how they
    would silently be read."""
    try:
        kind: str = np.asarray(values).dtype.kind
    except (TypeError, ValueError):
        kind = ""  # ragged rows and the like: as_float_1d names them
    if kind == "b":
        raise MetricInputError(
            f"{name} must be {wanted}, got true/false values (predicted classes, "
            f"{read_as}); pass the predicted {wanted.split(' in ')[0]}")


def as_probabilities(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return a 1-D float64 array after checking every value lies in [0, 1]; true/false
    values (predicted classes, read as certainties 1 and 0) are refused."""
    refuse_predicted_classes(values, name, "probabilities in [0, 1]",
                             "read as certainties 1 and 0")
    probs = as_float_1d(values, name)
    bad = (probs < 0) | (probs > 1)
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise MetricInputError(
            f"{name} must be probabilities in [0, 1]; position {first} holds "
            f"{shown(probs[first])}{first_of(int(bad.sum()))}"
        )
    return probs


def _empty_rows(name: str, shape: tuple[int, ...], holding: str) -> str | None:
    """The refusal of an empty per-user input (``[]``, not 2-D): it was "must be a 2-D
    (n_users, K) array, got shape (0,)", which did not say the input was empty."""
    if 0 not in shape:
        return None
    return (f"{name} is empty (shape {shape}): there are no users to score; it must be a 2-D "
            f"(n_users, K) array of {holding}, one row per user")


def as_recommended(
    recommended: ArrayLike, *, name: str = "recommended", n_users: int | None = None
) -> NDArray[np.integer]:
    """Return the top-K matrix as a 2-D integer array after checking its shape and dtype.

    Only the cheap structural checks happen here; :func:`check_recommended_rows` checks the
    values, block by block.
    """
    refuse_unordered(recommended, name)
    refuse_masked(recommended, name)
    # a frame of lists indexed by the user rows in another order compared each user's list
    # with another user's truth
    refuse_reordered_rows(recommended, name)
    try:
        array = np.asarray(recommended)
    except ValueError:  # rows of different lengths
        problem = unconvertible(recommended)
        raise MetricInputError(
            f"{name} must be a 2-D (n_users, K) array of item indices; "
            + (f"{problem}: pad short lists with -1" if problem is not None else
               "its rows have different lengths (pad short lists with -1)")
        ) from None
    if array.ndim != 2:
        raise MetricInputError(
            _empty_rows(name, array.shape, "item indices") or
            f"{name} must be a 2-D (n_users, K) array of item indices, got shape {array.shape}"
        )
    if array.size and array.dtype == object:
        array = _object_indices(array, name)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise MetricInputError(
            f"{name} must have an integer dtype (item indices, -1 for padding), "
            f"got dtype {array.dtype}"
        )
    if array.size == 0:
        array = array.astype(np.int64)
    if n_users is not None and array.shape[0] != n_users:
        raise MetricInputError(
            f"{name} has {counted(array.shape[0], 'row')} but the ground truth has "
            f"{counted(n_users, 'user')}"
        )
    return array


def _object_indices(array: NDArray[Any], name: str) -> NDArray[np.int64]:
    """An object array of item indices (Python integers, as lists of lists with a number
    past int64 or a pandas object column give) as int64, or the first entry that is not an
    index named by row and slot: the message was "got dtype object", which said neither
    which entry nor what was wrong with it."""
    limits = np.iinfo(np.int64)
    for flat, value in enumerate(array.flat):
        if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
            if limits.min <= int(value) <= limits.max:
                continue
            problem = (f"{shown_number(value)}, too large for an item index (a 64-bit integer); "
                       "item indices count from 0, -1 for padding")
        elif value is None or (isinstance(value, float) and np.isnan(value)):
            problem = f"{value!r} (a missing entry); pad short lists with -1"
        else:
            problem = (f"{shown_number(value)} ({type(value).__name__}); item indices are "
                       "integers, -1 for padding")
        row, slot = (int(i) for i in np.unravel_index(flat, array.shape))
        raise MetricInputError(f"{name} row {row}, slot {slot} holds {problem}")
    return array.astype(np.int64)


def check_recommended_rows(
    block: NDArray[np.integer],
    n_items: int | None,
    *,
    name: str = "recommended",
    first_row: int = 0,
    catalog: str | None = None,
    padding_trails: bool = True,
) -> NDArray[np.int64]:
    """Check a block of rows of a top-K matrix; return it as C-contiguous int64.

    The contract: every entry is an item index in ``[0, n_items)`` or the padding value ``-1``,
    and no item repeats within a row. ``first_row`` makes row numbers in messages global;
    ``catalog`` names the argument ``n_items`` was read from (one entry per item), so that a
    short item table is named rather than blamed on the lists. Padding may only fill the end
    of a row (``[3, -1, 5]`` is refused) unless ``padding_trails`` is False (a lookup entry by
    entry, :func:`~recstack.metrics.ranking.relevance_at_ranks`).
    """
    checked = np.ascontiguousarray(block, dtype=np.int64)
    if checked.size == 0:
        return checked
    low, high = int(checked.min()), int(checked.max())
    if low < -1:
        local = int(np.flatnonzero((checked < -1).any(axis=1))[0])
        value = int(checked[local][checked[local] < -1][0])
        raise MetricInputError(
            f"{name} row {first_row + local} holds {value}; item indices must be >= 0, "
            "or -1 for padding"
        )
    if n_items is not None and high >= n_items:
        local = int(np.flatnonzero((checked >= n_items).any(axis=1))[0])
        value = int(checked[local][checked[local] >= n_items][0])
        size = (f"{catalog} covers only {counted(n_items, 'item')} (one entry per catalog "
                "item)" if catalog else f"the catalog has only {counted(n_items, 'item')}")
        raise MetricInputError(
            f"{name} row {first_row + local} holds item index {value} but {size} (valid "
            f"indices are 0..{n_items - 1})"
        )
    if padding_trails and checked.shape[1] > 1 and low == -1:
        # padding fills the end of a short list: an item after it ([3, -1, 5]) was read at
        # a rank the list does not give it (a list put together wrongly, or -1 meant as an
        # item), and counted
        after = (checked[:, 1:] >= 0) & (np.minimum.accumulate(checked, axis=1)[:, :-1] < 0)
        if after.any():
            local = int(np.flatnonzero(after.any(axis=1))[0])
            slot = int(np.argmax(after[local])) + 1
            pad = int(np.argmax(checked[local] < 0))
            raise MetricInputError(
                f"{name} row {first_row + local} holds item {int(checked[local, slot])} at "
                f"position {slot}, after the padding -1 at position {pad}; padding (-1) may "
                "only fill the end of a list: move the items before it"
            )
    if checked.shape[1] > 1:
        ordered = np.sort(checked, axis=1)
        repeated = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        if np.any(repeated):
            local = int(np.flatnonzero(repeated.any(axis=1))[0])
            item = int(ordered[local, 1:][repeated[local]][0])
            raise MetricInputError(
                f"{name} row {first_row + local} recommends item {item} more than once; "
                "each item may appear at most once per list"
            )
    return checked


def check_lists(
    recommended: ArrayLike, n_items: int, k: Any = None, *, catalog: str | None = None
) -> NDArray[np.int64]:
    """The first ``k`` columns (all when ``k`` is None) of a checked top-K matrix, for the
    metrics of whole lists; ``catalog`` as in :func:`check_recommended_rows`."""
    rec = as_recommended(recommended)
    if k is not None:
        rec = rec[:, : check_cutoff(k)]
    return check_recommended_rows(rec, n_items, catalog=catalog)


def as_csr(matrix: Any, name: str, *, shape: tuple[int, int] | None = None) -> sp.csr_matrix:
    """Return a canonical (sorted, duplicate-free) float64 CSR copy-or-view of ``matrix``.

    Accepts any scipy sparse matrix or array. Duplicate entries are summed, as scipy does.
    """
    if not sp.issparse(matrix):
        raise MetricInputError(
            f"{name} must be a scipy.sparse matrix (CSR preferred), got {type(matrix).__name__}"
        )
    if matrix.ndim != 2:
        raise MetricInputError(f"{name} must be 2-D, got shape {matrix.shape}")
    refuse_not_numbers(matrix, name)
    csr = sp.csr_matrix(matrix, dtype=np.float64)
    if shape is not None and csr.shape != shape:
        raise MetricInputError(f"{name} has shape {csr.shape}, expected {shape}")
    if not csr.has_canonical_format:
        csr = csr.copy()
        csr.sum_duplicates()
    bad = ~np.isfinite(csr.data)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(csr.indptr, first, side="right") - 1)
        raise MetricInputError(
            f"{name} must hold finite numbers, not NaN or infinite ones; "
            f"{_cell((row, int(csr.indices[first])))} holds {shown(csr.data[first])}"
            f"{first_of(int(bad.sum()))}")
    return csr


def as_grades_matrix(grades: ArrayLike, name: str = "grades") -> NDArray[np.float64]:
    """Return a 2-D float64 matrix of non-negative finite relevance grades."""
    if sp.issparse(grades):
        raise MetricInputError(f"{name} must be a dense 2-D (n_users, K) array, got a sparse "
                               "matrix (the truth matrix goes to the arguments named truth)")
    refuse_not_numbers(grades, name)
    refuse_reordered_rows(grades, name)
    try:
        array = np.asarray(grades, dtype=np.float64)
    except OverflowError:
        raise MetricInputError(beyond_float(grades, name)) from None
    except (TypeError, ValueError):  # ragged rows, or values that are not numbers
        problem = unconvertible(grades)
        raise MetricInputError(f"{name} must be a 2-D (n_users, K) array of numbers, "
                               + (f"but {problem}{_FIX_ROWS if problem.startswith(_RAGGED) else ''}"
                                  if problem is not None else
                                  f"got {type(grades).__name__}")) from None
    if array.ndim != 2:
        raise MetricInputError(_empty_rows(name, array.shape, "relevance grades") or
                               f"{name} must be a 2-D (n_users, K) array, got shape {array.shape}")
    bad = ~(np.isfinite(array) & (array >= 0))
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        raise MetricInputError(
            f"{name} must hold finite, non-negative relevance grades (0: not relevant); "
            f"{_cell(position)} holds {value_as_given(grades, array, position)}"
            f"{first_of(int(bad.sum()))}")
    return array


def as_counts(counts: ArrayLike, name: str, n: int) -> NDArray[np.int64]:
    """Return a 1-D int64 array of ``n`` non-negative whole numbers; a value that is not
    one (a fraction, NaN, a number past int64) is named with its position."""
    refuse_not_numbers(counts, name)
    refuse_reordered_rows(counts, name)
    try:
        array = np.asarray(counts)
    except ValueError:  # rows of different lengths
        problem = unconvertible(counts)
        raise MetricInputError(f"{name} must be 1-D with {counted(n, 'entry', 'entries')} "
                               "(one count per user), got "
                               + ("rows of different lengths" if problem is None
                                  else f"rows of different lengths: {problem[len(_RAGGED):]}"
                                  if problem.startswith(_RAGGED)
                                  else f"nested lists: {problem}")) from None
    if array.ndim != 1 or array.shape[0] != n:
        raise MetricInputError(f"{name} must be 1-D with {counted(n, 'entry', 'entries')}, "
                               f"got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        try:
            as_float = array.astype(np.float64)
        except OverflowError:
            raise MetricInputError(beyond_float(array, name)) from None
        except (TypeError, ValueError):
            raise MetricInputError(f"{name} must hold whole numbers, got values of type "
                                   f"{array.dtype}") from None
        # beyond int64 the cast wrapped round (1e30 was reported as -9223372036854775808)
        bad = ~(np.isfinite(as_float) & (as_float == np.round(as_float))) \
            | (np.abs(as_float) >= 2.0**63)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise MetricInputError(f"{name} must hold whole numbers (counts); position "
                                   f"{position} holds {shown_number(array[position])}"
                                   f"{first_of(int(bad.sum()))}")
    elif array.size and array.dtype == np.uint64 and array.max() > _MAX_KEY:
        position = int(np.argmax(array > _MAX_KEY))
        raise MetricInputError(f"{name} must hold whole numbers (counts); position "
                               f"{position} holds {int(array[position])}, past int64"
                               f"{first_of(int((array > _MAX_KEY).sum()))}")
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        position = int(np.argmax(array < 0))
        raise MetricInputError(f"{name} must be non-negative; position {position} holds "
                               f"{int(array[position])}{first_of(int((array < 0).sum()))}")
    return array


def check_key_space(n_users: int, n_items: int) -> None:
    """Raise when ``n_users * n_items`` does not fit the int64 keys of the CSR lookup."""
    if n_users * n_items >= _MAX_KEY:
        raise MetricInputError(
            f"{n_users} users x {n_items} items is too large for one lookup; evaluate in batches"
        )
