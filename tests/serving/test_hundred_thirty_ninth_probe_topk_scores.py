"""Hundred-thirty-ninth probe of the top-K selection. ``+inf`` scores (a model whose
scores overflowed) were ranked first without a word: the "best" items of such a row are
its infinite ones in index order, whatever their merit. The rule is now written down
(``+inf`` ranks above every number, ties by the lower index) and every entry point warns
once per call, saying how many rows held ``+inf``, as it does for ``NaN``. And a scoring
function given to ``top_k_batched`` that raised anything but an IndexError (a KeyError of
a lookup, a ValueError of a shape) came out bare, with no word of the function or the
rows: it is a RecstackError naming both, the original error chained."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.topk import (
    InfiniteScoresWarning,
    top_k,
    top_k_batched,
    top_k_threaded,
)

METHODS = ["numpy", "auto"]


def _expected(scores: np.ndarray, k: int) -> list[list[int]]:
    # the definition: higher score first, the lower index first among equal scores
    return [sorted(range(len(row)), key=lambda j: (-row[j], j))[:k] for row in scores.tolist()]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plus_infinity_ranks_first_ties_by_index_and_warns(method, dtype):
    scores = np.array([[0.5, np.inf, 0.9, np.inf, -np.inf],
                       [0.1, 0.2, 0.3, 0.4, 0.5],
                       [np.inf, 1.0, np.inf, np.inf, 2.0]], dtype=dtype)
    with pytest.warns(InfiniteScoresWarning,
                      match=r"^top_k: 2 of 3 score row\(s\) hold \+inf; \+inf ranks above "
                            r"every number") as caught:
        top, values = top_k(scores, 4, method=method)
    assert len([w for w in caught if w.category is InfiniteScoresWarning]) == 1
    assert top.tolist() == _expected(scores, 4)
    assert top[0].tolist() == [1, 3, 2, 0] and np.isposinf(values[0, :2]).all()
    assert top[2].tolist() == [0, 2, 3, 4]


def test_the_warning_points_at_the_caller():
    with pytest.warns(InfiniteScoresWarning) as caught:
        top_k(np.array([[np.inf, 1.0]]), 1)
    assert caught[0].filename == __file__


@pytest.mark.parametrize("method", METHODS)
def test_top_k_batched_warns_once_for_the_call(method):
    scores = np.array([[np.inf, 0.0, 1.0], [0.0, 1.0, 2.0], [3.0, np.inf, np.inf]])
    with pytest.warns(InfiniteScoresWarning) as caught:
        top, _ = top_k_batched(lambda rows: scores[rows], np.arange(3), 2, batch_size=1,
                               method=method)
    messages = [str(w.message) for w in caught if w.category is InfiniteScoresWarning]
    assert len(messages) == 1 and messages[0].startswith(
        "top_k_batched: 2 of 3 score row(s) hold +inf")
    assert top.tolist() == [[0, 2], [2, 1], [1, 2]]


def test_top_k_threaded_counts_every_chunk():
    scores = np.tile(np.array([0.3, 0.9, 0.1]), (8, 1))
    scores[[0, 5, 7], 2] = np.inf
    with ThreadPoolExecutor(2) as executor, pytest.warns(InfiniteScoresWarning,
                                                         match="3 of 8"):
        top, _ = top_k_threaded(scores, 2, executor, 2)
    assert top[5].tolist() == [2, 1] and top[1].tolist() == [1, 0]


def test_nan_and_plus_infinity_in_one_call_give_both_warnings():
    scores = np.array([[np.nan, 1.0], [np.inf, 1.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        top_k(scores, 2)
    assert sorted(w.category.__name__ for w in caught) == ["InfiniteScoresWarning",
                                                           "NaNScoresWarning"]
    assert all("1 of 2 score row(s)" in str(w.message) for w in caught)


def test_finite_scores_and_minus_infinity_give_no_warning():
    scores = np.array([[0.5, -np.inf, 1e308], [np.finfo(np.float32).max, 0.0, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top_k(scores, 2)
        top_k_batched(lambda rows: scores[rows], np.arange(2), 2)


def test_the_evaluators_path_skips_the_count():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top_k_threaded(np.array([[np.inf, 1.0]]), 1, None, 1, nan_refused=True)


def _lookup(rows):
    raise KeyError("user 17")


def _aligned(rows):
    return np.ones((len(rows), 4)) @ np.ones((3, 4))


@pytest.mark.parametrize(("function", "shown"), [
    (_lookup, "KeyError: 'user 17'"),
    (_aligned, "ValueError: matmul"),
])
def test_a_scoring_function_that_fails_is_named_with_its_rows(function, shown):
    with pytest.raises(RecstackError) as caught:
        top_k_batched(function, np.arange(5), 2, batch_size=2)
    message = str(caught.value)
    assert message.startswith(f"top_k_batched: the scoring function {function.__name__} "
                              "failed on the block of rows [0, 1] (block 1 of 3): ")
    assert shown in message
    assert caught.value.__cause__ is not None  # the function's own error, for debugging


def test_a_scoring_functions_own_recstack_error_passes_unchanged():
    def scoring(rows):
        raise RecstackError("the model's own words")

    with pytest.raises(RecstackError, match="^the model's own words$"):
        top_k_batched(scoring, np.arange(2), 1)
