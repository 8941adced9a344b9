"""Two classes of the pipeline found by the two hundred thirty-sixth probe.

1. A column of times (datetimes, dates, durations, periods, also as Python objects) in the
   item table, the user table or the log's context was read by the feature builder as a
   categorical column, each moment a level of its own: every later item's (or request's)
   time was the unknown level (code 0), silently. A listed one is now refused naming the
   column and what to give instead; ``"auto"`` leaves it out.
2. The greedy re-rankers at a trade-off end (mmr ``trade_off = 0``, calibrated
   ``trade_off = 1``) multiplied an empty slot's ``-inf`` relevance by 0 and printed numpy's
   "invalid value encountered in multiply" RuntimeWarning at every step of every request.
   The lists were right, and are pinned here, worked by hand.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.rerank import MMR, CalibratedRerank, RerankContext

DAY = 86_400
CUTOFF = 10 * DAY

TIME_COLUMNS = {
    "datetimes": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-01-01"]),
    "datetimes with a zone": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-01-01"]
                                            ).tz_localize("UTC"),
    "datetimes with a gap": pd.to_datetime(["2020-01-01", None, "2020-01-01"]),
    "durations": pd.to_timedelta([1, 2, 1], unit="D"),
    "periods": pd.period_range("2020-01", periods=3, freq="M"),
    "dates as objects": pd.Series([dt.date(2020, 1, 1), dt.date(2020, 2, 1), None],
                                  dtype=object),
    "timestamps as objects": pd.Series([pd.Timestamp("2020-01-01"), None,
                                        pd.Timestamp("2020-02-01")], dtype=object),
    "durations as objects": pd.Series([dt.timedelta(days=1), dt.timedelta(days=2), None],
                                      dtype=object),
    "times of day": pd.Series([dt.time(10), dt.time(11), dt.time(10)], dtype=object),
}
WORDS = {"datetimes": "datetimes", "datetimes with a zone": "datetimes",
         "datetimes with a gap": "datetimes", "durations": "durations", "periods": "periods",
         "dates as objects": "dates", "timestamps as objects": "datetimes",
         "durations as objects": "durations", "times of day": "times of day"}


def log(item_column, user_column=None, context_column=None) -> Interactions:
    """u0: i0 day 9, i1 day 8; u1: i0 day 7; u2: i1 day 2. Items 0..2, users 0..2; each
    table has a number column ``n`` and the column ``c`` under test."""
    items = pd.DataFrame({"item_id": [0, 1, 2], "n": [1.0, 2.0, 3.0], "c": item_column})
    users = pd.DataFrame({"user_id": [0, 1, 2], "n": [5.0, 6.0, 7.0],
                          "c": user_column if user_column is not None else ["a", "b", "a"]})
    context = None
    if context_column is not None:
        context = pd.DataFrame({"device": ["ios", "web", "ios", "web"], "c": context_column})
    return Interactions.from_arrays(np.array([0, 0, 1, 2]), np.array([0, 1, 0, 1]), None,
                                    np.array([9, 8, 7, 2]) * DAY, item_table=items,
                                    user_table=users, keep_unseen_items=True,
                                    context=context)


def candidates() -> Candidates:
    # pairs (u0, i0), (u0, i2), (u1, i0), (u2, i1)
    return Candidates(np.array([0, 0, 1, 2]), np.array([0, 2, 0, 1]),
                      np.array([[0.9], [np.nan], [0.5], [0.1]], np.float32),
                      np.array([[1], [3], [2], [1]], np.float32), ("a",), 2)


@pytest.mark.parametrize("kind", list(TIME_COLUMNS))
def test_a_listed_item_column_of_times_is_refused_naming_it(kind):
    data = log(TIME_COLUMNS[kind])
    with pytest.raises(ConfigError, match=rf"^features: item table column 'c' holds "
                                          rf"{WORDS[kind]} \(such as .+\); a time is no "
                                          r"feature as it is: .* leave the column out of "
                                          r"item_columns$"):
        FeatureBuilder(item_columns=["n", "c"], user_columns=[]).fit(data, ("a",), 2)
    # check_columns, run before the candidate generators are fitted, says the same
    with pytest.raises(ConfigError, match="^features: item table column 'c' holds"):
        FeatureBuilder(item_columns=["c"], user_columns=[]).check_columns(data)


def test_the_refusal_says_what_number_to_give_instead():
    with pytest.raises(ConfigError, match=r"\(its year, or its age in days\)"):
        FeatureBuilder(item_columns=["c"]).fit(log(TIME_COLUMNS["datetimes"]), ("a",), 2)
    with pytest.raises(ConfigError, match=r"\(its length in days, "
                                          r"\.dt\.total_seconds\(\) / 86400\)"):
        FeatureBuilder(item_columns=["c"]).fit(log(TIME_COLUMNS["durations"]), ("a",), 2)


def test_a_listed_user_or_context_column_of_times_is_refused_naming_it():
    times = TIME_COLUMNS["datetimes"]
    with pytest.raises(ConfigError, match="^features: user table column 'c' holds datetimes "
                                          r"\(such as 2020-01-01 00:00:00\).* out of "
                                          "user_columns$"):
        FeatureBuilder(item_columns=[], user_columns=["c"]).fit(
            log(["x", "y", "x"], user_column=times), ("a",), 2)
    context_times = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-01", "2020-01-02"])
    with pytest.raises(ConfigError, match="^features: context column 'c' holds datetimes.* "
                                          "out of context_columns$"):
        FeatureBuilder(item_columns=[], user_columns=[], context_columns=["c"]).fit(
            log(["x", "y", "x"], context_column=context_times), ("a",), 2)


#: one time repeated (and a gap): few levels for many rows, so "auto" took the column
AUTO_COLUMNS = {
    "datetimes": pd.to_datetime(["2020-01-01", "2020-01-01", None]),
    "datetimes with a zone": pd.to_datetime(["2020-01-01"] * 3).tz_localize("UTC"),
    "durations": pd.to_timedelta([1, None, 1], unit="D"),
    "periods": pd.PeriodIndex(["2020-01", "2020-01", "2020-01"], freq="M"),
    "dates as objects": pd.Series([dt.date(2020, 1, 1)] * 3, dtype=object),
    "timestamps as objects": pd.Series([pd.Timestamp("2020-01-01"), None,
                                        pd.Timestamp("2020-01-01")], dtype=object),
    "durations as objects": pd.Series([dt.timedelta(days=1)] * 3, dtype=object),
}


@pytest.mark.parametrize("kind", list(AUTO_COLUMNS))
def test_auto_leaves_a_column_of_times_out_and_keeps_the_others(kind):
    """Before, the column was the categorical feature ``item_c`` (2 codes: unknown and the
    one time at fit), and every newer item's time its unknown level 0."""
    data = log(AUTO_COLUMNS[kind], user_column=AUTO_COLUMNS[kind])
    builder = FeatureBuilder().fit(data, ("a",), 2)
    names = builder.schema_.names
    assert "item_c" not in names and "user_c" not in names
    frame = builder.build(candidates(), builder.statistics(data, CUTOFF))
    # the number columns are still read, as they are: items 0, 2, 0, 1; users 0, 0, 1, 2
    assert frame.column("item_n").tolist() == [1.0, 3.0, 1.0, 2.0]
    assert frame.column("user_n").tolist() == [5.0, 5.0, 6.0, 7.0]


