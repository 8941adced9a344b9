"""Hundred-forty-sixth probe, what ``select``, ``for_users`` and ``for_items`` were given
when it was no list of positions or flags. numpy wraps None, a set, a dict, a generator,
a text or a single number in an array of shape (), and the message named that wrapper
("got a object array of shape ()"), not what the caller passed nor what to pass; a list
holding one wrong value was named by its dtype only. Each is now named as given, with
what to give instead."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import ConfigError


def _data():
    return Interactions.from_frame(pd.DataFrame({
        "user_id": [1, 1, 2, 2, 3, 3], "item_id": [1, 2, 1, 3, 2, 3], "value": [1.0] * 6,
        "timestamp": [100, 200, 300, 400, 500, 600]}))


@pytest.mark.parametrize(("given", "named"), [
    (None, r"got None \(to keep every row, do not select; to keep none, pass \[\]\)"),
    ({0, 1}, r"got a set \{0, 1\}: a set has no order; pass sorted\(\.\.\.\) of it"),
    (frozenset({1}), r"got a frozenset frozenset\(\{1\}\): a set has no order"),
    ({0: 1}, r"got a dict \{0: 1\}; pass list\(\.\.\.\) of its keys or values"),
    ((i for i in range(2)), r"got a generator, which is not read as a list; "
                            r"pass list\(\.\.\.\) of it"),
    ("ab", r"got the text 'ab'"),
    (3, r"got the single value 3; for one position pass a list, e.g\. \[3\]"),
    (np.int64(2), r"got the single value 2; for one position pass a list, e\.g\. \[2\]"),
    (1.5, r"got the single value 1\.5;"),
    (np.array(2), r"got a 0-D array holding 2; pass a list or 1-D array"),
])
@pytest.mark.parametrize("method", ["select", "for_users", "for_items"])
def test_a_selector_that_is_no_list_is_named_as_given(method, given, named):
    data = _data()
    with pytest.raises(ConfigError, match=rf"^{method}: {named}") as caught:
        getattr(data, method)(given)
    n = len(data) if method == "select" else 3
    assert f"expected a boolean mask of {n} entries or a list or array of integer " \
           f"positions" in str(caught.value)
    assert "array of shape ()" not in str(caught.value)


@pytest.mark.parametrize(("given", "named"), [
    (["0"], r"got '0' \(text\) at index 0 of a <U1 array"),
    ([1, None], r"got None \(a missing value\) at index 1 of a object array"),
    ([1, np.nan], r"got nan \(a missing value\) at index 1 of a float64 array"),
    ([1.0, 2.5], r"got 2\.5 \(float\) at index 1 of a float64 array$"),
    ([1.0, 2.0], r"got 1\.0 \(float\) at index 0 of a float64 array; whole-number floats: "
                 r"pass them as integers"),
])
def test_the_first_value_that_is_no_position_is_named(given, named):
    with pytest.raises(ConfigError, match=rf"^select: expected a boolean mask or integer "
                                          rf"positions of rows, {named}"):
        _data().select(given)


def test_a_nested_list_is_named_by_its_dimensions():
    with pytest.raises(ConfigError, match=r"in one flat list, got a 2-D array of shape "
                                          r"\(1, 2\)"):
        _data().select([[0, 1]])
    # numpy's own ValueError ("inhomogeneous shape after 1 dimensions") before
    with pytest.raises(ConfigError, match=r"^select: got a nested list of different lengths "
                                          r"\(\[1, \[2\]\]\), not one flat list; expected a "
                                          r"boolean mask of 6 entries"):
        _data().select([1, [2]])
    with pytest.raises(ConfigError, match=r"^given split: is_test is a nested list of "
                                          r"different lengths \(\[1, \[2\]\]\), not one flat "
                                          r"list; expected one true/false flag per row"):
        given_split(_data(), [1, [2]])


@pytest.mark.parametrize(("given", "named"), [
    ([1, pd.NA], r"<NA> \(a missing value\) at index 1"),
    ([1, pd.NaT], r"NaT \(a missing value\) at index 1"),
    ([0, 2**70], r"1180591620717411303424 \(outside 0\.\.5\) at index 1"),
])
def test_a_missing_or_huge_value_in_an_object_list_is_named(given, named):
    with pytest.raises(ConfigError, match=rf"^select: expected a boolean mask or integer "
                                          rf"positions of rows, got {named} of a object array"):
        _data().select(given)


def test_what_was_accepted_still_is():
    data = _data()
    assert len(data.select([])) == 0
    assert len(data.select(range(2))) == 2
    assert data.select(np.array([4, 1])).timestamp.tolist() == [500, 200]
    assert len(data.select([True, False] * 3)) == 3
    assert len(data.for_users([0])) == 2


@pytest.mark.parametrize(("given", "named"), [
    ({1, 2}, r"a set \{1, 2\}: a set has no order"),
    ("x", r"the text 'x'"),
    (True, r"the single value True"),
    ((flag for flag in [True]), r"a generator, which is not read as a list; pass "
                                r"list\(\.\.\.\) of it"),
])
@pytest.mark.parametrize("argument", ["is_test", "fold_in_mask"])
def test_a_given_split_mask_that_is_no_list_is_named_as_given(argument, given, named):
    data = _data()
    masks = {"is_test": np.zeros(len(data), bool), argument: given}
    # it was "is_test has shape ()", the shape of numpy's wrapper
    with pytest.raises(ConfigError, match=rf"^given split: {argument} is {named}; expected "
                                          rf"one true/false flag per row, \(6,\)$"):
        given_split(data, masks["is_test"], fold_in_mask=masks.get("fold_in_mask"))
