"""Sixteenth bad-input probe of a request's context: a ``timestamp`` in milliseconds
(1.7e12, 50,000 years ahead as seconds) passed the serving check, which allowed any time
up to 2**62 where the loaders take the years 1 to 9999, and its hour and weekday were
garbage; text in a context column that was numeric in the training log was refused as
"context table column 'price' ... (Unable to parse string 'abc' at position 11)", a
position among the rows repeated per candidate, and a list in a categorical column failed
inside numpy ("setting an array element with a sequence") while a mapping silently became
the unknown level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder, _time_codes


def test_a_time_in_milliseconds_is_refused_with_a_hint():
    # 1.7e12 s is about the year 55,800: no calendar shows it, and its hour was garbage
    with pytest.raises(RecstackError, match=r"^context column 'timestamp': row 1 holds "
                                            r"1700000000000, not a time; give Unix seconds "
                                            r"between the years 1 and 9999 .* or a datetime "
                                            r"\(milliseconds\? divide by 1000\)$"):
        _time_codes(pd.Series([1_700_000_000, 1_700_000_000_000]), 2)
    # the year 9999's last second is a time; by hand, 253402300799 s is
    # 9999-12-31 23:59:59 UTC, a Friday (Monday 0): codes 1 + 23 and 1 + 4
    hour, weekday = _time_codes(pd.Series([253_402_300_799]), 1)
    assert (hour.tolist(), weekday.tolist()) == ([24], [5])
    with pytest.raises(RecstackError, match=r"holds 253402300800, not a time"):
        _time_codes(pd.Series([253_402_300_800]), 1)


def logged() -> Interactions:
    """Three users, four items, a numeric ``price`` and a categorical ``device`` per row."""
    users = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 1, 2])
    items = np.array([0, 1, 2, 1, 2, 3, 0, 2, 3, 3, 0, 1])
    times = 1_700_000_000 + 3600 * np.arange(len(users))
    context = pd.DataFrame({"device": ["phone", "web"] * 6,
                            "price": np.linspace(1.0, 12.0, len(users))})
    return Interactions.from_arrays(users, items, None, times, context=context)


@pytest.fixture(scope="module")
def builder() -> FeatureBuilder:
    return FeatureBuilder(context_columns=["device", "price"], context_time=True).fit(
        logged(), ["pop"], 3)


def test_text_in_a_numeric_context_column_is_refused_naming_both_types_and_the_row(builder):
    context = pd.DataFrame({"price": pd.Series([2.0, "abc"], dtype=object)})
    with pytest.raises(RecstackError, match=r"^context column 'price' held numbers at fit and "
                                            r"holds text now \(such as 'abc', row 1\); give "
                                            r"a number as in the training log, or leave it out"):
        builder.context_features(context, 2)


@pytest.mark.parametrize(("column", "value", "said"), [
    ("price", [1.0], r"\[1.0\] \(list\); give a number"),
    ("device", ["phone"], r"\['phone'\] \(list\); give one level, a text or a number \(the "
                          r"column was categorical in the training log\), not a collection"),
    ("device", {"kind": "phone"}, r"\{'kind': 'phone'\} \(dict\); give one level"),
])
def test_a_context_value_the_feature_cannot_take_is_refused_by_row(builder, column, value,
                                                                   said):
    context = pd.DataFrame({column: pd.Series(["phone" if column == "device" else 2.0,
                                               value], dtype=object)})
    with pytest.raises(RecstackError, match=rf"^context column '{column}': row 1 holds "
                                            f"{said}.*, or leave it out"):
        builder.context_features(context, 2)


def test_numbers_levels_and_missing_values_are_still_taken(builder):
    context = pd.DataFrame({"device": ["web", None, 7], "price": [2.5, None, "3"],
                            "timestamp": [1_700_000_000, None, 1_700_003_600]})
    numeric, codes = builder.context_features(context, 3)
    # price as given, NaN where missing ("3" is the number 3)
    np.testing.assert_array_equal(numeric[:, 0], [2.5, np.nan, 3.0])
    # device levels sorted: phone 1, web 2; missing and unseen (7) the unknown 0;
    # 1,700,000,000 s is 2023-11-14 22:13:20 UTC, a Tuesday: hour code 23, weekday 2
    assert codes[:, 0].tolist() == [2, 0, 0]
    assert codes[:, 1].tolist() == [23, 0, 24]
    assert codes[:, 2].tolist() == [2, 0, 2]


@pytest.fixture(scope="module")
def model():
    base = generate(n_users=60, n_items=40, n_interactions=1200, seed=1, progress=None)
    rows = base.to_frame()
    rows["device"] = np.random.default_rng(0).choice(["phone", "web"], len(rows))
    rows["price"] = np.linspace(1.0, 9.0, len(rows))
    train = Interactions.from_frame(rows, context_cols=["device", "price"])
    return create_model("two_stage", generators=[{"type": "most_popular"},
                                                 {"type": "item_knn"}],
                        ranker={"type": "logistic"}, n_candidates=10,
                        features={"context_columns": ["device", "price"],
                                  "context_time": True}).fit(train, progress=None)


@pytest.mark.parametrize(("context", "said"), [
    ({"price": [1.0, "abc", 2.0]}, r"context column 'price' held numbers at fit and holds "
                                   r"text now \(such as 'abc', request row 1\)"),
    ({"device": "phone", "timestamp": [1_700_000_000, 1_700_000_000, 1.7e15]},
     r"context column 'timestamp': request row 2 holds 1700000000000000.0, not a time"),
])
def test_the_model_names_the_request_row_not_a_candidate_row(model, context, said):
    # the two-stage model names itself first
    with pytest.raises(RecstackError, match=f"^two_stage: {said}"):
        model.recommend([0, 1, 2], 2, context=context)
    items, _ = model.recommend([0, 1, 2], 2, context={"device": "web", "price": 4.0,
                                                      "timestamp": 1_700_000_000})
    assert items.shape == (3, 2)
