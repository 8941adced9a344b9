"""Context features: the label row's own context at training (never another row's, never
a later one), the request's at serving, unknown levels where it is missing, the hour and
weekday of the event, and a ranker that learns a planted device effect and uses it."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.pipeline.features import (
    FeatureBuilder,
    _time_codes,
    label_context,
    request_context,
)
from recstack.pipeline.two_stage import _window_ratings
from tests.pipeline.tiny_ranker import TinyLinearRanker, tiny_ranker  # noqa: F401 (fixture)

pytest.importorskip("lightgbm")


def test_hour_and_weekday_codes_agree_with_pythons_calendar():
    rng = np.random.default_rng(0)
    times = rng.integers(0, 2_000_000_000, 300)
    hours, days = _time_codes(times, len(times))
    moments = [datetime.fromtimestamp(int(t), UTC) for t in times]
    np.testing.assert_array_equal(hours, [m.hour + 1 for m in moments])
    np.testing.assert_array_equal(days, [m.weekday() + 1 for m in moments])
    # missing times are the unknown level
    hours, days = _time_codes(pd.Series([None, 0.0]), 2)
    assert hours.tolist() == [0, 1] and days.tolist() == [0, 4]  # 1970-01-01: a Thursday


def three_part_log() -> tuple[Interactions, Interactions, Interactions]:
    """history (t < 100), label window (100 <= t < 200) and later rows (t >= 200) of one
    log; context ``row`` is each row's position in the whole log."""
    users = np.array([0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1])
    items = np.array([1, 2, 1, 3, 4, 5, 4, 2, 6, 7, 7])
    times = np.array([10, 20, 30, 40, 120, 130, 150, 110, 160, 250, 260])
    log = Interactions.from_arrays(users, items, None, times,
                                   context=pd.DataFrame({"row": np.arange(len(users))}))
    return (log.select(log.timestamp < 100), log.between(100, 200),
            log.select(log.timestamp >= 200))


def test_training_context_is_the_label_rows_own_never_history_or_later_rows():
    history, window, later = three_part_log()
    # (user, item, label): positives (0, 4) seen twice in the window (rows 4 and 6, the
    # earliest is row 4), (1, 6) at row 8; the rest negatives, item 7 among them (a
    # later interaction of both users: a peek past the window would find rows 9 and 10)
    users = np.array([0, 0, 0, 1, 1, 1])
    items = window.items.to_index(np.array([4, 7, 3, 6, 7, 1]))  # external item ids
    labels = np.array([1, 0, 0, 1, 0, 0])
    context = label_context(users, items, labels, window, seed=3)
    rows = context["row"].to_numpy()
    for seed in range(10):  # whatever the negatives draw, a positive takes its own row
        own = label_context(users, items, labels, window, seed=seed)["row"].to_numpy()
        assert own[0] == 4 and own[3] == 8
    window_rows = {0: {4, 5, 6}, 1: {7, 8}}
    for user, row in zip(users, rows, strict=True):
        assert row in window_rows[int(user)]
    assert not set(rows) & (set(history.context["row"]) | set(later.context["row"]))
    np.testing.assert_array_equal(context["timestamp"].to_numpy()[[0, 3]], [120, 160])
    # a negative's draw is seeded
    again = label_context(users, items, labels, window, seed=3)
    np.testing.assert_array_equal(again["row"], rows)
    with pytest.raises(RecstackError, match=r"label_context: user index 1 \(user 1, row 0 of "
                                            r"users\) has no interaction"):
        label_context(np.array([1]), np.array([1]), np.array([0]), window.for_users([0]))


def test_serving_context_unknown_levels_and_bad_requests():
    data = Interactions.from_arrays(
        np.array([1, 1, 2, 2]), np.array([5, 6, 5, 7]), None, np.array([1, 2, 3, 4]),
        context=pd.DataFrame({"device": ["m", "w", "m", "w"], "screen": [4.0, 5, 6, 7]}))
    builder = FeatureBuilder(context_time=True).fit(data, ["a"], 3)
    names = builder.schema_.names
    assert names[-4:] == ("context_device", "context_screen", "context_hour",
                          "context_weekday")
    request = request_context({"device": "w", "timestamp": 86_400 * 4 + 13 * 3600}, 2)
    numbers, codes = builder.context_features(request, 2)
    np.testing.assert_array_equal(codes, [[2, 14, 1], [2, 14, 1]])  # w, 13 h, a Monday
    assert np.isnan(numbers).all()  # screen not given: missing
    numbers, codes = builder.context_features(
        request_context(pd.DataFrame({"device": ["tablet", None], "screen": [3, 4]}), 2), 2)
    assert codes[:, 0].tolist() == [0, 0] and numbers[:, 0].tolist() == [3, 4]
    assert (builder.context_features(None, 3)[1] == 0).all()
    with pytest.raises(RecstackError, match="2 rows for 3 users"):
        request_context(pd.DataFrame({"device": ["m", "w"]}), 3)
    with pytest.raises(RecstackError, match="a dict .* or a DataFrame"):
        request_context(["m"], 1)
    with pytest.raises(ConfigError, match="context_columns names \\['os'\\]"):
        FeatureBuilder(context_columns=["os"]).fit(data, ["a"], 3)
    with pytest.raises(ConfigError, match="have no context"):
        FeatureBuilder(context_columns=["os"]).fit(data.select(slice(0, 4)).__class__(
            data.user_index, data.item_index, data.value, data.timestamp, data.users,
            data.items), ["a"], 3)
    saved = FeatureBuilder.from_json(builder.to_json())
    assert saved.schema_ == builder.schema_ and saved.context_ == builder.context_


