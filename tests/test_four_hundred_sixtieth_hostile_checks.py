"""The drift measures and the quality checks on hostile samples, generated.

Each measure of :mod:`recstack.ops.drift` is called with every pair of a hostile sample
(NaN or infinite values, empty, one value, all values equal, one category, text beside
numbers, missing ids, a table instead of a list) and an ordinary one, in either place.
Property: a :class:`~recstack.errors.RecstackError` whose message starts with the measure's
name and names the argument at fault, or the value the definition gives, worked here
independently (scipy's ``ks_2samp`` and ``spearmanr``, the PSI and the new-id share by
hand). :func:`~recstack.ops.quality.check_partition` is given partitions with one hostile
cell at a time, and its counts are checked against the rows counted by hand.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

from recstack.errors import RecstackError
from recstack.ops import drift
from recstack.ops.quality import QualitySpec, check_partition

#: samples of numbers: (name, values, refused) where refused says which are no sample
NUMBER_SAMPLES: list[tuple[str, Any, bool]] = [
    ("ordinary", [1.0, 2.0, 2.0, 3.0, 5.0, 8.0], False),
    ("one value", [4.0], False),
    ("all equal", [3.0] * 7, False),
    ("integers", np.array([0, 1, 1, 2, 9], dtype=np.int64), False),
    ("pandas series", pd.Series([2.0, 4.0, 4.0, 6.0]), False),
    ("empty", [], True),
    ("nan", [1.0, math.nan, 2.0], True),
    ("only nan", [math.nan], True),
    ("inf", [1.0, math.inf], True),
    ("-inf", [-math.inf, 0.0], True),
    ("series with a missing value", pd.Series([1.0, None, 3.0]), True),
    ("text", ["1", "2"], True),
    ("text beside numbers", [1, "2"], True),
    ("none inside", [1.0, None], True),
    ("a number alone", 5.0, True),
    ("a table", [[1.0, 2.0], [3.0, 4.0]], True),
    ("a dict", {"a": 1.0}, True),
]

#: samples of ids or categories
ID_SAMPLES: list[tuple[str, Any, bool]] = [
    ("ordinary", [1, 2, 2, 3, 3, 3, 4], False),
    ("one category", [7] * 5, False),
    ("one id once", [9], False),
    ("text ids", ["a", "b", "b"], True),  # against number ids: two kinds of id
    ("empty", [], True),
    ("nan", [1.0, math.nan], True),
    ("inf", [math.inf, 1.0], True),
    ("none inside", [1, None], True),
    ("text beside numbers", [1, "1"], True),
    ("an id alone", 3, True),
    ("a table", [[1, 2], [3, 4]], True),
]


def _psi_by_hand(p: np.ndarray, q: np.ndarray) -> float:
    p, q = p / p.sum(), q / q.sum()
    p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


def _ks(reference, new):
    result = stats.ks_2samp(np.asarray(reference, float), np.asarray(new, float))
    return float(result.statistic), float(result.pvalue)


def _categorical_psi(reference, new):
    levels = sorted(set(np.asarray(reference).tolist()) | set(np.asarray(new).tolist()))
    p = np.array([list(np.asarray(reference)).count(v) for v in levels], float)
    q = np.array([list(np.asarray(new)).count(v) for v in levels], float)
    return _psi_by_hand(p, q)


def _edges_psi(reference, new, edges=(2.0, 4.0)):
    bins = len(edges) + 1
    p = np.bincount(np.searchsorted(edges, np.asarray(reference, float), side="right"),
                    minlength=bins).astype(float)
    q = np.bincount(np.searchsorted(edges, np.asarray(new, float), side="right"),
                    minlength=bins).astype(float)
    return _psi_by_hand(p, q)


def _new_share(reference, new):
    seen = set(np.asarray(reference).tolist())
    values = np.asarray(new).tolist()
    return sum(v not in seen for v in values) / len(values)


def _spearman(reference, new):
    ids = sorted(set(np.asarray(reference).tolist()) | set(np.asarray(new).tolist()))
    count_ref = [list(np.asarray(reference)).count(i) for i in ids]
    count_new = [list(np.asarray(new)).count(i) for i in ids]
    if len(set(count_ref)) < 2 or len(set(count_new)) < 2:
        return math.nan  # a rank correlation of constant counts is undefined
    return float(stats.spearmanr(count_ref, count_new).statistic)


#: measure name -> (call, the independent value, the kind of sample it takes)
MEASURES = {
    "ks_test": (drift.ks_test, _ks, "numbers"),
    "psi": (lambda r, n: drift.psi(r, n, edges=[2.0, 4.0]), _edges_psi, "numbers"),
    "psi categorical": (lambda r, n: drift.psi(r, n, categorical=True), _categorical_psi,
                        "ids"),
    "new_share": (drift.new_share, _new_share, "ids"),
    "spearman": (drift.spearman, _spearman, "ids"),
}


def _cases() -> list[Any]:
    cases = []
    for measure, (_, _, kind) in MEASURES.items():
        samples = NUMBER_SAMPLES if kind == "numbers" else ID_SAMPLES
        ordinary = samples[0][1]
        for name, values, refused in samples:
            for place in ("reference", "new"):
                if name == "ordinary" and place == "new":
                    continue
                pair = (values, ordinary) if place == "reference" else (ordinary, values)
                # an empty reference to new_share: every new id is new, a share of 1
                empty_reference = (measure == "new_share" and place == "reference"
                                   and name == "empty")
                cases.append(pytest.param(measure, place, pair, refused and not empty_reference,
                                          id=f"{measure}-{place}-{name}"))
    return cases


@pytest.mark.parametrize("measure, place, pair, refused", _cases())
def test_a_measure_refuses_a_hostile_sample_naming_it_or_gives_the_definitions_value(
        measure, place, pair, refused):
    call, by_hand, _ = MEASURES[measure]
    name = measure.split()[0]
    if refused:
        with pytest.raises(RecstackError) as raised:
            call(*pair)
        message = str(raised.value)
        assert message.startswith(f"{name}: "), message
        # the argument at fault, or (two kinds of id) both
        assert place in message, message
        return
    got = call(*pair)
    expected = by_hand(*pair)
    if isinstance(got, tuple):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    elif math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("bins", [0, 1, -3, 2.5, math.nan, True, "10", None, 10 ** 9])
def test_a_hostile_bin_count_is_refused_naming_bins(bins):
    for call, name in ((lambda: drift.psi([1.0, 2.0], [1.0, 3.0], bins=bins), "psi"),
                       (lambda: drift.popularity_psi([1, 2], [1, 3], bins=bins),
                        "popularity_psi")):
        if name == "popularity_psi" and bins == 1:
            continue  # one popularity group beside the new items' is a measure of its own
        with pytest.raises(RecstackError, match=rf"^{name}: bins must be an integer"):
            call()


@pytest.mark.parametrize("reference, new, refused_word", [
    ({"drama": 1.0}, {"drama": 0.0}, "new"),
    ({"drama": math.nan}, {"drama": 1.0}, "reference"),
    ({"drama": -1.0}, {"drama": 1.0}, "reference"),
    ({}, {"drama": 1.0}, "reference"),
    ({"drama": 1.0}, {"drama": math.inf}, "new"),
    ({"drama": 1.0}, ["drama"], "new"),
])
def test_genre_mix_refuses_hostile_weights_naming_the_window(reference, new, refused_word):
    with pytest.raises(RecstackError) as raised:
        drift.genre_mix(reference, new)
    assert str(raised.value).startswith("genre_mix: ")
    assert refused_word in str(raised.value)


@pytest.mark.parametrize("reference, new", [
    ({"drama": 1.0}, {"drama": 5.0}),            # one category: the same mix
    ({"drama": 1.0}, {"comedy": 2.0}),           # nothing in common
    ({"drama": 3.0, "comedy": 1.0}, {"drama": 1.0, "comedy": 1.0, "war": 2.0}),
])
def test_genre_mix_of_one_category_or_disjoint_mixes_is_the_definitions(reference, new):
    names = sorted(set(reference) | set(new))
    p = np.array([reference.get(g, 0.0) for g in names])
    q = np.array([new.get(g, 0.0) for g in names])
    total_variation, psi_value = drift.genre_mix(reference, new)
    assert total_variation == pytest.approx(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())
    assert psi_value == pytest.approx(_psi_by_hand(p, q))


# ---------------------------------------------------------------- quality, one cell at a time
def _partition() -> pd.DataFrame:
    return pd.DataFrame({"user_id": [1, 2, 3, 4, 5, 6], "item_id": [10, 11, 12, 13, 14, 15],
                         "value": [1.0, 2.0, 3.0, 4.0, 5.0, 3.0],
                         "timestamp": [1_000, 1_100, 1_200, 1_300, 1_400, 1_500]})


#: (name, column, row, hostile value, {check: offending rows counted by hand})
CELLS = [
    ("nan rating", "value", 2, math.nan, {"nulls": 1, "range": 0}),
    ("inf rating", "value", 2, math.inf, {"range": 1}),
    ("rating above", "value", 0, 6.0, {"range": 1}),
    ("rating below", "value", 0, 0.5, {"range": 1}),
    ("null user", "user_id", 1, None, {"nulls": 1}),
    ("null item", "item_id", 5, None, {"nulls": 1}),
    ("repeated event", "item_id", 1, 10, {"duplicates": 0}),  # another user: no repeat
    ("negative time", "timestamp", 3, -5, {"before_floor": 1}),
    ("future time", "timestamp", 4, 10 ** 10, {"future": 1}),
    ("all equal times", "timestamp", slice(None), 1_000, {"duplicates": 0}),
]


@pytest.mark.parametrize("name, column, row, value, counts", CELLS,
                         ids=[cell[0] for cell in CELLS])
def test_a_hostile_cell_is_counted_as_the_definition_counts_it(name, column, row, value,
                                                               counts):
    frame = _partition()
    if value is None:
        frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    table = pa.Table.from_pandas(frame, preserve_index=False)
    results = {result.check: result for result in check_partition(
        table, QualitySpec(), rating_range=(1.0, 5.0), now=2_000_000_000)}
    for check, count in counts.items():
        assert results[check].count == count, (check, results[check])
        assert results[check].share == pytest.approx(count / len(frame))


def test_a_repeated_event_of_one_user_and_item_is_a_duplicate():
    frame = _partition()
    frame.loc[1, ["user_id", "item_id", "timestamp"]] = [1, 10, 1_000]
    results = {result.check: result for result in check_partition(
        pa.Table.from_pandas(frame, preserve_index=False), QualitySpec(),
        rating_range=(1.0, 5.0), now=2_000_000_000)}
    # one row repeats an earlier (user, item, timestamp): 1 of 6
    assert results["duplicates"].count == 1
    assert results["duplicates"].share == pytest.approx(1 / 6)


@pytest.mark.parametrize("drop", ["user_id", "item_id", "timestamp", "value"])
def test_a_missing_column_fails_the_schema_check_naming_it(drop):
    frame = _partition().drop(columns=[drop])
    results = {result.check: result for result in check_partition(
        pa.Table.from_pandas(frame, preserve_index=False), QualitySpec(),
        rating_range=(1.0, 5.0), now=2_000_000_000)}
    assert results["schema"].status == "failed"
    assert drop in results["schema"].message


def test_an_empty_partition_fails_the_empty_check():
    frame = _partition().iloc[:0]
    results = {result.check: result for result in check_partition(
        pa.Table.from_pandas(frame, preserve_index=False), QualitySpec(),
        rating_range=(1.0, 5.0), now=2_000_000_000)}
    assert results["empty"].status == "failed"
