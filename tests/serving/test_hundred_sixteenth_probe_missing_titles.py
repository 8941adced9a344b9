"""Hundred-sixteenth probe: a missing text is shown one way. An item whose title in the
items file is empty or only whitespace (``""``, ``"   "``, a Parquet ``b""``) was answered
with that text as its title, and the page showed an empty name, while a missing title (a
null, an empty CSV cell) was answered as ``null`` and shown by the item's id. Every
answer now has ``null`` for all of them (and the page the id)."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_blank_and_missing_titles_are_null_in_every_answer(tmp_path, als, train, suffix):
    registry = publish(tmp_path / "registry", als, train)
    ids = [str(i) for i in als.items_.external_ids.tolist()]
    titles: list = [f"film {i}" for i in ids]
    blank = {ids[0]: "", ids[1]: "   ", ids[2]: None, ids[3]: "\t"}
    for item, title in blank.items():
        titles[ids.index(item)] = title
    path = tmp_path / f"items{suffix}"
    table = pd.DataFrame({"item_id": ids, "title": pd.Series(titles, dtype=object)})
    if suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path)
    user = str(als.users_.external_ids[0])
    with client(settings(registry, items_file=str(path))) as http:
        answers = {item: http.get(f"/items/{item}/similar?k=3").json()["title"]
                   for item in [*blank, ids[4]]}
        listed = http.get(f"/users/{user}/recommendations?k=80&exclude_seen=false").json()
        history = http.get(f"/users/{user}/history?limit=1000").json()
        # a search for a space matched the blank titles' text; the id stands in for them
        found = http.get("/items/search", params={"q": ids[0], "limit": 1000}).json()
    assert answers == {ids[0]: None, ids[1]: None, ids[2]: None, ids[3]: None,
                       ids[4]: f"film {ids[4]}"}
    for entry in listed["items"] + history["items"]:
        expected = None if entry["item_id"] in blank else f"film {entry['item_id']}"
        assert entry["title"] == expected, entry
    assert {x["item_id"]: x["title"] for x in found["items"]}.get(ids[0], "absent") is None


def test_a_file_of_only_blank_titles_gives_no_titles(tmp_path, als, train):
    from recstack.serving.service import _read_titles

    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": ["1", "2"], "title": ["", "  "]}).to_parquet(path)
    with pytest.raises(Exception, match="the items file gives no titles: none of its 2 items "
                                        "has a title"):
        _read_titles(path)
