"""Ids of mixed types, through every public entry point that builds or reads ids.

``IdMap.encode([1, "1"])`` made the integer 1 and the text "1" one id: two ids Python tells
apart merged without a word (the same for ``b"a"`` beside ``"a"``, ``7`` beside ``" 7"``,
and ``IdMap.restore``, whose map then could not be saved). The rule checked here, against
a reading of each value written in this file (not the code under test):

- a value is a *number* (int, numpy integer, whole float, Decimal, Fraction: ``1``,
  ``1.0``, ``numpy.int64(1)`` and ``Decimal(1)`` are one id, as Python calls them equal),
  *text* (str) or *bytes* (UTF-8 text); booleans, missing values, fractions and dates
  are no ids and are refused;
- in a column of one kind, two values are one id exactly when Python calls them equal;
- ``Interactions`` (from arrays or a frame) refuses a column of two kinds, naming the
  column, a value of each kind and its type, and the pair that would have been merged;
- ``IdMap``/``IdMap.encode``/``IdMap.restore`` read integers among text as text (their
  documented rule), and refuse the column exactly when two values of different kinds
  would so become one id, naming both values with their types.
"""

from __future__ import annotations

import datetime
import tempfile
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError

hypothesis = pytest.importorskip("hypothesis", reason="property tests need hypothesis")
st = hypothesis.strategies
given, settings = hypothesis.given, hypothesis.settings

INVALID = "invalid"


def reading(value):
    """``(kind, key)`` of one value by the rule of this file, or ``(INVALID, None)``: two
    values of one kind are one id exactly when their keys are equal."""
    if value is None or value is pd.NA or value is pd.NaT:
        return INVALID, None
    if isinstance(value, bool | np.bool_):
        return INVALID, None
    if isinstance(value, str):
        return "text", str(value)
    if isinstance(value, bytes):
        return "bytes", bytes(value).decode("utf-8")
    if isinstance(value, int | np.integer):
        return "number", int(value)
    if isinstance(value, float | np.floating | Decimal | Fraction):
        if value != value or abs(value) >= 2**53 or int(value) != value:
            return INVALID, None
        return "number", int(value)
    return INVALID, None  # dates, timestamps


def as_text(kind, key):
    """How a column mixing kinds reads a value: numbers and bytes as text, and text
    trimmed of surrounding whitespace, as every loader reads it."""
    return str(key).strip()


# ------------------------------------------------------------------------ strategies
small = st.integers(-3, 12)
numbers = st.one_of(
    small,
    small.map(np.int64), small.map(np.int32), st.integers(0, 12).map(np.uint8),
    small.map(float), small.map(np.float64), small.map(Decimal), small.map(Fraction),
)
texts = st.text(alphabet="a1b2", min_size=1, max_size=2)
text_values = st.one_of(texts, texts.map(np.str_))
byte_values = st.one_of(texts.map(str.encode), texts.map(lambda t: np.bytes_(t.encode())))
not_ids = st.sampled_from([None, float("nan"), pd.NA, True, np.False_, 1.5, Decimal("2.5"),
                           datetime.date(2020, 1, 1), pd.Timestamp("2020-01-02")])

#: a column of one kind, of two or three kinds, or with a value that is no id
columns = st.one_of(
    st.lists(numbers, min_size=1, max_size=12),
    st.lists(text_values, min_size=1, max_size=12),
    st.lists(byte_values, min_size=1, max_size=12),
    st.lists(st.one_of(numbers, text_values), min_size=2, max_size=12),
    st.lists(st.one_of(text_values, byte_values), min_size=2, max_size=12),
    st.lists(st.one_of(numbers, text_values, byte_values), min_size=2, max_size=12),
    st.lists(st.one_of(numbers, text_values, not_ids), min_size=1, max_size=8),
)

CONTAINERS = {
    "list": list,
    "object array": lambda values: np.array(values + [None], dtype=object)[:-1],
    "object series": lambda values: pd.Series(values, dtype=object),
    "object index": lambda values: pd.Index(values, dtype=object),
}
containers = st.sampled_from(sorted(CONTAINERS))


def expectation(values):
    """``("refused", None)``, ``("mixed", (kinds, clash))`` or ``("ok", keys)``."""
    read = [reading(value) for value in values]
    if any(kind == INVALID for kind, _ in read):
        return "refused", None
    kinds = {kind for kind, _ in read}
    if len(kinds) == 1:
        return "ok", [key for _, key in read]
    # the first pair of values of two kinds that read as the same text
    seen = {}
    clash = None
    for position, (kind, key) in enumerate(read):
        earlier = seen.setdefault(as_text(kind, key), (kind, position))
        if earlier[0] != kind:
            clash = (earlier[1], position)
            break
    return "mixed", (kinds, clash, [as_text(kind, key) for kind, key in read])


