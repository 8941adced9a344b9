"""Hundred-twenty-fourth probe: the web page at its extremes, in headless Chromium. A title
of 10,000 characters without a space widened its panel far past the window (one list
entry a page wide), and the neighbours of the only item of a one-item catalog came back
as an empty list without a word (the answer's ``shortfall`` was not shown). Long titles
are now cut at 200 characters with "..." (the whole title in the tooltip) and wrapped; the
neighbours list shows its shortfall as the other lists do."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
pytest.importorskip("selenium.webdriver", reason="the page test needs selenium")

import pandas as pd  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from recstack.data.interactions import Interactions  # noqa: E402
from tests.serving.service_helpers import publish, start_service, stop_service  # noqa: E402

LONG = "x" * 10_000


@pytest.mark.slow
def test_a_one_item_catalog_with_a_title_of_10000_characters(tmp_path, browser):
    from recstack.models.als import ALS

    train = Interactions.from_frame(pd.DataFrame({"user_id": [str(u) for u in range(20)],
                                                  "item_id": ["only"] * 20}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALS(factors=4, iterations=2, seed=0).fit(train)
    registry = publish(tmp_path / "registry", model, train)
    titles = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": ["only"], "title": [LONG]}).to_parquet(titles)
    process, url = start_service(tmp_path, registry, "--items", str(titles))
    wait = WebDriverWait(browser, 20)
    try:
        browser.get(url + "/")
        # the user's history holds the one item; its recommendations are empty, and say why
        wait.until(lambda d: d.find_element(By.ID, "user-note").text)
        assert browser.find_element(By.ID, "user-note").text.startswith(
            "0 items for k=10: als@1 has 1 item")
        browser.find_element(By.ID, "search-text").send_keys("xxx")
        browser.find_element(By.ID, "search-button").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results button"))
        entry = browser.find_element(By.CSS_SELECTOR, "#search-results li bdi")
        assert entry.text == "x" * 200 + "\u2026"
        assert entry.get_attribute("title") == LONG
        browser.find_element(By.CSS_SELECTOR, "#search-results button.neighbours").click()
        wait.until(lambda d: d.find_element(By.ID, "similar-note").text)
        assert browser.find_element(By.ID, "similar-note").text == (
            "0 items for k=10: als@1 has 1 item, less the item itself")
        assert not any(line.text for line in browser.find_elements(By.CSS_SELECTOR, ".error"))
        # nothing wider than the window
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
    finally:
        stop_service(process)
