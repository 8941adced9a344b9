"""The page in headless Chromium, with requests answered out of order. Submitting a search
again before the first answer came (or picking a second user) showed whichever answer came
last: a slow answer to the first search replaced the second's results, so the list on
screen answered another text than the one in the search box. Each panel now shows the
answer to its latest request only. Titles and searches holding HTML markup are shown as
text, never run."""

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
)

MARKUP = '<img src=x onerror="window.ran = 1"> Markup'
SCRIPT = "<script>window.ran = 2</script> Script"
MIXED = "كتاب عربي 🎬 <b>bold</b>"  # right-to-left text, an emoji and markup

# the first request whose path holds the text is answered `delay` ms late
SLOW_FIRST = """
const [part, delay] = arguments;
const real = window.fetch;
let first = true;
window.fetch = (path, options) => {
  const answer = real(path, options);
  if (first && String(path).includes(part)) {
    first = false;
    return answer.then((response) => new Promise((ok) => setTimeout(() => ok(response), delay)));
  }
  return answer;
};
"""


def _search(browser, text: str) -> None:
    box = browser.find_element(By.ID, "search-text")
    box.clear()
    box.send_keys(text)
    browser.find_element(By.ID, "search-button").click()


def _shown_ids(browser, list_id: str) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(li => li.dataset.itemId)",
        f"#{list_id} > li")


@pytest.fixture
def served(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    table = train.item_table[["item_id", "title"]].copy()
    table["title"] = table["title"].astype(object)
    table.loc[0, "title"] = MARKUP
    table.loc[1, "title"] = SCRIPT
    table.loc[2, "title"] = MIXED
    titles = tmp_path / "items.parquet"
    table.to_parquet(titles)
    process, url = start_service(tmp_path, registry, "--items", str(titles))
    try:
        yield url, table
    finally:
        stop_service(process)


@pytest.mark.slow
def test_a_slow_answer_to_an_earlier_search_does_not_replace_the_latest(served, browser):
    url, table = served
    wait = WebDriverWait(browser, 20)
    browser.get(url + "/")
    wait.until(lambda d: list_texts(d, "user-recs"))
    browser.execute_script(SLOW_FIRST, "items/search", 1500)
    _search(browser, "Markup")  # answered late
    _search(browser, "Script")
    wait.until(lambda d: list_texts(d, "search-results"))
    # wait out the late answer: the list must still answer "Script"
    browser.execute_async_script("const done = arguments[arguments.length - 1]; "
                                 "setTimeout(done, 2500);")
    assert _shown_ids(browser, "search-results") == [str(table["item_id"].iloc[1])]
    assert list_texts(browser, "search-results")[0].startswith(SCRIPT)


@pytest.mark.slow
def test_a_slow_answer_for_the_user_picked_first_does_not_replace_the_second(served, browser):
    wait = WebDriverWait(browser, 20)
    url, _ = served
    browser.get(url + "/")
    wait.until(lambda d: list_texts(d, "user-recs"))
    browser.execute_script(SLOW_FIRST, "/recommendations?", 1500)
    options = browser.find_elements(By.CSS_SELECTOR, "#user-select option")
    options[1].click()  # answered late
    options[2].click()
    second = options[2].get_attribute("value")
    expected = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(`users/${encodeURIComponent(arguments[0])}/recommendations?k=10`)"
        ".then(r => r.json()).then(b => done(b.items.map(i => i.item_id)));", second)
    browser.execute_async_script("const done = arguments[arguments.length - 1]; "
                                 "setTimeout(done, 2500);")
    assert browser.find_element(By.ID, "user-select").get_attribute("value") == second
    assert _shown_ids(browser, "user-recs") == expected


@pytest.mark.slow
def test_markup_in_titles_and_searches_is_shown_as_text(served, browser):
    url, _ = served
    wait = WebDriverWait(browser, 20)
    browser.get(url + "/")
    wait.until(lambda d: list_texts(d, "user-recs"))
    for text, shown in (("Markup", MARKUP), ("<script>", SCRIPT), ("<b>", MIXED)):
        _search(browser, text)
        wait.until(lambda d, shown=shown: list_texts(d, "search-results")
                   and list_texts(d, "search-results")[0].startswith(shown))
    probe = "<img src=x onerror=window.ran=3>"
    _search(browser, probe)
    wait.until(lambda d: d.find_element(By.ID, "search-note").text)
    assert browser.find_element(By.ID, "search-note").text == \
        f'no title (or id) contains "{probe}"'
    assert browser.execute_script(
        "return [window.ran, document.querySelectorAll('li img, li script, li b, "
        "#search-note *').length]") == [None, 0]
