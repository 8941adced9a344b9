"""The page in headless Chromium: each panel's error is its own. The panels shared one
error line, so a successful answer in one panel (a user picked) cleared the error another
panel still stood under (a refused search), and an error showed under no panel in
particular. And the search box's ``maxlength="200"`` counted UTF-16 units, two for an
emoji, while the service counts characters (code points): a pasted search of 150 emoji was
cut at 100 without a word. The page now counts as the service does."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
pytest.importorskip("selenium.webdriver", reason="the page test needs selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from recstack.serving import schemas  # noqa: E402
from tests.serving.service_helpers import (  # noqa: E402
    list_texts,
    publish,
    start_service,
    stop_service,
    write_titles,
)

EMOJI = "\U0001f3ac"  # one character (code point), two UTF-16 units

# every search path the page asks for, in order
RECORD = """
window.asked = [];
const real = window.fetch;
window.fetch = (path, options) => {
  if (String(path).startsWith("items/search")) window.asked.push(String(path));
  return real(path, options);
};
"""

SEARCH = """
document.getElementById("search-text").value = arguments[0];
document.getElementById("search-button").click();
"""


def _text(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


@pytest.fixture
def page(tmp_path, browser, als, train):
    registry = publish(tmp_path / "registry", als, train)
    titles = write_titles(tmp_path / "items.parquet", train)
    process, url = start_service(tmp_path, registry, "--items", str(titles))
    try:
        browser.get(url + "/")
        WebDriverWait(browser, 20).until(
            lambda d: len(list_texts(d, "user-recs")) == 10)
        browser.execute_script(RECORD)
        yield browser
    finally:
        stop_service(process)


@pytest.mark.slow
def test_an_answer_in_one_panel_leaves_another_panels_error(page, train):
    wait = WebDriverWait(page, 20)
    word = train.item_table["title"].dropna().iloc[0].split()[0]
    # a refused search: its error stands under the search
    page.execute_script(SEARCH, "   ")
    wait.until(lambda d: _text(d, "search-error"))
    said = _text(page, "search-error")
    # a user picked: the user panel's answer does not clear the search's error
    options = page.find_elements(By.CSS_SELECTOR, "#user-select option")
    before = list_texts(page, "user-recs")
    options[2].click()
    wait.until(lambda d: list_texts(d, "user-recs") != before)
    assert _text(page, "search-error") == said
    assert _text(page, "user-error") == "" and _text(page, "error") == ""

    # a user the service does not know: the error is the user panel's, and a search that
    # succeeds afterwards clears its own line only
    page.execute_script("showUser('no-such-user-151')")
    wait.until(lambda d: _text(d, "user-error"))
    user_error = _text(page, "user-error")
    assert "no-such-user-151" in user_error
    page.execute_script(SEARCH, word)
    wait.until(lambda d: len(list_texts(d, "search-results")) > 0
               and not _text(d, "search-error"))
    assert _text(page, "user-error") == user_error
    # the neighbours of a found item answer in their own place: both errors stay
    page.find_element(By.CSS_SELECTOR, "#search-results button.neighbours").click()
    wait.until(lambda d: len(list_texts(d, "similar")) == 10)
    assert _text(page, "user-error") == user_error
    assert _text(page, "similar-error") == _text(page, "visitor-error") == ""
    # the user panel's next answer clears its own error
    options[3].click()
    wait.until(lambda d: not _text(d, "user-error"))


@pytest.mark.slow
def test_a_search_of_emoji_is_counted_by_character_as_the_service_counts(page):
    wait = WebDriverWait(page, 20)
    box = page.find_element(By.ID, "search-text")
    # no limit of the box's own: maxlength counts UTF-16 units, two for each emoji
    assert box.get_attribute("maxlength") is None
    limit = schemas.MAX_QUERY_LENGTH
    for count in (150, limit):
        page.execute_script("window.asked = [];")
        page.execute_script(SEARCH, EMOJI * count)
        wait.until(lambda d: d.execute_script("return window.asked.length") == 1
                   and _text(d, "search-note"))
        path = page.execute_script("return window.asked[0]")
        assert parse_qs(urlsplit(path).query)["q"] == [EMOJI * count]  # sent whole
        # the service takes it too: no title holds it, and no error
        assert _text(page, "search-note") == f'no title (or id) contains "{EMOJI * count}"'
        assert _text(page, "search-error") == ""

    # one more is refused by the page, in the search's own line, counted as one each
    page.execute_script("window.asked = [];")
    page.execute_script(SEARCH, EMOJI * (limit + 1))
    wait.until(lambda d: _text(d, "search-error"))
    assert _text(page, "search-error") == (
        f"the search text has {limit + 1} characters; at most {limit} are searched for (an "
        "emoji counts as one): shorten it")
    assert page.execute_script("return window.asked.length") == 0
    assert list_texts(page, "search-results") == [] and _text(page, "search-note") == ""
