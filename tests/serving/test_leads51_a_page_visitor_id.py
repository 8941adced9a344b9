"""Leads-51 A: the page's new-visitor panel takes the visitor's id (optional), which the
HTTP API takes as ``user_id`` of ``POST /recommendations/new-user`` (it picks the A/B
variant and per-user rules, and is logged): the page had no field for it. An id over the
service's 128 characters (counted by code point, as the service counts) is refused on the
page, in the panel's error line, without a request."""

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

#: records each new-visitor request's body and its answer, in the page
_SPY = """
window.visitorCalls = [];
const original = window.fetch;
window.fetch = async (path, options) => {
  const response = await original(path, options);
  if (String(path).includes("recommendations/new-user")) {
    const answer = await response.clone().json();
    window.visitorCalls.push({sent: JSON.parse(options.body), answer});
  }
  return response;
};
"""


def _type_id(browser, text: str) -> None:
    """Put ``text`` in the visitor id field as one edit (clearing it first would ask for
    an anonymous visitor in between), then leave it, as a user does."""
    browser.execute_script("const field = document.getElementById('visitor-id');"
                           "field.value = arguments[0];"
                           "field.dispatchEvent(new Event('change'))", text)


def _calls(browser) -> list[dict]:
    return browser.execute_script("return window.visitorCalls")


@pytest.mark.slow
def test_the_visitor_id_goes_with_the_new_visitors_request(tmp_path, browser, als, train):
    registry = publish(tmp_path / "registry", als, train)
    titles = write_titles(tmp_path / "items.parquet", train)
    process, url = start_service(tmp_path, registry, "--items", str(titles))
    wait = WebDriverWait(browser, 20)
    try:
        browser.get(url + "/")
        wait.until(lambda d: len(list_texts(d, "user-recs")) == 10)
        browser.execute_script(_SPY)
        field = browser.find_element(By.ID, "visitor-id")
        assert field.get_attribute("value") == ""

        browser.find_element(By.ID, "search-text").send_keys("the")
        browser.find_element(By.ID, "search-button").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR,
                                             "#search-results button.add-visitor"))
        buttons = browser.find_elements(By.CSS_SELECTOR, "#search-results button.add-visitor")
        buttons[0].click()
        wait.until(lambda d: len(_calls(d)) == 1)
        # left empty: an anonymous visitor, no user_id sent
        [anonymous] = _calls(browser)
        assert "user_id" not in anonymous["sent"] and anonymous["answer"]["user_id"] is None

        field.send_keys("  visitor-7 ")
        buttons[1].click()  # a second item (the field's change asks too, as it loses focus)
        wait.until(lambda d: len(list_texts(d, "visitor-items")) == 2
                   and len(_calls(d)) >= 2 and len(_calls(d)[-1]["sent"]["items"]) == 2)
        named = _calls(browser)[-1]
        assert named["sent"]["user_id"] == "visitor-7"  # trimmed, as the service trims
        assert named["answer"]["user_id"] == "visitor-7"
        wait.until(lambda d: len(list_texts(d, "visitor-recs")) == 10)

        # over the cap of 128 characters: refused on the page, without a request
        asked = len(_calls(browser))
        _type_id(browser, "x" * 129)
        wait.until(lambda d: d.find_element(By.ID, "visitor-error").text)
        assert browser.find_element(By.ID, "visitor-error").text == (
            "the visitor id has 129 characters; an id has at most 128: shorten it, or leave "
            "it empty for an anonymous visitor")
        assert list_texts(browser, "visitor-recs") == []
        assert len(_calls(browser)) == asked

        # 128 characters, the cap: asked, and the error line cleared
        _type_id(browser, "x" * 128)
        wait.until(lambda d: len(_calls(d)) > asked)
        assert _calls(browser)[-1]["answer"]["user_id"] == "x" * 128
        wait.until(lambda d: not d.find_element(By.ID, "visitor-error").text)
    finally:
        stop_service(process)
