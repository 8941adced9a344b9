"""A vocabulary between external ids (what the user's data calls a user or an item) and the
dense indices ``0..n-1`` that models use."""

from __future__ import annotations

import numbers
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from recstack.errors import (
    ConfigError,
    DataFormatError,
    RecstackError,
    counted,
    digit_count,
    shown,
)
from recstack.specs import arguments_named


class IdMap:
    """Immutable two-way map between external ids and dense ``int32`` indices.

    External ids are ints or strings; index ``i`` stands for ``external_ids[i]``.
    Lookups are vectorised hash lookups (a :class:`pandas.Index`), never Python loops.

    Examples
    --------
    >>> ids, codes = IdMap.encode(["b", "a", "b"])
    >>> ids.external_ids.tolist(), codes.tolist()
    (['a', 'b'], [1, 0, 1])
    >>> ids.to_index(["b"]).tolist()
    [1]
    """

    __slots__ = ("_index",)

    def __init__(self, external_ids: Sequence[Any] | np.ndarray | pd.Index) -> None:
        """The vocabulary ``external_ids``, in that order.

        Text ids follow the id rule of every loader: they are trimmed of surrounding
        whitespace (``" 7"`` is the id ``"7"``), with an :class:`UntrimmedIdWarning` naming
        the first one, so that a map built here holds the ids a CSV file of the same
        data would give. Integers among text ids are text (``IdMap([1, "a"])`` holds
        ``"1"`` and ``"a"``), as are bytes (their UTF-8 text), as :meth:`encode` reads
        them; ids of two kinds that would so be one id (the integer ``1`` and the text
        ``"1"``, ``b"a"`` and ``"a"``), which Python tells apart, are refused, naming both
        with their types and positions. Ids that are
        equal once trimmed (``" 7"`` and ``"7"``) and ids
        that are empty once trimmed are refused by position. A vocabulary saved by an
        older recstack, which may hold untrimmed ids, is read back with :meth:`restore`."""
        if isinstance(external_ids, pd.RangeIndex):
            index = external_ids
        else:
            index = pd.Index(_trimmed_vocabulary(_text_when_mixed(
                _vocabulary_ids(external_ids)), "external ids", warn=True))
        self._index = _unique_index(index, _TRIMMED_NOTE if index.dtype.kind == "O" else "")
        if index.dtype.kind == "O":
            _warn_of_lookalike_vocabulary(index.to_numpy(), "IdMap(...)")

    @classmethod
    def restore(cls, external_ids: Sequence[Any] | np.ndarray) -> IdMap:
        """A vocabulary read back from a saved model or folder, with its ids exactly as
        stored: one saved before ids were trimmed may hold ``" a"`` beside ``"a"``, and
        those stay two ids (lookups with :meth:`to_index` still find ``" a "`` as
        ``"a"``). Ids that cannot be ids and repeated ids are refused as by ``IdMap()``."""
        restored = object.__new__(cls)
        restored._index = _unique_index(pd.Index(_vocabulary_ids(external_ids)))
        return restored

    @classmethod
    def encode(cls, values: Sequence[Any] | np.ndarray | pd.Series) -> tuple[IdMap, np.ndarray]:
        """Build the map from a column of external ids (sorted, so the result is deterministic)
        and return it with the ``int32`` index of every value.

        Values follow the id rule of :func:`id_values`: integers and text; whole floats
        are integers (as in a Parquet column of float ids), as are other whole real
        numbers (``Decimal("7")``, ``Fraction(7)``), so ``1``, ``1.0`` and
        ``numpy.int64(1)`` are one id. Integers among text are text (``[1, "a"]`` gives
        the ids ``"1"`` and ``"a"``), as are bytes; ids of two kinds that would so be one
        id (``[1, "1"]``, ``[b"a", "a"]``: different to Python, and merged without a word
        before) are refused, naming both with their types and positions; booleans, other
        numbers,
        bytes that are not UTF-8 (others are their text) and missing values (None, NaN,
        masked entries) are refused by position.
        Text is trimmed of surrounding whitespace, as every loader reads it (``" 7"`` and
        ``"7"`` are one id, with a :class:`LookalikeIdWarning` naming both spellings); text
        that is empty once trimmed is refused by position.
        Text ids that differ only in how they are written (``"007"`` and ``"7"``, ``"é"``
        in two Unicode forms) stay two ids, with the :class:`LookalikeIdWarning` every
        loader and :meth:`Interactions.from_arrays` give, naming a position of each."""
        ids, codes = cls._encode(values, trim=True)
        if ids._index.dtype.kind == "O":
            # the map's ids, each named by its first position among the values given
            _warn_of_lookalike_vocabulary(ids._index.to_numpy(), "IdMap.encode",
                                          lambda k: int(np.argmax(codes == k)))
        return ids, codes

    @classmethod
    def _encode(cls, values: Any, *, trim: bool) -> tuple[IdMap, np.ndarray]:
        """:meth:`encode`; ``trim=False`` for a column whose text the caller has trimmed
        already (:meth:`Interactions.from_arrays`), which would pay for it twice."""
        array = id_values(values, "ids", one_kind=True)
        if array.ndim != 1:  # a nested list gave a map of its values and codes of its shape
            raise ConfigError(f"IdMap.encode takes a flat column of ids, got an array of "
                              f"shape {array.shape}")
        array = _text_when_mixed(array)
        if trim:
            given = array
            array = _trimmed_vocabulary(array, "ids", warn=False)
            if array is not given:
                warn_of_ids_merged_by_trimming(
                    given, array, "IdMap.encode: ids",
                    place=lambda position: f"position {position}")
        dense = _encode_dense_integers(array)
        if dense is not None:
            return cls(dense[0]), dense[1]
        codes, uniques = pd.factorize(array, sort=True)
        if (codes < 0).any():
            raise ConfigError("ids must not be missing (None/NaN)")
        return cls.restore(uniques), codes.astype(np.int32, copy=False)

    @classmethod
    def range(cls, n: int) -> IdMap:
        """The identity map over ``0..n-1`` (external id equals index); ``n`` is a whole
        number >= 0 (``IdMap.range(-1)`` was an empty map, ``2.5`` a TypeError of pandas)."""
        if isinstance(n, bool | np.bool_) or not isinstance(n, int | np.integer) or n < 0:
            raise ConfigError(f"IdMap.range takes the number of ids, a whole number >= 0, "
                              f"got {type(n).__name__} {n!r:.60}")
        return cls(pd.RangeIndex(int(n)))

    @property
    def external_ids(self) -> np.ndarray:
        """External ids in index order (a read-only view)."""
        arr = self._index.to_numpy()
        arr.flags.writeable = False
        return arr

    @property
    def pandas_index(self) -> pd.Index:
        return self._index

    def __len__(self) -> int:
        return len(self._index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdMap) and (
            other is self or self._index.equals(other._index)
        )

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        head = ", ".join(repr(x) for x in self._index[:3].tolist())
        more = ", ..." if len(self) > 3 else ""
        return f"IdMap({counted(len(self), 'id')}: {head}{more})"

    def to_index(self, external_ids: Any, *, missing: str = "raise", what: str = "ids"
                 ) -> np.ndarray:
        """Indices of ``external_ids``.

        Ids are compared by the id rule of every loader (:mod:`recstack.data.files`),
        whatever the container (a list, a numpy or object array, a pandas column): text is
        trimmed of surrounding whitespace, text that spells an integer plainly (``"7"``,
        not ``"007"`` or ``"7.0"``) is that integer for a map of integer ids, and an
        integer is its plain text for a map of text ids.

        Values that cannot be ids are refused whatever ``missing`` says (see
        :func:`id_values`): booleans, fractional or non-finite floats, bytes that are not
        UTF-8 (other bytes are their text), complex numbers, dates, and missing values
        (None, NaN, ``pd.NA``, masked entries of a numpy masked array); a whole float
        (``7.0``) is the integer ``7``, as in the loaders, and so is any whole real number
        (``Decimal("7")``, ``Fraction(7)``).

        ``missing="raise"`` refuses unknown ids, naming ``what`` they are (``"user ids"``,
        ``"item ids"``...), up to five of them and the map's id type; ``missing="ignore"``
        returns ``-1`` for them.
        """
        if missing not in ("raise", "ignore"):
            raise ConfigError(f"missing must be 'raise' or 'ignore', not {shown(missing)}")
        if not isinstance(what, str) or not what.strip():
            # what=None made the refusal of an unknown id "1 unknown None (of 1 looked up)"
            raise ConfigError(f"to_index: what must name the ids in words, e.g. 'user ids', "
                              f"got {shown(what)}")
        ids = np.atleast_1d(id_values(external_ids, what))
        positions = self._positions(ids.ravel()).reshape(ids.shape)
        unknown = positions < 0
        if missing == "raise" and unknown.any():
            examples = list(dict.fromkeys(ids[unknown].tolist()))[:5]
            # "1 unknown ids": what is a plural ("user ids"), its count may be one
            one = _singular(what)
            kind = ("which is an integer" if self.id_kind == "integers" else
                    f"which is {self.id_kind}") if len(self) == 1 else f"which are {self.id_kind}"
            raise RecstackError(
                f"{counted(int(unknown.sum()), f'unknown {one}', f'unknown {what}')} (of "
                f"{ids.size:,} looked up), e.g. {examples}; this map has "
                f"{counted(len(self), one, what)}, {kind}{self._other_form_hint(examples)}")
        return positions.astype(np.int32, copy=False)

    def _other_form_hint(self, examples: list[Any]) -> str:
        """Where an unknown text id is an id of the map written in another Unicode form
        (composed 'é' and 'e' with a combining accent, NFC and NFD, which look alike on
        screen): that, shown by ascii(), else "". The refusal named an id that read as one
        the map holds, with no cause; the HTTP service already names the other form."""
        import unicodedata  # deferred: only a refusal of an unknown text id needs it

        for given in examples:
            if not isinstance(given, str):
                continue
            for form in ("NFC", "NFD", "NFKC"):
                other = unicodedata.normalize(form, given.strip())
                if other == given.strip():
                    continue
                at = int(self._positions(np.array([other], dtype=object))[0])
                if at >= 0:
                    held = self._index[at]
                    return (f"; {ascii(given)} is the id {ascii(held)} of this map written "
                            f"in another Unicode form (the map holds its {form} form): ids "
                            "are compared as written, so write them in one form (e.g. "
                            f"unicodedata.normalize({form!r}, id))")
        return ""

    @property
    def id_kind(self) -> str:
        """What the ids are, in words: ``"integers"``, ``"text"`` or their pandas type."""
        if self._index.dtype.kind in "iu":
            return "integers"
        if self._holds_text():
            return "text"
        return f"of type {self._index.inferred_type}"

    def _holds_text(self) -> bool:
        return self._index.dtype.kind == "O" and self._index.inferred_type in ("string", "empty")

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        """``get_indexer`` of a flat array of ids, after the comparison rule of ``to_index``."""
        try:
            return self._known_positions(ids)
        except UnicodeEncodeError:
            # text that is not UTF-8 (a lone surrogate, which no map holds: IdMap refuses
            # it) is an unknown id; arrow's UnicodeEncodeError came out of the lookup
            utf8 = np.fromiter((not isinstance(v, str) or _is_utf8_text(v)
                                for v in ids.tolist()), dtype=bool, count=len(ids))
            positions = np.full(len(ids), -1, dtype=np.intp)
            positions[utf8] = self._known_positions(ids[utf8])
            return positions

    def _known_positions(self, ids: np.ndarray) -> np.ndarray:
        text = _text_mask(ids)
        if not text.any():
            return self._index.get_indexer(self._typed_for_lookup(ids))
        positions = np.full(len(ids), -1, dtype=np.intp)
        if not text.all():
            positions[~text] = self._index.get_indexer(self._typed_for_lookup(ids[~text]))
        raw = (ids[text] if ids.dtype.kind != "S" else ids[text].astype("U")).astype(object)
        if self._index.dtype.kind in "iu":
            trimmed = trim_text_ids(raw)
            integers, plain = plain_integers(trimmed)
            found = np.full(len(raw), -1, dtype=np.intp)
            found[plain] = self._index.get_indexer(integers[plain])
            if self._index.dtype == np.uint64 and not plain.all():
                # a map of ids above int64 (a Parquet uint64 column): "18446744073709551615"
                # is that id, as the number is
                found[~plain] = _unsigned_positions(self._index, trimmed[~plain])
        else:
            found = self._text_positions(raw)
        positions[text] = found
        return positions

    def _text_positions(self, raw: np.ndarray) -> np.ndarray:
        """Positions of text ids (an object array) in a map not of integers: the trimmed
        id where the map holds it, else the id as given (a vocabulary saved before ids were
        trimmed may hold " a"), else -1.

        Trimming costs more than a hash lookup, so the ids are looked up as given first:
        one found there without surrounding whitespace is its own trimmed form, and that
        answer is final; only the others are trimmed. numpy's strip removes every
        character that trimming removes (Python's whitespace, the same set as arrow's
        Unicode whitespace), so no id that trimming would change is taken as final."""
        exact = self._index.get_indexer(raw)
        pending = exact < 0
        found = raw[~pending].astype(str)
        pending[~pending] = np.char.strip(found) != found
        if pending.any():
            by_trimmed = self._index.get_indexer(trim_text_ids(raw[pending]))
            exact[pending] = np.where(by_trimmed >= 0, by_trimmed, exact[pending])
        return exact

    def _typed_for_lookup(self, ids: np.ndarray) -> np.ndarray:
        """Non-text ids as the map compares them: integers as text for a map of text ids."""
        if ids.dtype.kind == "O" and pd.api.types.infer_dtype(ids, skipna=False) == "integer":
            ids = ids.astype(np.int64)
        if ids.dtype.kind in "iu" and self._holds_text():
            return ids.astype(str).astype(object)
        return ids

    def to_external(self, indices: Any) -> np.ndarray:
        """External ids of dense ``indices`` (integers in ``0..n-1``; booleans, fractions
        and text are refused: a boolean array would be read as a mask; so are None, a set,
        a dict and a generator, by what they are)."""
        return self._checked_external(indices, "to_external")

    def _checked_external(self, indices: Any, method: str) -> np.ndarray:
        """:meth:`to_external`, its errors naming ``method``, the caller's name."""
        if not isinstance(indices, np.ndarray | np.generic | numbers.Number):
            # numpy wraps None, a set, a dict or a generator in an array of shape (), which
            # was shown as "got [{1}] (object)"; one index (a number) is still looked up
            problem = "None" if indices is None else not_a_selection(indices)
            if problem is not None:
                raise ConfigError(f"{method}: indices must be a list or array of integers in "
                                  f"0..{len(self) - 1} (dense indices, not external ids), "
                                  f"got {problem}")
        idx = integer_indices(indices)
        if idx.dtype.kind not in "iu":
            raise ConfigError(f"indices must be integers in 0..{len(self) - 1} (dense "
                              f"indices, not external ids), got {idx.ravel()[:3].tolist()} "
                              f"({idx.dtype})")
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            outside = idx.ravel()[(idx.ravel() < 0) | (idx.ravel() >= len(self))]
            # the indices themselves: "index out of range" alone named none of them
            raise ConfigError(
                f"index out of range 0..{len(self) - 1}: {outside.size:,} of {idx.size:,} "
                f"indices are outside it, e.g. {outside[:3].tolist()} (dense indices, not "
                "external ids; to_index gives the index of an id)")
        return self._index.to_numpy()[idx]

    def subset(self, indices: np.ndarray) -> IdMap:
        """A new map over the given indices, in that order (used when compacting).

        The indices are checked as :meth:`to_external` checks them (one outside
        ``0..n-1`` was numpy's IndexError), and each may be given once: a repeat made a
        map with one id at two indices, which no lookup could tell apart."""
        self._checked_external(indices, "subset")
        index = self._index[integer_indices(indices).ravel()]
        if not index.is_unique:
            flat = integer_indices(indices).ravel()
            seen = pd.Index(flat)
            repeated = flat[seen.duplicated()][:3].tolist()
            raise ConfigError(f"subset: each index may be given once, got {repeated} more "
                              "than once (a map holds each id at one index)")
        subset = object.__new__(IdMap)  # ids of this map: checked already
        subset._index = index
        return subset


