"""Numbers that pandas keeps as objects, found walking the README's two-stage section with
an item table read from a database: a column of ``Decimal`` prices (a SQL NUMERIC column),
all different, was left out by ``"auto"`` without a word, as if it named its items; listed,
each price became a categorical level of its own, also without a word. The same held for
``Fraction`` values, numpy scalars in an object column and integers beside ``pd.NA``.
They now warn as numbers written as text do, naming the column, its type and the fix.
Nullable, pyarrow-backed and sparse dtypes were already read as numbers: their values are
checked by hand here. And a candidate recall over a test split of other users than the
candidates' was a silent 0."""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from recstack.data.interactions import Interactions
from recstack.pipeline.candidates import Candidates, candidate_recall
from recstack.pipeline.features import FeatureBuilder

N_ITEMS = 4
CUTOFF = 1_800_000_000
PRICES = [Decimal("0.99"), Decimal("1.50"), Decimal("2.25"), Decimal("9.99")]


def logged(item_table: pd.DataFrame | None = None,
           context: pd.DataFrame | None = None) -> Interactions:
    # user 0 read items 0 and 1, user 1 items 2 and 3; every item once
    return Interactions.from_arrays(np.array([0, 0, 1, 1]), np.array([0, 1, 2, 3]), None,
                                    1_700_000_000 + 3600 * np.arange(4),
                                    item_table=item_table, context=context)


def table(column: object) -> pd.DataFrame:
    return pd.DataFrame({"item_id": np.arange(N_ITEMS), "price": column})


def candidates() -> Candidates:
    # each item once, for the user who read it
    return Candidates(np.array([0, 0, 1, 1]), np.arange(N_ITEMS),
                      np.ones((N_ITEMS, 1), np.float32), np.ones((N_ITEMS, 1), np.float32),
                      ("a",), 2)


def fitted(data: Interactions, **options) -> FeatureBuilder:
    return FeatureBuilder(**options).fit(data, ["a"], 2)


def built(builder: FeatureBuilder, data: Interactions, name: str) -> list[float]:
    frame = builder.build(candidates(), builder.statistics(data, CUTOFF)).to_pandas()
    return frame[name].tolist()


def test_auto_names_the_decimal_prices_it_leaves_out():
    with pytest.warns(UserWarning) as caught:
        builder = fitted(logged(table(pd.Series(PRICES, dtype=object))))
    [message] = [str(w.message) for w in caught if "left out" in str(w.message)]
    assert message.startswith(
        "features: \"auto\" left out the item table column 'price' (such as "
        "Decimal('0.99'): 4 distinct numbers (Decimal), more than half of its 4 rows): ")
    assert "pd.to_numeric" in message
    assert "item_price" not in builder.schema_.names


@pytest.mark.parametrize(("values", "kind"), [
    (PRICES, "Decimal"),
    ([Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4)], "Fraction"),
    ([np.float32(0.5), np.float32(1.5), np.float32(2.5), np.float32(3.5)], "float32"),
    ([1, pd.NA, 3, 4], "int"),
])
def test_numbers_held_as_objects_warn_when_listed(values, kind):
    with pytest.warns(UserWarning, match=rf"the item table column 'price' holds numbers held "
                                         rf"as Python objects \({kind}\), not a numeric dtype"):
        builder = fitted(logged(table(pd.Series(values, dtype=object))),
                         item_columns=["price"])
    assert next(c.role for c in builder.columns_ if c.column == "price") == "categorical"


def test_fractions_are_told_the_conversion_that_reads_them():
    fractions = pd.Series([Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4)],
                          dtype=object)
    with pytest.warns(UserWarning, match=r"a column holding Fractions: \.astype\(float\)"):
        fitted(logged(table(fractions)), item_columns=["price"])
    # the conversion named does make them numbers "auto" takes, read exactly
    data = logged(table(fractions.astype(float)))
    assert built(fitted(data), data, "item_price") == pytest.approx(
        [1 / 3, 1 / 2, 2 / 3, 3 / 4])


def test_decimal_prices_made_numeric_as_told_are_taken_by_auto():
    data = logged(table(pd.to_numeric(pd.Series(PRICES, dtype=object))))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        builder = fitted(data)
    assert built(builder, data, "item_price") == pytest.approx([0.99, 1.5, 2.25, 9.99])


def test_a_context_column_of_decimals_warns_too():
    context = pd.DataFrame({"bid": pd.Series([Decimal("0.10"), Decimal("0.20")] * 2,
                                             dtype=object)})
    with pytest.warns(UserWarning, match=r"the context column 'bid' holds numbers held as "
                                         r"Python objects \(Decimal\)"):
        fitted(logged(context=context), context_columns=["bid"])


