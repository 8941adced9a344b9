"""Points coloured by label whose label is missing (None, NaN, pd.NA, pd.NaT).

The legend grouped the points by value: a NaN label equals nothing, so its points matched
no entry and were left off the chart without a word (under empty legend entries "nan", one
per NaN object); pd.NA failed inside numpy's indexing; None was an entry "None"; 1 and "1"
were two entries both shown as "1". Now the points without a label are one entry "(none)",
last, as the report's maps name an item without a genre, and labels that read the same are
one entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.charts import Chart, Series, draw_matplotlib, label_groups

pytest.importorskip("matplotlib")

X = np.arange(6.0)


def _chart(colour: object) -> Chart:
    return Chart(title="map", series=[Series("items", X, X * 2, mode="markers",
                                             colour=colour)])


@pytest.mark.parametrize("missing", [np.nan, None, pd.NA, pd.NaT, float("nan")])
def test_missing_labels_are_one_entry_last(missing: object) -> None:
    groups = label_groups(["b", missing, "a", "b", missing, "b"])
    assert [name for name, _ in groups] == ["a", "b", "(none)"]
    assert [mask.tolist() for _, mask in groups] == [
        [False, False, True, False, False, False],
        [True, False, False, True, False, True],
        [False, True, False, False, True, False]]


def test_labels_that_read_the_same_are_one_entry() -> None:
    groups = label_groups([1, "1", 2, "(none)", None, 2])
    assert [(name, np.flatnonzero(mask).tolist()) for name, mask in groups] == [
        ("1", [0, 1]), ("2", [2, 5]), ("(none)", [3, 4])]


def test_plotly_draws_every_point() -> None:
    pytest.importorskip("plotly")
    from recstack.analysis.charts import plotly_figure

    figure = plotly_figure(_chart(pd.Series(["a", None, "b", "a", np.nan, "a"])))
    traces = [(trace.name, list(trace.x)) for trace in figure.data]
    assert traces == [("a", [0.0, 3.0, 5.0]), ("b", [2.0]), ("(none)", [1.0, 4.0])]


def test_plotly_takes_pandas_na() -> None:
    pytest.importorskip("plotly")
    from recstack.analysis.charts import plotly_figure

    figure = plotly_figure(_chart(pd.array(["a", pd.NA, "b", "a", "b", "a"],
                                           dtype="string")))
    assert [(trace.name, len(trace.x)) for trace in figure.data] == [
        ("a", 3), ("b", 2), ("(none)", 1)]


def test_matplotlib_draws_every_point() -> None:
    import matplotlib

    matplotlib.use("Agg")
    ax = draw_matplotlib(_chart(["a", np.nan, "b", "a", float("nan"), pd.NA]))
    drawn = [len(points.get_offsets()) for points in ax.collections]
    assert drawn == [2, 1, 3]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b", "(none)"]


def test_projection_chart_keeps_unlabelled_items() -> None:
    pytest.importorskip("plotly")
    from recstack.analysis.charts import plotly_figure
    from recstack.analysis.projections import Projection

    projection = Projection("umap", np.arange(6), np.column_stack([X, X]), 6, 0)
    genres = pd.Series(["Drama", None, "War", "Drama", np.nan, "War"])
    figure = plotly_figure(projection.chart(genres))
    assert [(trace.name, len(trace.x)) for trace in figure.data] == [
        ("Drama", 2), ("War", 2), ("(none)", 2)]