def _text_when_mixed(ids: np.ndarray) -> np.ndarray:
    """Ids (of :func:`id_values`) that mix integers with text (or hold integers beyond
    int64, which are text already) all as text, as a loader reads such a column
    (recstack.data.files): never a map mixing the id ``1`` and the id ``"a"``. ``IdMap([1,
    "01"])`` kept an int beside a text id where ``IdMap.encode`` of the same ids made both
    text, so the two constructors gave maps that looked ids up differently. Ids that this
    would merge (``1`` and ``"1"``) were refused by :func:`id_values` with ``one_kind``."""
    if ids.dtype.kind == "O" and ids.size and pd.api.types.infer_dtype(ids) != "string":
        return np.array([str(v) for v in ids.tolist()], dtype=object)
    return ids


def _vocabulary_ids(external_ids: Any) -> np.ndarray:
    """The ids a vocabulary is built from, by the id rule of :func:`id_values` (booleans,
    missing, fractional and unhashable values refused by position; whole floats are
    integers), flat: ``IdMap([1, None])`` was a map holding NaN, ``IdMap([True, False])``
    a map of booleans and ``IdMap([[1], [2]])`` a map of lists. Text is kept as given (a
    vocabulary saved before ids were trimmed may hold " a")."""
    if external_ids is None or isinstance(external_ids, set | frozenset | Mapping | Iterator):
        # a set has no order, and the order is the map: named as a row selection is
        given = "None" if external_ids is None else not_a_selection(external_ids)
        raise ConfigError(f"IdMap takes a list or array of external ids, got {given}")
    if isinstance(external_ids, str | bytes | Mapping) or np.ndim(external_ids) == 0:
        raise ConfigError(f"IdMap takes a list or array of external ids, got "
                          f"{type(external_ids).__name__} {external_ids!r:.60}")
    ids = id_values(external_ids, "external ids", one_kind=True)
    if ids.ndim != 1:
        raise ConfigError(f"IdMap takes a flat list of external ids, got an array of shape "
                          f"{ids.shape}")
    return ids


