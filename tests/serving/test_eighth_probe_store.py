"""Eighth bad-input probe of the embedding store: users of new events given as text (as a
JSON event or a CSV carries them) are written and read under the model's own ids."""

from __future__ import annotations

import numpy as np

from recstack.serving.embedding_store import (
    SQLiteEmbeddingStore,
    fold_in_users,
    read_with_fallback,
)


def test_text_user_ids_are_written_under_the_models_integer_ids(tmp_path, als):
    assert als.users_.external_ids.dtype.kind == "i"
    items = als.items_.external_ids[[5, 6, 7]].tolist()
    as_text = SQLiteEmbeddingStore(tmp_path / "text.sqlite")
    as_integers = SQLiteEmbeddingStore(tmp_path / "integers.sqlite")
    # user 0 and 1 (known, one written with a blank), 999 (new) as a JSON event gives them
    report = fold_in_users(als, as_text, ["0", " 1", "999"], [str(i) for i in items])
    fold_in_users(als, as_integers, [0, 1, 999], items)
    assert report.users.tolist() == [0, 1, 999]
    # the service of a model of integer ids asks the store for the integer
    vectors, found = as_text.get("user", [0, 1, 999])
    expected, expected_found = as_integers.get("user", [0, 1, 999])
    # before: written as the text ids '0', ' 1' and '999', never found (stale vectors)
    assert found.tolist() == expected_found.tolist() == [True, True, True]
    np.testing.assert_array_equal(vectors, expected)
    assert as_text.count("user") == 3


def test_the_fallback_reads_the_store_by_the_models_ids(tmp_path, als):
    store = SQLiteEmbeddingStore(tmp_path / "store.sqlite")
    store.put("user", [0, 1], np.ones((2, als.user_embeddings().shape[1]), np.float32))
    vectors, found, source = read_with_fallback(store, "user", ["0", " 1", "5"], als)
    # before: '0' and ' 1' were not found in the store (the model would have known them)
    assert source == "store"
    assert found.tolist() == [True, True, False]
    np.testing.assert_array_equal(vectors[:2], 1.0)
