"""Hundred-thirty-ninth probe, from Python: an integer argument of more than 4,300 digits
(``10**5000``) was a raw ValueError "Exceeds the limit (4300 digits) for integer string
conversion" wherever a refusal wrote it into its message with ``repr``, ``str`` or
``{k}`` (a top-K ``k``, a service's ``k`` or ``limit``, a registry's ``keep``, an index's
``ef`` or ``seed``, a model reference ``als@999...``), and wherever it was turned into an
id's text. Each is now the refusal it was meant to be, naming the argument and the number
by its length (``a 5,001-digit integer``, as ``recstack.errors.shown`` writes it)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.embedding_store import SQLiteEmbeddingStore
from recstack.serving.registry import ModelRegistry, padded_version_problem, parse_reference
from recstack.topk import top_k, top_k_batched, top_k_threaded

HUGE = 10**5000
SHOWN = "a 5,001-digit integer"
VECTORS = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)


@pytest.mark.parametrize(("call", "named"), [
    (lambda b: top_k(VECTORS, b), "k must be a positive integer"),
    (lambda b: top_k_batched(lambda r: VECTORS[r], np.arange(3), 2, batch_size=b),
     "batch_size must be a positive integer"),
    (lambda b: top_k_batched(lambda r: VECTORS[r], np.arange(3), 2, n_threads=b),
     "n_threads must be a positive integer"),
    (lambda b: top_k_threaded(VECTORS, 2, None, b), "workers must be a positive integer"),
], ids=["top_k k", "batch_size", "n_threads", "workers"])
def test_top_k_arguments(call, named):
    # (a huge positive count is a valid one: k is capped at the catalog, threads at rows)
    with pytest.raises(ConfigError, match=f"^{named}, got {SHOWN}$"):
        call(-HUGE)


@pytest.mark.parametrize("sign", [1, -1])
def test_top_k_batched_n_items(sign):
    with pytest.raises(ConfigError, match=SHOWN):
        top_k_batched(lambda r: VECTORS[r], np.arange(3), 2, n_items=sign * HUGE)


@pytest.mark.parametrize(("option", "named"), [
    ("ef", "ef must be at most 100,000,000"), ("ef_construction", "ef_construction must be at "
                                               "most 100,000,000"),
    ("M", "M must be between 2 and 10,000"), ("seed", "seed must be an integer from 0"),
])
def test_index_options(option, named):
    pytest.importorskip("hnswlib")
    with pytest.raises(ConfigError, match=f"^{named}.*got {SHOWN}$"):
        ItemIndex.build(VECTORS, backend="hnsw", **{option: HUGE})
    with pytest.raises(ConfigError, match=f"got {SHOWN}$"):
        ItemIndex.build(VECTORS, backend="hnsw", **{option: -HUGE})


@pytest.mark.parametrize("method", ["search", "search_one"])
def test_index_search_k(method):
    index = ItemIndex.build(VECTORS, backend="exact")
    queries = VECTORS[:2] if method == "search" else VECTORS[0]
    with pytest.raises(ConfigError, match=f"k, {SHOWN}, is larger than the catalog"):
        getattr(index, method)(queries, HUGE)
    with pytest.raises(ConfigError, match=f"k must be a positive integer, got {SHOWN}"):
        getattr(index, method)(queries, -HUGE)


def test_a_reference_with_a_version_of_thousands_of_digits(tmp_path):
    reference = "als@" + "9" * 5001
    with pytest.raises(ConfigError) as caught:
        parse_reference(reference)
    message = str(caught.value)
    assert message.startswith("\"als@9999") and "(5,001 characters after '@')" in message
    assert "must be a whole number from 1 to 99999999" in message and len(message) < 300
    # leading zeros before thousands of digits: out of range, not a spelling of a version
    assert padded_version_problem("als@0" + "9" * 5001) is None
    assert padded_version_problem("als@007") == (
        "als@007: the version after '@' is written with leading zeros; write als@7 "
        "(versions are whole numbers as the registry prints them, e.g. als@3)")
    with pytest.raises(ConfigError, match="must be a whole number from 1 to 99999999"):
        ModelRegistry(tmp_path / "registry").load("als@0" + "9" * 5001)


def test_registry_arguments(tmp_path):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(ConfigError, match=f"^keep must be a positive whole number, got {SHOWN}$"):
        registry.prune("als", keep=-HUGE)
    with pytest.raises(ConfigError, match=f"^model name {SHOWN}: use 1 to 100"):
        registry.versions(HUGE)


@pytest.mark.parametrize("ids", [[HUGE], ["a", -HUGE]])
def test_store_ids(tmp_path, ids):
    store = SQLiteEmbeddingStore(tmp_path / "vectors.db")
    try:
        position = len(ids) - 1
        with pytest.raises(RecstackError, match=f"position {position} is {SHOWN}, too long to "
                           "be an id"):
            store.put("user", ids, np.ones((len(ids), 2)))
        with pytest.raises(RecstackError, match="too long to be an id"):
            store.get("user", ids)
        assert store.count("user") == 0  # nothing half-written
    finally:
        store.close()
