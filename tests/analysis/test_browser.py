"""The report in a real browser: headless Chromium (Debian's ``chromium`` with its
``chromedriver``) driven by Selenium. Skipped, saying why, where either is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recstack.analysis.report import SECTIONS, write_report

pytestmark = pytest.mark.slow


def _driver():
    webdriver = pytest.importorskip("selenium.webdriver",
                                    reason="selenium is not installed: pip install selenium")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        pytest.skip("no headless Chromium here: install Debian's chromium and "
                    "chromium-driver packages (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1300,2000", "--disable-gpu"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=options)


@pytest.mark.parametrize("interactive", [True, False], ids=["plotly", "static"])
def test_report_renders_in_chromium(results_dir: Path, tmp_path: Path,
                                    interactive: bool) -> None:
    if interactive:
        pytest.importorskip("plotly")
    page = write_report(results_dir, tmp_path / "report.html", interactive=interactive,
                        max_points=150)
    driver = _driver()
    try:
        driver.get(page.resolve().as_uri())
        driver.set_script_timeout(30)
        # wait until every chart has drawn (Plotly draws after the page loads)
        driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const ready = () => document.readyState === 'complete' &&
                [...document.querySelectorAll('.js-plotly-plot')].every(
                    d => d.querySelector('.main-svg'));
            const poll = () => ready() ? done(true) : setTimeout(poll, 100);
            poll();""")
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == [], errors
        for name, title in SECTIONS:
            heading = driver.execute_script(
                f"return document.querySelector('#{name} h2')?.textContent")
            assert heading == title
        if interactive:
            charts = driver.execute_script(
                "return document.querySelectorAll('.js-plotly-plot').length")
            drawn = driver.execute_script("""
                return [...document.querySelectorAll('.js-plotly-plot')].filter(d =>
                    d.querySelectorAll('.main-svg path, .main-svg rect').length > 5 ||
                    [...d.querySelectorAll('canvas')].some(c => c.width > 0)).length""")
            assert charts >= 5 and drawn == charts
        else:
            widths = driver.execute_script(
                "return [...document.images].map(i => i.complete ? i.naturalWidth : 0)")
            assert len(widths) >= 5 and min(widths) > 100
        # everything came from the file itself: no request left the machine
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert [url for url in fetched if not url.startswith(("file:", "data:", "blob:"))] == []
        screenshot = tmp_path / f"report-{'plotly' if interactive else 'static'}.png"
        driver.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 10_000
    finally:
        driver.quit()
