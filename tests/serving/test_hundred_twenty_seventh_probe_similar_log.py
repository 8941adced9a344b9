"""``GET /items/{id}/similar`` served lists that the request log never held: an operator
could not count them, nor tie a click on one to its list. Each is now logged as the
recommendations are: endpoint ``similar``, no user, the item as ``input_items``, its
``shortfall`` (the item itself is never similar to itself), and the answer gives its
``request_id``. A ``HEAD`` (a monitor's probe) is not logged."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

import pandas as pd  # noqa: E402

from recstack.serving.request_log import read_log  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


def test_similar_items_are_logged_with_their_shortfall(tmp_path, als, train, item):
    registry = publish(tmp_path / "registry", als, train)
    n = len(als.items_.external_ids)
    logs = tmp_path / "logs"
    with client(settings(registry, log_dir=str(logs), max_k=1000)) as http:
        whole = http.get(f"/items/{item}/similar?k=3").json()
        short = http.get(f"/items/{item}/similar?k={n}").json()
        assert http.head(f"/items/{item}/similar?k=3").status_code == 200
    table = read_log(logs / "requests", "requests").sort_values("time", kind="stable")
    assert len(table) == 2  # the HEAD is not among them
    assert table["endpoint"].tolist() == ["similar", "similar"]
    assert table["request_id"].tolist() == [whole["request_id"], short["request_id"]]
    assert table["user_id"].isna().all()
    assert [list(v) for v in table["input_items"]] == [[item], [item]]
    assert [list(v) for v in table["items"]] == [
        [entry["item_id"] for entry in answer["items"]] for answer in (whole, short)]
    logged = [None if pd.isna(value) else value for value in table["shortfall"]]
    # by definition: n items less the item itself
    assert logged == [None, f"{n - 1} items for k={n}: als@1 has {n} items, less the item "
                            "itself"]
    assert logged[1] == short["shortfall"]
