"""Ninety-fifth bad-input probe of the report, labels in a right-to-left script: a model
label or an experiment name such as ``نموذج 2`` was written into table cells, headings and
list lines as plain escaped text, so that the number after it (and, in a line, the ": "
and the value after that) was taken into its direction and the line read in another
order than it was written. A label of the user's holding right-to-left text (or an
explicit direction override) is now isolated in a ``<bdi>``, escaped (a label holding
markup stays text); a label all left-to-right is written as before."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from recstack.analysis.report import Report, Section, build_report, render_html, write_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

LABEL = "\u0646\u0645\u0648\u0630\u062c 2"  # نموذج 2, "model 2"
NAME = "\u062a\u062c\u0631\u0628\u0629 1"  # تجربة 1, "experiment 1"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rtl") / "results"
    raw = {
        "name": NAME, "seed": 0,
        "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
        "split": {"method": "random", "test_fraction": 0.2},
        "evaluation": {"metrics": ["precision", "ndcg"], "ks": [5]},
        "models": [{"type": "most_popular"},
                   {"type": "most_popular", "label": LABEL}],
    }
    run_experiment(parse_experiment(raw, source="rtl.toml", base=Path.cwd()), out=out)
    return out


def _outside_bdi(page: str, text: str) -> list[str]:
    """The places of ``text`` (escaped) in the page's markup that no ``<bdi>`` holds."""
    escaped = html.escape(text)
    bare = page.replace(f"<bdi>{escaped}</bdi>", "")
    return [bare[max(0, m.start() - 60):m.end() + 20] for m in re.finditer(re.escape(escaped),
                                                                             bare)]


def test_a_right_to_left_model_label_is_isolated_wherever_the_report_writes_it(folder,
                                                                                tmp_path):
    page = write_report(folder, tmp_path / "report.html", refit="none", projection=None,
                        interactive=False).read_text(encoding="utf-8")
    assert f"<th><bdi>{LABEL}</bdi></th>" in page
    # text outside the markup: the page's <title> (text only) and the experiment file
    # shown as it is (<pre>) may hold it bare, nothing else
    body = re.sub(r"<title>.*?</title>|<pre>.*?</pre>", "", page, flags=re.S)
    assert _outside_bdi(body, LABEL) == []
    assert _outside_bdi(body, NAME) == []
    assert f"<h1>recstack report: <bdi>{NAME}</bdi></h1>" in page


def test_the_heading_isolates_the_experiment_name(folder):
    report = build_report(read_results(folder), refit="none", projection=None)
    assert report.subject == NAME
    page = render_html(report, interactive=False)
    assert f"<h1>recstack report: <bdi>{NAME}</bdi></h1>" in page


def test_markup_in_a_name_stays_text_inside_its_isolation():
    name = f"{LABEL}</bdi><script>x</script>"
    page = render_html(Report(f"recstack report: {name}", [Section("s", "S")], [],
                              subject=name), interactive=False)
    assert "<script>x" not in page
    assert f"<bdi>{html.escape(name)}</bdi>" in page


def test_a_report_without_a_subject_shows_its_title_as_before():
    page = render_html(Report("Pipeline p: run 3", [Section("s", "S")], []),
                       interactive=False)
    assert "<h1>Pipeline p: run 3</h1>" in page


def test_left_to_right_labels_are_written_as_before(folder, tmp_path):
    page = write_report(folder, tmp_path / "report.html", refit="none", projection=None,
                        interactive=False).read_text(encoding="utf-8")
    assert "<th>most_popular</th>" in page
    assert "<bdi>most_popular</bdi>" not in page


@pytest.mark.parametrize("override", ["\u202e", "\u202b", "\u2067"],
                         ids=["right-to-left override", "embedding", "isolate"])
def test_a_direction_control_in_a_name_is_isolated(override):
    # an override left open in a heading reversed the text after it, up to the block's end
    name = f"run{override}5"
    page = render_html(Report(f"recstack report: {name}", [Section("s", "S")], [],
                              subject=name), interactive=False)
    assert f"<h1>recstack report: <bdi>{name}</bdi></h1>" in page


def test_inline_chart_data_cannot_end_its_script():
    """A label holding ``</script>``, ``<!--`` or a line separator, inside the chart data
    the interactive page inlines in a ``<script>``, stays inside it (plotly.js reads it
    back as the same text)."""
    pytest.importorskip("plotly", reason="interactive charts need plotly")
    from recstack.analysis.charts import Chart, Series

    label = f"{LABEL} </script><script>alert(1)</script> <!-- \u2028 \u2029 </SCRIPT >"
    section = Section("comparison", "Comparison")
    section.blocks.append(Chart(title=label, x_label=label, series=[
        Series(name=label, x=[label, "b"], y=[1.0, 2.0], mode="bar", text=[label, label])]))
    page = render_html(Report(f"recstack report: {label}", [section], [label],
                              subject=label), interactive=True)
    chart = page[page.index('id="chart-1"'):]
    script = chart[chart.index("<script"):]
    body = script[script.index(">") + 1:script.lower().index("</script")]
    assert "Plotly.newPlot" in body
    assert "<!--" not in body and "<script" not in body.lower()
    assert "\u2028" not in body and "\u2029" not in body
    assert "alert(1)" in body  # the text is there, as data
    assert "<script>alert" not in page
