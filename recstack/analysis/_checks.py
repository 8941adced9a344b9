"""Argument checks shared by the embedding analyses, the maps and the report.

Each check raises :class:`recstack.errors.RecstackError` naming the argument, what was wrong
and what would be right, before numpy, scikit-learn or openTSNE can fail with words of
their own (or, worse, quietly draw a map of NaN).
"""

from __future__ import annotations

import math
import numbers
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recstack.atomic import checked_output, file_name_problem, name_too_long
from recstack.errors import RecstackError, echoed, shown
from recstack.metrics._validation import as_float_array, refuse_reordered_rows
from recstack.specs import did_you_mean

#: the largest magnitude an embedding value may have. The analyses square and sum the
#: values (norms, covariances) and the maps work in float32, whose squared norms overflow
#: beyond about 1.8e19 / sqrt(dimension); at 1e300 PCA failed with "Eigenvalues did not
#: converge", t-SNE and UMAP with scikit-learn's "Input X contains NaN", and the cosine
#: neighbours came out as NaN. No model that trained learns values near this.
MAX_MAGNITUDE = 1e15


def vectors(values: Any, what: str, *, min_rows: int = 2) -> np.ndarray:
    """Embedding vectors as a finite float64 ``(n_rows, dim)`` matrix with at least
    ``min_rows`` rows and one column, every value within ``±MAX_MAGNITUDE``. A DataFrame
    indexed by the row numbers in another order is refused: its rows are read by position,
    and would be other items' (or users') vectors."""
    refuse_reordered_rows(values, what, RecstackError)
    try:
        kind: str = np.asarray(values).dtype.kind
    except (TypeError, ValueError):
        kind = ""  # ragged rows and the like: the conversion that follows names them
    if kind == "b":
        # refused, as the item index (recstack.serving.ann) refuses them: true/false were
        # read as 1 and 0, a mask or a multi-hot table analysed as if it were learned vectors
        raise RecstackError(f"{what} must be real numbers, got true/false values; give the "
                            "model's vectors (e.g. item_factors_), or convert a multi-hot "
                            "table on purpose with .astype(float)")
    matrix = as_float_array(values, what, ndim=2)
    if matrix.shape[0] < min_rows or matrix.shape[1] < 1:
        raise RecstackError(f"{what} must be a matrix with at least {min_rows} rows and one "
                            f"column, got shape {matrix.shape}")
    huge = np.abs(matrix) > MAX_MAGNITUDE
    if huge.any():
        position = tuple(int(i) for i in np.argwhere(huge)[0])
        raise RecstackError(f"{what} must lie within ±{MAX_MAGNITUDE:g}; position {position} "
                            f"holds {float(matrix[position])!r} ({int(huge.sum()):,} value(s) "
                            "beyond it: did training diverge?); the analyses square these "
                            "values and would overflow")
    return matrix


def unit_rows(matrix: np.ndarray, dtype: Any = np.float32) -> np.ndarray:
    """The rows of ``matrix`` scaled to length 1 (zero rows stay zero: cosine 0 with
    everything), as ``dtype`` (float32 by default). Lengths are taken in float64 after
    scaling each row by its largest value: a vector of tiny values (1e-300, or float32's
    subnormals) became zero when squared (cosine 0 with everything) or kept a length far
    from 1 (a cosine of 1e-40 between vectors pointing the same way)."""
    x = np.asarray(matrix, dtype=np.float64)
    largest = np.abs(x).max(axis=1, keepdims=True)
    x = x / np.where(largest > 0, largest, 1.0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1.0)).astype(dtype, copy=False)


def refuse_one_direction(matrix: np.ndarray, what: str, consequence: str) -> None:
    """Refuse vectors that all point the same way (or are all zero): their cosines all tie,
    so neighbourhoods and maps built on them are the tie rule's order, not the model's."""
    unit = unit_rows(matrix)
    if len(unit) and float(np.ptp(unit, axis=0).max()) <= 1e-6:
        raise RecstackError(f"{what}: every vector points the same way (or is zero), so "
                            f"{consequence} (collapsed embeddings)")


