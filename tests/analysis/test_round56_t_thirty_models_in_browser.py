"""Thirty models, two of them labelled with 200 bytes, in a real browser (headless
Chromium, as in test_browser.py): no script error, the significance heatmap's 30 row labels
apart from each other, and the half-width curves keep a plot beside their legends."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.config import parse_experiment
from recstack.experiment import run_experiment
from tests.analysis.test_browser import _driver

pytestmark = pytest.mark.slow

LONG = "L" * 197  # 200 bytes with its number: the longest label a run name may have

RAW = {
    "name": "thirty", "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=60,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "ndcg"], "ks": [1, 50]},
    "models": [{"type": "most_popular", "label": f"{LONG}000"},
               {"type": "random", "seed": 0, "label": f"{LONG}001"},
               *({"type": "random", "seed": seed, "label": f"rändom-{seed}"}
                 for seed in range(1, 29))],
}


def test_thirty_models_keep_their_labels_and_plots_readable(tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    out = tmp_path / "results"
    run_experiment(parse_experiment(RAW, source="thirty.toml", base=Path.cwd()), out=out)
    page = write_report(out, tmp_path / "report.html", interactive=True, projection=None)
    driver = _driver()
    try:
        driver.get(page.resolve().as_uri())
        driver.set_script_timeout(60)
        driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const poll = () => document.readyState === 'complete' &&
                [...document.querySelectorAll('.js-plotly-plot')].every(
                    d => d.querySelector('.main-svg')) ? done(true) : setTimeout(poll, 100);
            poll();""")
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        # the vertical extent of each row label of the heatmap, top to bottom
        rows = driver.execute_script("""
            const map = [...document.querySelectorAll('.js-plotly-plot')].find(d =>
                d.data.some(t => t.type === 'heatmap'));
            return [...map.querySelectorAll('.yaxislayer-above .ytick text')].map(t => {
                const box = t.getBoundingClientRect(); return [box.top, box.bottom]; })
                .sort((a, b) => a[0] - b[0]);""")
        curves = driver.execute_script("""
            return [...document.querySelectorAll('.chart.half .js-plotly-plot')].map(d =>
                d.querySelector('.nsewdrag').getBoundingClientRect().width)""")
        assert errors == [], errors
        assert len(rows) == 30
        # 30 labels in 420 px were drawn 9 px apart, each over the next
        overlaps = [(a, b) for a, b in zip(rows, rows[1:], strict=False) if b[0] < a[1]]
        assert overlaps == [], overlaps
        # two 200-byte labels in legend lines of 48 characters left these plots 110 px
        assert len(curves) == 2 and min(curves) > 250, curves
    finally:
        driver.quit()
