"""Ids of the embedding store follow the one id rule of every id recstack reads: text is
trimmed of surrounding whitespace (``" a"`` was stored, and looked up, under a key no
model's id ``"a"`` reaches), and an id of only whitespace is refused as an empty one."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import SQLiteEmbeddingStore, encode_ids


@pytest.fixture
def store(tmp_path):
    with SQLiteEmbeddingStore(tmp_path / "vectors.db") as opened:
        yield opened


def test_text_ids_are_trimmed_when_written_and_read(store):
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    store.put("user", [" a", "b\t"], vectors)
    found, present = store.get("user", ["a", " b "])
    np.testing.assert_array_equal(found, vectors)
    assert present.tolist() == [True, True]
    assert store.count("user") == 2


def test_two_spellings_of_one_id_in_a_put_are_one_id_given_twice(store):
    with pytest.raises(ConfigError, match="user ids must be distinct within one put"):
        store.put("user", ["a", " a"], np.ones((2, 3)))
    assert store.count("user") == 0


@pytest.mark.parametrize("blank", [" ", "\t\n", "\u3000"])
def test_an_id_of_only_whitespace_is_refused_by_position(store, blank):
    with pytest.raises(ConfigError, match=r"ids: the value at position 1 is only "
                                          r"whitespace, an empty id"):
        store.put("user", ["a", blank], np.ones((2, 3)))
    with pytest.raises(ConfigError, match=r"position 0 is only whitespace"):
        store.get("user", [blank])


def test_integers_and_their_text_stay_apart():
    # the store's documented rule: 42 and "42" are different keys
    assert encode_ids([42, "42", " 42"]) == ["i:42", "s:42", "s:42"]
