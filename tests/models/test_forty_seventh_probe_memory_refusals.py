"""Forty-seventh bad-input probe, memory refusals at fit time: item_knn and user_knn had
none (a neighbour count or catalogue too large for the machine was found out by the kernel
killing the process); rp3beta, ials and blend refused with GiB rounded to two places
("needs about 0.00 GiB but only 0.00 GiB") and no word on what to change; and rp3beta
counted a dense block of 256 MiB even on a catalogue of 20 items, so it refused tiny data
on a machine with less than that free."""

from __future__ import annotations

import numpy as np
import pytest

import recstack.models.memory as memory
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

BYTES = r"needs about [\d.]+ GiB \([\d,]+ bytes\) but only [\d.]+ GiB \(1,000 bytes\)"


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 8)
    items = np.concatenate([rng.choice(20, 8, replace=False) for _ in range(30)])
    return Interactions.from_arrays(users, items)


@pytest.fixture
def little_memory(monkeypatch):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (1000, "available (test)"))


@pytest.mark.parametrize(("name", "params", "remedy"), [
    ("item_knn", {"neighbors": 7}, r"lower neighbors \(now 7\) or keep fewer items"),
    ("user_knn", {"neighbors": 7}, r"lower neighbors \(now 7\) or keep fewer users"),
    # the value given, not the one clipped to the catalogue
    ("rp3beta", {"neighbors": 100}, r"lower neighbors \(now 100\) or keep fewer items"),
    ("ials", {"factors": 8, "block_size": 4},
     r"lower factors \(now 8\) or block_size \(now 4\)"),
    ("blend", {}, r"give weights = \[\.\.\.\] to skip learning them"),
])
def test_a_refusal_states_the_bytes_and_what_to_change(data, little_memory, name, params,
                                                      remedy):
    with pytest.raises(RecstackError, match=rf"^{name}: .* {BYTES} is available \(test\); "
                                            rf"{remedy}"):
        create_model(name, **params).fit(data)


@pytest.mark.parametrize("name", ["item_knn", "user_knn"])
def test_a_refused_refit_leaves_no_fitted_model(data, monkeypatch, name):
    model = create_model(name, neighbors=5).fit(data)
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (1000, "available (test)"))
    with pytest.raises(RecstackError, match="needs about"):
        model.fit(data)
    assert not model.is_fitted


@pytest.mark.parametrize("name", ["item_knn", "user_knn", "rp3beta"])
def test_a_small_catalogue_fits_in_a_few_mebibytes(data, monkeypatch, name):
    # 20 items and 30 users: every similarity, dense, is a few kilobytes; a refusal here
    # would come from a working block sized for a large catalogue, not from this data
    monkeypatch.setattr(memory, "available_memory_bytes",
                        lambda: (4 * 2**20, "available (test)"))
    model = create_model(name, neighbors=10).fit(data)
    assert model.is_fitted
    assert model.similarity_.shape[0] == (30 if name == "user_knn" else 20)
