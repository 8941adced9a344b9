"""Sixty-seventh probe: absurd thread counts and map sizes (``n_threads=10**9`` made
openTSNE abort the whole process), and colour scales of infinite values (matplotlib failed
with "Axis limits cannot be NaN or Inf", plotly drew the points uncoloured)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis import project
from recstack.analysis.projections import Projection, check_map_options
from recstack.analysis.report import _colouring
from recstack.errors import RecstackError


@pytest.mark.parametrize(("options", "message"), [
    ({"n_threads": 10**9}, r"n_threads must be at most 4096, got 1000000000"),
    ({"n_threads": 4097}, r"n_threads must be at most 4096, got 4097"),
    ({"max_points": 10**30}, r"max_points must be at most 1000000, got 10{30}"),
])
def test_absurd_map_options_are_refused_before_any_work(options, message):
    arguments = {"max_points": 2000, "n_threads": 1} | options
    with pytest.raises(RecstackError, match=message):
        check_map_options(**arguments)
    with pytest.raises(RecstackError, match=message):
        project(np.ones((3, 2)), **arguments)  # refused before the vectors are read


def test_the_bounds_themselves_pass():
    check_map_options(max_points=1_000_000, n_threads=4096)


def projection(n=6):
    rng = np.random.default_rng(0)
    return Projection("tsne", np.arange(n), rng.normal(size=(n, 2)), n, 0)


@pytest.mark.parametrize(("colour", "message"), [
    ([1.0, 2.0, np.inf, 3.0, 4.0, 5.0], r"colour must be finite numbers \(NaN for a missing "
                                        r"value\); row 2 holds inf"),
    ([-np.inf] * 6, r"row 0 holds -inf"),
    ([1e308, -1e308, 0, 0, 0, 0], r"colour spans -1e\+308 to 1e\+308, beyond a float's "
                                  r"range"),
])
def test_an_infinite_colour_scale_is_refused(colour, message):
    with pytest.raises(RecstackError, match=message):
        projection().chart(np.asarray(colour))


def test_missing_colour_values_are_still_drawn():
    colour = np.array([np.nan, 1.0, 2.0, np.nan, 3.0, 4.0])
    drawn = projection().chart(colour).series[0].colour
    np.testing.assert_array_equal(np.isnan(drawn), np.isnan(colour))


def test_a_colour_by_column_holding_infinity_is_refused_naming_it():
    table = pd.DataFrame({"item_id": ["a", "b", "c"], "price": [1.0, np.inf, np.nan]})
    with pytest.raises(RecstackError, match=r"colour_by 'price': the item table's column "
                                            r"holds inf at row 2 \(item 'b'\)"):
        _colouring("price", table, None, np.ones(3))
    table["price"] = [1.0, 2.0, np.nan]  # missing values are fine
    values, label = _colouring("price", table, None, np.ones(3))
    assert label == "price" and np.isnan(values[2])
