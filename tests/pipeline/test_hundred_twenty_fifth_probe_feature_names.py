"""A table or context column whose feature name the builder already gives (an item column
``log_count`` is ``item_log_count``, the built-in count), and a source named twice, are
refused naming the column or the name, before any candidate generator is fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.pipeline.features import FeatureBuilder

DAY = 86_400


def log(items=None, users=None, context=None) -> Interactions:
    items = items if items is not None else pd.DataFrame({"item_id": [0, 1, 2],
                                                          "year": [1990, 2000, 1995]})
    users = users if users is not None else pd.DataFrame({"user_id": [0, 1, 2],
                                                          "gender": ["M", "F", "M"]})
    u, i, t = np.array([0, 0, 1, 2]), np.array([0, 1, 0, 1]), np.array([9, 8, 7, 2]) * DAY
    return Interactions.from_arrays(u, i, None, t, item_table=items, user_table=users,
                                    keep_unseen_items=True, context=context)


@pytest.mark.parametrize("table, column, feature", [
    ("item", "log_count", "item_log_count"), ("item", "recent", "item_recent"),
    ("item", "age_days", "item_age_days"), ("user", "log_count", "user_log_count"),
    ("user", "days_since", "user_days_since"),
])
def test_a_column_named_as_a_built_in_feature_is_refused_naming_it(table, column, feature):
    frame = pd.DataFrame({f"{table}_id": [0, 1, 2], column: [5.0, 6.0, 7.0]})
    data = log(**{f"{table}s": frame})
    pattern = (f"the {table} table column '{column}' would be the feature '{feature}', "
               f"which is already a built-in feature.*{table}_columns")
    with pytest.raises(ConfigError, match=pattern):
        FeatureBuilder().check_columns(data)  # before any generator is fitted
    with pytest.raises(ConfigError, match=pattern):
        FeatureBuilder().fit(data, ("a",), 2)


def test_leaving_the_column_out_builds():
    items = pd.DataFrame({"item_id": [0, 1, 2], "log_count": [5.0, 6.0, 7.0],
                          "year": [1990, 2000, 1995]})
    builder = FeatureBuilder(item_columns=["year"]).fit(log(items=items), ("a",), 2)
    assert builder.schema_.names.count("item_log_count") == 1
    assert "item_year" in builder.schema_.names


def test_reserved_looking_names_without_a_clash_are_features():
    # user_id, label, score in a table are prefixed, so they clash with nothing
    items = pd.DataFrame({"item_id": [0, 1, 2], "user_id": [5, 6, 7], "label": [1, 0, 1]})
    users = pd.DataFrame({"user_id": [0, 1, 2], "score": [0.1, 0.2, 0.3]})
    names = FeatureBuilder().fit(log(items=items, users=users), ("a",), 2).schema_.names
    assert {"item_user_id", "item_label", "user_score"} <= set(names)


def test_a_context_column_named_as_a_context_time_feature_is_refused():
    context = pd.DataFrame({"hour": [1, 2, 3, 4]})
    data = log(context=context)
    with pytest.raises(ConfigError, match="context column 'hour' would be the feature "
                                          "'context_hour'.*context_time"):
        FeatureBuilder(context_time=True).check_columns(data)
    # without context_time the name is free
    assert "context_hour" in FeatureBuilder().fit(data, ("a",), 2).schema_.names


def test_a_user_column_named_as_an_affinity_feature_is_refused():
    items = pd.DataFrame({"item_id": [0, 1, 2], "genres": ["A|B", "B", "C"]})
    users = pd.DataFrame({"user_id": [0, 1, 2], "genres_affinity": [0.1, 0.2, 0.3]})
    with pytest.raises(ConfigError, match="user table column 'genres_affinity' would be "
                                          "the feature 'user_genres_affinity'"):
        FeatureBuilder(item_columns=["genres"]).check_columns(log(items=items, users=users))


@pytest.mark.parametrize("argument", ["sources", "scorers"])
def test_a_name_given_twice_is_refused_naming_the_argument(argument):
    names = {"sources": ("a",), "scorers": ()} | {argument: ("x", "y", "x")}
    with pytest.raises(ConfigError, match=f"{argument} lists 'x' more than once"):
        FeatureBuilder().fit(log(), names["sources"], 2, names["scorers"])