def count_array(values: Any, what: str) -> np.ndarray:
    """Finite counts >= 0 as a 1-d float64 array; true/false values are refused (read as 1
    and 0, a mask passed where training counts belong was correlated as popularity)."""
    try:
        kind: str = np.asarray(values).dtype.kind
    except (TypeError, ValueError):
        kind = ""  # ragged and the like: the conversion that follows names them
    if kind == "b":
        raise RecstackError(f"{what} must be counts (numbers >= 0), got true/false values; "
                            "give the training counts (e.g. train.item_counts()), or "
                            "convert a mask on purpose with .astype(float)")
    return as_float_array(values, what, ndim=1, non_negative=True)


def counts(values: Any, n_rows: int, what: str) -> np.ndarray:
    """One finite count >= 0 per row (a training count: popularity or activity).

    Counts are read by position. A pandas Series indexed by the row numbers in another
    order (``value_counts()`` of item indices: most frequent first) is refused: read by
    position, each count went to another row, and the correlations with popularity were
    of shuffled counts."""
    refuse_reordered_rows(values, what, RecstackError)
    array = count_array(values, what)
    if array.shape[0] != n_rows:
        raise RecstackError(f"{what} has {array.shape[0]:,} values for {n_rows:,} rows; give "
                            "one count per row")
    return array


#: what a set of vectors stands for: the titles and readings are written in these words
KINDS = ("item", "user")


def kind_and_model(kind: Any, model: Any, call: str) -> tuple[str, str]:
    """``kind`` ("item" or "user") and ``model`` (a label, text) as the titles and readings
    use them. Any other ``kind`` was written into them as it was: ``kind=5`` read "20 5
    vectors", ``kind="items"`` "the items embeddings" and an "activity" reading of items."""
    if not isinstance(kind, str) or kind not in KINDS:
        near = did_you_mean(kind, KINDS) if isinstance(kind, str) else ""
        raise RecstackError(f"{call}: kind must be one of {', '.join(map(repr, KINDS))} (what "
                            f"the vectors stand for), got {kind!r}{near}")
    if not isinstance(model, str):
        raise RecstackError(f"{call}: model must be the model's label as text (it titles the "
                            f"charts), got {type(model).__name__} {model!r:.60}")
    return kind, model


