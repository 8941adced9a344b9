"""Ten models and Ks from 1 to 50 in one report: each model drawn unlike the others past the
palette's 8 colours, a heatmap of many rows tall enough to read, legends of long labels
that leave a half-width chart its plot, a logarithmic K axis where the Ks span a factor of
50, and the page's all-pairs significance told apart from `recstack evaluate`'s tests
against the baseline."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from recstack.analysis.charts import (
    PALETTE,
    Chart,
    Heatmap,
    Series,
    draw_matplotlib,
    plotly_figure,
)
from recstack.analysis.report import build_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment

N_MODELS = 10


def _lines(n: int, *, half: bool = False, name: str = "model {}") -> Chart:
    return Chart(title="lines", half=half, series=[
        Series(name.format(i), [1, 5], [0.1 * i, 0.2 * i], mode="lines+markers")
        for i in range(n)])


def test_models_past_the_palette_are_drawn_unlike_the_first_ones() -> None:
    pytest.importorskip("plotly")
    traces = plotly_figure(_lines(N_MODELS)).data
    styles = [(t.line.color, t.line.dash, t.marker.symbol) for t in traces]
    # model 0 and model 8 share the first colour (8 in the palette): they were identical
    assert styles[0][0] == styles[len(PALETTE)][0]
    assert len(set(styles)) == N_MODELS, styles


def test_models_past_the_palette_are_drawn_unlike_the_first_ones_in_matplotlib() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    ax = draw_matplotlib(_lines(N_MODELS))
    try:
        styles = [(line.get_color(), line.get_linestyle(), line.get_marker())
                  for line in ax.get_lines()]
        assert len(styles) == N_MODELS
        assert len(set(styles)) == N_MODELS, styles
    finally:
        plt.close(ax.figure)


def test_a_heatmap_of_many_rows_grows_and_drops_unreadable_cell_text() -> None:
    pytest.importorskip("plotly")
    n = 30
    labels = [f"model {i}" for i in range(n)]
    z = np.arange(n * n, dtype=float).reshape(n, n) - n * n / 2
    text = [[f"{v:+.4f}" for v in row] for row in z]
    figure = plotly_figure(Chart(title="map", heatmap=Heatmap(z, labels, labels, text)))
    # 30 rows in the default 420 px were 9 px each, their labels drawn over each other
    assert figure.layout.height >= 420 + 20 * (n - 12)
    assert figure.data[0].texttemplate is None
    assert "%{text}" in figure.data[0].hovertemplate
    small = plotly_figure(Chart(title="map", heatmap=Heatmap(
        z[:3, :3], labels[:3], labels[:3], [row[:3] for row in text[:3]])))
    assert small.layout.height == 420 and small.data[0].texttemplate == "%{text}"


def test_a_long_label_beside_a_half_width_chart_is_written_in_short_lines() -> None:
    pytest.importorskip("plotly")
    long = "L" * 190 + "end"
    half = plotly_figure(_lines(2, half=True, name=long + "{}"))
    full = plotly_figure(_lines(2, name=long + "{}"))
    for trace in half.data:
        lines = trace.name.split("<br>")
        assert "".join(lines).startswith(long) and max(map(len, lines)) <= 20, lines
    assert max(len(line) for t in full.data for line in t.name.split("<br>")) > 20


def _experiment(ks: list[int]) -> dict:
    return {
        "name": "many", "seed": 0,
        "data": {"source": "synthetic:n_users=60,n_items=120,n_interactions=1500,seed=3"},
        "split": {"method": "random", "test_fraction": 0.2},
        "evaluation": {"metrics": ["precision", "ndcg"], "ks": ks},
        "models": [{"type": "most_popular"}]
        + [{"type": "random", "seed": s, "label": f"random-{s}"} for s in range(N_MODELS - 1)],
    }


@pytest.fixture(scope="module")
def wide_ks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("many") / "results"
    run_experiment(parse_experiment(_experiment([1, 50]), source="many.toml",
                                    base=Path.cwd()), out=out)
    return out


def _section(report, name: str):
    return next(s for s in report.sections if s.id == name)


def test_the_page_says_its_pairs_are_not_the_evaluate_step_comparisons(wide_ks) -> None:
    report = build_report(read_results(wide_ks), refit="none", projection=None)
    pairs = N_MODELS * (N_MODELS - 1) // 2  # 45: every pair, where evaluate made 9
    significance = " ".join(b for b in _section(report, "significance").blocks
                            if isinstance(b, str))
    assert f"adjusted over all {pairs} pairs" in significance
    assert f"adjusting over its {N_MODELS - 1} comparisons" in significance
    diagnostics = " ".join(b for b in _section(report, "diagnostics").blocks
                           if isinstance(b, str))
    assert re.search(rf"Holm-adjusted over the {N_MODELS - 1} comparisons made", diagnostics)


def test_ks_that_span_a_factor_of_50_get_a_logarithmic_axis(wide_ks, tmp_path) -> None:
    report = build_report(read_results(wide_ks), refit="none", projection=None)
    curves = [b for b in _section(report, "curves").blocks if isinstance(b, Chart)]
    assert len(curves) == 2 and all(c.log_x for c in curves)
    near = tmp_path / "near"
    run_experiment(parse_experiment(_experiment([5, 10]), source="near.toml",
                                    base=Path.cwd()), out=near)
    report = build_report(read_results(near), refit="none", projection=None)
    curves = [b for b in _section(report, "curves").blocks if isinstance(b, Chart)]
    assert len(curves) == 2 and not any(c.log_x for c in curves)
