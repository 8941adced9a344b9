"""Hundred-thirty-third probe: ``recstack serve --store`` with a store whose user vectors
are of another dimension than the model to serve started without a word; only the first
request of a user the store holds made ``/health`` degraded. The check before the server
starts now notes it (the service still starts and serves the model's own vectors, as it
does whenever the store cannot serve)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.embedding_store import SQLiteEmbeddingStore  # noqa: E402
from recstack.serving.service import preflight  # noqa: E402
from tests.serving.service_helpers import publish, settings  # noqa: E402


def _store(path, dim):
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", [1, 2], np.ones((2, dim), np.float32))
    return str(path)


def _notes(caplog):
    return [r.getMessage() for r in caplog.records if "embedding store" in r.getMessage()]


def test_a_store_of_another_dimension_is_noted_before_the_start(tmp_path, caplog, als,
                                                                train):
    registry = publish(tmp_path / "registry", als, train)
    dim = als.item_embeddings().shape[1]
    store = _store(tmp_path / "vectors.sqlite", dim + 3)
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        preflight(settings(registry, store=store))
    assert _notes(caplog) == [
        f"embedding store: its user vectors have {dim + 3} dimensions, als@1's items {dim}: "
        "the model's own vectors will be served (/health degraded) until the store holds "
        "vectors of the model (put_model)"]


def test_a_store_of_the_models_dimension_or_empty_gives_no_note(tmp_path, caplog, als,
                                                                  train):
    registry = publish(tmp_path / "registry", als, train)
    dim = als.item_embeddings().shape[1]
    with caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        preflight(settings(registry, store=_store(tmp_path / "same.sqlite", dim)))
        preflight(settings(registry, store=str(tmp_path / "new.sqlite")))
    assert _notes(caplog) == []
