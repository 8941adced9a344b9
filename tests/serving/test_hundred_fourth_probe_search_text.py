"""The search box compared the text as typed with the titles as stored: a title written
decomposed (NFD, as macOS writes names) was not found by the same word typed composed, a
direction mark pasted with right-to-left text (or a zero-width space in a title) hid a
match, and a text of only such invisible characters answered an empty list as if no title
held the word (only whitespace is refused)."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

TITLES = {0: unicodedata.normalize("NFD", "Crème Brûlée"), 1: "Straße", 2: "מלחמת הכוכבים",
          3: "Zero\u200bWidth", 4: "Star 🚀 Wars"}


@pytest.fixture(scope="module")
def http(tmp_path_factory, popular, train):
    root = tmp_path_factory.mktemp("search")
    registry = publish(root / "registry", popular, train)
    ids = [str(i) for i in train.items.to_external(list(TITLES))]
    pd.DataFrame({"item_id": ids, "title": list(TITLES.values())}).to_csv(
        root / "titles.csv", index=False)
    with client(settings(registry, items_file=str(root / "titles.csv"))) as http:
        yield http, dict(zip(TITLES, ids, strict=True))


def _found(http, q) -> list[str]:
    answer = http.get("/items/search", params={"q": q})
    assert answer.status_code == 200, answer.text
    return [item["item_id"] for item in answer.json()["items"]]


@pytest.mark.parametrize(("q", "item"), [
    (unicodedata.normalize("NFC", "crème"), 0),     # composed text, decomposed title
    (unicodedata.normalize("NFD", "BRÛLÉE"), 0),    # and the other way round, in capitals
    ("STRASSE", 1),                                 # case-folded
    ("\u200fמלחמת", 2),                             # a right-to-left mark pasted before
    ("zerowidth", 3),                               # a zero-width space in the title
    ("🚀", 4),
])
def test_search_ignores_unicode_form_and_invisible_characters(http, q, item):
    session, ids = http
    assert ids[item] in _found(session, q)


@pytest.mark.parametrize("q", ["\u200f", "\u202e\u200b", "\ufeff"])
def test_only_invisible_characters_are_refused(http, q):
    session, _ = http
    answer = session.get("/items/search", params={"q": q})
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"].startswith("query parameter q: the search text ")
    assert "only invisible characters" in answer.json()["message"]


def test_plain_search_still_finds_titles_and_nothing_else(http):
    session, ids = http
    assert _found(session, "Wars") == [ids[4]]
    assert _found(session, "no such title") == []
    assert _found(session, "%") == []  # text, not a pattern