def check_partition(codes, keys):
    """Equal codes exactly for equal keys, and codes ``0..n-1`` for the ``n`` keys."""
    codes = np.asarray(codes).tolist()
    for i in range(len(keys)):
        for j in range(len(keys)):
            assert (codes[i] == codes[j]) == (keys[i] == keys[j]), (keys[i], keys[j])
    assert sorted(set(codes)) == list(range(len(set(keys))))


def check_names_pair(message, values, clash):
    """The refusal names both values of the merged pair with their types."""
    for position in clash:
        value = values[position]
        assert type(value).__name__ in message, (message, value)
        assert f"position {position}" in message, message
    assert "one id" in message, message


def quietly(build):
    with warnings.catch_warnings():
        # lookalike ids ("1" beside "12") and the like are warned of: not the subject here
        warnings.simplefilter("ignore")
        return build()


# ------------------------------------------------------------------ IdMap.encode / IdMap()
@settings(max_examples=150, deadline=None)
@given(values=columns, container=containers)
def test_encode_gives_one_id_exactly_for_equal_values_of_one_kind(values, container):
    outcome, detail = expectation(values)
    column = CONTAINERS[container](values)
    if outcome == "refused":
        with pytest.raises(RecstackError):
            quietly(lambda: IdMap.encode(column))
        return
    if outcome == "mixed":
        kinds, clash, as_texts = detail
        if clash is not None:
            with pytest.raises(DataFormatError) as refused:
                quietly(lambda: IdMap.encode(column))
            check_names_pair(str(refused.value), values, clash)
            return
        # no two values would merge: read as text, the documented rule of IdMap
        ids, codes = quietly(lambda: IdMap.encode(column))
        check_partition(codes, as_texts)
        assert ids.to_external(codes).tolist() == as_texts
        return
    keys = detail
    ids, codes = quietly(lambda: IdMap.encode(column))
    check_partition(codes, keys)
    decoded = ids.to_external(codes).tolist()
    assert decoded == keys
    # numbers stay numbers (not their digits), text stays text
    kind = reading(values[0])[0]
    assert all(type(v) is (int if kind == "number" else str) for v in decoded)
    assert ids.to_index(column).tolist() == np.asarray(codes).tolist()


@settings(max_examples=100, deadline=None)
@given(values=columns, container=containers)
def test_a_vocabulary_of_distinct_values_holds_each_as_its_own_id(values, container):
    outcome, detail = expectation(values)
    if outcome == "refused":
        with pytest.raises(RecstackError):
            quietly(lambda: IdMap(CONTAINERS[container](values)))
        return
    # one value per id (by the reading of this file), in the order given
    keys = detail if outcome == "ok" else detail[2]
    firsts = list({key: position for position, key in reversed(list(enumerate(keys)))}
                  .values())[::-1]
    vocabulary = [values[position] for position in sorted(firsts)]
    # (of a pair of kinds that would merge, only the first value is kept: none is left)
    column = CONTAINERS[container](vocabulary)
    for build in (IdMap, IdMap.restore):
        ids = quietly(lambda build=build: build(column))
        assert len(ids) == len(vocabulary)
        assert ids.to_index(column).tolist() == list(range(len(vocabulary)))


FORMS = {
    "number": [int, np.int64, float, Decimal, Fraction],
    "text": [str, np.str_, lambda digits: f" {digits}"],
    "bytes": [str.encode, lambda digits: np.bytes_(digits.encode())],
}


@settings(max_examples=60, deadline=None)
@given(number=st.integers(0, 99), first=st.sampled_from(sorted(FORMS)), data=st.data())
def test_a_vocabulary_holding_a_merged_pair_is_refused_by_every_constructor(number, first,
                                                                            data):
    second = data.draw(st.sampled_from(sorted(set(FORMS) - {first})))
    make_first = data.draw(st.sampled_from(FORMS[first]))
    make_second = data.draw(st.sampled_from(FORMS[second]))
    convert = {"number": lambda form: form(number), "text": lambda form: form(str(number)),
               "bytes": lambda form: form(str(number))}
    # an unrelated id between them: the pair is found wherever it is
    pair = [convert[first](make_first), "x", convert[second](make_second)]
    assert expectation(pair)[0] == "mixed" and expectation(pair)[1][1] == (0, 2)
    for build in (IdMap, IdMap.restore, lambda ids: IdMap.encode(ids)[0]):
        with pytest.raises(DataFormatError) as refused:
            quietly(lambda build=build: build(list(pair)))
        check_names_pair(str(refused.value), pair, (0, 2))


# --------------------------------------------------------------- Interactions constructors
def build_interactions(values, container, how):
    items = [f"i{position % 3}" for position in range(len(values))]
    if how == "from_frame":
        frame = pd.DataFrame({"user_id": pd.Series(values, dtype=object), "item_id": items})
        return Interactions.from_frame(frame)
    return Interactions.from_arrays(CONTAINERS[container](values), items)


