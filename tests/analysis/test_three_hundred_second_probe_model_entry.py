"""Three hundred second probe: ``check_model_entry`` (the check ``publish --results`` runs on
one model's entry of a results.json) failed with Python's TypeError or KeyError for an
entry that is no object or has no "model"; it names the field now, as ``read_results``
does. And ``plotly_div`` wrote its element id into the page unescaped: an id holding
markup put it into the page, an empty one drew a random id each run."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis.results_folder import check_model_entry
from recstack.errors import RecstackError


@pytest.mark.parametrize(("entry", "shown", "expected"), [
    (None, "null", "one model's results as an object"),
    ([], r"\[\]", "one model's results as an object"),
    (5, "5", "one model's results as an object"),
    ({}, r"\{\}", "an object with the model's label under \"model\""),
    ({"params": {}}, r'\{"params": \{\}\}', "an object with the model's label under "
                                            "\"model\""),
])
def test_an_entry_that_is_no_model_object_is_named(entry, shown, expected):
    with pytest.raises(RecstackError, match=rf"r\.json: 'models\[3\]' is {shown}; expected "
                                            rf"{expected}; rerun `recstack evaluate`"):
        check_model_entry(Path("r.json"), entry, 3)


def test_a_good_entry_passes():
    check_model_entry(Path("r.json"), {"model": "als", "metrics": {}}, 1)


# --- plotly_div: the element id is written into the page as it is ---------------------------

@pytest.mark.parametrize("div_id", ['"><script>alert(1)</script>', "", None, 5, "a b", "1a"])
def test_plotly_div_refuses_an_id_that_is_no_html_id(div_id):
    pytest.importorskip("plotly")
    from recstack.analysis.charts import Chart, Series, plotly_div
    from recstack.errors import ConfigError

    chart = Chart(title="t", x_label="x", y_label="y", series=[Series("s", [1, 2], [3, 4])])
    with pytest.raises(ConfigError, match="plotly_div: div_id must be an HTML id"):
        plotly_div(chart, div_id)
    page = plotly_div(chart, "chart-7")
    assert page.count('id="chart-7"') == 1 and "<script>alert" not in page
