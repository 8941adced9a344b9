"""A misspelt, missing or doubled argument of the top-K functions, the embedding stores'
methods and ``ItemIndex.search_one`` is a ConfigError naming the function, the near name
and what it takes: it was Python's bare TypeError, naming neither."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.serving.ann import ItemIndex
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store
from recstack.topk import (
    mask_rows,
    pad_columns,
    rows_with_nan,
    top_k,
    top_k_batched,
    top_k_threaded,
    writable_scores,
)

SCORES = np.array([[0.5, 0.9, 0.5, 0.9, 0.1]])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: top_k(SCORES, 3, methd="numpy"),
     r"^top_k\(\) has no argument 'methd' \(did you mean 'method'\?\); it takes "
     r"top_k\(scores, k, \*, method=\.\.\.\)$"),
    (lambda: top_k(SCORES),
     r"^top_k\(\): missing 'k'; it takes top_k\(scores, k, \*, method=\.\.\.\)$"),
    (lambda: top_k(SCORES, 3, "numpy"),
     r"^top_k\(\) takes at most 2 positional argument\(s\) \(scores, k\), got 3; give "
     r"method by keyword"),
    (lambda: top_k(SCORES, 3, k=2), r"^top_k\(\) got k twice, by position and as k="),
    (lambda: top_k_threaded(SCORES, 3, None, 1, nan_refuse=True),
     r"no argument 'nan_refuse' \(did you mean 'nan_refused'\?\)"),
    (lambda: top_k_batched(lambda rows: SCORES[rows * 0], np.arange(1), 3, batchsize=4),
     r"^top_k_batched\(\) has no argument 'batchsize' \(did you mean 'batch_size'\?\)"),
    (lambda: rows_with_nan(SCORES, worker=2), r"did you mean 'workers'\?"),
    (lambda: writable_scores(SCORES, cpy=True), r"did you mean 'copy'\?"),
    (lambda: mask_rows(SCORES.copy(), exlude=sp.csr_matrix(SCORES.shape)),
     r"^mask_rows\(\) has no argument 'exlude' \(did you mean 'exclude'\?\); it takes "
     r"mask_rows\(scores, exclude\)$"),
    (lambda: pad_columns(np.zeros((1, 2), np.int64), SCORES[:, :2]),
     r"^pad_columns\(\): missing 'k'"),
])
def test_topk_functions_name_the_argument(call, message):
    with pytest.raises(ConfigError, match=message):
        call()


def test_a_huge_misspelt_name_is_cut_in_the_message():
    with pytest.raises(ConfigError) as caught:
        top_k(SCORES, 3, **{"x" * 5000: 1})
    assert "(5,000 characters)" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_the_right_arguments_still_rank_by_the_rule():
    # scores 0.5 0.9 0.5 0.9 0.1: the two 0.9 (items 1 and 3), then the lower 0.5 (item 0)
    indices, values = top_k(SCORES, k=3, method="numpy")
    assert indices.tolist() == [[1, 3, 0]]
    assert values.tolist() == [[0.9, 0.9, 0.5]]
    assert top_k(SCORES, np.int64(1))[0].tolist() == [[1]]


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "vectors.db") as opened:
        opened.put("item", [1, 2], np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
        yield opened


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: s.put("item", idz=[3], vectors=np.ones((1, 2))),
     r"^SQLiteEmbeddingStore\.put\(\) has no argument 'idz' \(did you mean 'ids'\?\); it "
     r"takes SQLiteEmbeddingStore\.put\(kind, ids, vectors\)$"),
    (lambda s: s.get("item", id=[1]), r"^SQLiteEmbeddingStore\.get\(\) has no argument 'id' "
     r"\(did you mean 'ids'\?\)"),
    (lambda s: s.dim(knd="item"), r"did you mean 'kind'\?"),
    (lambda s: s.count(), r"^SQLiteEmbeddingStore\.count\(\): missing 'kind'"),
    (lambda s: s.delete("item", [1], [2]), r"takes at most 2 positional argument"),
    (lambda s: s.put_model(modl=None), r"^SQLiteEmbeddingStore\.put_model\(\) has no "
     r"argument 'modl' \(did you mean 'model'\?\)"),
])
def test_store_methods_name_the_argument(store, call, message):
    with pytest.raises(ConfigError, match=message):
        call(store)
    # nothing was written or removed by the refused call
    vectors, found = store.get("item", [1, 2])
    assert vectors.tolist() == [[1.0, 2.0], [3.0, 4.0]] and found.tolist() == [True, True]


def test_store_constructor_names_the_option(tmp_path):
    with pytest.raises(ConfigError, match=r"^SQLiteEmbeddingStore\(\) has no argument "
                       r"'timout' \(did you mean 'timeout'\?\); it takes "
                       r"SQLiteEmbeddingStore\(path, \*, timeout=\.\.\.\)$"):
        SQLiteEmbeddingStore(tmp_path / "vectors.db", timout=1)
    assert not (tmp_path / "vectors.db").exists()


def test_search_one_names_the_argument():
    index = ItemIndex.build(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), backend="exact")
    with pytest.raises(ConfigError, match=r"^ItemIndex\.search_one\(\) has no argument "
                       r"'exlude' \(did you mean 'exclude'\?\)"):
        index.search_one(np.array([1.0, 0.0]), 2, exlude=np.array([0]))
    # query (1, 0): inner products 1, 0, 1; item 0 left out, so item 2 (1) then item 1 (0)
    labels, scores = index.search_one(np.array([1.0, 0.0]), 2, exclude=np.array([0]))
    assert np.asarray(labels).tolist() == [2, 1]
    assert np.asarray(scores).tolist() == [1.0, 0.0]


@pytest.mark.parametrize("call", [
    lambda scores: top_k(scores, 1),
    lambda scores: top_k_threaded(scores, 1, None, 1),
    lambda scores: top_k_batched(lambda rows: scores[rows], np.arange(2), 1),
])
def test_the_score_warnings_still_point_at_the_caller(call):
    # the argument check wraps each function in one more frame: the warnings skip it
    scores = np.array([[np.inf, 1.0], [np.nan, 0.0]])
    with pytest.warns(UserWarning) as caught:
        call(scores)
    assert sorted(type(w.message).__name__ for w in caught) == ["InfiniteScoresWarning",
                                                                "NaNScoresWarning"]
    assert {w.filename for w in caught} == {__file__}


@pytest.mark.parametrize(("call", "message"), [
    # refused whatever the number of rows (it failed only once the rows were split)
    (lambda: top_k_threaded(np.zeros((10, 3)), 2, "pool", 2),
     r"^executor must be a concurrent\.futures Executor \(e\.g\. ThreadPoolExecutor\(4\)\) "
     r"or None, got str 'pool'$"),
    (lambda: top_k_threaded(np.zeros((1, 3)), 2, 4, 2), r"or None, got int 4$"),
    (lambda: rows_with_nan(np.zeros((10, 3)), "pool", 2), r"got str 'pool'$"),
    (lambda: top_k_threaded(np.array([[np.nan, 1.0]]), 1, None, 1, nan_refused="no"),
     r"^nan_refused must be True or False, got 'no'$"),
    (lambda: top_k(SCORES, 2, method="nmpy"),
     r"^method must be 'auto', 'numba' or 'numpy', got 'nmpy' \(did you mean 'numpy'\?\)$"),
])
def test_wrong_executor_flag_and_method_are_named(call, message):
    with pytest.raises(ConfigError, match=message):
        call()


def test_a_real_executor_still_splits_the_rows():
    from concurrent.futures import ThreadPoolExecutor

    # row r holds 4r, 4r+1, 4r+2, 4r+3: its best two are columns 3 and 2
    scores = np.arange(40.0).reshape(10, 4)
    scores[7, 1] = np.nan
    with ThreadPoolExecutor(2) as executor:
        assert top_k_threaded(scores, 2, executor, 2, nan_refused=True)[0].tolist() \
            == [[3, 2]] * 10
        assert rows_with_nan(scores, executor, 2).tolist() == [7]