class UntrimmedIdWarning(UserWarning):
    """``IdMap(...)`` was given text ids with surrounding whitespace, and trimmed them (the
    id rule of every loader)."""


def _trimmed_vocabulary(ids: np.ndarray, what: str, *, warn: bool) -> np.ndarray:
    """``ids`` with their text trimmed of surrounding whitespace (the id rule of every
    loader), refusing by position text that is empty once trimmed or that no id can hold
    (:func:`arrow_text_ids`: a NUL character, a lone surrogate); with ``warn``, an
    :class:`UntrimmedIdWarning` names the first id trimming changed."""
    if ids.dtype.kind not in "UO" or not ids.size:
        return ids
    text = _text_mask(ids)
    if not text.any():
        return ids
    given = ids[text].astype(object)
    if text.all():
        trimmed = trim_text_ids(arrow_text_ids(given, what))
    else:  # the other ids as gaps, so that a refused text id is named by its position
        placed = np.full(len(ids), None, dtype=object)
        placed[text] = given
        arrow_text_ids(placed, what)
        trimmed = trim_text_ids(given)
    empty = trimmed == ""
    if empty.any():
        at = int(np.flatnonzero(text)[np.argmax(empty)])
        raise _not_an_id(what, at, f"{shown(given[np.argmax(empty)])}, an empty id once trimmed "
                                   "of surrounding whitespace", int(empty.sum()))
    changed = trimmed != given
    if not changed.any():
        return ids
    out = ids.astype(object)
    out[text] = trimmed
    if warn:
        import warnings

        # ids that trimming merges (" 7" and "7") are refused before anything is warned of
        _unique_index(pd.Index(out), _TRIMMED_NOTE)
        first = int(np.argmax(changed))
        warnings.warn(
            f"{what}: {int(changed.sum())} text id(s) have surrounding whitespace, first at "
            f"position {int(np.flatnonzero(text)[first])}: {shown(given[first])}, kept as "
            f"{shown(trimmed[first])} (every loader trims ids; IdMap.restore keeps a saved "
            "vocabulary as stored)", UntrimmedIdWarning, stacklevel=3)
    return out


