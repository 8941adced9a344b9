"""Hundred-sixty-second bad-input probe: answers too large for memory. ``score_users`` of
10**8 user indices, or ``score_histories`` of an empty sparse matrix of 2 x 10**8 rows
(which costs nothing to make), began scoring and failed with numpy's MemoryError
traceback (or got the process killed). The answer's size (rows x catalog x 4 bytes of
float32; ``fold_in`` rows x factors) is now checked first, with the bytes needed and
available and how to batch, as the fits' memory refusals are."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

AVAILABLE = 10_000  # bytes the test leaves the process


@pytest.fixture
def little_memory(monkeypatch):
    """Call after fitting (the fits check their own memory): leaves AVAILABLE bytes."""
    return lambda: monkeypatch.setattr("recstack.models.memory.available_memory_bytes",
                                       lambda: (AVAILABLE, "available (test)"))


def _data() -> Interactions:
    users = np.repeat(np.arange(6), 2)
    items = (users + np.tile(np.arange(2), 6)) % 4  # 4 items
    return Interactions.from_arrays(users, items, timestamps=np.arange(12))


@pytest.mark.parametrize("name", ["most_popular", "ease", "item_knn", "als", "reranked"])
def test_score_users_beyond_memory_is_refused_before_scoring(name, little_memory):
    model = create_model(name, **({"factors": 2, "iterations": 2} if name == "als" else {}))
    model.fit(_data())
    little_memory()
    # 1,000 users x 4 items x 4 bytes = 16,000 bytes > 10,000; batches of
    # 10,000 // 4 // 16 = 156 users keep each answer within a quarter of it
    with pytest.raises(RecstackError) as refused:
        model.score_users(np.zeros(1000, dtype=np.int64))
    assert str(refused.value) == (
        f"{name}: score_users: the answer for 1,000 users (1,000 x 4 float32 values) needs "
        "about 0.00 GiB (16,000 bytes) but only 0.00 GiB (10,000 bytes) is available "
        "(test); give fewer users at a time (batches of at most 156 keep each answer "
        "within a quarter of that)")
    # 100 users x 16 bytes = 1,600 bytes: answered
    assert model.score_users(np.zeros(100, dtype=np.int64)).shape == (100, 4)


def test_score_users_without_seen_exclusion_is_checked_too(little_memory):
    model = create_model("reranked", model={"type": "most_popular"}).fit(_data())
    little_memory()
    with pytest.raises(RecstackError, match=r"^reranked: score_users: the answer for 1,000 "
                                            r"users"):
        model.score_users(np.zeros(1000, dtype=np.int64), exclude_seen=False)


@pytest.mark.parametrize("name", ["most_popular", "ease", "rp3beta", "als"])
def test_score_histories_beyond_memory_is_refused(name, little_memory):
    model = create_model(name, **({"factors": 2, "iterations": 2} if name == "als" else {}))
    model.fit(_data())
    little_memory()
    histories = sp.csr_matrix((2000, 4), dtype=np.float32)  # 2,000 x 4 x 4 = 32,000 bytes
    with pytest.raises(RecstackError, match=rf"^{name}: score_histories: the answer for "
                                            r"2,000 histories \(2,000 x 4 float32 values\) "
                                            r"needs about 0\.00 GiB \(32,000 bytes\)"):
        model.score_histories(histories)


def test_fold_in_is_checked_against_its_factors(little_memory):
    model = create_model("als", factors=2, iterations=2).fit(_data())
    little_memory()
    # fold_in answers factors, not the catalog: 2,000 x 2 x 4 = 16,000 bytes
    with pytest.raises(RecstackError, match=r"^als: fold_in: the answer for 2,000 histories "
                                            r"\(2,000 x 2 float32 values\) needs about "
                                            r"0\.00 GiB \(16,000 bytes\)"):
        model.fold_in(sp.csr_matrix((2000, 4), dtype=np.float32))
    # 1,000 x 2 x 4 = 8,000 bytes fit
    histories = sp.csr_matrix(np.ones((1000, 4), dtype=np.float32))
    assert model.fold_in(histories).shape == (1000, 2)
