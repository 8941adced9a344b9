"""Forty-third probe, ids a vocabulary was built from without the id rule: ``IdMap`` took
``[True, False]`` (a map of booleans), ``[1, None]`` (a map holding NaN, which no lookup
finds), ``[1.5, 2]``, a list of lists (a map of unhashable lists) and a one-id string
(pandas' TypeError), and a 2-D array was pandas' "Index data must be 1-dimensional". Now
the constructor applies the rule of ``IdMap.encode`` and of every loader."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap
from recstack.errors import ConfigError, DataFormatError


@pytest.mark.parametrize(("ids", "problem"), [
    ([True, False], r"position 0 is True, a boolean"),
    ([1, None], r"position 1 is None \(a missing id\)"),
    ([np.nan, 1.0], r"position 0 is NaN \(a missing id\)"),
    ([1.5, 2.0], r"position 0 is 1.5, not a whole number"),
    (pd.array([1, None], dtype="Int64"), r"position 1 is <NA> \(a missing id\)"),
    ([(1, 2), (3, 4)], r"shape \(2, 2\)"),
])
def test_values_that_are_not_ids_are_refused_by_position(ids, problem):
    with pytest.raises((DataFormatError, ConfigError), match=problem):
        IdMap(ids)


@pytest.mark.parametrize("ids", [[[1], [2]], np.array([[1, 2], [3, 4]])])
def test_nested_ids_are_refused_as_not_flat(ids):
    with pytest.raises(ConfigError, match=r"^IdMap takes a flat list of external ids, got "
                                          r"an array of shape \(2, [12]\)$"):
        IdMap(ids)


@pytest.mark.parametrize("ids", ["abc", 5, {1: 2}])
def test_a_lone_id_or_a_mapping_is_not_a_list_of_ids(ids):
    with pytest.raises(ConfigError, match=r"^IdMap takes a list or array of external ids"):
        IdMap(ids)


def test_whole_floats_are_integer_ids_as_in_encode():
    ids = IdMap([3.0, 1.0])
    assert ids.external_ids.dtype.kind == "i"
    assert ids.to_index([1, 3]).tolist() == [1, 0]
    assert ids.external_ids.tolist() == [3, 1]


def test_good_vocabularies_are_kept_as_given():
    assert IdMap(["b", "a"]).external_ids.tolist() == ["b", "a"]
    assert IdMap(np.array([5, 2], dtype=np.int64)).to_index([2]).tolist() == [1]
    assert len(IdMap([])) == 0
    assert IdMap.range(3).to_external([2]).tolist() == [2]
    # a saved vocabulary holding untrimmed text stays as it was
    assert IdMap.restore([" a", "a"]).external_ids.tolist() == [" a", "a"]


def test_subset_keeps_the_ids_in_the_order_asked():
    ids = IdMap([10, 20, 30])
    assert ids.subset(np.array([2, 0])).external_ids.tolist() == [30, 10]


@pytest.mark.parametrize("ids", [[[1], [2]], np.array([[1, 2], [3, 4]])])
def test_encode_takes_a_flat_column(ids):
    # a nested list gave a map of its values and codes shaped like the list
    with pytest.raises(ConfigError, match=r"^IdMap\.encode takes a flat column of ids, got "
                                          r"an array of shape"):
        IdMap.encode(ids)


def test_encode_of_a_flat_column_is_unchanged():
    ids, codes = IdMap.encode(["b", "a", "b"])
    assert ids.external_ids.tolist() == ["a", "b"]
    assert codes.tolist() == [1, 0, 1]