def test_a_categorical_of_numbers_says_its_user_chose_categories():
    data = logged(table(pd.Categorical([1, 2, 1, 2])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        builder = fitted(data)
    assert next(c.levels for c in builder.columns_ if c.column == "price") == ("1", "2")


@pytest.mark.parametrize(("column", "expected"), [
    (pd.array([1, None, 3, 4], "Int64"), [1.0, np.nan, 3.0, 4.0]),
    (pd.array([1.5, None, 3.0, 4.0], "Float64"), [1.5, np.nan, 3.0, 4.0]),
    (pd.array([True, None, False, True], "boolean"), [1.0, np.nan, 0.0, 1.0]),
    (pd.array([1, None, 3, 4], "int64[pyarrow]"), [1.0, np.nan, 3.0, 4.0]),
    (pd.array([Decimal("1.25"), None, Decimal("3.50"), Decimal("4")],
              pd.ArrowDtype(pa.decimal128(6, 2))), [1.25, np.nan, 3.5, 4.0]),
    (pd.arrays.SparseArray([0.0, 1.0, 0.0, 2.0]), [0.0, 1.0, 0.0, 2.0]),
])
def test_nullable_arrow_and_sparse_numbers_are_numeric_features(column, expected):
    data = logged(table(column))
    builder = fitted(data)
    assert next(c.role for c in builder.columns_ if c.column == "price") == "numeric"
    np.testing.assert_allclose(built(builder, data, "item_price"), expected, rtol=1e-6)


def recall_data() -> Interactions:
    # users 0..3; users 2 and 3 hold the test rows (items 0 and 1, and item 2)
    return Interactions.from_arrays(np.array([0, 1, 2, 2, 3]), np.array([0, 1, 0, 1, 2]),
                                    None, np.arange(5))


def test_recall_over_a_test_of_other_users_warns():
    data = recall_data()
    for_first_users = Candidates(np.array([0, 1]), np.array([0, 1]),
                                 np.ones((2, 1), np.float32), np.ones((2, 1), np.float32),
                                 ("a",), 1)
    test = data.for_users(np.array([2, 3]))
    with pytest.warns(UserWarning, match=r"none of the test's 2 users is among the "
                                         r"candidates' 2 users \(test users such as 2, "
                                         r"candidate users such as 0\)"):
        assert candidate_recall(for_first_users, test) == 0.0


def test_recall_over_shared_users_is_worked_by_hand_without_a_warning():
    data = recall_data()
    # user 2 is given item 0 (one of its two test items), user 3 nothing
    given = Candidates(np.array([2]), np.array([0]), np.ones((1, 1), np.float32),
                       np.ones((1, 1), np.float32), ("a",), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        recall = candidate_recall(given, data.for_users(np.array([2, 3])))
    assert recall == pytest.approx((1 / 2 + 0 / 1) / 2)


def eight_items(column: list[str]) -> Interactions:
    table = pd.DataFrame({"item_id": np.arange(8), "column": column})
    # user u read items u and u + 4 (u = 0..3)
    return Interactions.from_arrays(np.arange(8) % 4, np.arange(8), None,
                                    1_700_000_000 + 3600 * np.arange(8), item_table=table)


def test_auto_keeps_genres_whose_combinations_are_many_but_labels_few():
    # 5 distinct combinations of 8 items (more than half: they looked like names), of
    # 3 labels: genres, which "auto" left out without a word
    genres = ["a|b", "b", "a", "c|a", "b", "a", "c", "b"]
    data = eight_items(genres)
    builder = fitted(data)
    assert next((c.role, c.levels) for c in builder.columns_ if c.column == "column") == (
        "multi", ("a", "b", "c"))
    # each item for the user who read it, the user's rows together
    items = np.array([0, 4, 1, 5, 2, 6, 3, 7])
    pairs = Candidates(items % 4, items, np.ones((8, 1), np.float32),
                       np.ones((8, 1), np.float32), ("a",), 2)
    frame = builder.build(pairs, builder.statistics(data, CUTOFF)).to_pandas()
    # each item's first listed label: a 1, b 2, c 3
    first = {0: 1, 1: 2, 2: 1, 3: 3, 4: 2, 5: 1, 6: 3, 7: 2}
    assert frame["item_column"].tolist() == [first[i] for i in frame["item"]]


def test_titles_holding_the_separator_still_name_their_items():
    titles = [f"Film {n} | Director's Cut" for n in range(8)]
    assert "item_column" not in fitted(eight_items(titles)).schema_.names


def test_the_per_user_window_names_itself_when_its_split_fails():
    from recstack.errors import ConfigError, EmptyResultError
    from recstack.pipeline.training_data import user_window

    # the last rows of users 0 and 1 are of item 2, which the history never holds (user
    # 2's one row stays in the history)
    data = Interactions.from_arrays(np.array([0, 0, 0, 1, 1, 2]),
                                    np.array([0, 1, 2, 1, 2, 0]), None,
                                    1_700_000_000 + 100 * np.arange(6))
    with pytest.raises(EmptyResultError, match=r"^training data: the per-user label window "
                                               r"\(each user's last n rows; two_stage's "
                                               r"user_labels\) .*set apart"):
        user_window(data, 1)
    with pytest.raises(ConfigError, match=r"^training data: the per-user label window .*"
                                          r"n = 0: must be >= 1"):
        user_window(data, 0)
