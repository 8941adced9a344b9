"""Ninety-fifth bad-input probe of the web page, titles and ids in a right-to-left script:
the page wrote each item as the one text ``title (id)``, so that an Arabic or Hebrew title
took the id after it into its own direction and the line showed ``(12) كتاب``, the id
before the title it belongs to; a title holding markup (``</script>``, ``<b>``) must stay
text. Titles, ids and variant names are now isolated (``<bdi dir="auto">``); the page is
driven in headless Chromium against a real service and the positions on screen read."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="the service tests need the serving extra")
pytest.importorskip("selenium.webdriver", reason="the page test needs selenium")

from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.serving.service_helpers import publish, start_service, stop_service  # noqa: E402

ARABIC = "\u0643\u062a\u0627\u0628"  # كتاب, "book"
MARKUP = "<b>bold</b></script><!-- \u2028"

#: where on screen the title and the id of the first line of a list begin (x of the first
#: character of each), read from the text itself, whatever elements hold it
POSITIONS = """
const li = document.querySelector(arguments[0]);
const title = arguments[1], id = arguments[2];
function place(text) {
  const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + text.length);
      return range.getBoundingClientRect().left;
    }
  }
  return null;
}
return {title: place(title), id: place("(" + id + ")") ?? place(id), text: li.innerText,
        bold: li.querySelectorAll("b").length};
"""


@pytest.mark.slow
def test_right_to_left_titles_keep_their_id_after_them(tmp_path, browser, als, train):
    registry = publish(tmp_path / "registry", als, train)
    items = tmp_path / "items.csv"
    ids = als.items_.external_ids.tolist()
    # even items: an Arabic title; odd items: a title holding markup
    items.write_text("item_id,title\n" + "".join(
        f"{i},{ARABIC}\n" if i % 2 == 0 else f'{i},"{MARKUP}"\n' for i in ids),
        encoding="utf-8")
    process, url = start_service(tmp_path, registry, "--items", str(items))
    try:
        browser.get(url + "/")
        WebDriverWait(browser, 20).until(
            lambda d: d.execute_script("return document.querySelectorAll("
                                       "'#user-recs > li').length") == 10)
        lines = browser.execute_script(
            "return [...document.querySelectorAll('#user-recs > li, #history > li')]"
            ".map(li => li.dataset.itemId)")
        arabic = next(i for i in lines if int(i) % 2 == 0)
        marked = next(i for i in lines if int(i) % 2 == 1)
        for shown, title in ((arabic, ARABIC), (marked, "<b>bold</b>")):
            found = browser.execute_script(
                POSITIONS, f'#user-recs > li[data-item-id="{shown}"], '
                           f'#history > li[data-item-id="{shown}"]', title, shown)
            assert found["title"] is not None and found["id"] is not None, found
            # the page reads left to right: the title first, its id after it
            assert found["title"] < found["id"], found
            assert found["bold"] == 0, found  # markup in a title is shown as text
        # picking another item shows "Similar to TITLE (ID)" in the same order
        browser.execute_script("showSimilar(arguments[0])",
                               {"item_id": arabic, "title": ARABIC})
        WebDriverWait(browser, 20).until(
            lambda d: d.execute_script("return document.querySelectorAll("
                                       "'#similar > li').length") == 10)
        found = browser.execute_script(POSITIONS, "#similar-of", ARABIC, arabic)
        assert found["title"] < found["id"], found
    finally:
        stop_service(process)
