"""Context columns whose type changed between fit and scoring are refused as a table
column's is, naming the context column and both types: text at fit and numbers (or flags)
now made every row the unknown level (code 0) without a word. Numbers written as text in a
context column warn at fit, as in a table. A column of numbers written as text that
``"auto"`` leaves out for its many distinct values is named, with why, in one warning per
fit; it vanished from the features silently. Codes are worked by hand: levels sorted,
code 0 unknown, code k the k-th."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.features import FeatureBuilder

N_ROWS = 12


def logged(**context_columns) -> Interactions:
    users = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 1, 2])
    items = np.array([0, 1, 2, 1, 2, 3, 0, 2, 3, 3, 0, 1])
    times = 1_700_000_000 + 3600 * np.arange(N_ROWS)
    context = pd.DataFrame({"device": ["phone", "web"] * 6,
                            "price": np.linspace(1.0, 12.0, N_ROWS)} | context_columns)
    return Interactions.from_arrays(users, items, None, times, context=context)


def fitted(data: Interactions, **options) -> FeatureBuilder:
    return FeatureBuilder(**options).fit(data, ["pop"], 3)


@pytest.fixture(scope="module")
def builder() -> FeatureBuilder:
    return fitted(logged(), context_columns=["device", "price"])


@pytest.mark.parametrize(("now", "said"), [
    ([7, 8, 7], "numbers now (such as 7, row 0)"),
    ([None, 2.5, 3.5], "numbers now (such as 2.5, row 1)"),
    (pd.Categorical([1, 2, 1]), "numbers now (such as 1, row 0)"),
    ([True, False, None], "true/false flags now (such as True, row 0)"),
])
def test_a_text_context_column_holding_numbers_now_is_refused_naming_both_types(
        builder, now, said):
    context = pd.DataFrame({"device": now})
    with pytest.raises(RecstackError, match=r"^context column 'device' held text at fit "
                                            r"\(levels such as 'phone'\) and holds "
                                            + said.replace("(", r"\(").replace(")", r"\)")
                                            + ", none of them a level it knew"):
        builder.context_features(context, 3)


def test_a_request_names_its_row_as_a_request_row(builder):
    with pytest.raises(RecstackError, match=r"holds numbers now \(such as 7, request row 0\)"):
        builder.check_context(pd.DataFrame({"device": [7]}), "request row")


def test_a_numeric_context_column_holding_text_now_names_both_types_and_the_row(builder):
    context = pd.DataFrame({"price": pd.Series([2.0, None, "cheap"], dtype=object)})
    with pytest.raises(RecstackError, match=r"^context column 'price' held numbers at fit "
                                            r"and holds text now \(such as 'cheap', row 2\)"):
        builder.context_features(context, 3)


def test_context_values_that_keep_their_type_are_still_read(builder):
    # device levels: phone 1, web 2; 7 among known text is one unseen value, not a change
    # of type, and a row missing everywhere is unknown; price as given
    context = pd.DataFrame({"device": pd.Series(["web", 7, None], dtype=object),
                            "price": [2.5, None, 4.0]})
    numeric, codes = builder.context_features(context, 3)
    assert codes[:, 0].tolist() == [2, 0, 0]
    np.testing.assert_array_equal(numeric[:, 0], [2.5, np.nan, 4.0])
    _, codes = builder.context_features(pd.DataFrame({"device": [None, None, None]}), 3)
    assert codes[:, 0].tolist() == [0, 0, 0]


def test_a_context_column_of_numbered_levels_reads_numbers_as_its_levels():
    # levels "1" and "2" stored as categories: the number 2 now is level 2, 9 unknown
    data = logged(slot=pd.Categorical([1, 2] * 6))
    builder = fitted(data, context_columns=["slot"])
    _, codes = builder.context_features(pd.DataFrame({"slot": [2, 9, 1]}), 3)
    assert codes[:, 0].tolist() == [2, 0, 1]


def test_numbers_written_as_text_in_a_context_column_warn_at_fit():
    with pytest.warns(UserWarning, match=r"^features: the context column 'slot' holds "
                                         r"numbers written as text \(such as '1\.5'\), so it "
                                         r"becomes a categorical feature.*pd\.to_numeric"):
        builder = fitted(logged(slot=["1.5", "2"] * 6), context_columns=["slot"])
    # still categorical: levels "1.5" 1 and "2" 2
    _, codes = builder.context_features(pd.DataFrame({"slot": ["2", "1.5"]}), 2)
    assert codes[:, 0].tolist() == [2, 1]


def written_prices(n: int) -> list[str]:
    return [f"{9 + k / 100:.2f}" for k in range(n)]  # "9.00", "9.01", ...: all distinct


def test_auto_names_the_numbers_as_text_it_left_out_once_per_fit_with_why():
    users = pd.DataFrame({"user_id": [0, 1, 2], "zip": ["02139", "10001", "94110"],
                          "income": ["51.5", "72", "64.25"]})
    items = pd.DataFrame({"item_id": [0, 1, 2, 3], "price": written_prices(4),
                          "title": ["Heat", "Alien", "Up", "Jaws"]})
    data = Interactions.from_arrays(
        np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 1, 2]),
        np.array([0, 1, 2, 1, 2, 3, 0, 2, 3, 3, 0, 1]), None,
        1_700_000_000 + 3600 * np.arange(N_ROWS), item_table=items, user_table=users,
        context=pd.DataFrame({"session": written_prices(N_ROWS)}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        builder = fitted(data)
    left_out = [w for w in caught if "left out" in str(w.message)]
    assert len(left_out) == 1
    message = str(left_out[0].message)
    # 4 prices of 4 items, 3 incomes of 3 users, 12 sessions of 12 rows: each more than
    # half its rows distinct; the zip codes (a leading zero) and the titles are names
    assert message.startswith(
        "features: \"auto\" left out the item table column 'price' (such as '9.00': 4 "
        "distinct texts, more than half of its 4 rows); the user table column 'income' "
        "(such as '51.5': 3 distinct texts, more than half of its 3 rows); the context "
        "column 'session' (such as '9.00': 12 distinct texts, more than half of its 12 "
        "rows): ")
    assert "pd.to_numeric" in message and "'zip'" not in message and "'title'" not in message
    assert not {"item_price", "user_income", "context_session"} & set(builder.schema_.names)
    # checking the columns first (as the training data does) says nothing more
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FeatureBuilder().check_columns(data)
    assert caught == []


def test_more_levels_than_max_levels_is_said_as_such():
    data = logged(session=written_prices(6) * 2)  # 6 distinct of 12 rows: not half
    with pytest.warns(UserWarning, match=r"the context column 'session' \(such as '9\.00': "
                                         r"6 distinct texts, more than max_levels = 5\)"):
        fitted(data, max_levels=5)


def test_listed_columns_are_not_left_out_and_say_nothing_of_it():
    data = logged(session=written_prices(N_ROWS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted(data, context_columns=["device"])
    assert not [w for w in caught if "left out" in str(w.message)]