_TRIMMED_NOTE = " (text ids are compared trimmed of surrounding whitespace)"


def _warn_of_lookalike_vocabulary(ids: np.ndarray, method: str,
                                  position_of: Callable[[int], int] | None = None) -> None:
    """The :class:`~recstack.data.LookalikeIdWarning` of every loader
    (:func:`recstack.data.files.warn_of_lookalike_ids`, the one rule) for the ids of a map
    built here: ids that differ only in how they are written (``"007"``, ``"+7"`` and
    ``"7"``; ``"é"`` composed and with a combining accent; full-width ``"１"`` and ``"1"``;
    the integer ``7`` beside the text ``"07"``) are kept as different ids, and the warning
    names a position of each (``position_of`` turns an index of ``ids`` into the position
    of the values given). ``IdMap(["café", "café"])`` in two Unicode forms built two ids
    without a word, where ``Interactions.from_arrays`` warned of the same ids."""
    import pyarrow as pa

    from recstack.data.files import warn_of_lookalike_ids

    if not ids.size:
        return
    if pd.api.types.infer_dtype(ids, skipna=False) != "string":
        # integers beside text: compared as their digits (1 beside "01")
        ids = np.array([str(v) for v in ids.tolist()], dtype=object)

    def at(index: int, name: str, message: str, expected: str) -> DataFormatError:
        position = index if position_of is None else position_of(index)
        return DataFormatError(f"position {position}: " + message.format(text=ids[index]))

    warn_of_lookalike_ids(
        pa.array(ids, pa.string()), "external ids", at, subject=f"{method}: external ids",
        kept=("they are kept as different ids, as written. If they are one id, write them "
              "one way before building the map (e.g. without leading zeros or '.0', or "
              "unicodedata.normalize('NFC', id)); if they are different ids, silence this "
              "with warnings.filterwarnings('ignore', "
              "category=recstack.data.LookalikeIdWarning)"))


def _unique_index(index: pd.Index, note: str = "") -> pd.Index:
    """``index`` when its ids are unique, else an error naming the first repeated id and
    both its positions."""
    if index.is_unique:
        return index
    repeated = index.duplicated()
    dupes = index[repeated].unique()[:5].tolist()
    second = int(np.argmax(repeated))
    first = int(np.argmax(index == index[second]))
    raise DataFormatError(f"external ids must be unique; repeated: {dupes} (first at positions "
                          f"{first} and {second}){note}")


#: Floats are whole-number ids only below this (as in a Parquet column of float ids)
_WHOLE_FLOAT_LIMIT = 2**53
_EXPECTED_IDS = "integer or text ids"


def not_a_selection(given: Any, *, flags_only: bool = False) -> str | None:
    """What ``given`` is, when it is no list, array or column of positions or flags: None, a
    set or dict (which have no order), a generator (read once, and numpy does not read it),
    text, or one number or flag (which numpy would read as one position or a scalar mask);
    None when it is such a list. ``flags_only``: the argument takes one flag per row only
    (``given_split``'s masks), so no remedy that gives positions is suggested."""
    if given is None:
        return "None" if flags_only else \
            "None (to keep every row, do not select; to keep none, pass [])"
    if isinstance(given, set | frozenset):
        return (f"a {type(given).__name__} {given!r:.60}: a set has no order"
                + ("" if flags_only else "; pass sorted(...) of it"))
    if isinstance(given, Mapping):
        return f"a {type(given).__name__} {given!r:.60}; pass list(...) of its keys or values"
    if isinstance(given, Iterator):
        return f"a {type(given).__name__}, which is not read as a list; pass list(...) of it"
    if isinstance(given, str | bytes):
        return f"the text {given!r:.60}"
    try:
        scalar = np.ndim(given) == 0
    except ValueError:
        # numpy's "inhomogeneous shape after 1 dimensions" named neither the argument nor
        # what was wrong with it
        return f"a nested list of different lengths ({given!r:.60}), not one flat list"
    if scalar and not isinstance(given, np.ndarray | slice):
        whole = isinstance(given, numbers.Integral) and not isinstance(given, bool | np.bool_)
        return f"the single value {shown(given)}" + (
            f"; for one position pass a list, e.g. [{shown(given)}]"
            if whole and not flags_only else "")
    if isinstance(given, np.ndarray) and given.ndim == 0:
        return f"a 0-D array holding {shown(given.item())}; pass a list or 1-D array"
    return None


def integer_indices(values: Any) -> np.ndarray:
    """``values`` as an array, integers where they are integers: an object array of Python
    ints becomes int64 and an empty list int64 (numpy makes it float64). Anything else
    (fractions, booleans, text) keeps its own dtype, for the caller to refuse by name: an
    object array holding a ``Fraction(3, 2)``, a ``Decimal("1.5")``, a float or ``True``
    beside integers was cast to int64, truncating 1.5 to 1 and ``True`` to 1, so that
    ``to_external([Fraction(3, 2)])`` named the id at index 1 without a word."""
    array = np.asarray(values)
    if array.dtype.kind == "O" and array.size and pd.api.types.infer_dtype(
            array.ravel(), skipna=False) == "integer":
        try:
            array = array.astype(np.int64)
        except (TypeError, ValueError, OverflowError):
            pass
    if array.size == 0:
        array = array.astype(np.int64)
    return array


def sequence_array(values: Any) -> np.ndarray:
    """``np.asarray(values)`` of a list (or other sequence) of ids, except that a list
    numpy reads as floats because an integer in it passes int64 (``[0, 2**63]``) is read
    as objects, so that integer keeps its digits instead of becoming 9.2e18. Raises
    numpy's TypeError or ValueError on ragged nesting. A list of numbers holding a boolean is
    read as objects too, so the boolean is seen (numpy made ``[0, True]`` the ids 0 and 1)."""
    array = np.asarray(values)
    if isinstance(values, list | tuple) and array.dtype.kind in "iuf" and array.ndim == 1 \
            and any(isinstance(value, bool | np.bool_) for value in values):
        return np.array(values, dtype=object)
    if array.dtype.kind == "f" and (np.abs(array) >= _WHOLE_FLOAT_LIMIT).any():
        return np.array(values, dtype=object)
    return array


