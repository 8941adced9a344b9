"""Round 52 (J): a map's titles given as numbers (item ids used as titles) were made floats
for a colour scale, so the hover read ``7.0`` for item 7 and ``12345678901234568`` for
item 12345678901234567 (past a float's 53 bits); a NaN among float titles read ``nan``.
Titles are now text: an id as it is written, a missing one as its row number, as the
neighbour tables show them."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import project
from recstack.analysis.charts import plotly_figure


@pytest.fixture(scope="module")
def projection():
    vectors = np.random.default_rng(3).normal(size=(6, 4))
    return project(vectors, perplexity=1.5)


def test_integer_titles_are_shown_as_written(projection):
    ids = [12345678901234567 + i for i in range(6)]
    chart = projection.chart(titles=ids)
    assert chart.series[0].text.tolist() == [str(i) for i in ids]
    hover = plotly_figure(chart).data[0].hovertext
    assert list(hover) == ["12345678901234567", "12345678901234568", "12345678901234569",
                           "12345678901234570", "12345678901234571", "12345678901234572"]


def test_numpy_integer_titles_read_without_a_decimal_point(projection):
    chart = projection.chart(titles=np.arange(10, 16, dtype=np.int32))
    assert chart.series[0].text.tolist() == ["10", "11", "12", "13", "14", "15"]


def test_a_missing_float_title_is_its_row_number(projection):
    chart = projection.chart(titles=np.array([1.5, np.nan, 2.5, 3.5, 4.5, 5.5]))
    assert chart.series[0].text.tolist() == ["1.5", "1", "2.5", "3.5", "4.5", "5.5"]


def test_numeric_colours_stay_a_colour_scale(projection):
    chart = projection.chart(np.arange(6), titles=["a", "b", "c", "d", "e", "f"])
    assert chart.series[0].colour.dtype == np.float64