def test_auto_leaves_a_context_column_of_times_out():
    context_times = pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01", "2020-01-02"])
    builder = FeatureBuilder(item_columns=[], user_columns=[]).fit(
        log(["x", "y", "x"], context_column=context_times), ("a",), 2)
    assert "context_c" not in builder.schema_.names
    assert "context_device" in builder.schema_.names


def test_text_and_numbers_in_object_columns_are_still_read():
    """The check reads only times: a text column is still categorical (codes by sorted
    level, 0 unknown) and a column of dates written as text is text (its levels)."""
    data = log(["2020-01-01", "2020-02-01", "2020-01-01"])
    builder = FeatureBuilder(item_columns=["c"], user_columns=[]).fit(data, ("a",), 2)
    frame = builder.build(candidates(), builder.statistics(data, CUTOFF))
    # levels "2020-01-01" (1), "2020-02-01" (2); items 0, 2, 0, 1
    assert frame.column("item_c").tolist() == [1, 1, 1, 2]


# --------------------------------------------------------------------------- re-rankers
@pytest.fixture(scope="module")
def train() -> Interactions:
    """Items 10..15 with genres x, x, y, y, x|y, z; user "a" saw 10 and 11 (all x), "b" saw
    12 (y)."""
    table = pd.DataFrame({"item_id": [10, 11, 12, 13, 14, 15],
                          "genres": [["x"], ["x"], ["y"], ["y"], ["x", "y"], ["z"]]})
    return Interactions.from_arrays(["a", "a", "b", "c", "c", "c", "d"],
                                    [10, 11, 12, 13, 10, 14, 15],
                                    timestamps=[1, 2, 3, 4, 5, 6, 7], item_table=table)