def id_values(values: Any, what: str = "ids", *, one_kind: bool = False) -> np.ndarray:
    """``values`` (one id, a list, an array, a pandas column) as an array of ids, by the rule
    of every loader: integers stay integers, text stays text, and a whole float (``7.0``,
    below 2**53) is the integer ``7``, as is any other whole real number (``Decimal("7")``,
    ``Fraction(7)``). Everything else is refused by position, naming
    ``what``: missing values (None, NaN, ``pd.NA``, the masked entries of a numpy masked
    array, which ``np.asarray`` would read as ordinary ids), booleans (``True`` is not user
    1), fractional or non-finite floats, complex numbers, dates and other objects. Bytes
    are UTF-8 text, as a Parquet column of binary ids is read (``b"7"`` is ``"7"``);
    bytes that are not UTF-8 are refused. A list's text keeps every character
    (numpy's fixed-width text would drop a trailing NUL and merge ``"1\\x00"`` with
    ``"1"``). Integers beyond int64 become their digits (such ids are text).

    ``one_kind``: the values are a column that builds a vocabulary, in which ids of two
    kinds that would be one id once read as text (``[1, "1"]``, ``[b"a", "a"]``) are
    refused (:func:`mixed_id_kinds_error`), where a lookup (the default) reads each id
    alone.

    Arrays of integers or text pass through without a Python loop; only containers of
    mixed or unusual objects are read one value at a time."""
    if np.ma.isMaskedArray(values):
        mask = np.ma.getmaskarray(values).ravel()
        if mask.any():
            raise _not_an_id(what, int(np.argmax(mask)), "a masked entry (a missing id)",
                             int(mask.sum()))
        values = np.ma.getdata(values)
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        if isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            values = values.to_numpy(dtype=object, na_value=pd.NA)
        else:
            values = values.to_numpy()
    if isinstance(values, set | frozenset | Mapping | Iterator):
        # numpy reads them as one object: "the value at position 0 is {1, 2} (set)"
        raise ConfigError(f"{what} must be one id or a list of ids, got "
                          f"{not_a_selection(values)}")
    try:
        scalar = not isinstance(values, np.ndarray) and np.ndim(values) == 0
    except ValueError:
        # a ragged nesting ([[1], [2, 3]]): numpy's "inhomogeneous shape" ValueError came
        # out of np.ndim before any check could name the argument
        raise DataFormatError(f"{what} must be one id or a list of ids, got a nested list "
                              f"of different lengths ({values!r:.60}), not "
                              "one flat list", expected=_EXPECTED_IDS) from None
    if isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, str | bytes) or scalar:
        array = np.empty(1, dtype=object)
        array[0] = values.item() if isinstance(values, np.generic) else values
    else:
        try:
            array = sequence_array(values)
            if array.dtype.kind in "US":  # keep every character, and see the bytes
                array = np.array(values, dtype=object)
        except (TypeError, ValueError) as error:
            raise DataFormatError(f"{what} must be one id or a list of ids ({error})",
                                  expected=_EXPECTED_IDS) from None
    kind = array.dtype.kind
    if kind in "iuU":
        return array
    if kind == "S":
        array = array.astype(object)
        kind = "O"
    if kind == "f":
        flat = array.ravel()
        whole = np.isfinite(flat) & (np.floor(flat) == flat) & (np.abs(flat)
                                                                 < _WHOLE_FLOAT_LIMIT)
        if not whole.all():
            at = int(np.argmin(whole))
            missing = bool(np.isnan(flat[at]))
            raise _not_an_id(what, at, "NaN (a missing id)" if missing else
                             f"{shown(flat[at])}, not a whole number below 2**53",
                             int((~whole).sum()))
        return array.astype(np.int64)
    if kind == "O":
        flat = array.ravel()
        inferred = pd.api.types.infer_dtype(flat, skipna=False)
        if inferred == "string":
            return array
        if inferred == "integer":
            try:
                return array.astype(np.int64)
            except OverflowError:
                pass
        return _object_ids(flat, what, one_kind).reshape(array.shape)
    flat = array.ravel()
    if not flat.size:  # no values, so none that is not an id
        return array.astype(np.int64)
    raise _not_an_id(what, 0, _describe(flat[0].item() if kind in "bc" else flat[0]),
                     int(flat.size))


def _object_ids(flat: np.ndarray, what: str, one_kind: bool = False) -> np.ndarray:
    """``id_values`` of a flat object array, one value at a time; ``one_kind`` refuses ids
    of two kinds that would be one id as text (:func:`mixed_id_kinds_error`)."""
    import decimal

    out = np.empty(len(flat), dtype=object)
    plain_ints = True
    given = flat.tolist()
    # each value's kind (_NUMBER, _TEXT, _BYTES), for one_kind
    kinds = np.full(len(given), _NUMBER, dtype=np.int8)
    for position, value in enumerate(given):
        if isinstance(value, bytes):
            kinds[position] = _BYTES
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                raise _not_an_id(what, position, f"bytes {value!r}, not UTF-8 text") from None
        elif isinstance(value, str):
            kinds[position] = _TEXT
        if isinstance(value, str):
            out[position] = value
            plain_ints = False
            continue
        if isinstance(value, bool | np.bool_):
            raise _not_an_id(what, position, _describe(value))
        if isinstance(value, numbers.Integral):
            number = int(value)
        elif isinstance(value, numbers.Real | decimal.Decimal):
            # one rule for every real number that is not an int (float, numpy floats,
            # Decimal, Fraction...): a whole one below 2**53 is that integer, as a whole
            # float is (Decimal("2") was the id 2 and Fraction(2) refused)
            if _is_nan(value):
                raise _not_an_id(what, position, "NaN (a missing id)")
            whole = _whole_number(value)
            if whole is None:
                raise _not_an_id(what, position,
                                 f"{shown(value)}, not a whole number below 2**53")
            number = whole
        elif value is None or value is pd.NA or value is pd.NaT:
            raise _not_an_id(what, position, f"{value} (a missing id)")
        else:
            raise _not_an_id(what, position, _describe(value))
        if -2**63 <= number < 2**63:
            out[position] = number
        elif digit_count(number) > sys.get_int_max_str_digits() > 0:
            # str() of it was Python's raw "Exceeds the limit (4300 digits)" ValueError
            raise _not_an_id(what, position, f"{shown(number)}, too long to be an id")
        else:  # ids that do not fit int64 are text (recstack.data.files)
            out[position] = str(number)
            plain_ints = False
    if one_kind and not plain_ints and _kinds_merge(out, kinds):
        # 1 beside "1" were one id once the column was text (IdMap.encode([1, "1"]))
        mixed = mixed_id_kinds_error(given, what, merges_only=True)
        if mixed is not None:
            raise mixed
    return out.astype(np.int64) if plain_ints and len(out) else out


_NUMBER, _TEXT, _BYTES = 0, 1, 2


def _kinds_merge(ids: np.ndarray, kinds: np.ndarray) -> bool:
    """Whether two ids of different kinds (``kinds``: _NUMBER, _TEXT, _BYTES) are one id once
    all are read as text (``1`` and ``" 1"``): by hashing, without a Python loop, so that a
    column of many mixed ids pays for the check about as much as for reading them. The
    message (:func:`mixed_id_kinds_error`) reads the values again, only when they do."""
    present = [kind for kind in (_NUMBER, _TEXT, _BYTES) if (kinds == kind).any()]
    if len(present) < 2:
        return False
    # numbers as their digits; text (bytes decoded already) trimmed, as loaders read it
    # (object indexes: pandas' own string type made the lookups several times slower)
    texts = {kind: pd.Index(ids[kinds == kind].astype(str) if kind == _NUMBER
                            else trim_text_ids(ids[kinds == kind]), dtype=object)
             for kind in present}
    return any(texts[one].isin(texts[other]).any()
               for position, one in enumerate(present) for other in present[position + 1:])


