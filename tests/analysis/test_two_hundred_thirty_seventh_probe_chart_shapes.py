"""Two-hundred-thirty-seventh probe, charts described by hand: a :class:`Series` whose ``y``
(or band, hover texts, colours) held another number of values than its ``x`` was drawn
by Plotly cut to the shorter one without a word and was matplotlib's own ValueError or
IndexError (``x and y must have same first dimension``); an infinite value was drawn by
neither; a heatmap's labels or cell texts of another shape than its matrix labelled the
wrong rows; a band with ``low`` and no ``high`` was left out; a misspelt ``mode`` was
Plotly's page-long ValueError; and two series of one name shared one legend group, so
that hiding one hid the other. Each is now a ConfigError naming the chart, the series
and the lengths, the same from both drawing paths (or, for the names, drawn right)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("plotly", reason="the chart tests need the insight extra")
pytest.importorskip("matplotlib", reason="the chart tests need matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from recstack.analysis.charts import (  # noqa: E402
    Chart,
    Heatmap,
    Series,
    draw_matplotlib,
    plotly_figure,
    png_data_uri,
)
from recstack.errors import ConfigError  # noqa: E402

DRAWERS = [pytest.param(plotly_figure, id="plotly"), pytest.param(png_data_uri, id="png"),
           pytest.param(draw_matplotlib, id="matplotlib")]
WHERE = "chart 'recall', series 'als' (series[0]): "


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _chart(**fields):
    values = {"name": "als", "x": [1, 2, 3], "y": [0.1, 0.2, 0.3], **fields}
    return Chart("recall", series=[Series(**values)])


@pytest.mark.parametrize("draw", DRAWERS)
@pytest.mark.parametrize("fields, expected", [
    ({"y": [0.1, 0.2]}, "y holds 2 values and x 3; give one y value per x value"),
    ({"y": [0.1, 0.2], "mode": "bar"}, "y holds 2 values and x 3"),
    ({"y": [0.1, 0.2], "mode": "markers"}, "y holds 2 values and x 3"),
    ({"low": [0, 0], "high": [1, 1, 1]}, "low holds 2 values and x 3"),
    ({"low": [0, 0, 0], "high": [1, 1, 1, 1]}, "high holds 4 values and x 3"),
    ({"text": ["a"]}, "text holds 1 value and x 3; give one text value per x value"),
    ({"mode": "markers", "colour": [1.0, 2.0]}, "colour holds 2 values and x 3"),
    ({"mode": "markers", "colour": ["a", "b"]}, "colour holds 2 values and x 3"),
    ({"y": None}, "y is missing; give one value per x value (3 values)"),
    ({"x": 1, "y": 2}, "x must be a sequence of values (a list or a 1-d array), got int 1"),
    ({"y": [[1, 2], [3, 4], [5, 6]]},
     "y must be a sequence of values (a list or a 1-d array), got list "
     "[[1, 2], [3, 4], [5, 6]]"),
    ({"y": [[1, 2], [3], [4]]},
     "y must be a sequence of values (a list or a 1-d array), got list [[1, 2], [3], [4]]"),
    ({"y": np.ones((3, 1))}, "y must be a sequence of values (a list or a 1-d array), got "
                             "an array of shape (3, 1)"),
    ({"low": [0, 0, 0]}, "a band needs both low and high; low is given and high is not"),
    ({"high": [1, 1, 1]}, "a band needs both low and high; high is given and low is not"),
    ({"y": [0.1, np.inf, -np.inf]},
     "y holds 2 infinite values, first inf at position 1; a chart cannot draw an infinity"),
    ({"x": np.array([1.0, 2.0, -np.inf])}, "x holds 1 infinite value, first -inf at "
                                           "position 2"),
    ({"low": [0, 0, float("inf")], "high": [1, 1, 1]}, "low holds 1 infinite value"),
    ({"mode": "line"}, "mode must be one of 'lines', 'markers', 'lines+markers', 'bar', "
                       "got 'line' (did you mean 'lines'?)"),
])
def test_a_series_that_cannot_be_drawn_as_described_is_refused_by_every_path(draw, fields,
                                                                              expected):
    with pytest.raises(ConfigError) as caught:
        draw(_chart(**fields))
    assert str(caught.value).startswith(WHERE + expected), str(caught.value)


@pytest.mark.parametrize("draw", DRAWERS)
def test_a_logarithmic_axis_refuses_a_value_it_cannot_place(draw):
    chart = _chart(x=[0, 1, 2])
    chart.log_x = True
    with pytest.raises(ConfigError, match=r"series 'als' \(series\[0\]\): x holds 0 at "
                                          r"position 0, but the chart's x axis is "
                                          r"logarithmic \(log_x=True\)"):
        draw(chart)


@pytest.mark.parametrize("draw", DRAWERS)
@pytest.mark.parametrize("heatmap, expected", [
    (Heatmap(np.eye(3), ["a", "b"], ["a", "b", "c"]),
     "x_labels must hold one label per column of z (3 columns; z has shape (3, 3)), "
     "got 2 labels"),
    (Heatmap(np.zeros((2, 3)), ["a", "b", "c"], ["a", "b", "c"]),
     "y_labels must hold one label per row of z (2 rows; z has shape (2, 3)), got 3 labels"),
    (Heatmap(np.eye(2), ["a", "b"], ["a", "b"], text=[["1"]]),
     "text must hold one text per cell of z (shape (2, 2)), got shape (1, 1)"),
    (Heatmap(np.eye(2), ["a", "b"], ["a", "b"], text=[["1", "2"], ["3"]]),
     "text must hold one text per cell of z (shape (2, 2)), got rows of different lengths"),
    (Heatmap(np.arange(3.0), ["a", "b", "c"], ["a"]),
     "z must be a 2-d array of numbers (rows x columns), got shape (3,)"),
    (Heatmap(np.array([[0.0, np.inf], [1.0, 0.0]]), ["a", "b"], ["a", "b"]),
     "z holds 1 infinite value, first inf at position [0, 1]"),
])
def test_a_heatmap_of_another_shape_than_its_labels_is_refused(draw, heatmap, expected):
    with pytest.raises(ConfigError) as caught:
        draw(Chart("pairs", heatmap=heatmap))
    assert str(caught.value).startswith("chart 'pairs', heatmap: " + expected), \
        str(caught.value)


def test_a_chart_that_is_no_chart_is_named():
    with pytest.raises(ConfigError, match="series must be a list of Series, got Series"):
        plotly_figure(Chart("t", series=Series("a", [1], [1])))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"series\[1\] must be a Series, got str 'b'"):
        plotly_figure(Chart("t", series=[Series("a", [1], [1]), "b"]))  # type: ignore[list-item]


def test_two_series_of_one_name_are_hidden_and_shown_apart():
    # one legend group per series: with the name as the group, a click on either legend
    # entry hid both lines (and the bands of both)
    chart = Chart("t", series=[Series("als", [1, 2], [1, 2], low=[0, 1], high=[2, 3]),
                               Series("als", [1, 2], [2, 3], low=[1, 2], high=[3, 4])])
    figure = plotly_figure(chart)
    groups = [trace.legendgroup for trace in figure.data]
    assert groups == ["series 0", "series 0", "series 1", "series 1"]


@pytest.mark.parametrize("draw", DRAWERS)
def test_what_could_always_be_drawn_still_is(draw):
    # NaN is a gap (a missing value), an empty series draws nothing, text x values
    # are categories, numpy and pandas values are sequences
    import pandas as pd

    chart = Chart("fine", series=[
        Series("gap", [1, 2, 3], [0.1, np.nan, 0.3], low=[0, np.nan, 0], high=[1, 1, 1]),
        Series("empty", [], []),
        Series("bars", pd.Series(["a", "b"]), pd.Series([1, 2]), mode="bar"),
        Series("points", np.arange(3), np.arange(3.0), mode="markers",
               colour=np.array(["x", "y", "x"]), text=["p", "q", "r"])],
        heatmap=Heatmap(np.array([[np.nan, 1.0], [-1.0, 0.0]]), ["a", "b"], ["c", "d"],
                        text=[["", "1"], ["-1", "0"]]))
    assert draw(chart) is not None


AXES = "ax must be a matplotlib Axes (such as ax from fig, ax = plt.subplots()), or None " \
       "for a new figure; got "


@pytest.mark.parametrize("make, expected", [
    (lambda plt: plt.figure(), "a Figure: draw on one of its axes, fig.gca() or "
                               "fig.add_subplot()"),
    (lambda plt: plt.subplots(1, 2)[1], "an array of 2 axes of shape (2,) (as plt.subplots "
                                        "returns for several); give one of them, such as "
                                        "axes[0]"),
    (lambda plt: plt.subplots(2, 2)[1], "an array of 4 axes of shape (2, 2) (as "
                                        "plt.subplots returns for several); give one of "
                                        "them, such as axes[0, 0]"),
    (lambda plt: "left", "str 'left'"),
])
def test_an_ax_that_is_no_axes_is_named_by_every_plot(make, expected):
    # was an AttributeError from inside the drawing ("'Figure' object has no attribute
    # 'plot'"), from draw_matplotlib and every analysis's .plot(ax=...)
    import matplotlib.pyplot as plt

    from recstack.analysis import embedding_health, pca_analysis

    vectors = np.random.default_rng(0).normal(size=(20, 3))
    for draw in (lambda ax: draw_matplotlib(_chart(), ax=ax),
                 lambda ax: pca_analysis(vectors).plot(ax=ax),
                 lambda ax: embedding_health(vectors).plot(ax=ax)):
        with pytest.raises(ConfigError) as caught:
            draw(make(plt))
        assert str(caught.value) == AXES + expected
    fig, ax = plt.subplots()
    assert draw_matplotlib(_chart(), ax=ax) is ax