def test_a_request_time_that_is_not_a_time_is_refused_not_made_unknown():
    with pytest.raises(RecstackError, match="context column 'timestamp': row 1 holds 'noon'; "
                       "give Unix seconds or a datetime"):
        _time_codes(pd.Series([3600, "noon"]), 2)
    with pytest.raises(RecstackError, match="row 0 holds True"):
        _time_codes(pd.Series([True]), 1)
    # datetimes are read as Unix seconds (naive ones as UTC), text as ISO-8601 (as every time
    # argument is: a number written as text is refused, see test_two_hundred_fourteenth_...)
    hours, days = _time_codes(pd.Series([datetime(1970, 1, 5, 13, tzinfo=UTC),
                                         "1970-01-01T01:00:00", None], dtype=object), 3)
    assert hours.tolist() == [14, 2, 0] and days.tolist() == [1, 4, 0]
    hours, _ = _time_codes(pd.Series(pd.to_datetime(["1970-01-01 05:00", None])), 2)
    assert hours.tolist() == [6, 0]
    with pytest.raises(RecstackError, match="context: its columns have different lengths "
                       "\\('device': 2, 'screen': 1\\)"):
        request_context({"device": ["m", "w"], "screen": [4]}, 2)


def device_log(seed: int = 0) -> Interactions:
    """400 users x 60 items; items 0-29 are apps, 30-59 web pages. On a phone a user opens
    an app 90% of the time, on a desktop a web page: what is clicked depends on the device,
    which only the context says."""
    rng = np.random.default_rng(seed)
    n_users, per_user = 400, 25
    users = np.repeat(np.arange(n_users), per_user)
    device = rng.choice(["phone", "desktop"], len(users))
    wants_app = (device == "phone") == (rng.random(len(users)) < 0.9)
    within = np.minimum(rng.geometric(0.08, len(users)) - 1, 29)
    items = np.where(wants_app, within, 30 + within)
    times = np.cumsum(rng.integers(1, 1_000, len(users)))
    table = pd.DataFrame({"item_id": np.arange(60),
                          "kind": np.where(np.arange(60) < 30, "app", "web")})
    return Interactions.from_arrays(users, items, None, times, duplicates="last",
                                    item_table=table, context=pd.DataFrame({"device": device}))


def app_share(model, data: Interactions, device: str | None) -> float:
    users = data.users.external_ids
    context = None if device is None else {"device": device}
    items, _ = model.recommend(users, k=5, context=context)
    index = data.items.to_index(items.ravel())
    return float(np.mean(index < 30))


def test_a_ranker_learns_a_planted_device_effect_and_uses_it(tmp_path):
    data = device_log()
    common = {"generators": [{"type": "most_popular"}, {"type": "item_knn", "neighbors": 20}],
              "ranker": {"type": "lightgbm", "loss": "binary", "n_estimators": 60},
              "n_candidates": 30, "window": "user", "user_labels": 5}
    model = create_model("two_stage", features={"context_columns": ["device"]},
                         **common).fit(data)
    assert "context_device" in model.builder_.schema_.names
    on_phone, on_desktop = app_share(model, data, "phone"), app_share(model, data, "desktop")
    assert on_phone > 0.75 and on_desktop < 0.25
    # without the context feature the lists cannot depend on the device
    blind = create_model("two_stage", features={"context_columns": []}, **common).fit(data)
    assert app_share(blind, data, "phone") == app_share(blind, data, "desktop")
    assert 0.2 < app_share(blind, data, "phone") < 0.8
    # no context at serving: the unknown level, scored, finite
    assert 0.0 <= app_share(model, data, None) <= 1.0
    # one row of context per user: each user's list follows its own device
    users = data.users.external_ids[:4]
    items, _ = model.recommend(users, k=5, context=pd.DataFrame(
        {"device": ["phone", "desktop", "phone", "desktop"]}))
    apps = (data.items.to_index(items.ravel()) < 30).reshape(4, 5).mean(axis=1)
    assert apps[0] > apps[1] and apps[2] > apps[3]
    # a user asked for twice with two contexts gets two lists
    twice, _ = model.recommend([users[0], users[0]], k=5,
                               context=pd.DataFrame({"device": ["phone", "desktop"]}))
    assert not np.array_equal(twice[0], twice[1])
    # score() with a context agrees with recommend's ranking, and save/load keeps it all
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    first = model.candidates(np.array([0]))
    pair_items = data.items.to_external(first.items)
    is_app = first.items < 30
    assert is_app.any() and (~is_app).any()
    for device in ("phone", "desktop"):
        scores = model.score([users[0]] * len(pair_items), pair_items,
                             context={"device": device})
        np.testing.assert_allclose(loaded.score([users[0]] * len(pair_items), pair_items,
                                                context={"device": device}), scores)
        assert (scores[is_app].mean() > scores[~is_app].mean()) == (device == "phone")


def test_a_multitask_rankers_ratings_are_the_window_values_of_its_positives():
    window = Interactions(np.array([0, 0, 1, 0], np.int32), np.array([2, 3, 2, 2], np.int32),
                          np.array([4.0, 1.0, 5.0, 2.0], np.float32), None,
                          IdMap.encode(np.array([0, 1]))[0],
                          IdMap.encode(np.array([0, 1, 2, 3]))[0])

    class Frame:
        users = np.array([0, 0, 0, 1, 1])
        items = np.array([2, 3, 1, 2, 3])

    labels = np.array([1, 1, 0, 1, 0], np.float32)
    ratings = _window_ratings(Frame, labels, window)
    # (0, 2) rated 4 and 2 in the window: mean 3; (0, 3): 1; (1, 2): 5; negatives NaN
    np.testing.assert_array_equal(ratings, [3.0, 1.0, np.nan, 5.0, np.nan])