def decoded_text(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` (one value per row, object dtype) with its bytes read as UTF-8 text, the one
    rule of text recstack reads (ids, the service's titles and search text): a bytes title
    was shown as ``b'...'`` in the neighbour tables and on the maps' hover. Bytes that are
    not UTF-8 are refused, naming the row."""
    if array.dtype.kind == "S":
        array = array.astype(object)
    if array.dtype != object:
        return array
    out = array.copy()
    for row, value in enumerate(array.tolist()):
        if isinstance(value, bytes):
            out[row] = utf8_text(value, f"{name}: row {row}")
    return out


def printable_titles(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` (titles, one per row, after :func:`decoded_text`) checked by the one rule
    of titles, the service's (:func:`recstack.serving.service.title_problem`): a title
    holding a NUL or an escape was written into the neighbour tables, the maps' hover and
    the report as given, where the service refuses it in an items file."""
    if array.dtype != object:
        return array
    from recstack.serving.service import title_problem

    for row, value in enumerate(array.tolist()):
        if isinstance(value, str) and (problem := title_problem(value)):
            raise RecstackError(f"{name}: row {row} is not printable text: {problem} "
                                f"({shown(value[:60])}); give titles as printable text "
                                "(tabs and line breaks aside)")
    return array


def untitled_as_rows(array: np.ndarray) -> np.ndarray:
    """``array`` (titles, one per row) with a missing or blank title (None, NaN, ``pd.NA``,
    ``""``, only spaces) replaced by its row number, as text: the neighbour tables showed
    ``NaN`` or an empty name, and the maps' hover ``NaN``, where the report shows such an
    item by its id and the service's page by its id too."""
    if array.dtype != object:
        return array
    out = array.copy()
    for row, value in enumerate(array.tolist()):
        if is_missing(value) or (isinstance(value, str) and not value.strip()):
            out[row] = str(row)
    return out


def utf8_text(value: bytes, where: str) -> str:
    """``value`` as UTF-8 text; refused, naming ``where``, when it is not UTF-8."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecstackError(f"{where} holds bytes that are not UTF-8 text ({value[:40]!r}: "
                            f"byte {error.start + 1} cannot be read); give text") from None


def whole_number(value: Any, name: str, *, minimum: int = 1,
                 maximum: int | None = None) -> int:
    """``value`` as an int after checking it is a whole number >= ``minimum`` (and at most
    ``maximum``, a run-size setting's sane bound: ``n_threads=10**9`` made openTSNE abort
    the whole process trying to start a billion threads). A whole exact number
    (``Decimal("10")``, ``Fraction(10)``) is the int it names, as every count in recstack
    reads it (:func:`recstack.specs.whole_exact_as_int`): ``similar_items(k=Decimal("10"))``
    took it, ``nearest_neighbours`` refused it."""
    from recstack.specs import whole_exact_as_int

    number = whole_exact_as_int(value)
    if isinstance(number, bool) or not isinstance(number, numbers.Integral) or number < minimum:
        raise RecstackError(f"{name} must be a whole number >= {minimum}, got {shown(value)}")
    if maximum is not None and int(number) > maximum:
        raise RecstackError(f"{name} must be at most {maximum}, got {shown(value)}")
    return int(number)


def positive_number(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """``value`` as a finite float > 0 (or >= 0 with ``allow_zero``). A ``Decimal`` is the
    real number it names (no ``numbers.Real``, it was refused as "not a finite number"),
    and an integer too large for a float is refused by name, where ``float()`` raised
    OverflowError."""
    bound = ">= 0" if allow_zero else "> 0"
    number = value
    if isinstance(value, Decimal) and value.is_finite():
        number = float(value) if abs(value) < Decimal("1e308") else math.inf
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_) \
            and abs(int(value)) >= 2**1024:
        number = math.inf
    if isinstance(number, bool) or not isinstance(number, numbers.Real) \
            or not np.isfinite(float(number)) or number < 0 or (number == 0 and not allow_zero):
        raise RecstackError(f"{name} must be a finite number {bound}, got {shown(value)}")
    return float(number)


def row_indices(values: Any, name: str, n_rows: int) -> np.ndarray:
    """Row indices as a 1-D int64 array, each an integer in ``[0, n_rows)`` (floats, even
    whole ones, are refused, as top-k's ``user_index`` refuses them); true/false
    values are refused (numpy read a boolean mask as the rows 0 and 1)."""
    if isinstance(values, numbers.Number | str | np.bool_):  # one query given on its own
        values = [values]
    position = _first_boolean(values)
    if position is not None:
        raise RecstackError(f"{name} must be row numbers, not true/false; position {position} "
                            "holds a boolean (for a mask of rows, give np.flatnonzero(mask))")
    found = _first_text(values)
    if found is not None:
        # ids given where row numbers go (["m42"], or "42" read from a file) were told to
        # convert the text to numbers (pandas.to_numeric): item "42" then became row 42,
        # another item's neighbours listed without a word
        position, text = found
        raise RecstackError(f"{name} must be row numbers of the vectors (integers in [0, "
                            f"{n_rows})), not ids: position {position} holds the text "
                            f"{echoed(shown(text))}; give the rows of the ids, e.g. "
                            "model.items_.to_index(ids) (model.users_ for users)")
    array = as_float_array(values, name, ndim=1)
    if not np.all(array == np.round(array)):
        position = int(np.flatnonzero(array != np.round(array))[0])
        raise RecstackError(f"{name} must hold whole row numbers; position {position} holds "
                            f"{float(array[position])!r}")
    position = _first_float(values)
    if position is not None:
        # one rule with top-k's user_index: row numbers are integers (1.0 was taken as row
        # 1 here and refused there)
        raise RecstackError(f"{name} must be row numbers (integers), not floats; position "
                            f"{position} holds {float(array[position])!r} (convert them, "
                            "e.g. np.asarray(rows, dtype=int))")
    outside = (array < 0) | (array >= n_rows)
    if outside.any():
        position = int(np.flatnonzero(outside)[0])
        raise RecstackError(f"{name} must be row numbers in [0, {n_rows}); position "
                            f"{position} holds {int(array[position])}")
    return array.astype(np.int64)


def _first_float(values: Any) -> int | None:
    """The position of the first float entry of a flat sequence (or 0 for a float array),
    or None."""
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.dtype.kind in "fc":
        return 0 if array.size else None
    if array.dtype != object:
        return None
    for position, value in enumerate(array.ravel()):
        if isinstance(value, float | np.floating):
            return position
    return None


def _first_text(values: Any) -> tuple[int, str | bytes] | None:
    """The position and value of the first text (or bytes) entry of a flat sequence, or
    None."""
    try:
        array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    except (TypeError, ValueError):  # not a flat sequence: refused by the caller's check
        return None
    if array.ndim != 1 or array.dtype.kind not in "OUS":
        return None
    for position, value in enumerate(array):
        if isinstance(value, str | bytes):
            return position, value
    return None


def _first_boolean(values: Any) -> int | None:
    """The position of the first true/false entry of a flat sequence, or None: a boolean
    array, or a list mixing booleans with numbers (numpy makes ``[True, 3]`` the integers
    ``[1, 3]``)."""
    array = values if isinstance(values, np.ndarray) else None
    if array is None:
        try:
            array = np.asarray(values, dtype=object)
        except (TypeError, ValueError):  # not a flat sequence: refused by the caller's check
            return None
    if array.ndim != 1:
        return None
    if array.dtype == np.bool_:
        return 0 if len(array) else None
    if array.dtype != object:
        return None
    for position, value in enumerate(array):
        if isinstance(value, bool | np.bool_):
            return position
    return None


def is_missing(value: Any) -> bool:
    """Whether a label (or a table cell) is a missing value in any of pandas' or numpy's
    forms: None, NaN of any float type, ``pd.NA``, ``pd.NaT``."""
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float | np.floating) and bool(np.isnan(value)))


def first_label(value: Any) -> Any:
    """The first label of a cell as the maps colour by it: the first present, trimmed
    entry of a list, ``"(none)"`` for a missing or empty cell, any other value as it is."""
    if isinstance(value, list | tuple | np.ndarray):
        labels = [str(v).strip() for v in value if not is_missing(v) and str(v).strip()]
        return labels[0] if labels else "(none)"
    if is_missing(value):
        return "(none)"
    return value



#: the file extensions an HTML page is written under
HTML_SUFFIXES = (".html", ".htm")


def html_target(path: Any, what: str) -> Path:
    """The page's output file ``path`` as given, refused when it ends in a slash (a folder)
    or its extension says another format (``report.txt``, ``results.json``): the page was
    written there all the same, HTML under a name that opens it in a text editor, or over
    the file that format belongs to. A name without an extension is taken as it is, as
    ``recstack report --out`` takes it, and a name every writer refuses as typed
    (:func:`refuse_typed_page_name`) is refused too."""
    return checked_output(path, what, suffixes=HTML_SUFFIXES, writes="an HTML page")


def refuse_typed_page_name(path: Any, what: str) -> None:
    """Refuse the page's file name ``path`` as typed, by the rule of every file writer
    (:func:`recstack.atomic.file_name_problem`), before anything asks what is at it:
    ``out="~"`` was called "/root: is a folder" where ``recstack report --out`` says it
    names a home folder, and a name holding a control character or starting with ``-``
    is refused as ``--out`` refuses it. Anything other than a path is left to
    :func:`recstack.atomic.checked_path`."""
    if not isinstance(path, str | os.PathLike):
        return
    text = os.fsdecode(os.fspath(path))
    problem = file_name_problem(text, "report.html", "an HTML page", HTML_SUFFIXES,
                                typed=isinstance(path, str))
    if problem is not None:
        raise RecstackError(f"{what}: {text!r} {problem}")


def refuse_unnameable_page(target: Path, what: str) -> None:
    """Refuse a page's file the file system cannot name (a name longer than it allows),
    before anything asks what is there: ``Path.is_dir()`` raised the operating system's
    "File name too long" from inside the report, naming neither the part nor the limit."""
    too_long = name_too_long(target)
    if too_long is not None:
        raise RecstackError(f"{what}: cannot write there: the path is {too_long}; choose a "
                            "shorter name")
