"""Eighth bad-input probe of the service's items file: ids read by the id rule (a Parquet
column of whole floats named no item), a file naming none of the model's items, and a
startup failed by the user's registry or settings printed as its message, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.errors import RecstackError  # noqa: E402
from tests.serving.service_helpers import (  # noqa: E402
    ROOT,
    client,
    free_port,
    publish,
    settings,
)


def items_with_float_ids(train, path):
    """The item table as pandas writes it when an id column had a gap: float64 ids."""
    table = train.item_table.copy()
    table["item_id"] = table["item_id"].astype("float64")
    table.to_parquet(path)
    return table


def test_whole_float_item_ids_are_those_items(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    table = items_with_float_ids(train, tmp_path / "items.parquet")
    title = dict(zip(table["item_id"].astype(int).astype(str), table["title"], strict=True))
    # before: the ids were read as the text '1.0', no item of the model: every title null
    with client(settings(registry, items_file=str(tmp_path / "items.parquet"))) as http:
        answer = http.get("/items/1/similar", params={"k": 5}).json()
        found = http.get("/items/search", params={"q": title["7"]}).json()["items"]
    assert answer["title"] == title["1"]
    assert [item["title"] for item in answer["items"]] == \
        [title[item["item_id"]] for item in answer["items"]]
    assert {"item_id": "7", "title": title["7"]} in found


def test_whole_float_item_ids_give_the_re_rankers_their_attributes(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    table = items_with_float_ids(train, tmp_path / "items.parquet")
    year = dict(zip(table["item_id"].astype(int).astype(str), table["year"], strict=True))
    cutoff = int(table["year"].median())
    chain = [{"type": "item_predicate", "column": "year", "op": ">=", "value": cutoff}]
    user = als.users_.external_ids[0]
    with client(settings(registry, items_file=str(tmp_path / "items.parquet"),
                         rerank=chain)) as http:
        body = http.get(f"/users/{user}/recommendations", params={"k": 10}).json()
    # before: no item had a year (its row was '1.0'), so the condition kept none or all
    assert len(body["items"]) == 10
    assert all(year[item["item_id"]] >= cutoff for item in body["items"])


def test_an_items_file_naming_none_of_the_items_is_refused(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    items = tmp_path / "items.csv"
    # ids written with leading zeros: text ids, none of them the model's integer items
    items.write_text("item_id,title\n" + "".join(
        f"{i:03d},Movie {i}\n" for i in als.items_.external_ids.tolist()))
    # before: served, with every title null and a search that found nothing
    with pytest.raises(RecstackError) as raised, \
            client(settings(registry, items_file=str(items))):
        pass
    message = str(raised.value)
    assert f"{items}: none of its 80 titled item ids is an item of als@1 (the file has " \
           "'000', '001', '002', ...; the model '0', '1', '2', ...)" in message
    assert "spelled as the model's ids" in message


def test_a_startup_failed_by_the_registry_prints_the_message_not_a_traceback(
        tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    # the only version damaged (a file cut short): no version of the model loads
    arrays = next(Path(registry.root).glob("als/versions/*/model/arrays.npz"))
    arrays.write_bytes(arrays.read_bytes()[:100])
    command = [sys.executable, "-m", "recstack.cli", "serve", "--registry",
               str(registry.root), "--port", str(free_port()), "--log-level", "warning"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0
    # before: Starlette's traceback of the RecstackError, printed by uvicorn
    assert "Traceback" not in output, output
    assert f"recstack: error: {registry.root}: no version of als loads (" in output
    assert "arrays.npz" in output