def _is_utf8_text(value: Any) -> bool:
    """Whether ``value`` is text that UTF-8 can encode (not a lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_nan(value: Any) -> bool:
    """Whether a real number is NaN (a Decimal's signalling NaN too, which ``!=`` raises on)."""
    import decimal

    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    return bool(value != value)


def _whole_number(value: Any) -> int | None:
    """``value`` (a real number, not NaN) as an int where it is whole and below 2**53 in
    magnitude, else None; compared exactly (a Fraction of hundreds of digits has no float,
    and ``Decimal("Infinity")`` no int)."""
    try:
        if not abs(value) < _WHOLE_FLOAT_LIMIT:
            return None
        number = int(value)
        return number if number == value else None
    except (ArithmeticError, TypeError, ValueError):
        return None


def _id_kind(value: Any) -> str | None:
    """The kind of id ``value`` is, of the three a column may hold one of: ``"text"``
    (str), ``"bytes"`` (UTF-8 text, as a Parquet column of binary ids) and ``"number"``
    (an int, numpy integer, float, Decimal or Fraction: a whole one is that integer, so
    ``1``, ``1.0``, ``numpy.int64(1)`` and ``Decimal(1)`` are one id). None for what is
    no id at all (booleans, missing values, dates), which the id rule refuses by itself."""
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | Decimal):
        return None
    return None if _is_nan(value) else "number"


def _as_one_column(value: Any, kind: str) -> str | None:
    """The text ``value`` (of ``kind``) would be in a column of text ids, trimmed as every
    loader trims it: ``1``, ``1.0`` and ``"1"`` are all ``"1"``; None where it would be no
    id (a fraction, bytes that are not UTF-8)."""
    if kind == "text":
        return str(value).strip()
    if kind == "bytes":
        try:
            return bytes(value).decode("utf-8").strip()
        except UnicodeDecodeError:
            return None
    whole = value if isinstance(value, numbers.Integral) else _whole_number(value)
    return None if whole is None else str(int(whole))


def mixed_id_kinds_error(values: Sequence[Any], what: str = "ids", *,
                         column: str | None = None, merges_only: bool = False
                         ) -> DataFormatError | None:
    """The refusal of one column of ids holding more than one kind of id (text, bytes,
    numbers: see :func:`_id_kind`), or None when it holds one kind.

    Python tells them apart (``1 != "1"``, ``b"a" != "a"``) but a column of ids has one
    type, as every file format has: read as one column they were all text, and user ``1``
    and user ``"1"`` became one user without a word. So a column is all numbers, all text
    or all bytes; the message names the column (``column``) or the ids (``what``), the
    first value of two kinds with their positions, the types found, a pair of values that
    would have been one id (when there is one) and the conversion that makes one type.

    ``merges_only``: refuse only a column in which two values of different kinds would
    be one id once read as text (``[1, "1"]``, ``[b"a", "a"]``, ``[7, " 7"]``), naming
    that pair, and None for others (``[1, "a"]``, which ``IdMap`` reads as the text ids
    ``"1"`` and ``"a"``). One pass over the values in Python: for columns already read one
    value at a time (an object column whose values are of more than one type), never a
    column of one dtype."""
    kinds = [_id_kind(value) for value in values]
    first: dict[str, int] = {}
    for position, kind in enumerate(kinds):
        if kind is not None and kind not in first:
            first[kind] = position
    if len(first) < 2:
        return None
    types = sorted({type(value).__name__ for value, kind in zip(values, kinds, strict=True)
                    if kind is not None})
    clash = _first_clash(values, kinds)
    if merges_only:
        return None if clash is None else _merged_ids_error(values, clash, what, first, types)
    if "number" in first:
        shown_pair = sorted((min(first.get("text", len(kinds)), first.get("bytes", len(kinds))),
                             first["number"]))
        head = f"{what} mix text and other types ({', '.join(types)})"
        why = "in one column every id would be text, merging {merged}"
        example = "ids such as 1 and '1'"
        expected = "ids of one type: all numbers, or all text (e.g. the column .astype(str))"
    else:  # text beside bytes
        shown_pair = sorted((first["text"], first["bytes"]))
        head = f"{what} mix text and bytes ({', '.join(types)})"
        why = "bytes are read as their UTF-8 text, merging {merged}"
        example = "ids such as b'1' and '1'"
        expected = ("ids of one type: all text, or all bytes (e.g. decode the bytes first, "
                    "column.str.decode('utf-8'), or [v.decode() for v in ids])")
    if clash is not None:
        # the pair the user would have lost without a word, each with its type
        example = " and ".join(f"{shown(values[p])} ({type(values[p]).__name__}, position "
                               f"{p})" for p in clash) + " into one id"
    at, then = shown_pair
    message = (f"{head}: position {at} holds {shown(values[at])}, position {then} "
               f"{shown(values[then])}; {why.format(merged=example)}")
    return DataFormatError(message, column=column, expected=expected)


def _merged_ids_error(values: Sequence[Any], clash: tuple[int, int], what: str,
                      first: dict[str, int], types: list[str]) -> DataFormatError:
    """:func:`mixed_id_kinds_error` with ``merges_only``: the pair that would be one id."""
    pair = " and ".join(f"{shown(values[p])} ({type(values[p]).__name__}, position {p})"
                        for p in clash)
    if "number" in first:
        kinds = "numbers and text"
        expected = ("ids of one type: if these are one id, make every id text first (e.g. "
                    "the column .astype(str)); if they are two, write them apart (e.g. "
                    "'u1' for the text one)")
    else:
        kinds = "text and bytes"
        expected = ("ids of one type: if these are one id, decode the bytes first (e.g. "
                    "column.str.decode('utf-8')); if they are two, write them apart")
    return DataFormatError(
        f"{what} mix {kinds} ({', '.join(types)}), which are read as text, so {pair} "
        "would be one id, though Python tells them apart", expected=expected)


def _first_clash(values: Sequence[Any], kinds: list[str | None]) -> tuple[int, int] | None:
    """The positions of the first two values of different kinds that one column would read
    as one id (``1`` and ``"1"``, ``b"a"`` and ``" a"``), or None."""
    seen: dict[str, tuple[str, int]] = {}
    for position, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        if kind is None:
            continue
        text = _as_one_column(value, kind)
        if text is None:
            continue
        earlier = seen.setdefault(text, (kind, position))
        if earlier[0] != kind:
            return earlier[1], position
    return None


