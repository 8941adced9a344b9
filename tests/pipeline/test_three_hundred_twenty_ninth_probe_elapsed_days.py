"""A FarFeatureWarning the user could not act on: days elapsed past the training window.

A two-stage model learns from the label window's users, active ones, so the training range
of ``user_days_since`` ended at about 37 days on the synthetic data; serving scores every
user at the end of the log, and a user gone for two years (711 days) was told, on every
request, "numeric feature 'user_days_since' is 711 ... give the feature in the units and
transform of the training frame": nothing to give. The elapsed-days features (days since
the user's last interaction, the item's age) are still clipped to the band the ranker
scores, now without the warning above the band; a mis-scaled column (1000x), elapsed days
given in seconds and a negative elapsed time are still told.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.rankers import FarFeatureWarning, create_ranker
from recstack.pipeline.rankers.base import ELAPSED_DAYS_FEATURES, MAX_ELAPSED_DAYS
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

DAY = 86_400.0
NEEDS = {"logistic": "sklearn", "wide_deep": "torch"}
QUICK = {"logistic": {}, "wide_deep": {"epochs": 1, "hidden": (4,), "device": "cpu"}}
SCHEMA = FeatureSchema((Feature("item_log_count", "numeric", "log(1 + interactions)"),
                        Feature("user_days_since", "numeric", "days since the last one"),
                        Feature("item_age_days", "numeric", "days since the first one")))


def _frame(log_count, days_since, age) -> FeatureFrame:
    n = len(log_count)
    groups = np.arange(n) // 4
    return FeatureFrame(SCHEMA, np.column_stack([log_count, days_since, age]),
                        np.zeros((n, 0), np.int64), groups, np.arange(n), groups)


def _fitted(name):
    pytest.importorskip(NEEDS[name])
    rng = np.random.default_rng(0)
    # training ranges: log count 0 to 5 (band -50 to 55), days since 0.5 to 40 (width
    # 39.5: band -394.5 to 435), age 10 to 100 (width 90: band -890 to 1000)
    log_count = np.r_[0.0, 5.0, rng.uniform(0.0, 5.0, 118)]
    days_since = np.r_[0.5, 40.0, rng.uniform(0.5, 40.0, 118)]
    age = np.r_[10.0, 100.0, rng.uniform(10.0, 100.0, 118)]
    labels = (log_count - days_since / 20 + rng.normal(0, 0.5, 120) > 1.5).astype(float)
    return create_ranker(name, **QUICK[name]).fit(_frame(log_count, days_since, age), labels)


def _silent_scores(ranker, frame):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        return ranker.score(frame)


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_an_inactive_user_is_clipped_without_a_warning(name):
    ranker = _fitted(name)
    # 711 days since (above the band's 435) and an item aged 5000 days (above 1000)
    scores = _silent_scores(ranker, _frame([1.0, 2.0, 3.0], [711.0, 711.0, 3.0],
                                           [50.0, 5000.0, 50.0]))
    # still scored as the band's edges: the ranker does not extrapolate past them
    at_edges = ranker.score(_frame([1.0, 2.0, 3.0], [435.0, 435.0, 3.0],
                                   [50.0, 1000.0, 50.0]))
    np.testing.assert_array_equal(scores, at_edges)


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_a_column_scaled_1000x_still_warns_beside_an_inactive_user(name):
    ranker = _fitted(name)
    frame = _frame(np.array([1.0, 2.0, 3.0]) * 1000, [711.0, 3.0, 3.0], [50.0, 50.0, 50.0])
    with pytest.warns(FarFeatureWarning) as caught:
        scores = ranker.score(frame)
    assert [str(w.message) for w in caught] == [
        f"{name}.score: numeric feature 'item_log_count' is 1000 at row 0 (user 0, item 0), "
        "far beyond the values the ranker learned from (0 to 5 in training), so it was "
        "scored as 55, the edge of the band the ranker scores (-50 to 55: 10 times the "
        "range's width past either end); 3 of the frame's 9 numeric values were clipped so "
        "(all in 'item_log_count') (and 1 elapsed-days value past the training window, as "
        "expected); give the feature in the units and transform of the training frame, or "
        "leave the value missing (NaN: the training mean)"]
    np.testing.assert_array_equal(
        scores, ranker.score(_frame([55.0, 55.0, 55.0], [435.0, 3.0, 3.0], [50.0] * 3)))


@pytest.mark.parametrize(("days_since", "edge"), [
    (711 * DAY, 435.0),   # seconds where days were learned: no span of the calendar
    (-1000.0, -394.5),    # a time before the event: no elapsed time
])
def test_elapsed_days_that_cannot_be_days_still_warn(days_since, edge):
    ranker = _fitted("logistic")
    said = re.escape(f"'user_days_since' is {days_since:.6g} at row 1 ") + ".* scored as " \
        + re.escape(f"{edge:g},")
    with pytest.warns(FarFeatureWarning, match=said):
        scores = ranker.score(_frame([1.0, 2.0], [3.0, days_since], [50.0, 50.0]))
    np.testing.assert_array_equal(scores, ranker.score(_frame([1.0, 2.0], [3.0, edge],
                                                              [50.0, 50.0])))


def test_the_calendar_bound_is_the_days_from_year_1_to_year_9999():
    span = dt.datetime(9999, 12, 31, 23, 59, 59) - dt.datetime(1, 1, 1)
    assert MAX_ELAPSED_DAYS == pytest.approx(span.total_seconds() / DAY, abs=1e-9)


def test_the_elapsed_days_features_are_the_feature_builders_own():
    # a rename in the builder would silently bring the warning back (or spare another
    # feature): both names must be features it builds
    data = generate(n_users=20, n_items=30, n_interactions=300, seed=1)
    builder = FeatureBuilder(item_columns=(), user_columns=()).fit(data, ["most_popular"], 5)
    built = {f.name for f in builder.schema_.numeric}
    assert ELAPSED_DAYS_FEATURES == {"user_days_since", "item_age_days"}
    assert ELAPSED_DAYS_FEATURES <= built


def test_two_stage_on_synthetic_data_serves_inactive_users_without_the_warning():
    pytest.importorskip("sklearn")
    data = generate(n_users=300, n_items=200, n_interactions=6000, seed=0)
    model = create_model("two_stage", generators=[{"type": "item_knn"},
                                                  {"type": "most_popular"}],
                         ranker={"type": "logistic"}, n_candidates=20)
    model.fit(data)
    # by hand from the log: days from each user's last interaction to the serving cutoff
    # (one second after the last row); the precondition of the test is that some users
    # were gone far longer than any training example's user
    end = int(data.timestamp.max()) + 1
    last = np.full(data.n_users, np.iinfo(np.int64).min)
    np.maximum.at(last, data.user_index, data.timestamp.astype(np.int64))
    days_since = (end - last) / DAY
    ranker = model.ranker_
    names = [f.name for f in ranker.schema_.numeric]
    lows, highs = ranker.numeric_range_
    column = names.index("user_days_since")
    ceiling = highs[column] + 10 * (highs[column] - lows[column])
    inactive = np.flatnonzero(days_since > ceiling)
    assert len(inactive) >= 10, (days_since.max(), ceiling)
    scores = _silent_scores_of_users(model, np.arange(data.n_users))
    assert np.isfinite(scores[scores > -np.inf]).all()

    # the other side: the same serving frame with one column 1000x still warns
    candidates = model.candidates(inactive)
    frame = model.builder_.build(candidates, model.state_)
    _silent_scores(ranker, frame)
    scaled = frame.numeric.copy()
    count = names.index("item_log_count")
    scaled[:, count] *= 1000
    mis_scaled = FeatureFrame(frame.schema, scaled, frame.categorical, frame.users,
                              frame.items, frame.groups, dict(frame.extra))
    with pytest.warns(FarFeatureWarning, match="numeric feature 'item_log_count' is"):
        ranker.score(mis_scaled)


def _silent_scores_of_users(model, users):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = model.score_users(users)
    told = [str(w.message) for w in caught if isinstance(w.message, FarFeatureWarning)]
    assert told == []
    return scores
