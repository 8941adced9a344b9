"""The page's search, in headless Chromium. A search of only spaces did nothing: the last
search's results stayed on screen, read as the answer to it; a refused search (the
service's 422) showed its error above the last results too, and a search that found
nothing showed an empty list without a word. The results are now cleared on each of
these, with the error or a note saying why."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
pytest.importorskip("selenium.webdriver", reason="the page test needs selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.serving.service_helpers import (  # noqa: E402
    list_texts,
    publish,
    start_service,
    stop_service,
    write_titles,
)


def _search(browser, text: str) -> None:
    box = browser.find_element(By.ID, "search-text")
    box.clear()
    box.send_keys(text)
    browser.find_element(By.ID, "search-button").click()


@pytest.mark.slow
def test_a_search_of_spaces_refused_or_empty_clears_the_last_results(tmp_path, browser,
                                                                       als, train):
    registry = publish(tmp_path / "registry", als, train)
    titles = write_titles(tmp_path / "items.parquet", train)
    word = train.item_table["title"].dropna().iloc[0].split()[0]
    process, url = start_service(tmp_path, registry, "--items", str(titles))
    wait = WebDriverWait(browser, 20)
    error = lambda d: d.find_element(By.ID, "search-error").text  # noqa: E731
    try:
        browser.get(url + "/")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#user-select option"))

        _search(browser, word)
        wait.until(lambda d: len(list_texts(d, "search-results")) > 0)
        _search(browser, "   ")
        wait.until(lambda d: error(d))
        assert error(browser) == ("the search text is empty or only spaces; type a word of a "
                                  "title to search for")
        assert list_texts(browser, "search-results") == []

        _search(browser, word)
        wait.until(lambda d: len(list_texts(d, "search-results")) > 0 and not error(d))
        _search(browser, "\u200b")  # the service refuses it (422): only invisible
        wait.until(lambda d: error(d))
        assert "only invisible characters" in error(browser)
        assert list_texts(browser, "search-results") == []

        _search(browser, word)
        wait.until(lambda d: len(list_texts(d, "search-results")) > 0 and not error(d))
        _search(browser, "zzzqqq-no-such-title")
        wait.until(lambda d: d.find_element(By.ID, "search-note").text)
        assert browser.find_element(By.ID, "search-note").text == (
            'no title (or id) contains "zzzqqq-no-such-title"')
        assert list_texts(browser, "search-results") == [] and error(browser) == ""
    finally:
        stop_service(process)