def _describe(value: Any) -> str:
    if isinstance(value, np.bool_ | np.complexfloating | np.bytes_):
        value = value.item()
    if isinstance(value, bool | np.bool_):
        return f"{shown(value)}, a boolean"
    return f"{shown(value)} ({type(value).__name__})"


def _singular(what: str) -> str:
    """One of ``what``, a plural naming ids in messages: ``user id`` of ``user ids``,
    ``id`` of ``ids``; a name that is no plural is left as it is."""
    if what.endswith("ids") or (what.endswith("s") and not what.endswith("ss")):
        return what[:-1]
    return what


def _not_an_id(what: str, position: int, detail: str, count: int = 1) -> DataFormatError:
    others = f" ({count} such values in all)" if count > 1 else ""
    return DataFormatError(f"{what}: the value at position {position} is {detail}{others}",
                           expected=_EXPECTED_IDS)


#: Text that spells an integer plainly (``0`` or ``-?[1-9][0-9]*``): the only text read as
#: an integer id (see :mod:`recstack.data.files`), so ``"007"`` and ``"7.0"`` stay text.
PLAIN_INTEGER = r"^-?(0|[1-9][0-9]*)$"


def _arrow_text(texts: Any) -> tuple[Any, np.ndarray]:
    """The first steps of :func:`trim_text_ids` and :func:`arrow_text_ids`: ``(column,
    given)``, ``texts`` (strings, or None for a gap) as an arrow string column (an arrow
    column as it is) and as the object array it was made of; ``column`` is None where
    arrow cannot take them, some text not being UTF-8 (a lone surrogate), which each
    caller treats in its own way."""
    import pyarrow as pa

    if isinstance(texts, pa.Array | pa.ChunkedArray):
        return texts, np.empty(0, dtype=object)
    given = np.asarray(texts, dtype=object)
    try:
        return pa.array(given, type=pa.string()), given
    except UnicodeEncodeError:
        return None, given


def trim_text_ids(texts: Any) -> np.ndarray:
    """Text ids trimmed of surrounding whitespace, as an object array: the one id rule of
    every format (CSV, Parquet, frames and arrays), so that ``" a"`` is ``"a"`` wherever
    it was read. ``texts``: strings only (an array, a list or an arrow column)."""
    import pyarrow.compute as pc

    column, given = _arrow_text(texts)
    if column is None:
        # text that is not UTF-8 (a lone surrogate) is no id of any map: a lookup of it
        # finds nothing (arrow's UnicodeEncodeError came out); Python's whitespace is
        # arrow's Unicode whitespace
        return np.array([v.strip() if isinstance(v, str) else v for v in given.tolist()],
                        dtype=object)
    return np.asarray(pc.utf8_trim_whitespace(column).to_numpy(zero_copy_only=False),
                      dtype=object)


def warn_of_ids_merged_by_trimming(given: Any, trimmed: Any, subject: str, *,
                                   place: Callable[[int], str] | None = None,
                                   file: str | Callable[[], str | None] | None = None
                                   ) -> None:
    """Warn (:class:`~recstack.data.LookalikeIdWarning`) where text ids that differ only in
    surrounding whitespace (``" a"`` and ``"a"``; ``"\\u2028x"`` and ``"x\\x85"``, whose line
    separator and next-line character Python and arrow count as whitespace) became one id
    by the id rule that trims them (:func:`trim_text_ids`). The other lookalike ids are
    kept apart with the same warning; these are merged, so the warning says which id they
    became, names two spellings with their rows and counts the ids so read.

    ``given`` and ``trimmed``: the ids as read and trimmed, row for row (text, or None for
    a gap; arrays, lists or arrow columns). ``subject`` names the ids (``"column
    'user_id'"``); ``place`` turns a row into the words naming it (``"line 3"``), by
    default ``"row 2"`` (0-based, as
    :meth:`Interactions.from_arrays` names its rows); ``file`` is named first (a callable
    giving it is called only when there is something to warn of: a loader finds its file's
    name by reading a line)."""
    given, trimmed = _as_object_array(given), _as_object_array(trimmed)
    changed = pd.notna(given) & (given != trimmed)
    if not changed.any():
        return  # the usual case: one comparison of the column, nothing more
    touched = pd.Series(trimmed).isin(pd.unique(trimmed[changed])).to_numpy()
    rows = np.flatnonzero(touched)
    # one row per spelling (its first), in row order
    spellings = pd.DataFrame({"trimmed": trimmed[rows], "given": given[rows]}
                             ).drop_duplicates()
    per_id = spellings.groupby("trimmed", sort=False)["given"].size()
    merged = per_id[per_id > 1]
    if merged.empty:
        return  # " a" alone in its column: trimmed, and no other id was joined to it
    shown_spellings = spellings[spellings["trimmed"].isin(merged.index)]
    first_id = shown_spellings["trimmed"].iloc[0]
    pair = shown_spellings.index[shown_spellings["trimmed"] == first_id][:2]
    first_row, second_row = (int(rows[position]) for position in pair)
    place = place or (lambda row: f"row {row}")
    spelled = int(merged.sum())
    if callable(file):
        file = file()
    import warnings

    from recstack.data.interactions import LookalikeIdWarning, caller_stacklevel

    # ascii(): a tab, U+0085 or U+2028 would otherwise show as a break or nothing at all
    warnings.warn(
        f"{file + ': ' if file else ''}{subject}: {merged.size:,} id(s) were written in "
        f"{spelled:,} ways that differ only in surrounding whitespace, e.g. "
        f"{ascii(given[first_row])} ({place(first_row)}) and {ascii(given[second_row])} "
        f"({place(second_row)}), and each was read as one id ({ascii(first_id)}): every "
        "loader trims text ids of surrounding whitespace (spaces, tabs, line breaks, "
        "U+0085, U+2028 and the other Unicode whitespace). If they are different ids, "
        "write them apart in other characters before loading; if they are one id, "
        "silence this with warnings.filterwarnings('ignore', "
        "category=recstack.data.LookalikeIdWarning)",
        LookalikeIdWarning, stacklevel=caller_stacklevel())


def _as_object_array(ids: Any) -> np.ndarray:
    """``ids`` (an array, a list or an arrow column) as an object array."""
    if hasattr(ids, "to_numpy") and not isinstance(ids, np.ndarray | pd.Series):
        return np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray(ids, dtype=object)