def lists(train):
    users = train.users.to_index(np.array(["a", "b"])).astype(np.int64)
    # a: 10, 11, 12, 13 (scores 4, 3, 2, 1); b: 14, 15, 10 and an empty slot
    items = np.stack([train.items.to_index(np.array([10, 11, 12, 13])),
                      np.r_[train.items.to_index(np.array([14, 15, 10])), -1]]).astype(np.int64)
    scores = np.array([[4.0, 3.0, 2.0, 1.0], [3.0, 2.0, 1.0, -np.inf]])
    return users, items, scores


def ids(train, items):
    return [[int(train.items.to_external([i])[0]) if i >= 0 else -1 for i in row]
            for row in items]


def test_mmr_at_trade_off_0_warns_of_nothing_and_orders_by_diversity_alone(train):
    """lambda = 0: after the first slot (all objectives 0: the first, 10), each pick is the
    item least like the placed ones. a: 12 (y, cosine 0 to 10) beats 11 (x, 1); then 11 and
    13 both have a placed twin (cosine 1): the earlier slot, 11. b: 14 first; 15 (z, cosine 0)
    before 10 (x, cosine 1/sqrt 2 to x|y); the empty slot stays last."""
    reranker = MMR(trade_off=0).fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarning, four times, before
        items, scores = reranker.rerank(*lists(train), RerankContext(seen=train.to_csr()))
    assert ids(train, items) == [[10, 12, 11, 13], [14, 15, 10, -1]]
    np.testing.assert_allclose(scores[0], [0.0, 0.0, -1.0, -1.0])
    np.testing.assert_allclose(scores[1, :3], [0.0, 0.0, -1 / np.sqrt(2)], rtol=1e-6)
    assert np.isneginf(scores[1, 3])


def test_calibrated_at_trade_off_1_warns_of_nothing_and_orders_by_calibration_alone(train):
    """lambda = 1: relevance counts for nothing. a's history is all x: the x items 10 and
    11 first (each keeps the list all x), then 12 and 13 (tied: the earlier slot). b's is all
    y: 14 (x|y) first, the only item with y; then 15 (z) and 10 (x) leave the same share of
    y (1/4), a tie the earlier slot (15) wins."""
    reranker = CalibratedRerank(trade_off=1).fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        items, _ = reranker.rerank(*lists(train), RerankContext(seen=train.to_csr()))
    assert ids(train, items) == [[10, 11, 12, 13], [14, 15, 10, -1]]


# ------------------------------------------------------- calibrated: items without genres
def test_calibrated_warns_of_items_without_genres_as_mmr_does():
    """An item without a genre leaves the list's genre distribution as it is, so it never
    pays the penalty an item of a genre the user does not watch pays: it rose above such
    items whatever their relevance, without a word (mmr warned of the same items). Worked by
    hand, lambda = 1, alpha = 0.01: user "a" saw 10 (x), so p = (x: 1). Slot 1: 11 (x) gives
    C_KL 0; 12 (y) and 13 (no genre) log(1 / 0.01). Slot 2: 12 makes q = (x: .5, y: .5),
    C_KL = log(1 / 0.505) = 0.683; 13 leaves q = (x: 1), C_KL 0: 13 comes before 12."""
    table = pd.DataFrame({"item_id": [10, 11, 12, 13],
                          "genres": [["x"], ["x"], ["y"], []]})
    train = Interactions.from_arrays(["a", "b", "c", "c"], [10, 12, 11, 13],
                                     timestamps=[1, 2, 3, 4], item_table=table)
    with pytest.warns(UserWarning, match=r"^calibrated: 1 of the 4 items have no label in "
                                         r"column 'genres' \(first: item 13\); calibrated "
                                         r"counts such an item as neutral .* escapes the "
                                         r"miscalibration penalty and rises in the lists; "
                                         r"give every item its labels \(e\.g\. 'unknown'\)$"):
        step = CalibratedRerank(trade_off=1).fit(train)
    users = train.users.to_index(np.array(["a"])).astype(np.int64)
    items = train.items.to_index(np.array([[11, 12, 13]])).astype(np.int64)
    out, _ = step.rerank(users, items, np.array([[3.0, 2.0, 1.0]]),
                         RerankContext(seen=train.to_csr()))
    assert ids(train, out) == [[11, 13, 12]]


def test_calibrated_is_quiet_when_every_item_has_a_genre(train):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CalibratedRerank().fit(train)
