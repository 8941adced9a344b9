"""A table column the feature builder was fitted with, gone from the history its serving
statistics are built from (the items file lost its 'genres', or the table was not attached):
its features become unknown for every row, which moves every candidate's score, so it is
warned of, naming the table and the columns; the same tables give no warning. A column
the tables never had (a misspelt ``item_columns``) is refused before any generator is
fitted, not after."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.features import FeatureBuilder


@pytest.fixture(scope="module")
def data() -> Interactions:
    return generate(n_users=60, n_items=40, n_interactions=900, seed=3)


@pytest.fixture(scope="module")
def builder(data) -> FeatureBuilder:
    return FeatureBuilder(item_columns=["genres", "year"]).fit(data, ["pop"], 10)


def _with(data: Interactions, item_table, user_table) -> Interactions:
    return Interactions(data.user_index, data.item_index, data.value, data.timestamp,
                        data.users, data.items, item_table=item_table, user_table=user_table,
                        rating_range=data.rating_range)


def _cutoff(data: Interactions) -> int:
    return int(data.timestamp.max()) + 1


def test_the_tables_of_the_fit_give_no_warning(builder, data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        builder.statistics(data, _cutoff(data))


def test_a_column_gone_from_the_item_table_is_warned_of_by_name(builder, data):
    table = data.item_table.drop(columns=["genres"])
    with pytest.warns(UserWarning, match=r"^features: the item table column\(s\) 'genres' "
                                         r"were used at fit, but its item table has columns "
                                         r"'title', 'year', 'description'; their features are "
                                         r"unknown"):
        state = builder.statistics(_with(data, table, data.user_table), _cutoff(data))
    # what the warning says: every item's genre is the unknown code, the year is kept
    genres = [c.column for c in builder.columns_ if c.table == "item"
              and c.role != "numeric"].index("genres")
    assert (state.item_codes[:, genres] == 0).all()
    assert np.isfinite(state.item_numeric).all()


def test_an_item_table_gone_altogether_names_every_column(builder, data):
    with pytest.warns(UserWarning, match=r"column\(s\) 'genres', 'year' were used at fit, "
                                         r"but the history has no item table"):
        state = builder.statistics(_with(data, None, data.user_table), _cutoff(data))
    assert np.isnan(state.item_numeric).all()


def test_a_user_table_gone_is_warned_of_too(data):
    fitted = FeatureBuilder(item_columns=[]).fit(data, ["pop"], 10)
    assert any(c.table == "user" for c in fitted.columns_)
    with pytest.warns(UserWarning, match=r"features: the user table column\(s\) .* the "
                                         r"history has no user table"):
        fitted.statistics(_with(data, data.item_table, None), _cutoff(data))


def test_new_users_known_by_their_histories_are_not_warned_of(builder, data):
    # a visitor has no user table row by design: the user columns are unknown, silently
    state = builder.statistics(data, _cutoff(data))
    histories = np.zeros((2, data.n_items), np.float32)
    histories[0, :3] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        builder.visitor_state(state, sp.csr_matrix(histories))


# ------------------------------------------------- misspelt columns, before any fitting
def test_a_misspelt_table_column_is_refused_before_any_generator_is_fitted(data,
                                                                          monkeypatch):
    from recstack.models.baselines import MostPopular
    from recstack.pipeline.training_data import make_training_data, time_window, window_cutoff

    real_fit = MostPopular.fit
    fits = []  # none may happen before a misspelt feature column is refused

    def counting_fit(self, *args, **kwargs):
        fits.append(1)
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(MostPopular, "fit", counting_fit)
    cutoff = window_cutoff(data, 0.2)
    history, window = time_window(data, cutoff)
    builder = FeatureBuilder(item_columns=["genre"])
    with pytest.raises(ConfigError, match=r"item_columns names \['genre'\], which the item "
                                        r"table does not have \(did you mean 'genres'\?\)"):
        make_training_data(history, window, lambda: [MostPopular()], builder, cutoff=cutoff,
                           n_candidates=10)
    assert not fits
    with pytest.raises(ConfigError, match=r"context_columns = \['device'\], but the "
                                        r"interactions have no context"):
        make_training_data(history, window, lambda: [MostPopular()],
                           FeatureBuilder(context_columns=["device"]), cutoff=cutoff,
                           n_candidates=10)
    assert not fits


def test_check_columns_learns_nothing_and_passes_good_options(data):
    builder = FeatureBuilder(item_columns=["genres"])
    builder.check_columns(data)
    assert not hasattr(builder, "schema_")
    with pytest.raises(RecstackError, match="call fit"):
        builder.statistics(data, int(data.timestamp.max()) + 1)