def arrow_text_ids(texts: Any, what: str) -> Any:
    """Text ids (strings, or None for a gap) as an arrow string column, refusing by
    position the text no id can hold: a NUL character (no text file carries one, the CSV
    loaders refuse it, and a saved model dropped a trailing one, so ``'a\\x00'`` was
    built, then refused or read back as ``'a'``), and a lone surrogate (``'\\ud800'``,
    left by ``errors='surrogateescape'``), which is not UTF-8 text (arrow's
    UnicodeEncodeError came out). ``what`` names the ids in the message (``"ids"``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column, given = _arrow_text(texts)
    if column is None:
        # the error path only: the first id that is not UTF-8 text, by position
        for position, value in enumerate(given.tolist()):
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as error:
                    bad = value[error.start]
                    raise _not_an_id(what, position, f"{shown(value)}, text holding a "
                                     f"lone surrogate ({bad!r}), which is not UTF-8 text "
                                     "and no file can hold; decode the ids without "
                                     "errors='surrogateescape', in their true "
                                     "encoding") from None
        column = pa.array(given, type=pa.string())  # (not reached: arrow's own error)
    nul = pc.match_substring(column, "\x00")
    if pc.any(nul).as_py():
        flags = np.asarray(nul.to_numpy(zero_copy_only=False), dtype=object)
        hits = flags == True  # noqa: E712 - None (a gap) is no hit
        position = int(np.argmax(hits))
        raise _not_an_id(what, position, f"{shown(column[position].as_py())}, text holding "
                         "a NUL character ('\\x00'), which no id can hold (no text file "
                         "carries one, and a saved model would drop it); strip NUL "
                         "characters from the ids", int(hits.sum()))
    return column


def plain_integers(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(values, plain)``: the int64 each text spells where ``plain`` (it is a plain
    integer that fits in int64), 0 elsewhere."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.array(texts, type=pa.string())
    plain = np.asarray(pc.match_substring_regex(column, PLAIN_INTEGER).to_numpy(
        zero_copy_only=False), dtype=bool)
    values = np.zeros(len(texts), dtype=np.int64)
    if plain.any():
        try:
            values[plain] = pc.cast(column.filter(pa.array(plain)), pa.int64()).to_numpy()
        except pa.ArrowInvalid:  # some beyond int64: find which, one by one (rare)
            for row in np.flatnonzero(plain):
                number = int(texts[row])
                if -2**63 <= number < 2**63:
                    values[row] = number
                else:
                    plain[row] = False
    return values, plain


def _unsigned_positions(index: pd.Index, texts: np.ndarray) -> np.ndarray:
    """Positions in a map of uint64 ids of the text ids that spell a plain integer from
    2**63 to 2**64 - 1 (beyond what :func:`plain_integers` reads), else -1."""
    found = np.full(len(texts), -1, dtype=np.intp)
    rows = [row for row, text in enumerate(texts.tolist()) if isinstance(text, str)
            and re.fullmatch(PLAIN_INTEGER, text) and 2**63 <= int(text) < 2**64]
    if rows:
        found[rows] = index.get_indexer(
            np.array([int(texts[row]) for row in rows], dtype=np.uint64))
    return found


def _text_mask(ids: np.ndarray) -> np.ndarray:
    """Which of a flat array of ids are text (str, or bytes that decode as ASCII)."""
    if ids.dtype.kind == "U":
        return np.ones(len(ids), dtype=bool)
    if ids.dtype.kind == "S":
        try:
            ids.astype("U")
        except UnicodeDecodeError:
            return np.zeros(len(ids), dtype=bool)
        return np.ones(len(ids), dtype=bool)
    if ids.dtype.kind != "O":
        return np.zeros(len(ids), dtype=bool)
    kind = pd.api.types.infer_dtype(ids, skipna=False)
    if kind == "string":
        return np.ones(len(ids), dtype=bool)
    if kind not in ("mixed", "mixed-integer"):
        return np.zeros(len(ids), dtype=bool)
    # a container mixing text with other ids (a lookup, never a whole column)
    return np.fromiter((isinstance(value, str) for value in ids), dtype=bool, count=len(ids))


# Columns at least this long are encoded by compiled kernels on all cores, when numba is
# already loaded (the CSV fast path loads it): never imported for this alone, since the
# import would cost more than it saves on all but the longest columns.
_COMPILED_MIN_IDS = 1 << 20


def _encode_dense_integers(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Sorted uniques and codes of integer ids spanning a small range, without hashing.

    Marking present ids in a boolean array and taking a running count is several times
    faster than a sorted factorize, and gives the same result. Non-negative ids index the
    marks directly, so a column of tens of millions of ids needs no temporary copy.
    None when it does not apply (empty, or ids too sparse for the marks to pay).
    """
    if ids.dtype.kind not in "iu" or ids.size == 0:
        return None
    compiled = _use_compiled(ids)
    if compiled:
        from recstack.data import _fast_csv, _fast_ids

        n_threads = _fast_csv.default_threads()
        low, high = _fast_ids.min_max(ids, n_threads)
    else:
        low, high = int(ids.min()), int(ids.max())
    limit = 4 * ids.size + 1_000_000  # marks beyond this would waste memory
    base = 0 if low >= 0 and high < limit else low
    if high - base + 1 > limit:
        return None
    if ids.dtype.kind == "u" and high > np.iinfo(np.int64).max:
        # unsigned ids from 2**63 on have no int64 (int64 arithmetic with them raised an
        # OverflowError): they are shifted in their own type, at the cost of two copies
        shifted = (ids - ids.dtype.type(base)).astype(np.int64)
        found = _encode_dense_integers(shifted)
        assert found is not None  # the span fits, as checked above
        return found[0].astype(ids.dtype) + ids.dtype.type(base), found[1]
    if compiled:
        present = _fast_ids.mark(ids, base, high - base + 1, n_threads)
        rank = np.cumsum(present, dtype=np.int32) - 1
        uniques = (np.flatnonzero(present) + base).astype(ids.dtype)
        return uniques, _fast_ids.lookup(ids, base, rank, n_threads)
    offsets = ids if base == 0 else (ids.astype(np.int64) - base)
    present = np.zeros(high - base + 1, bool)
    present[offsets] = True
    rank = np.cumsum(present, dtype=np.int32) - 1
    uniques = (np.flatnonzero(present) + base).astype(ids.dtype)
    if len(uniques) == len(present):
        # every id in the span occurs (users numbered 1..n): the code is the offset, and a
        # subtraction is cheaper than looking each one up
        return uniques, offsets.astype(np.int32)
    return uniques, rank[offsets]


def _use_compiled(ids: np.ndarray) -> bool:
    """Whether the compiled kernels encode ``ids`` (see ``_COMPILED_MIN_IDS``)."""
    return (ids.size >= _COMPILED_MIN_IDS and ids.dtype in (np.int32, np.int64)
            and ids.ndim == 1 and ids.flags.c_contiguous
            and sys.modules.get("numba") is not None)


# a misspelt keyword (to_index(ids, mising="ignore")) or one argument too many was Python's
# TypeError naming neither the method nor what it takes, where every loader and split
# names them
for _method in ("to_index", "to_external", "subset"):
    setattr(IdMap, _method, arguments_named(getattr(IdMap, _method)))
for _method in ("restore", "encode", "range"):
    setattr(IdMap, _method, classmethod(arguments_named(vars(IdMap)[_method].__func__)))
del _method
