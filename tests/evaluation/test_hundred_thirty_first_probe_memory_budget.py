"""``memory_budget_bytes`` below one user's row of scores ran anyway, one user a batch, past
the budget; ``None`` failed inside the loop with Python's ``unsupported operand``; a batch of
the user's setting that the process cannot hold was a MemoryError part-way through."""

from __future__ import annotations

import numpy as np
import pytest

import recstack.models.memory as memory
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from tests.evaluation.scorer import Scorer

N_ITEMS = 30  # the conftest split's catalog


def _scorer(calls):
    def make(users):
        calls.append(len(users))
        return np.arange(len(users) * N_ITEMS, dtype=np.float32).reshape(len(users), N_ITEMS)
    return Scorer(make)


@pytest.mark.parametrize(("metrics", "cell"), [(("recall",), 16), (("recall", "auc"), 40)])
def test_a_budget_below_one_row_is_refused_naming_the_smallest(split, metrics, cell):
    calls: list[int] = []
    need = N_ITEMS * cell  # one user's row of scores, by the documented cell size
    with pytest.raises(ConfigError, match=rf"^memory_budget_bytes={need - 1:,} is less than "
                                          rf"scoring one user needs: {N_ITEMS} items x {cell} "
                                          rf"bytes = {need:,} bytes.*at least {need:,}, or set "
                                          r"batch_size"):
        Evaluator(metrics=metrics, ks=(5,), memory_budget_bytes=need - 1).evaluate(
            _scorer(calls), split.train, split.test)
    assert calls == []  # refused before the model was called
    # the smallest budget that works scores one user at a time
    Evaluator(metrics=metrics, ks=(5,), memory_budget_bytes=need).evaluate(
        _scorer(calls), split.train, split.test)
    assert calls and max(calls) == 1


def test_batch_size_overrides_a_small_budget(split):
    calls: list[int] = []
    Evaluator(metrics=("recall",), ks=(5,), memory_budget_bytes=10, batch_size=4).evaluate(
        _scorer(calls), split.train, split.test)
    assert max(calls) == 4


def test_a_budget_of_none_is_refused_when_made():
    with pytest.raises(ConfigError, match=r"^memory_budget_bytes must be a positive integer, "
                                          r"got None"):
        Evaluator(memory_budget_bytes=None)


@pytest.mark.parametrize(("setting", "remedy"), [
    ({"batch_size": 10**6}, r"lower batch_size, or leave it None"),
    ({"memory_budget_bytes": 10**15}, r"lower memory_budget_bytes$"),
])
def test_a_batch_beyond_the_free_memory_is_refused_before_scoring(split, monkeypatch, setting,
                                                                  remedy):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (100, "available (test)"))
    calls: list[int] = []
    users = len(np.unique(split.test.user_index))
    with pytest.raises(RecstackError, match=rf"^Evaluator: scoring {users} users at once over "
                                            rf"{N_ITEMS} items .*needs about .* \("
                                            rf"{users * N_ITEMS * 16:,} bytes\).*{remedy}"):
        Evaluator(metrics=("recall",), ks=(5,), **setting).evaluate(
            _scorer(calls), split.train, split.test)
    assert calls == []


def test_the_default_budget_is_not_held_to_the_free_memory(split, monkeypatch):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (100, "available (test)"))
    calls: list[int] = []
    Evaluator(metrics=("recall",), ks=(5,)).evaluate(_scorer(calls), split.train, split.test)
    assert calls
