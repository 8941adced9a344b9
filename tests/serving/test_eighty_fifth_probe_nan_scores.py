"""One rule for NaN scores at every top-K entry point outside the evaluator (which refuses
them): the slots rank last, as empty, and the call warns once, saying how many rows held
NaN. ``top_k_batched`` (every model's ``recommend`` and ``similar_items``) passed NaN rows
on without a word, while the evaluator refused the same scores. Also: an ``exclude`` or
``scores`` that is no matrix is refused by name rather than failing inside scipy or Python
indexing."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.topk import (
    NaNScoresWarning,
    mask_rows,
    top_k,
    top_k_batched,
    top_k_threaded,
)

METHODS = ["numpy", "auto"]


def _scores(n_rows: int, nan_rows: list[int]) -> np.ndarray:
    scores = np.tile(np.array([0.3, 0.9, 0.1, 0.5]), (n_rows, 1))
    for row in nan_rows:
        scores[row, 1] = np.nan  # the best item's score
    return scores


@pytest.mark.parametrize("method", METHODS)
def test_top_k_warns_once_naming_the_rows_and_ranks_nan_last(method):
    with pytest.warns(NaNScoresWarning, match=r"top_k: 2 of 5 score row\(s\) hold NaN") \
            as caught:
        top, values = top_k(_scores(5, [1, 3]), 4, method=method)
    assert len([w for w in caught if w.category is NaNScoresWarning]) == 1
    # the ranking rule of the module: numbers by value, NaN after them
    assert top[1].tolist() == [3, 0, 2, 1] and np.isnan(values[1, 3])
    assert top[0].tolist() == [1, 3, 0, 2]


@pytest.mark.parametrize("method", METHODS)
def test_top_k_threaded_counts_the_rows_of_every_chunk_in_one_warning(method):
    with ThreadPoolExecutor(2) as executor, pytest.warns(NaNScoresWarning) as caught:
        top, _ = top_k_threaded(_scores(8, [0, 7]), 2, executor, 2, method=method)
    messages = [str(w.message) for w in caught if w.category is NaNScoresWarning]
    assert len(messages) == 1 and "2 of 8 score row(s)" in messages[0]
    assert top[0].tolist() == [3, 0] and top[7].tolist() == [3, 0]


@pytest.mark.parametrize("method", METHODS)
def test_top_k_batched_warns_once_for_the_call_not_once_per_batch(method):
    scores = _scores(6, [0, 2, 5])
    with pytest.warns(NaNScoresWarning) as caught:
        top, _ = top_k_batched(lambda rows: scores[rows], np.arange(6), 2, batch_size=1,
                               method=method)
    messages = [str(w.message) for w in caught if w.category is NaNScoresWarning]
    assert len(messages) == 1, messages
    assert "top_k_batched: 3 of 6 score row(s) hold NaN" in messages[0]
    assert top[2].tolist() == [3, 0] and top[1].tolist() == [1, 3]


def test_nan_on_a_masked_item_is_still_a_model_returning_nan():
    scores = _scores(2, [0])
    seen = sp.csr_matrix(([1.0], ([0], [1])), shape=(2, 4))  # masks the NaN slot
    with pytest.warns(NaNScoresWarning, match="1 of 2"):
        top, _ = top_k_batched(lambda rows: scores[rows], np.arange(2), 2, exclude=seen)
    assert top[0].tolist() == [3, 0]


@pytest.mark.parametrize("call", ["top_k", "threaded", "batched"])
def test_scores_without_nan_give_no_warning(call):
    scores = _scores(4, [])
    scores[0, 0] = -np.inf  # an empty slot is no NaN
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if call == "top_k":
            top_k(scores, 2)
        elif call == "threaded":
            with ThreadPoolExecutor(2) as executor:
                top_k_threaded(scores, 2, executor, 2)
        else:
            top_k_batched(lambda rows: scores[rows], np.arange(4), 2, batch_size=1)


def test_recommend_with_nan_scores_warns_once(popular, train):
    model = popular.__class__().fit(train)
    n_items = len(model.items_)

    def with_nan(users):
        rows = np.tile(np.linspace(1, 0, n_items), (len(users), 1))
        rows[:, 2:] = np.nan
        return rows

    model._score_users = with_nan
    users = model.users_.external_ids[:3]
    with pytest.warns(NaNScoresWarning) as caught:
        items, _ = model.recommend(users, k=3, exclude_seen=False, batch_size=1)
    messages = [str(w.message) for w in caught if w.category is NaNScoresWarning]
    assert len(messages) == 1 and "3 of 3" in messages[0]
    first_two = model.items_.external_ids[:2].tolist()
    assert items[0].tolist()[:2] == first_two


@pytest.mark.parametrize("exclude", ["seen", None, [[1, 0], [0]]],
                         ids=["text", "None", "ragged"])
def test_exclude_that_is_no_matrix_is_refused_by_name(exclude):
    with pytest.raises(ConfigError, match="exclude must be a"):
        mask_rows(np.zeros((2, 2)), exclude)
    if exclude is not None:  # None is "no exclusions" there
        with pytest.raises(ConfigError, match="exclude must be a"):
            top_k_batched(lambda rows: np.ones((len(rows), 2)), np.arange(2), 1,
                          exclude=exclude)


def test_mask_rows_refuses_scores_it_cannot_mask_in_place():
    with pytest.raises(ConfigError, match="scores must be a numpy array to be masked in "
                                          "place, got list"):
        mask_rows([[1.0, 2.0]], np.eye(1, 2))


def test_a_misspelt_method_is_refused_before_anything_is_scored():
    scored = []
    with pytest.raises(ConfigError, match="method must be 'auto', 'numba' or 'numpy'"):
        top_k_batched(lambda rows: scored.append(rows) or np.ones((len(rows), 2)),
                      np.arange(0), 1, method="fast")
    with pytest.raises(ConfigError, match="method must be"):
        top_k_batched(lambda rows: scored.append(rows) or np.ones((len(rows), 2)),
                      np.arange(3), 1, method="fast")
    assert scored == []


def test_no_rows_give_the_documented_width_min_k_n_items():
    def score(rows):
        return np.ones((len(rows), 3))

    for users in (np.arange(0), np.arange(2)):
        top, values = top_k_batched(score, users, 5, n_items=3)
        assert top.shape == values.shape == (len(users), 3)


def test_padding_to_a_k_no_memory_holds_is_refused_by_name():
    from recstack.topk import pad_columns

    top, values = np.zeros((1, 2), np.int64), np.ones((1, 2))
    with pytest.raises(ConfigError, match=r"k = 1,000,000,000,000 would pad each of the 1 "
                                          r"list\(s\) of 2 item\(s\) with 999,999,999,998 "
                                          r"empty slots"):
        pad_columns(top, values, 10**12)
    padded, scores = pad_columns(top, values, 4)  # as before: index 0, score -inf
    assert padded.tolist() == [[0, 0, 0, 0]] and scores.tolist() == [[1, 1, -np.inf, -np.inf]]
