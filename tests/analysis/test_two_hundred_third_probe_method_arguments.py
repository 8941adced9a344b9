"""Two-hundred-third probe: the methods a user calls on an analysis's result
(``PCAAnalysis.plot``/``chart``/``components_for``, ``EmbeddingHealth.plot``/``chart``,
``Projection.plot``/``chart``) and the chart helpers (``draw_matplotlib``,
``png_data_uri``) answered a misspelt keyword (``pca.plot(axis=ax)``) or one argument too
many with Python's bare ``TypeError``, where the functions that made the result
(``pca_analysis``, ``project``) answer a ``ConfigError`` naming the near name and what the
method takes. Each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import embedding_health, pca_analysis
from recstack.analysis.charts import draw_matplotlib, png_data_uri
from recstack.analysis.projections import Projection
from recstack.errors import ConfigError

VECTORS = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0], [1.0, 1.0, 0.0],
                    [0.0, 1.0, 1.0], [2.0, 0.0, 1.0]])


@pytest.fixture(scope="module")
def pca():
    return pca_analysis(VECTORS)


def _projection() -> Projection:
    return Projection(np.zeros((3, 2)), np.arange(3), "tsne", 3, {})


CALLS = {
    "pca-plot": (lambda pca: pca.plot(axis=None),
                 "PCAAnalysis.plot() has no argument 'axis' (did you mean 'ax'?); it takes "
                 "PCAAnalysis.plot(ax)"),
    "pca-chart": (lambda pca: pca.chart(max_component=5),
                  "PCAAnalysis.chart() has no argument 'max_component' (did you mean "
                  "'max_components'?)"),
    "pca-share": (lambda pca: pca.components_for(0.5, 0.9),
                  "PCAAnalysis.components_for() takes at most 1 positional argument(s) "
                  "(share), got 2"),
    "health-plot": (lambda pca: embedding_health(VECTORS).plot(populatity=[1] * 6),
                    "EmbeddingHealth.plot() has no argument 'populatity' (did you mean "
                    "'popularity'?)"),
    "health-chart": (lambda pca: embedding_health(VECTORS).chart(None, None),
                     "EmbeddingHealth.chart() takes at most 1 positional argument(s)"),
    "map-chart": (lambda pca: _projection().chart(color=[1, 2, 3]),
                  "Projection.chart() has no argument 'color' (did you mean 'colour'?)"),
    "map-plot": (lambda pca: _projection().plot(colour_lable="x"),
                 "Projection.plot() has no argument 'colour_lable' (did you mean "
                 "'colour_label'?)"),
    "draw": (lambda pca: draw_matplotlib(pca.chart(), axes=None),
             "draw_matplotlib() has no argument 'axes' (did you mean 'ax'?)"),
    "png": (lambda pca: png_data_uri(pca.chart(), dpi=80),
            "png_data_uri() has no argument 'dpi'; it takes png_data_uri(chart)"),
}


@pytest.mark.parametrize("call", CALLS, ids=list(CALLS))
def test_a_call_that_does_not_fit_names_the_method_and_the_near_argument(pca, call):
    make, message = CALLS[call]
    with pytest.raises(ConfigError) as caught:
        make(pca)
    assert message in str(caught.value)


def test_the_methods_still_answer(pca):
    # the explained ratios are sorted and sum to 1: all of the variance takes every
    # component, any share above 0 at least the first
    assert pca.components_for(1.0) == len(pca.explained_variance_ratio)
    assert pca.components_for(share=1e-9) == 1
    assert pca.chart(max_components=2).title == pca.chart(2).title
