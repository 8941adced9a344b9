"""Fifth probe: text from data reaching the report's charts is shown as text, never read
as markup by the chart libraries (Plotly's HTML subset, matplotlib's mathtext)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis.charts import Chart, Heatmap, Series

HOSTILE = '<a href="https://evil.example">x</a><b>&'
ESCAPED = '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;&lt;b&gt;&amp;'


def test_plotly_shows_every_text_from_data_literally():
    pytest.importorskip("plotly")
    from recstack.analysis.charts import plotly_figure

    chart = Chart(title=HOSTILE, x_label=HOSTILE, y_label=HOSTILE,
                  heatmap=Heatmap(np.eye(2), [HOSTILE, "b"], [HOSTILE, "b"],
                                  [[HOSTILE, ""], ["", ""]], colour_label=HOSTILE),
                  series=[Series(HOSTILE, np.array([HOSTILE, "c"], dtype=object), [1, 2],
                                 mode="bar", text=[HOSTILE, "t"]),
                          Series(HOSTILE, [1, 2], [3, 4], mode="markers",
                                 text=np.array([HOSTILE, "t"], dtype=object)),
                          Series("map", [1, 2], [3, 4], mode="markers",
                                 text=[HOSTILE, "t"], colour=[HOSTILE, "genre"]),
                          Series("scale", [1, 2], [3, 4], mode="markers", colour=[1.0, 2.0],
                                 colour_label=HOSTILE)])
    figure = plotly_figure(chart).to_plotly_json()
    heatmap, bar, markers, *labelled, scale = figure["data"]
    assert list(heatmap["x"]) == [ESCAPED, "b"] and list(heatmap["y"]) == [ESCAPED, "b"]
    assert heatmap["text"][0][0] == ESCAPED
    assert heatmap["colorbar"]["title"]["text"] == ESCAPED
    assert bar["name"] == ESCAPED and list(bar["x"]) == [ESCAPED, "c"]
    assert list(bar["hovertext"]) == [ESCAPED, "t"]
    assert markers["name"] == ESCAPED and list(markers["hovertext"]) == [ESCAPED, "t"]
    by_name = {trace["name"]: list(trace["hovertext"]) for trace in labelled}
    assert by_name == {ESCAPED: [ESCAPED], "genre": ["t"]}
    assert scale["marker"]["colorbar"]["title"]["text"] == ESCAPED
    layout = figure["layout"]
    assert layout["title"]["text"] == ESCAPED
    assert layout["xaxis"]["title"]["text"] == ESCAPED
    assert layout["yaxis"]["title"]["text"] == ESCAPED


def test_plotly_numbers_are_left_alone():
    pytest.importorskip("plotly")
    from recstack.analysis.charts import plotly_figure

    figure = plotly_figure(Chart(title="t", series=[Series("a & b", [1, 2], [3, 4])]))
    trace = figure.data[0]
    assert np.asarray(trace.x).tolist() == [1, 2] and trace.name == "a &amp; b"


def test_matplotlib_shows_dollar_signs_literally_and_keeps_underscore_labels():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from recstack.analysis.charts import draw_matplotlib, png_data_uri

    # two '$' around a bad command was a parse error while drawing (a traceback)
    chart = Chart(title="$5-$10", series=[Series("a$\\frac$", [1, 2], [1, 2]),
                                          Series("_baseline", [1, 2], [2, 3])],
                  heatmap=Heatmap(np.eye(2), ["$x^2$", "y"], ["$x^2$", "y"]))
    assert png_data_uri(chart).startswith("data:image/png;base64,")
    ax = draw_matplotlib(chart)
    try:
        legend = [text.get_text() for text in ax.get_legend().get_texts()]
        # matplotlib dropped labels starting with "_" from the legend
        assert legend == ["a$\\frac$", "_baseline"]
        assert ax.title.get_text() == "$5-$10" and not ax.title.get_parse_math()
        assert all(not label.get_parse_math() for label in ax.get_xticklabels())
        ax.figure.canvas.draw()  # drawing the mathtext was where it failed
    finally:
        plt.close(ax.figure)


def test_report_page_escapes_a_hostile_model_label(tmp_path):
    """A model label from the experiment file reaches the tables, the headings and the
    charts (legends, heatmap labels): nowhere is it markup."""
    pytest.importorskip("plotly")
    from pathlib import Path

    from recstack.analysis.report import write_report
    from recstack.config import parse_experiment
    from recstack.experiment import run_experiment

    hostile = '<img src=x onerror=alert(1)><a href="https:evil">'
    raw = {"name": "hostile", "data": {"source": "synthetic:n_users=60,n_items=40,"
                                                 "n_interactions=900,seed=1"},
           "split": {"method": "random", "test_fraction": 0.2},
           "evaluation": {"metrics": ["ndcg", "recall"], "ks": [5, 10]},
           "models": [{"type": "most_popular", "label": hostile},
                      {"type": "random", "seed": 0}]}
    out = tmp_path / "results"
    run_experiment(parse_experiment(raw, source="hostile.toml", base=Path.cwd()), out=out)
    page = write_report(out, tmp_path / "page.html", refit="none", projection=None,
                        interactive=True).read_text()
    assert "<img src=x" not in page and '<a href="https:evil">' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the tables and headings
    # the charts' JSON (where Plotly writes '<' as \\u003c): escaped for Plotly, which
    # would otherwise draw the <a> as a link; legends and heatmap labels alike
    assert '"name":"&lt;img src=x onerror=alert(1)&gt;&lt;a href=' in page
    assert '"x":["&lt;img src=x onerror=alert(1)&gt;' in page
    assert '"name":"\\u003cimg' not in page and '"x":["\\u003cimg' not in page


def test_the_report_is_never_written_over_what_it_reads(results_dir, tmp_path):
    """`recstack report RESULTS --out RESULTS/results.json --overwrite` replaced the results
    by the page (and the experiment's data likewise): refused before any work."""
    import shutil
    from pathlib import Path

    from recstack.analysis.report import write_report
    from recstack.config import parse_experiment
    from recstack.errors import RecstackError
    from recstack.experiment import run_experiment

    copy = tmp_path / "results"
    shutil.copytree(results_dir, copy)
    for name in ("results.json", "summary.csv"):
        before = (copy / name).read_bytes()
        with pytest.raises(RecstackError, match=rf"{name}: is {name} of the results folder "
                                                r".*which the report reads.*choose another "
                                                r"--out"):
            write_report(copy, copy / name, refit="none", projection=None,
                         interactive=False)
        assert (copy / name).read_bytes() == before
    # an HTML page in the folder, or a new file, is the report's own
    assert write_report(copy, copy / "old.html", refit="none", projection=None,
                        interactive=False).exists()

    # the experiment's data file, read again to refit the models
    rows = "\n".join(f"{u},{(u * 7 + j) % 30},1.0" for u in range(40) for j in range(8))
    data = tmp_path / "log.csv"
    data.write_text("user_id,item_id,rating\n" + rows + "\n")
    raw = {"name": "csv", "data": {"source": "log.csv"},
           "split": {"method": "random", "test_fraction": 0.25},
           "evaluation": {"metrics": ["ndcg"], "ks": [5]}, "models": [{"type": "most_popular"}]}
    out = tmp_path / "csv-results"
    run_experiment(parse_experiment(raw, source=str(tmp_path / "csv.toml"), base=tmp_path),
                   out=out)
    before = data.read_bytes()
    with pytest.raises(RecstackError, match=r"log.csv: is the data source .*log.csv, which "
                                            r"writing the report there would replace"):
        write_report(out, data, refit="none", projection=None, interactive=False)
    assert data.read_bytes() == before
    assert Path(write_report(out, None, refit="none", projection=None,
                             interactive=False)).name == "report.html"


@pytest.mark.parametrize("label", ["../../outside", "a/b", "..", "tab\there"])
def test_a_results_label_that_reaches_outside_the_folder_is_refused(results_dir, tmp_path,
                                                                    label):
    """Labels name per_user_LABEL.csv and models/LABEL/: a hand-edited or foreign
    results.json with '../..' made the report read (and load models) outside the folder."""
    import json
    import shutil

    from recstack.analysis.results_folder import read_results
    from recstack.errors import RecstackError

    copy = tmp_path / "results"
    shutil.copytree(results_dir, copy)
    payload = json.loads((copy / "results.json").read_text())
    payload["models"][1]["model"] = label
    (copy / "results.json").write_text(json.dumps(payload))
    # the per-user file such a label names, where it would be found
    (copy / "per_user_..").mkdir()
    shutil.copy(copy / "per_user_item_knn.csv", copy / "outside.csv")
    with pytest.raises(RecstackError, match=r"results.json: 'models\[2\].model' is .*; "
                                            r"expected a model label, which names files "
                                            r"inside the results folder"):
        read_results(copy)
