"""Forty-third probe, column arguments of ``Interactions.from_frame`` that cannot name one
column: a list (``user_col=["user_id"]``) or a dict was Python's "unhashable type"
TypeError, ``user_col=None`` an AttributeError on None, and a misspelt keyword
(``user_column=``) a TypeError naming ``from_arrays()``, which the caller never called.
Now a ConfigError names the argument and what would be right."""

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


@pytest.fixture
def frame():
    return pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10],
                         "value": [1.0, 2.0, 3.0], "timestamp": [1, 2, 3]})


@pytest.mark.parametrize("option", ["user_col", "item_col", "value_col", "timestamp_col"])
def test_a_list_of_one_column_names_the_argument_and_the_single_name(frame, option):
    column = {"user_col": "user_id", "item_col": "item_id", "value_col": "value",
              "timestamp_col": "timestamp"}[option]
    with pytest.raises(ConfigError, match=rf"^from_frame: {option} must be one column name "
                                          rf".*got the list \['{column}'\]; for one column "
                                          rf"write {option}='{column}'$"):
        Interactions.from_frame(frame, **{option: [column]})


def test_a_dict_for_a_column_names_the_argument(frame):
    with pytest.raises(ConfigError, match=r"^from_frame: item_col must be one column name "
                                          r"such as 'item_id', got the dict"):
        Interactions.from_frame(frame, item_col={"item_id": 1})


@pytest.mark.parametrize("option", ["user_col", "item_col"])
def test_none_for_the_user_or_item_column_is_refused_by_name(frame, option):
    with pytest.raises(ConfigError, match=rf"^from_frame: {option} must name the column of "
                                          rf"(user|item) ids, got None$"):
        Interactions.from_frame(frame, **{option: None})


def test_none_for_values_and_times_still_reads_none(frame):
    data = Interactions.from_frame(frame, value_col=None, timestamp_col=None)
    assert data.timestamp is None
    assert data.value.tolist() == [1.0, 1.0, 1.0]


def test_a_misspelt_keyword_names_from_frame_and_the_near_name(frame):
    with pytest.raises(ConfigError, match=r"^from_frame\(\) has no argument 'user_column' "
                                          r"\(did you mean 'user_col'\?\); it takes the frame "
                                          r"and user_col="):
        Interactions.from_frame(frame, user_column="user_id")


def test_context_is_named_by_its_columns(frame):
    with pytest.raises(ConfigError, match=r"context_cols="):
        Interactions.from_frame(frame, context=pd.DataFrame({"device": ["a", "b", "c"]}))


def test_keywords_of_from_arrays_still_pass_through(frame):
    data = Interactions.from_frame(frame, duplicates="error", rating_range=(1, 5))
    assert data.rating_range == (1, 5)
    assert len(data) == 3


def test_tuple_names_of_a_two_level_header_still_name_one_column(frame):
    frame.columns = pd.MultiIndex.from_tuples([("a", c) for c in frame.columns])
    data = Interactions.from_frame(frame, user_col=("a", "user_id"),
                                   item_col=("a", "item_id"), value_col=("a", "value"),
                                   timestamp_col=("a", "timestamp"))
    assert data.value.tolist() == [1.0, 2.0, 3.0]
    assert data.timestamp.tolist() == [1, 2, 3]


@pytest.mark.parametrize(("option", "flag", "hint"), [
    ("value_col", False, r"; value_col=None reads none$"),
    ("timestamp_col", True, r"; timestamp_col=None reads none$"),
    ("user_col", True, r"$"),
])
def test_a_boolean_for_a_column_is_refused_with_the_way_to_read_none(frame, option, flag,
                                                                       hint):
    with pytest.raises(ConfigError, match=rf"^from_frame: {option} must be a column name, got "
                                          rf"the boolean {flag}{hint}"):
        Interactions.from_frame(frame, **{option: flag})
