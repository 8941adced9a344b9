"""A page of two 100,000-point maps stays a few MB (it was 16 MB: every coordinate a
64-bit float, every hover title as JSON text), and a packed map still draws offline in a
real browser with its points and hover titles (headless Chromium, as in test_browser.py).

Measured on this synthetic page (two maps, titles of ~28 characters, 18 genres): 15.8 MB
before, 7.9 MB after, of which 4.8 MB is plotly.js itself, inlined once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recstack.analysis.projections import Projection
from recstack.analysis.report import Report, Section, render_html

pytest.importorskip("plotly")


def _titles(n: int) -> np.ndarray:
    return np.array([f"Some Movie Title {i} (1995) <&>" for i in range(n)], dtype=object)


def _page(n: int, maps: int = 2) -> str:
    rng = np.random.default_rng(0)
    blocks = []
    for number in range(maps):
        coordinates = rng.normal(size=(n, 2)) * 40  # a t-SNE map's spread
        projection = Projection("tsne", np.arange(n), coordinates, n, 0, "item",
                                f"model{number}")
        genres = np.array([f"Genre{g}" for g in rng.integers(0, 18, n)], dtype=object)
        blocks.append(projection.chart(genres, colour_label="first genre", titles=_titles(n)))
    return render_html(Report("maps", [Section("embeddings", "Embeddings", blocks)], []),
                       interactive=True)


def test_two_100k_point_maps_take_a_few_mb_besides_plotly_js() -> None:
    from plotly.offline import get_plotlyjs

    page = _page(100_000)
    maps = len(page.encode("utf-8")) - len(get_plotlyjs().encode("utf-8"))
    # measured 3.1 MB for the two maps (11 MB before); the bound leaves a third of headroom
    assert maps < 4_200_000, f"{maps:,} bytes besides plotly.js"
    assert page.count(get_plotlyjs()[:200]) == 1  # plotly.js once, not per chart


def test_a_small_chart_is_written_as_plotly_writes_it() -> None:
    page = _page(200, maps=1)
    assert "Plotly.newPlot(" in page and "DecompressionStream" not in page


def _driver():
    from tests.analysis.test_browser import _driver as chromium

    return chromium()


@pytest.mark.slow
def test_a_packed_map_draws_offline_with_every_point_and_title(tmp_path: Path) -> None:
    n = 20_000
    page = tmp_path / "maps.html"
    page.write_text(_page(n, maps=1), encoding="utf-8")
    assert "DecompressionStream" in page.read_text(encoding="utf-8")  # it is packed
    driver = _driver()
    try:
        driver.get(page.resolve().as_uri())
        driver.set_script_timeout(60)
        driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const ready = () => document.querySelector('.js-plotly-plot .main-svg') ||
                document.getElementById('chart-1').textContent.includes('could not');
            const poll = () => ready() ? done(true) : setTimeout(poll, 100);
            poll();""")
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == [], errors
        place_text = driver.execute_script(
            "return document.getElementById('chart-1').textContent")
        assert "could not be drawn" not in place_text
        traces = driver.execute_script("""
            return document.getElementById('chart-1')._fullData.map(t => ({
                n: t.x.length, first: t.hovertext[0], x: Number(t.x[0])}));""")
        assert sum(trace["n"] for trace in traces) == n
        assert len(traces) == 18
        # the hover shows the title as written: Plotly reads &lt; back as <
        shown = {trace["first"] for trace in traces}
        assert all(title.startswith("Some Movie Title ") and title.endswith("&lt;&amp;&gt;")
                   for title in shown)
        # what a canvas drew: WebGL points, the plot area not blank
        drawn = driver.execute_script(
            "return [...document.querySelectorAll('#chart-1 canvas')].some(c => c.width > 0)")
        assert drawn
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert [url for url in fetched if not url.startswith(("file:", "data:", "blob:"))] == []
    finally:
        driver.quit()
