"""Features of (user, candidate) pairs: every value worked by hand on a tiny log, computed only
from the history before the cutoff (a history that peeks past it is refused), unseen
categories mapped to the unknown level, and the schema fixed at fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.schema import UNKNOWN

DAY = 86_400
CUTOFF = 10 * DAY


def tiny_log(genres=None, occupations=("x", "y", "x"), extra_rows=()) -> Interactions:
    """u0: i0 on day 9, i1 on day 8; u1: i0 on day 7; u2: i1 on day 2. Item 2 has no
    interaction. Items: i0 Drama|War 1990, i1 Comedy 2000, i2 no genres, no year."""
    genres = genres or [["Drama", "War"], ["Comedy"], []]
    items = pd.DataFrame({"item_id": [0, 1, 2], "year": pd.array([1990, 2000, None], "Int64"),
                          "genres": pd.Series(genres, dtype=object)})
    users = pd.DataFrame({"user_id": [0, 1, 2], "gender": ["M", "F", "M"],
                          "occupation": list(occupations)})
    rows = [(0, 0, 9), (0, 1, 8), (1, 0, 7), (2, 1, 2), *extra_rows]
    u, i, t = (np.array(c) for c in zip(*rows, strict=True))
    return Interactions.from_arrays(u, i, None, t * DAY, item_table=items, user_table=users,
                                    keep_unseen_items=True)


def candidates() -> Candidates:
    # pairs (u0, i0), (u0, i2), (u1, i0), (u2, i1); source "a" asked for 2 items
    return Candidates(np.array([0, 0, 1, 2]), np.array([0, 2, 0, 1]),
                      np.array([[0.9], [np.nan], [0.5], [0.1]], np.float32),
                      np.array([[1], [3], [2], [1]], np.float32), ("a",), 2)


def fitted(data=None, **options) -> FeatureBuilder:
    options = {"half_life_days": 1.0, "user_columns": ["gender", "occupation"]} | options
    return FeatureBuilder(**options).fit(data or tiny_log(), ("a",), 2)


def test_every_feature_worked_by_hand():
    data = tiny_log()
    builder = fitted(data)
    frame = builder.build(candidates(), builder.statistics(data, CUTOFF))
    nan = np.nan
    expected = {
        "score_a": [0.9, nan, 0.5, 0.1],
        "rank_a": [1, 3, 2, 1],
        "n_sources": [1, 0, 1, 1],
        "item_log_count": [math.log(3), 0.0, math.log(3), math.log(3)],
        # half-life 1 day: i0 seen 1 and 3 days before the cutoff, i1 2 and 8 days before
        "item_recent": [0.5 + 0.125, 0.0, 0.625, 0.25 + 2.0 ** -8],
        # first interactions: i0 day 7, i1 day 2; i2 never
        "item_age_days": [3.0, nan, 3.0, 8.0],
        "user_log_count": [math.log(3), math.log(3), math.log(2), math.log(2)],
        "user_days_since": [1.0, 1.0, 3.0, 8.0],
        "item_year": [1990, nan, 1990, 2000],
        # u0's history: Drama|War, Comedy -> each genre 1/2; i0 = mean(1/2, 1/2)
        # u1's: Drama|War -> i0 = 1; u2's: Comedy -> i1 = 1; i2 has no genre -> 0
        "user_genres_affinity": [0.5, 0.0, 1.0, 1.0],
    }
    for name, values in expected.items():
        np.testing.assert_allclose(frame.column(name), values, rtol=1e-6, err_msg=name)
    # vocabularies sorted: Comedy 1, Drama 2, War 3; F 1, M 2; x 1, y 2; 0 is unknown
    assert frame.column("item_genres").tolist() == [2, UNKNOWN, 2, 1]
    assert frame.column("user_gender").tolist() == [2, 2, 1, 2]
    assert frame.column("user_occupation").tolist() == [1, 1, 2, 1]
    assert frame.groups.tolist() == [0, 0, 1, 2]
    kinds = {f.name: (f.kind, f.cardinality) for f in builder.schema_.features}
    assert kinds["item_genres"] == ("categorical", 4)
    assert kinds["user_gender"] == ("categorical", 3)
    assert kinds["item_year"] == ("numeric", None)


def test_a_history_that_peeks_past_the_cutoff_is_refused():
    """A planted interaction at the cutoff (it would raise i1's popularity and u1's recency)
    is refused, not silently used; the same log cut at the cutoff is accepted."""
    planted = tiny_log(extra_rows=[(1, 1, 10)])
    builder = fitted(planted)
    with pytest.raises(RecstackError, match="1 interaction\\(s\\) at or after the cutoff"):
        builder.statistics(planted, CUTOFF)
    before = builder.statistics(planted.between(end=CUTOFF), CUTOFF)
    clean = builder.statistics(tiny_log(), CUTOFF)
    for name in ("item_count", "item_recent", "user_last"):
        np.testing.assert_array_equal(getattr(before, name), getattr(clean, name))


def test_unseen_categories_map_to_the_shared_unknown_level():
    builder = fitted(tiny_log())
    serving = tiny_log(genres=[["Horror"], ["Comedy"], ["Drama"]],
                       occupations=("z", "y", "x"))
    frame = builder.build(candidates(), builder.statistics(serving, CUTOFF))
    # Horror and occupation z were never seen at fit: unknown (0); the others keep codes
    assert frame.column("item_genres").tolist() == [UNKNOWN, 2, UNKNOWN, 1]
    assert frame.column("user_occupation").tolist() == [UNKNOWN, UNKNOWN, 2, 1]
    assert frame.schema == builder.schema_  # the columns are those fixed at fit


def test_a_missing_source_or_another_candidate_count_is_refused():
    data = tiny_log()
    builder = fitted(data)
    state = builder.statistics(data, CUTOFF)
    c = candidates()
    other = Candidates(c.users, c.items, c.scores, c.ranks, ("b",), 2)
    with pytest.raises(RecstackError, match=r"missing \['a'\]"):
        builder.build(other, state)
    longer = Candidates(c.users, c.items, c.scores, c.ranks, ("a",), 5)
    with pytest.raises(RecstackError, match="5 items per source"):
        builder.build(longer, state)


def test_auto_columns_leave_out_identifier_like_text():
    n = 10
    users = pd.DataFrame({"user_id": range(n), "age": range(20, 30),
                          "gender": ["M", "F"] * 5, "zip": [f"{z:05d}" for z in range(n)]})
    data = Interactions.from_arrays(np.arange(n), np.zeros(n, int), None,
                                    np.arange(n) * DAY, user_table=users)
    builder = FeatureBuilder().fit(data, ("a",), 2)
    roles = {c.column: c.role for c in builder.columns_}
    assert roles == {"age": "numeric", "gender": "categorical"}


def test_the_fitted_builder_round_trips_through_json():
    builder = fitted()
    again = FeatureBuilder.from_json(builder.to_json())
    assert again.schema_ == builder.schema_
    assert again.get_options() == builder.get_options()
    with pytest.raises(RecstackError, match="malformed"):
        FeatureBuilder.from_json(builder.to_json().replace('"role": "multi"', '"role": "x"'))


def test_bad_options_and_data_are_refused():
    with pytest.raises(ConfigError, match="half_life_days must be a positive"):
        fitted(half_life_days=0.0)
    with pytest.raises(ConfigError, match="does not have; its columns"):
        fitted(item_columns=["colour"])
    with pytest.raises(ConfigError, match=r"unknown feature option\(s\) \['half_life'\]"):
        FeatureBuilder.from_options({"half_life": 3}, "two_stage: features")
    data = tiny_log()
    undated = Interactions.from_arrays(data.users.to_external(data.user_index),
                                       data.items.to_external(data.item_index))
    with pytest.raises(RecstackError, match="no timestamps"):
        fitted(data).statistics(undated, CUTOFF)
    with pytest.raises(RecstackError, match="call fit"):
        FeatureBuilder().statistics(data, CUTOFF)


def test_misused_arguments_are_named():
    data = tiny_log()
    with pytest.raises(ConfigError, match="sources must be a list of non-empty names, got "
                       "'ease'"):
        FeatureBuilder().fit(data, "ease", 3)  # would be read as sources e, a, s, e
    with pytest.raises(ConfigError, match="n_per_source .* must be a positive integer, got 0"):
        FeatureBuilder().fit(data, ["ease"], 0)
    with pytest.raises(RecstackError, match="data must be the training Interactions, got "
                       "DataFrame"):
        FeatureBuilder().fit(pd.DataFrame(), ["ease"], 3)
    with pytest.raises(ConfigError, match="cutoff must be a whole number of Unix seconds, "
                       "got nan"):
        fitted(data).statistics(data, float("nan"))
    with pytest.raises(RecstackError, match="candidates must be Candidates"):
        fitted(data).build(None, fitted(data).statistics(data, CUTOFF))


def test_genres_joined_by_a_separator_are_read_as_the_lists_are():
    # the values of test_every_feature_worked_by_hand, with genres as MovieLens text
    # (named: "auto" leaves out a text column of as many values as rows, as with titles)
    data = tiny_log(genres=["Drama | War", "Comedy", None])
    builder = fitted(data, item_columns=["year", "genres"])
    frame = builder.build(candidates(), builder.statistics(data, CUTOFF))
    np.testing.assert_allclose(frame.column("user_genres_affinity"), [0.5, 0.0, 1.0, 1.0])
    assert frame.column("item_genres").tolist() == [2, UNKNOWN, 2, 1]
    # another separator, given as an option, and saved with the builder
    semicolons = tiny_log(genres=["Drama;War", "Comedy", None])
    other = fitted(semicolons, label_separator=";", item_columns=["year", "genres"])
    again = FeatureBuilder.from_json(other.to_json())
    frame = again.build(candidates(), again.statistics(semicolons, CUTOFF))
    np.testing.assert_allclose(frame.column("user_genres_affinity"), [0.5, 0.0, 1.0, 1.0])
    # None: every text value is one level, so no affinity
    whole = fitted(data, label_separator=None, item_columns=["year", "genres"])
    assert "user_genres_affinity" not in whole.schema_.names


@pytest.mark.parametrize("separator", ["", " ", 3])
def test_a_label_separator_that_cannot_split_is_refused(separator):
    with pytest.raises(ConfigError, match="^features: label_separator: separator must be a "
                                          "non-empty text"):
        fitted(label_separator=separator)


def test_titles_holding_the_separator_are_not_labels():
    data = tiny_log()
    table = data.item_table.assign(title=["Heat | Director's Cut", "Up", "Ran | Redux"])
    with_titles = Interactions.from_arrays(data.users.to_external(data.user_index),
                                           data.items.to_external(data.item_index), None,
                                           data.timestamp, item_table=table,
                                           user_table=data.user_table,
                                           keep_unseen_items=True)
    # three titles for three items: they name items, so "auto" leaves the column out
    # rather than split it into labels
    assert "item_title" not in fitted(with_titles).schema_.names
    assert "item_title" in fitted(with_titles, item_columns=["title"]).schema_.names


def test_auto_takes_a_joined_genre_column_as_multi_valued():
    genres = ["Drama|War", "Comedy", "Drama", "Comedy|Drama"] * 3
    table = pd.DataFrame({"item_id": np.arange(12), "genres": genres})
    data = Interactions.from_arrays(np.arange(12) % 4, np.arange(12), None,
                                    np.arange(12) * DAY, item_table=table)
    builder = FeatureBuilder().fit(data, ("a",), 2)
    kinds = {f.name: f.kind for f in builder.schema_.features}
    assert kinds["user_genres_affinity"] == "numeric"
    # levels sorted: Comedy 1, Drama 2, War 3, plus the unknown level
    assert builder.schema_.features[builder.schema_.names.index("item_genres")
                                    ].cardinality == 4
