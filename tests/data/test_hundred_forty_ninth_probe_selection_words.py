"""IdMap.to_external and IdMap.subset given a set, None, a dict, a generator, text or a
ragged list said "got [{1}] (object)"; they now name what was given, in the words of the
data layer's row selections (not_a_selection, now in recstack.data.idmap, which both
import), and the method."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.errors import ConfigError


@pytest.fixture
def ids():
    return IdMap(["a", "b", "c"])


@pytest.mark.parametrize("method", ["to_external", "subset"])
@pytest.mark.parametrize(("given", "words"), [
    ({1}, "got a set {1}: a set has no order; pass sorted(...) of it"),
    (frozenset({0}), "got a frozenset frozenset({0}): a set has no order"),
    (None, "got None"),
    ({0: 1}, "got a dict {0: 1}; pass list(...) of its keys or values"),
    ("ab", "got the text 'ab'"),
    ([[0], [1, 2]], "got a nested list of different lengths ([[0], [1, 2]])"),
])
def test_containers_that_are_no_list_are_named(ids, method, given, words):
    with pytest.raises(ConfigError) as refused:
        getattr(ids, method)(given)
    message = str(refused.value)
    assert message.startswith(f"{method}: indices must be a list or array of integers in "
                              "0..2 (dense indices, not external ids), ")
    assert words in message and "(object)" not in message


@pytest.mark.parametrize("method", ["to_external", "subset"])
def test_a_generator_is_named_not_read(ids, method):
    with pytest.raises(ConfigError, match=r"got a generator, which is not read as a list; "
                                          r"pass list\(\.\.\.\) of it"):
        getattr(ids, method)(i for i in [0, 1])


def test_lists_arrays_and_one_index_still_work(ids):
    assert ids.to_external([2, 0]).tolist() == ["c", "a"]
    assert ids.to_external(np.array([[0, 1]])).tolist() == [["a", "b"]]
    assert ids.to_external(1) == "b"
    assert ids.subset(np.array([2, 1])).to_external([0, 1]).tolist() == ["c", "b"]


def test_the_selection_words_are_still_those_of_row_selections():
    from recstack.data import interactions, splits
    from recstack.data.idmap import not_a_selection
    assert interactions.not_a_selection is not_a_selection
    assert splits.not_a_selection is not_a_selection


@pytest.mark.parametrize("call", [
    lambda given: IdMap([1, 2, 3]).to_index(given),
    lambda given: IdMap.encode(given),
    lambda given: IdMap(given),
])
@pytest.mark.parametrize(("given", "words"), [
    ({1, 2}, "got a set {1, 2}: a set has no order; pass sorted(...) of it"),
    ({1: 2}, "got a dict {1: 2}; pass list(...) of its keys or values"),
])
def test_ids_given_as_a_set_or_dict_are_named_so(call, given, words):
    # was "ids: the value at position 0 is {1, 2} (set)", as if the set were one id
    with pytest.raises(ConfigError) as refused:
        call(given)
    assert words in str(refused.value) and "position 0" not in str(refused.value)


@pytest.mark.parametrize("call", [
    lambda given: IdMap([1, 2, 3]).to_index(given),
    lambda given: IdMap.encode(given),
    lambda given: IdMap(given),
])
def test_ids_given_as_a_generator_are_named_so(call):
    with pytest.raises(ConfigError, match=r"got a generator, which is not read as a list"):
        call(i for i in [1, 2])
