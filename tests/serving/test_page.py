"""The web page in headless Chromium (Selenium): pick a user, search a title and see its
neighbours, build a new visitor and see recommendations update; a screenshot is saved."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
pytest.importorskip("selenium.webdriver", reason="the page test needs selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.serving.service_helpers import (  # noqa: E402
    list_texts,
    publish,
    start_service,
    stop_service,
    write_titles,
)


@pytest.mark.slow
def test_click_through_the_page(tmp_path, browser, als, train):
    registry = publish(tmp_path / "registry", als, train)
    titles = write_titles(tmp_path / "items.parquet", train)
    process, url = start_service(tmp_path, registry, "--items", str(titles))
    wait = WebDriverWait(browser, 20)
    try:
        browser.get(url + "/")
        wait.until(lambda d: len(list_texts(d, "user-recs")) == 10)
        history = list_texts(browser, "history")
        assert history and all("(" in line for line in history)  # title (id)
        assert "why: exact, score" in list_texts(browser, "user-recs")[0]

        select = browser.find_element(By.ID, "user-select")
        options = select.find_elements(By.TAG_NAME, "option")
        before = list_texts(browser, "user-recs")
        options[3].click()
        wait.until(lambda d: list_texts(d, "user-recs") != before)

        word = "the"
        browser.find_element(By.ID, "search-text").send_keys(word)
        browser.find_element(By.ID, "search-button").click()
        wait.until(lambda d: len(list_texts(d, "search-results")) > 0)
        assert all(word.lower() in line.lower() for line in list_texts(browser, "search-results"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results button"))
        browser.find_element(By.CSS_SELECTOR, "#search-results button.neighbours").click()
        wait.until(lambda d: len(list_texts(d, "similar")) == 10)
        assert "why: similar" in list_texts(browser, "similar")[0]

        buttons = browser.find_elements(By.CSS_SELECTOR, "#search-results button.add-visitor")
        buttons[0].click()
        wait.until(lambda d: len(list_texts(d, "visitor-recs")) == 10)
        first = list_texts(browser, "visitor-recs")
        assert "why: fold-in" in first[0]
        assert len(buttons) > 1
        buttons[1].click()
        wait.until(lambda d: len(list_texts(d, "visitor-items")) == 2)
        wait.until(ec.none_of(lambda d: list_texts(d, "visitor-recs") == first))
        # every panel's error line, and the page's own, is empty
        assert not any(line.text for line in browser.find_elements(By.CSS_SELECTOR, ".error"))
        shot = tmp_path / "page.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        stop_service(process)


@pytest.mark.slow
def test_the_page_shows_a_refused_request_as_words(tmp_path, browser, als, train):
    """A 422 carries ``message``, one line naming the field and the reason (the README's
    API section: ``query parameter k: ...``); the page shows it (it showed
    "[object Object]", then FastAPI's ``detail`` list as ``query.k: ...``)."""
    registry = publish(tmp_path / "registry", als, train)
    process, url = start_service(tmp_path, registry)
    try:
        browser.get(url + "/")
        user = als.users_.external_ids[0]
        message = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "api(arguments[0]).then(() => done('no error'), (e) => done(e.message));",
            f"/users/{user}/recommendations?k=abc")
    finally:
        stop_service(process)
    assert "[object Object]" not in message
    assert message.startswith("query parameter k: ") and "whole number from 1 to" in message, \
        message
