"""Hundred-twenty-fourth probe: the HTML report of models with labels of 200 characters
(the longest a label may be) and one metric. The report was written, but the page was more
than twice as wide as the window: a label of one unbroken word widened every table that
names the models and the notes that name them. Such text now wraps inside the page."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.config import parse_experiment
from recstack.experiment import run_experiment
from tests.analysis.conftest import TINY_RAW
from tests.analysis.test_browser import _driver


@pytest.mark.slow
def test_a_report_of_200_character_labels_fits_the_window(tmp_path):
    raw = copy.deepcopy(TINY_RAW)
    raw["evaluation"] = {"metrics": ["ndcg"], "ks": [5]}
    raw["models"] = [{"type": "most_popular", "label": "m" * 200},
                     {"type": "random", "seed": 0, "label": "r" * 198 + "\u05d0"}]
    out = tmp_path / "results"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_experiment(parse_experiment(raw, source="tiny.toml", base=Path.cwd()), out=out)
        page = write_report(out, tmp_path / "report.html", projection=None)
    html = page.read_text(encoding="utf-8")
    assert "m" * 200 in html
    driver = _driver()
    try:
        driver.set_window_size(1280, 1000)
        driver.get(page.resolve().as_uri())
        width, window = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        driver.quit()
    assert width <= window, (width, window)
