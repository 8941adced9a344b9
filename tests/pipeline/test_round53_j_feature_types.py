"""A table column whose type changed between fit and use is refused in both directions,
naming the table, the column and the two types: text at fit and numbers now made every
value the unknown level (code 0) without a word, where numbers at fit and text now failed
with pandas' words. A column whose levels are numbers stored as categories still reads
numbers as its levels. A column of numbers written as text warns at fit that it becomes
categorical. Codes are worked by hand: levels sorted, code 0 unknown, code k the k-th."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder

DAY = 86_400
CUTOFF = 10 * DAY


def log(occupation, age=(30, 40, 50), kind=("book", "film", "book")) -> Interactions:
    items = pd.DataFrame({"item_id": [0, 1, 2], "kind": list(kind)})
    users = pd.DataFrame({"user_id": [0, 1, 2], "occ": occupation, "age": list(age)})
    return Interactions.from_arrays(np.array([0, 0, 1, 2]), np.array([0, 1, 0, 1]), None,
                                    np.array([9, 8, 7, 2]) * DAY, item_table=items,
                                    user_table=users, keep_unseen_items=True)


def fitted(data: Interactions) -> FeatureBuilder:
    return FeatureBuilder(user_columns=["occ", "age"], item_columns=["kind"]).fit(
        data, ("a",), 2)


def codes(builder: FeatureBuilder, data: Interactions, column: str) -> list[int]:
    # (u0, i0), (u1, i1), (u2, i2)
    candidates = Candidates(np.array([0, 1, 2]), np.array([0, 1, 2]),
                            np.array([[0.9], [0.5], [0.1]], np.float32),
                            np.array([[1], [2], [1]], np.float32), ("a",), 2)
    frame = builder.build(candidates, builder.statistics(data, CUTOFF))
    return [int(v) for v in frame.to_pandas()[column]]


@pytest.mark.parametrize(("now", "said"), [
    ([1, 2, 3], "numbers now (such as 1)"),
    ([1.5, 2.5, np.nan], "numbers now (such as 1.5)"),
    (pd.Categorical([1, 2, 1]), "numbers now (such as 1)"),
    ([True, False, True], "true/false flags now (such as True)"),
])
def test_a_text_column_holding_numbers_now_is_refused_naming_both_types(now, said):
    builder = fitted(log(["nurse", "chef", "nurse"]))
    with pytest.raises(RecstackError, match=r"^features: the user table column 'occ' held "
                                            r"text at fit \(levels such as 'chef'\) and holds "
                                            + said.replace("(", r"\(").replace(")", r"\)")):
        builder.statistics(log(now), CUTOFF)


def test_an_item_column_is_named_as_the_item_tables():
    builder = fitted(log(["nurse", "chef", "nurse"]))
    with pytest.raises(RecstackError, match=r"the item table column 'kind' held text at fit"):
        builder.statistics(log(["nurse", "chef", "nurse"], kind=[7, 8, 7]), CUTOFF)


def test_a_numeric_column_holding_text_now_is_refused_naming_both_types_and_the_row():
    builder = fitted(log(["nurse", "chef", "nurse"]))
    with pytest.raises(RecstackError, match=r"^features: the user table column 'age' held "
                                            r"numbers at fit and holds text now \(such as "
                                            r"'old', user 1\)"):
        builder.statistics(log(["nurse", "chef", "nurse"], age=[30, "old", 50]), CUTOFF)


def test_numbers_stored_as_categories_still_read_numbers_as_their_levels():
    # levels "1", "2", "3" at fit: int64 numbers now are those levels (u0 3, u1 1, u2 2)
    builder = fitted(log(pd.Categorical([1, 2, 3])))
    assert codes(builder, log([3, 1, 2]), "user_occ") == [3, 1, 2]


def test_a_mixed_column_reading_some_numbers_it_knew_is_not_refused():
    # levels "1", "2", "a"; numbers now, 1 and 2 known, 9 the unknown level
    builder = fitted(log(["a", 1, 2]))
    assert codes(builder, log([9, 1, 2]), "user_occ") == [0, 1, 2]


def test_a_text_column_missing_everywhere_now_is_unknown_not_refused():
    builder = fitted(log(["nurse", "chef", "nurse"]))
    assert codes(builder, log([None, None, None]), "user_occ") == [0, 0, 0]


def test_numbers_written_as_text_warn_at_fit_naming_the_column_and_the_fix():
    with pytest.warns(UserWarning, match=r"^features: the user table column 'occ' holds "
                                         r"numbers written as text \(such as '1.5'\), so it "
                                         r"becomes a categorical feature.*pd\.to_numeric"):
        builder = fitted(log(["1.5", "2", "1.5"]))
    # still categorical, as before: levels "1.5" and "2"
    assert codes(builder, log(["2", "1.5", "2"]), "user_occ") == [2, 1, 2]


@pytest.mark.parametrize("occupation", [
    ["nurse", "chef", "nurse"],  # names
    ["02139", "10001", "02139"],  # codes with a leading zero
    pd.Categorical(["1", "2", "1"]),  # categories chosen by the user
    ["1", "chef", "1"],  # numbers among names
])
def test_text_that_is_not_all_numbers_or_is_declared_categorical_does_not_warn(occupation):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted(log(occupation))