@settings(max_examples=120, deadline=None)
@given(values=columns, container=containers,
       how=st.sampled_from(["from_arrays", "from_frame"]))
def test_interactions_keep_one_kind_per_column(values, container, how):
    outcome, detail = expectation(values)
    if outcome == "refused":
        with pytest.raises(RecstackError):
            quietly(lambda: build_interactions(values, container, how))
        return
    if outcome == "mixed":
        kinds, clash, _ = detail
        with pytest.raises(DataFormatError) as refused:
            quietly(lambda: build_interactions(values, container, how))
        message = str(refused.value)
        assert refused.value.column == "user_id"
        assert message.startswith("column 'user_id': ids mix ")
        assert "ids of one type" in message
        if clash is not None:
            check_names_pair(message, values, clash)
        return
    keys = detail
    data = quietly(lambda: build_interactions(values, container, how))
    check_partition(data.user_index, keys)
    assert data.users.to_external(data.user_index).tolist() == keys


# ------------------------------------------- recommend for known ids, and saving and loading
@settings(max_examples=25, deadline=None)
@given(values=st.one_of(st.lists(numbers, min_size=2, max_size=8),
                        st.lists(text_values, min_size=2, max_size=8),
                        st.lists(byte_values, min_size=2, max_size=8)))
def test_known_ids_are_served_and_keep_their_type_through_saving(values):
    from recstack.models.baselines import MostPopular
    from recstack.models.persistence import load_model

    keys = [reading(value)[1] for value in values]
    data = quietly(lambda: Interactions.from_arrays(values, [f"i{p % 3}" for p in
                                                             range(len(values))]))
    model = MostPopular().fit(data)
    with tempfile.TemporaryDirectory() as folder:
        model.save(Path(folder) / "model")
        loaded = load_model(Path(folder) / "model")
    before = model.users_.external_ids.tolist()
    after = loaded.users_.external_ids.tolist()
    assert after == before == sorted(set(keys))
    assert [type(v) for v in after] == [type(v) for v in before]
    kind = reading(values[0])[0]
    assert all(type(v) is (int if kind == "number" else str) for v in after)
    # every id as given (a numpy scalar, a whole float, bytes) is a known user
    for served in (model, loaded):
        index = served.users_.to_index(values)
        check_partition(index, keys)
        items, _ = quietly(lambda served=served: served.recommend(values, k=1,
                                                                  exclude_seen=False))
        assert items.shape == (len(values), 1)


# ---------------------------------------------------------------- the cases by name
def test_the_integer_1_and_the_text_1_are_not_merged_by_encode():
    with pytest.raises(DataFormatError) as refused:
        IdMap.encode([1, "1"])
    message = str(refused.value)
    assert "1 (int, position 0) and '1' (str, position 1) would be one id" in message
    assert ".astype(str)" in message


def test_a_numpy_integer_beside_text_of_its_digits_is_refused_in_a_pandas_column():
    with pytest.raises(DataFormatError, match=r"7 \(int64, position 0\) and ' 7' \(str, "
                                              r"position 2\) would be one id"):
        IdMap.encode(pd.Series([np.int64(7), "a", " 7"], dtype=object))


def test_bytes_beside_their_text_are_refused_by_encode_and_from_arrays():
    with pytest.raises(DataFormatError, match=r"b'a' \(bytes, position 0\) and 'a' \(str, "
                                              r"position 1\) would be one id"):
        IdMap.encode([b"a", "a"])
    with pytest.raises(DataFormatError, match=r"^column 'user_id': ids mix text and bytes "
                                              r"\(bytes, str\)") as refused:
        Interactions.from_arrays([b"a", "a"], ["x", "y"])
    assert "decode" in str(refused.value)


def test_a_restored_vocabulary_cannot_hold_1_and_its_text():
    # it was built, then saved as ['1', '1'] and refused as a repeated id when loaded
    with pytest.raises(DataFormatError, match=r"1 \(int, position 0\) and '1' \(str, "
                                              r"position 1\) would be one id"):
        IdMap.restore([1, "1"])


def test_equal_numbers_of_every_type_are_one_id_and_stay_an_integer():
    ids, codes = IdMap.encode([1, 1.0, np.int64(1), np.uint8(1), Decimal(1), Fraction(1),
                               np.float32(1), 2])
    assert codes.tolist() == [0, 0, 0, 0, 0, 0, 0, 1]
    assert ids.external_ids.tolist() == [1, 2]
    assert ids.external_ids.dtype.kind == "i"


def test_a_big_integer_beside_its_digits_is_refused_not_merged():
    with pytest.raises(DataFormatError, match=r"would be one id"):
        IdMap.encode([2**64, str(2**64)])
