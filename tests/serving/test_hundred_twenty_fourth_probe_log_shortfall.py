"""Hundred-twenty-fourth probe: a list shorter than ``k`` says why in its answer
(``shortfall``), but the request log kept only ``fallback``: an operator could count the
popularity fallbacks from the log, not the short lists. The log now has a ``shortfall``
column (null for a whole list), and logs written before it still read."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from recstack.serving.request_log import REQUEST_SCHEMA, read_log  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def registry(tmp_path_factory, als, train):
    return publish(tmp_path_factory.mktemp("registry"), als, train)


def test_the_request_log_keeps_each_short_lists_reason(tmp_path, registry, als, train,
                                                       user, item):
    n = len(als.items_.external_ids)
    frame = train.to_frame()
    seen = frame.loc[frame["user_id"].astype(str) == user, "item_id"].nunique()
    logs = tmp_path / "logs"
    with client(settings(registry, log_dir=str(logs), max_k=1000)) as http:
        answers = [
            http.get(f"/users/{user}/recommendations?k={n}").json(),
            http.get(f"/users/{user}/recommendations?k=3").json(),
            http.post(f"/users/{user}/recommendations", json={"k": n}).json(),
            http.post("/recommendations/new-user", json={"items": [item], "k": n}).json(),
            http.post("/recommendations/new-user", json={"items": [item], "k": 2}).json(),
        ]
    table = read_log(logs / "requests", "requests").sort_values("time", kind="stable")
    logged = [None if pd.isna(value) else value for value in table["shortfall"]]
    assert logged == [answer["shortfall"] for answer in answers]
    # by definition: a catalog of n items less the user's seen ones, less the one posted
    # item; whole lists have none (similar items: test_hundred_twenty_seventh_probe_similar_log)
    assert logged[0] == (f"{n - seen} items for k={n}: als@1 has {n} items, less the user's "
                         f"{seen} items seen")
    assert logged[2] == logged[0]
    assert logged[3] == f"{n - 1} items for k={n}: als@1 has {n} items, less the 1 item posted"
    assert logged[1] is None and logged[4] is None
    # counted as an operator would
    assert table["shortfall"].notna().sum() == 3


def test_a_request_log_written_before_the_shortfall_column_still_reads(tmp_path):
    older = pa.schema([f for f in REQUEST_SCHEMA if f.name != "shortfall"])
    row = {"request_id": "r1", "endpoint": "user", "k": 3}
    pq.write_table(pa.Table.from_pylist([row], schema=older),
                   tmp_path / "requests-20240101T000000000000Z-1-000001.parquet")
    pq.write_table(pa.Table.from_pylist([{**row, "request_id": "r2",
                                          "shortfall": "2 items for k=3: ..."}],
                                        schema=REQUEST_SCHEMA),
                   tmp_path / "requests-20240102T000000000000Z-1-000001.parquet")
    table = read_log(tmp_path, "requests")
    assert table["request_id"].tolist() == ["r1", "r2"]
    assert pd.isna(table["shortfall"].iloc[0])
    assert table["shortfall"].iloc[1] == "2 items for k=3: ..."
