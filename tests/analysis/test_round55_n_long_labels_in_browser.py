"""Model labels as long as a run name may be (200 bytes) in a real browser: the tables keep
their numbers whole and the charts keep their plot area (headless Chromium, as in
test_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.config import parse_experiment
from recstack.experiment import run_experiment
from tests.analysis.test_browser import _driver

pytestmark = pytest.mark.slow

LONG = "L" * 190  # near the 200-byte limit of a run name; labels differ only at their end

RAW = {
    "name": "long-labels", "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "ndcg"], "ks": [5]},
    "models": [{"type": "most_popular"},
               *({"type": "random", "seed": seed, "label": f"{LONG}{seed:03d}"}
                 for seed in range(3))],
}

#: every number in a table cell that the browser broke over two lines
BROKEN_NUMBERS = """
const broken = [];
for (const cell of document.querySelectorAll('td')) {
  for (const node of [...cell.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)) {
    for (const found of node.textContent.matchAll(/[-+<]?\\d[\\d.e+-]*/g)) {
      const range = document.createRange();
      range.setStart(node, found.index);
      range.setEnd(node, found.index + found[0].length);
      if (range.getClientRects().length > 1) broken.push(found[0]);
    }
  }
}
return broken;"""


def _loaded(driver, page: Path) -> None:
    driver.get(page.resolve().as_uri())
    driver.set_script_timeout(30)
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const poll = () => document.readyState === 'complete' &&
            [...document.querySelectorAll('.js-plotly-plot')].every(
                d => d.querySelector('.main-svg')) ? done(true) : setTimeout(poll, 100);
        poll();""")


def test_long_labels_leave_numbers_and_plots_readable(tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    out = tmp_path / "results"
    run_experiment(parse_experiment(RAW, source="long.toml", base=Path.cwd()), out=out)
    interactive = write_report(out, tmp_path / "report.html", interactive=True,
                               projection=None)
    static = write_report(out, tmp_path / "static.html", interactive=False, projection=None)
    driver = _driver()
    try:
        _loaded(driver, interactive)
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        broken = driver.execute_script(BROKEN_NUMBERS)
        # the plot area of each chart (its drag layer), not the labels or the legend,
        # takes the width: 1300 px wide, a plot of a few px was drawn beside them
        plot_widths = driver.execute_script("""
            return [...document.querySelectorAll('.js-plotly-plot')].map(d =>
                d.querySelector('.nsewdrag').getBoundingClientRect().width)""")
        # one row per model in the heatmap: each label's end (where these differ) shown
        rows = driver.execute_script("""
            const map = [...document.querySelectorAll('.js-plotly-plot')].find(d =>
                d.data.some(t => t.type === 'heatmap'));
            return [...map.querySelectorAll('.yaxislayer-above .ytick')].map(
                t => t.textContent)""")
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        _loaded(driver, static)
        broken_static = driver.execute_script(BROKEN_NUMBERS)
        assert errors == [], errors
        assert broken == [] and broken_static == [], (broken, broken_static)
        assert len(plot_widths) >= 3 and min(plot_widths) > 400, plot_widths
        assert len(rows) == 4 and [row[-3:] for row in rows[1:]] == ["000", "001", "002"]
        assert max(len(row) for row in rows) <= 40, rows
        assert [url for url in fetched if not url.startswith(("file:", "data:", "blob:"))] == []
    finally:
        driver.quit()
