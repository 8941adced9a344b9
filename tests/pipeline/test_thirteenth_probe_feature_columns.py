"""Thirteenth bad-input probe of the feature options: a column listed twice in
``item_columns``, ``user_columns`` or ``context_columns`` passed the experiment file's
checks and was refused only after the generators had been fitted, as "feature schema
names item_genres, user_genres_affinity more than once", naming neither the option nor the
column; a set of names (no order to give the features) was taken, and a number was a raw
``TypeError: 'int' object is not iterable``."""

from __future__ import annotations

import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder


@pytest.mark.parametrize("option", ["item_columns", "user_columns", "context_columns"])
def test_a_column_listed_twice_is_refused_when_the_model_is_declared(option):
    model = create_model("two_stage", features={option: ["genres", "year", "genres"]})
    with pytest.raises(ConfigError) as caught:
        model.validate_params()
    message = str(caught.value)
    assert message.startswith("two_stage: features: ")
    assert f"{option} names 'genres' more than once" in message
    assert "list each column once" in message


@pytest.mark.parametrize("value", [{"genres"}, {"genres": 1}, 5])
def test_a_set_mapping_or_number_is_not_a_list_of_columns(value):
    model = create_model("two_stage", features={"item_columns": value})
    with pytest.raises(ConfigError, match=r"features: item_columns must be 'auto' or a list "
                                          r"of column names, got "):
        model.validate_params()


def test_the_builder_refuses_it_before_reading_the_data():
    train = generate(n_users=30, n_items=20, n_interactions=250, seed=1, progress=None)
    builder = FeatureBuilder(item_columns=("genres", "genres"), user_columns=[])
    with pytest.raises(ConfigError, match=r"item_columns names 'genres' more than once"):
        builder.fit(train, ["most_popular"], 10)
    # one mention of each is fine, as before
    fitted = FeatureBuilder(item_columns=("genres",), user_columns=[]).fit(
        train, ["most_popular"], 10)
    assert "item_genres" in fitted.schema_.names
