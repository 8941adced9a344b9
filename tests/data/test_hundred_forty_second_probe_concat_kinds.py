"""Hundred-forty-second probe, joining parts of different kinds.

``concat`` (and ``union``, built on it) joined a part with timestamps and one without by
dropping every timestamp without a word, and kept the first part's rating range for every
row, so implicit 1.0s joined to ratings on 1-5 became ratings of 1 (or ratings became
implicit feedback). Both are refused now, naming the parts; empty parts, which hold no
time or value, still join anything."""

from dataclasses import replace

import numpy as np
import pytest

from recstack.data.adjacency import union
from recstack.data.interactions import Interactions, concat
from recstack.errors import RecstackError


@pytest.fixture
def data():
    return Interactions.from_arrays([1, 1, 2, 2, 3, 3], [10, 11, 10, 11, 10, 11],
                                    values=[1, 2, 3, 4, 5, 1], timestamps=[1, 2, 3, 4, 5, 6],
                                    rating_range=(1, 5))


def test_a_timed_and_an_untimed_part_are_refused(data):
    timed, untimed = data.select(slice(0, 3)), replace(data.select(slice(3, 6)), timestamp=None)
    with pytest.raises(RecstackError, match=r"^concat: part 1 has timestamps and part 2 has "
                                            r"none; joined, every timestamp would be dropped"):
        concat([timed, untimed])
    with pytest.raises(RecstackError, match=r"^union: part 2 has timestamps and part 1 has "
                                            r"none"):
        union(untimed, timed)


def test_ratings_and_implicit_feedback_are_refused(data):
    ratings, implicit = data.select(slice(0, 3)), data.select(slice(3, 6)).implicit()
    with pytest.raises(RecstackError, match=r"^concat: part 1's values are ratings on 1-5 and "
                                            r"part 2's are implicit feedback \(no rating "
                                            r"range\); joined, all would be read as ratings"):
        concat([ratings, implicit])
    with pytest.raises(RecstackError, match=r"^concat: part 1's values are ratings on 1-5 and "
                                            r"part 2's are ratings on 0-10"):
        concat([ratings, replace(data.select(slice(3, 6)), rating_range=(0, 10))])


def test_parts_of_one_kind_join_and_keep_times_and_range(data):
    joined = concat([data.select(slice(0, 3)), data.select(slice(3, 6))])
    assert joined.timestamp.tolist() == [1, 2, 3, 4, 5, 6]
    assert joined.rating_range == (1, 5)
    assert joined.value.tolist() == [1, 2, 3, 4, 5, 1]
    untimed = replace(data, timestamp=None)
    assert concat([untimed.select(slice(0, 2)), untimed.select(slice(2, 6))]).timestamp is None


def test_empty_parts_join_anything(data):
    empty_untimed_implicit = replace(data.select(np.zeros(6, bool)), timestamp=None,
                                     rating_range=None)
    joined = concat([empty_untimed_implicit, data])
    # the empty part holds no time and no value: the rows keep theirs
    assert joined.timestamp.tolist() == [1, 2, 3, 4, 5, 6]
    assert joined.rating_range == (1, 5)
