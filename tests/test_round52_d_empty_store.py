"""Round 52 (D): :func:`read_with_fallback` over a store never filled serves the model's
vectors, as over a store filled for another model, instead of "not found" for every id."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from recstack.serving.embedding_store import SQLiteEmbeddingStore, read_with_fallback

pytest.importorskip("implicit", reason="ALS needs implicit")


@pytest.fixture(scope="module")
def als():
    from recstack.data.synthetic import generate
    from recstack.models.als import ALS

    data = generate(n_users=40, n_items=30, n_interactions=400, seed=11, progress=None)
    return ALS(factors=4, iterations=2, regularization=1.0, alpha=1.0, seed=0).fit(data)


def test_a_store_never_filled_falls_back_to_the_models_vectors(tmp_path, als, caplog):
    users = [als.users_.external_ids[2], als.users_.external_ids[0], "nobody"]
    with SQLiteEmbeddingStore(tmp_path / "vectors.db") as store:
        with caplog.at_level(logging.WARNING, logger="recstack.serving.embedding_store"):
            vectors, found, source = read_with_fallback(store, "user", users, als)
    # before: source "store", found [False, False, False], vectors of shape (3, 0)
    assert source == "model" and found.tolist() == [True, True, False]
    expected = np.vstack([als.user_factors_[[2, 0]],
                          np.zeros((1, als.user_factors_.shape[1]))])
    np.testing.assert_array_equal(vectors, expected)
    assert [r.getMessage() for r in caplog.records] == [
        "read_with_fallback: the store holds no user vectors: it was never filled; the "
        "model's own vectors are returned (store.put_model(model) fills it for this one)"]


def test_a_filled_store_still_answers_not_found_for_an_id_it_lacks(tmp_path, als):
    user = als.users_.external_ids[1]
    with SQLiteEmbeddingStore(tmp_path / "vectors.db") as store:
        store.put("user", [user], np.full((1, als.user_factors_.shape[1]), 0.5, np.float32))
        vectors, found, source = read_with_fallback(
            store, "user", [user, als.users_.external_ids[3]], als)
    assert source == "store" and found.tolist() == [True, False]
    np.testing.assert_array_equal(vectors[0], 0.5)
