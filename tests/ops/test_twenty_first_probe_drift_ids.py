"""Twenty-first bad-input probe, windows whose ids are of different types: measure_drift
given a reference window with numeric user (or item) ids and a new window with text ids
stopped with numpy's ``TypeError: '<' not supported between instances of 'str' and
'int'``. Now it is refused naming the id column, both types and an example of each."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.ops.drift import measure_drift


def _window(users, items) -> Interactions:
    return Interactions.from_frame(pd.DataFrame({"user_id": users, "item_id": items}))


NUMBERS = _window([1, 1, 2, 3], [10, 11, 10, 12])


def test_user_ids_as_numbers_and_as_text_are_refused():
    text_users = _window(["1", "2", "2"], [10, 11, 12])
    with pytest.raises(RecstackError) as refused:
        measure_drift(NUMBERS, text_users)
    assert str(refused.value) == (
        "measure_drift: the reference window's user ids are numbers (e.g. 1) but the new "
        "window's are text (e.g. '1'); give both windows user ids of one type (5 and '5' "
        "would count as different users)")


def test_item_ids_as_text_and_as_numbers_are_refused():
    text_items = _window([1, 2, 2], ["a", "b", "a"])
    with pytest.raises(RecstackError, match=r"^measure_drift: the reference window's item ids "
                                            r"are text \(e\.g\. 'a'\) but the new window's "
                                            r"are numbers \(e\.g\. 10\);"):
        measure_drift(text_items, NUMBERS)


def test_windows_of_one_id_type_are_still_measured():
    report = measure_drift(NUMBERS, _window([1, 4, 4], [10, 10, 13]))
    # items of the new window: 10, 10, 13; 13 is new: a third of its rows
    assert report.measures["new_item_share"] == pytest.approx(1 / 3)
    # users 1, 4, 4: the two rows of user 4 are new
    assert report.measures["new_user_share"] == pytest.approx(2 / 3)
