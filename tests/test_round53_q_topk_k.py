"""Round 53 (Q): the top-k helpers read ``k`` by the rule ``recommend`` reads it with.
``np.array(2)`` (a 0-d array, which ``recommend`` takes) was refused as "got array(2)",
``True`` was refused without being called a boolean, and ``pad_columns`` built any padding
it was asked for (k = 10**9 for one list was gigabytes, and the process was killed). The
expected lists are worked out by hand from the scores below."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.topk import pad_columns, top_k, top_k_batched, top_k_threaded

SCORES = np.array([[0.5, 0.9, 0.1], [0.2, 0.3, 0.7]])
#: the two best items of each row, best first, and their scores
BEST_TWO = ([[1, 0], [2, 1]], [[0.9, 0.5], [0.7, 0.3]])


def _batched(k):
    return top_k_batched(lambda rows: SCORES[rows], np.array([0, 1]), k, n_threads=1)


HELPERS = {
    "top_k": lambda k: top_k(SCORES, k),
    "top_k_threaded": lambda k: top_k_threaded(SCORES, k, ThreadPoolExecutor(2), 2),
    "top_k_batched": _batched,
}


@pytest.mark.parametrize("helper", HELPERS)
def test_a_zero_dimensional_k_is_the_value_it_holds(helper):
    indices, values = HELPERS[helper](np.array(2))
    assert indices.tolist() == BEST_TWO[0]
    assert values.tolist() == BEST_TWO[1]


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("boolean", [True, np.True_])
def test_a_boolean_k_is_refused_as_a_boolean(helper, boolean):
    with pytest.raises(ConfigError) as raised:
        HELPERS[helper](boolean)
    assert str(raised.value) == ("k must be a positive integer, got True, a boolean "
                                 "(true/false), not a number")


@pytest.mark.parametrize("k, says", [
    (np.array(2.0), "got array(2.), a float; write the whole number 2 (int(k))"),
    (np.array([2]), "got array([2]), an array of shape (1,); give one integer"),
    (np.array(0), "got array(0)"),
])
def test_a_zero_dimensional_k_that_is_no_count_is_refused_as_recommend_refuses_it(k, says):
    with pytest.raises(ConfigError) as raised:
        top_k(SCORES, k)
    assert str(raised.value) == f"k must be a positive integer, {says}"


def test_k_above_the_row_length_is_still_capped_at_it():
    # the selection pads nothing, so no length is too long for it
    for k in (5, 10**40):
        assert top_k(SCORES, k)[0].tolist() == [[1, 0, 2], [2, 1, 0]]


def test_pad_columns_takes_a_zero_dimensional_k_and_refuses_a_boolean_one():
    top, scores = pad_columns(np.array([[1, 0]]), np.array([[0.9, 0.5]]), np.array(3))
    assert top.tolist() == [[1, 0, 0]]
    assert scores.tolist() == [[0.9, 0.5, -np.inf]]
    with pytest.raises(ConfigError, match=r"^k must be a positive integer, got True, a "
                                          r"boolean \(true/false\), not a number$"):
        pad_columns(np.array([[1, 0]]), np.array([[0.9, 0.5]]), True)


def test_pad_columns_refuses_padding_past_the_memory_budget_before_making_it():
    # 20,000,000 slots of an index and a score: 320 MB for one list, past the 256 MiB
    # budget (small enough that the unfixed code built it rather than being killed)
    with pytest.raises(ConfigError) as raised:
        pad_columns(np.array([[1, 0]]), np.array([[0.9, 0.5]]), 20_000_000)
    assert str(raised.value) == (
        "k = 20,000,000 would pad each of the 1 list(s) of 2 item(s) with 19,999,998 empty "
        "slots, past the memory budget of 256 MiB (recstack.topk.DEFAULT_MEMORY_BUDGET_BYTES); "
        "use a k near the catalog size")


def test_pad_columns_refuses_an_endless_k_for_no_list_by_name():
    with pytest.raises(ConfigError, match=r"^k = 10(,000){13} would pad each of the 0 "
                                          r"list\(s\) of 2 item\(s\) with .* past the memory "
                                          r"budget of 256 MiB"):
        pad_columns(np.zeros((0, 2), np.int64), np.zeros((0, 2)), 10**40)
