"""A categorical level that is a number is one level whatever the number's type: 1 at fit
and 1.0 (or np.float64(1.0), Decimal("1.0"), the text "1.0") at serving are the same level,
where the level was keyed by ``str`` and 1.0 became the unknown level (code 0) silently.
Builders saved before read every value they knew as before. Codes worked by hand: the
levels are sorted, code 0 is the unknown level, code k the k-th level."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder

DAY = 86_400


def log(occupation, genres=None) -> Interactions:
    items = pd.DataFrame({"item_id": [0, 1, 2],
                          "genres": pd.Series(genres or [["x"], ["y"], ["z"]], dtype=object)})
    users = pd.DataFrame({"user_id": [0, 1, 2], "occ": pd.Series(occupation, dtype=object)
                          if not isinstance(occupation, pd.Categorical) else occupation})
    return Interactions.from_arrays(np.array([0, 0, 1, 2]), np.array([0, 1, 0, 1]), None,
                                    np.array([9, 8, 7, 2]) * DAY, item_table=items,
                                    user_table=users, keep_unseen_items=True)


def candidates() -> Candidates:
    # (u0, i0), (u1, i1), (u2, i2)
    return Candidates(np.array([0, 1, 2]), np.array([0, 1, 2]),
                      np.array([[0.9], [0.5], [0.1]], np.float32),
                      np.array([[1], [2], [1]], np.float32), ("a",), 2)


def codes(builder: FeatureBuilder, data: Interactions, column: str) -> list[int]:
    frame = builder.build(candidates(), builder.statistics(data, 10 * DAY))
    return [int(v) for v in frame.to_pandas()[column]]


def levels(builder: FeatureBuilder, name: str) -> tuple[str, ...]:
    return next(c.levels for c in builder.columns_ if c.column == name)


def fitted(data: Interactions) -> FeatureBuilder:
    return FeatureBuilder(user_columns=["occ"], item_columns=["genres"]).fit(data, ("a",), 2)


@pytest.mark.parametrize("served", [
    ["a", 1.0, 2.0], ["a", np.float64(1.0), np.int8(2)], ["a", Decimal("1.0"), Decimal(2)],
    ["a", "1.0", "2"], ["a", 1, 2]])
def test_a_whole_number_is_one_level_whatever_its_type(served):
    builder = fitted(log(["a", 1, 2]))
    assert levels(builder, "occ") == ("1", "2", "a")
    # u0 "a" is the third level, u1 the first ("1"), u2 the second ("2"); was [3, 0, 0]
    assert codes(builder, log(served), "user_occ") == [3, 1, 2]


def test_a_fit_on_floats_keys_the_levels_by_their_digits():
    builder = fitted(log(["a", 1.0, 2.5]))
    assert levels(builder, "occ") == ("1", "2.5", "a")
    assert codes(builder, log(["a", 1, 2.5]), "user_occ") == [3, 1, 2]


def test_one_number_of_two_types_at_fit_is_one_level():
    builder = fitted(log([1, 1.0, np.int64(1)]))
    assert levels(builder, "occ") == ("1",)
    assert codes(builder, log([1.0, 1, True]), "user_occ") == [1, 1, 0]  # a flag is not 1


def test_a_categorical_of_ints_at_fit_reads_one_of_floats():
    builder = fitted(log(pd.Categorical([1, 2, 3])))
    assert codes(builder, log(pd.Categorical([3.0, 1.0, 2.0])), "user_occ") == [3, 1, 2]


def test_list_labels_that_are_numbers_are_read_by_their_digits():
    builder = fitted(log(["a", "b", "c"], genres=[[1, 2], [3], [2]]))
    assert levels(builder, "genres") == ("1", "2", "3")
    served = log(["a", "b", "c"], genres=[[1.0, 2.0], [3.0], [np.float64(2.0)]])
    # the first listed label of each candidate item: i0 1, i1 3, i2 2 (was 0, 0, 0)
    assert codes(builder, served, "item_genres") == [1, 3, 2]


def saved(levels: list[str]) -> FeatureBuilder:
    """A builder as one saved before the digits rule, with these levels of ``occ``."""
    raw = json.loads(fitted(log(["a", "b", "c"])).to_json())
    [occ] = [c for c in raw["columns"] if c["column"] == "occ"]
    occ["levels"] = levels
    return FeatureBuilder.from_json(json.dumps(raw))


def test_a_builder_saved_with_float_text_levels_reads_them_as_before_and_by_number():
    builder = saved(["1.0", "2.5", "a"])  # an old fit of [1.0, 2.5, "a"]
    assert codes(builder, log([1.0, 2.5, "a"]), "user_occ") == [1, 2, 3]  # as before
    assert codes(builder, log(["1.0", np.float64(2.5), "b"]), "user_occ") == [1, 2, 0]
    assert codes(builder, log([1, np.int64(1), Decimal("1")]), "user_occ") == [1, 1, 1]


def test_a_builder_saved_with_two_texts_of_one_number_keeps_both_codes():
    builder = saved(["1", "1.0", "x"])  # an old fit of a column holding both 1 and 1.0
    assert codes(builder, log([1, 1.0, "x"]), "user_occ") == [1, 2, 3]  # as before
    # values whose str it never saved, of the key "1": the first level of that key; the
    # text "1.00" is a name, not a number's str, and stays unknown
    assert codes(builder, log([Decimal("1.00"), np.int16(1), "1.00"]), "user_occ") == [1, 1, 0]


def test_a_context_level_of_a_number_is_found_by_a_request_of_another_type():
    from recstack.pipeline.features import request_context

    data = Interactions.from_arrays(
        np.array([1, 1, 2, 2]), np.array([5, 6, 5, 7]), None, np.array([1, 2, 3, 4]),
        context=pd.DataFrame({"plan": pd.Series(["a", 1, 2, "a"], dtype=object)}))
    builder = FeatureBuilder(context_columns=["plan"]).fit(data, ["a"], 3)
    assert builder.context_[0].levels == ("1", "2", "a")
    # a JSON request's 2.0, a numpy one's np.float64(1.0): the levels "2" and "1" (were 0)
    request = request_context(pd.DataFrame({"plan": [2.0, np.float64(1.0), "a", "b"]}), 4)
    _, codes = builder.context_features(request, 4)
    assert codes[:, 0].tolist() == [2, 1, 3, 0]
