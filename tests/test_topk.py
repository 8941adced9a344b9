"""Top-K selection and its one tie rule, checked against a full sort written here, on every
path: the compiled kernel and the numpy fallback, threaded or not, and through a model's
``recommend`` and ``similar_items``."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

from recstack import topk
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import MostPopular
from recstack.topk import mask_rows, pad_columns, top_k, top_k_batched, top_k_threaded

# These rows hold NaN on purpose: the order is what is tested here, the warning in
# tests/serving/test_eighty_fifth_probe_nan_scores.py.
NAN_ROWS_ON_PURPOSE = pytest.mark.filterwarnings("ignore::recstack.topk.NaNScoresWarning")

METHODS = ["numba", "numpy"]
#: one constant score for every item: zero, one, a huge negative number and denormals
CONSTANTS = [(0.0, np.float32), (1.0, np.float32), (-1e30, np.float32), (1e-40, np.float32),
             (5e-324, np.float64), (-1e30, np.float64)]


def reference_top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The rule by its definition, with a full sort of each row: score descending, then
    index ascending; NaN after everything (numpy sorts NaN last, and -(-inf) = +inf after
    every number)."""
    columns = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    order = np.lexsort((columns, np.isnan(scores), -scores), axis=1)[:, :k]
    return order, np.take_along_axis(scores, order, axis=1)


def tie_heavy_scores(rng: np.random.Generator, shape: tuple[int, int], dtype) -> np.ndarray:
    """Few distinct values (many ties everywhere, at the cut-off too), some -inf and NaN,
    signed zeros, and some rows that are mostly zeros."""
    scores = rng.integers(-3, 4, shape).astype(dtype) * dtype(rng.choice([1.0, 0.25, 1e-30]))
    scores[rng.random(shape) < 0.05] = -np.inf
    scores[rng.random(shape) < 0.03] = np.nan
    scores[rng.random(shape) < 0.05] = -0.0
    sparse_rows = rng.random(shape[0]) < 0.3
    scores[sparse_rows] = np.where(rng.random((sparse_rows.sum(), shape[1])) < 0.05,
                                   scores[sparse_rows], 0.0)
    return scores


@pytest.fixture(scope="module", autouse=True)
def _compiled_once():
    """Pay the kernel's compilation (or cache load) once for the module, both dtypes."""
    if topk.numba_available():
        for dtype in (np.float32, np.float64):
            top_k(np.zeros((1, 3), dtype), 1, method="numba")


@pytest.fixture(params=METHODS)
def method(request):
    if request.param == "numba":
        pytest.importorskip("numba")
    return request.param


@NAN_ROWS_ON_PURPOSE
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_items", [1, 7, 64, 333, 2500])
def test_random_ties_agree_with_a_full_lexsort(method, dtype, n_items):
    rng = np.random.default_rng(n_items)
    scores = tie_heavy_scores(rng, (30, n_items), dtype)
    scores[0] = np.nan  # a row with no number at all
    scores[1] = -np.inf
    for k in (1, 2, 5, 40, 100, n_items):
        indices, values = top_k(scores, k, method=method)
        expected_indices, expected_values = reference_top_k(scores, min(k, n_items))
        np.testing.assert_array_equal(indices, expected_indices, err_msg=f"k={k}")
        np.testing.assert_array_equal(values, expected_values)
        assert indices.dtype == np.int64 and values.dtype == dtype


def test_a_tie_at_the_cut_off_goes_to_the_lower_index(method):
    scores = np.array([[1, 5, 3, 5, 3, 3, 0],
                       [0, 0, 0, 0, 0, 0, 0],
                       [2, 2, 9, 2, 2, 2, 2]], dtype=np.float32)
    indices, values = top_k(scores, 3, method=method)
    assert indices.tolist() == [[1, 3, 2], [0, 1, 2], [2, 0, 1]]
    assert values.tolist() == [[5, 5, 3], [0, 0, 0], [9, 2, 2]]
    # -0.0 and 0.0 are the same score
    indices, _ = top_k(np.array([[-0.0, 0.0, -0.0, 0.0]]), 2, method=method)
    assert indices.tolist() == [[0, 1]]


def test_constant_rows_give_the_index_order_whatever_the_constant(method):
    seen = sp.csr_matrix(np.array([[0, 1, 0, 0, 1, 0, 0, 0, 0, 0],
                                   [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]]))
    for constant, dtype in CONSTANTS:
        scores = np.full((2, 10), constant, dtype)
        mask_rows(scores, seen)
        indices, _ = top_k(scores, 6, method=method)
        assert indices.tolist() == [[0, 2, 3, 5, 6, 7], [1, 2, 3, 4, 5, 6]], constant


@NAN_ROWS_ON_PURPOSE
def test_nan_ranks_after_minus_infinity(method):
    scores = np.array([[np.nan, -np.inf, 1.0, np.nan, 2.0, -np.inf]])
    indices, values = top_k(scores, 6, method=method)
    assert indices.tolist() == [[4, 2, 1, 5, 0, 3]]
    np.testing.assert_array_equal(values, [[2.0, 1.0, -np.inf, -np.inf, np.nan, np.nan]])


def test_float64_scores_are_not_merged_into_float32_ties(method):
    # distinct in float64, one value in float32: keeping float64 keeps the order
    scores = 1.0 + np.array([[0.0, 1e-12, 3e-12, 2e-12]])
    assert len(np.unique(scores.astype(np.float32))) == 1
    indices, values = top_k(scores, 3, method=method)
    assert indices.tolist() == [[2, 3, 1]] and values.dtype == np.float64
    indices, _ = top_k_batched(lambda rows: scores[rows], np.array([0]), 3, method=method)
    assert indices.tolist() == [[2, 3, 1]]


@NAN_ROWS_ON_PURPOSE
def test_threaded_and_batched_selection_equal_the_plain_one(method):
    rng = np.random.default_rng(5)
    scores = tie_heavy_scores(rng, (101, 700), np.float32)
    expected = top_k(scores, 50, method=method)
    with ThreadPoolExecutor(3) as executor:
        threaded = top_k_threaded(scores, 50, executor, 3, method=method)
    batched = top_k_batched(lambda rows: scores[rows], np.arange(101), 50, batch_size=7,
                            n_threads=2, method=method)
    for got in (threaded, batched):
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


def test_compiled_and_numpy_paths_agree_on_dense_rows():
    pytest.importorskip("numba")
    rng = np.random.default_rng(9)
    for dtype in (np.float32, np.float64):
        scores = rng.standard_normal((40, 5000)).astype(dtype)
        scores[:, ::7] = np.round(scores[:, ::7], 1)  # some ties among the best
        for got, expected in zip(top_k(scores, 100, method="numba"),
                                 top_k(scores, 100, method="numpy"), strict=True):
            np.testing.assert_array_equal(got, expected)


@NAN_ROWS_ON_PURPOSE
def test_auto_falls_back_to_numpy_without_numba(monkeypatch):
    scores = tie_heavy_scores(np.random.default_rng(2), (5, 300), np.float64)
    monkeypatch.setattr(topk, "numba_available", lambda: False)
    got = top_k(scores, 20)
    expected = reference_top_k(scores, 20)
    np.testing.assert_array_equal(got[0], expected[0])
    with pytest.raises(ConfigError, match=r"needs numba; install it with: pip install"):
        top_k(scores, 20, method="numba")


def test_scores_keep_their_precision_and_other_dtypes_become_float64():
    single = np.ones((2, 3), np.float32)
    assert topk.writable_scores(single) is single
    assert topk.writable_scores(np.ones((2, 3))).dtype == np.float64
    integers = np.array([[2**40 + 1, 2**40]], dtype=np.int64)
    assert topk.writable_scores(integers).tolist() == [[2**40 + 1, 2**40]]
    assert top_k(integers, 1)[0].tolist() == [[0]]
    frozen = np.ones(3)
    frozen.flags.writeable = False
    assert topk.writable_scores(frozen).flags.writeable
    with pytest.raises(ConfigError, match="real numbers"):
        topk.writable_scores(np.array([["a"]], dtype=object))


def test_bad_arguments_are_refused():
    with pytest.raises(ConfigError, match="k must be a positive integer"):
        top_k(np.ones((1, 3)), 0)
    with pytest.raises(ConfigError, match="2-d"):
        top_k(np.ones(3), 1)
    with pytest.raises(ConfigError, match="method must be"):
        top_k(np.ones((1, 3)), 1, method="fast")
    with pytest.raises(ConfigError, match="n_threads"):
        top_k_batched(lambda rows: np.ones((len(rows), 3)), np.arange(2), 1, n_threads=0)
    with pytest.raises(ConfigError, match="batch_size must be a positive integer"):
        top_k_batched(lambda rows: np.ones((len(rows), 3)), np.arange(2), 1, batch_size=0)


def test_padding_and_masking():
    top, values = pad_columns(np.array([[2, 0]]), np.array([[0.5, 0.25]]), 4)
    assert top.tolist() == [[2, 0, 0, 0]]
    assert values.tolist() == [[0.5, 0.25, -np.inf, -np.inf]]
    scores = np.zeros((2, 3))
    mask_rows(scores, sp.csr_matrix([[0, 1, 1], [1, 0, 0]]))
    assert np.isneginf(scores).tolist() == [[False, True, True], [True, False, False]]


def test_rows_with_nan():
    scores = np.zeros((9, 4))
    scores[[2, 7], [1, 3]] = np.nan
    scores[5, 0] = -np.inf
    assert topk.rows_with_nan(scores).tolist() == [2, 7]
    with ThreadPoolExecutor(2) as executor:
        assert topk.rows_with_nan(scores, executor, 2).tolist() == [2, 7]


# ---------------------------------------------------------------------------- models
@pytest.fixture
def fitted() -> MostPopular:
    """A fitted model over items 0..9 whose scores the tests replace."""
    users = [0, 0, 1, 1, 2] + [3] * 10
    items = [1, 4, 0, 9, 5] + list(range(10))
    return MostPopular().fit(Interactions.from_arrays(users, items))


def test_recommend_and_similar_items_follow_the_rule_for_every_constant(fitted):
    n_items = len(fitted.items_)
    seen = {0: {1, 4}, 1: {0, 9}, 2: {5}}
    for constant, dtype in CONSTANTS:
        fitted._score_users = lambda users, c=constant, d=dtype: np.full(
            (len(users), n_items), c, d)
        fitted._similarity_rows = lambda items, c=constant, d=dtype: np.full(
            (len(items), n_items), c, d)
        items, scores = fitted.recommend([0, 1, 2], k=4)
        for user, row in zip([0, 1, 2], items, strict=True):
            assert row.tolist() == [i for i in range(10) if i not in seen[user]][:4], constant
        assert scores.dtype == dtype
        neighbours, _ = fitted.similar_items([0, 3], k=3)
        assert neighbours.tolist() == [[1, 2, 3], [0, 1, 2]], constant


@NAN_ROWS_ON_PURPOSE
def test_recommend_keeps_float64_and_treats_nan_as_empty(fitted):
    n_items = len(fitted.items_)
    fine = 1.0 + np.arange(n_items) * 1e-12  # one value in float32

    fitted._score_users = lambda users: np.tile(fine, (len(users), 1))
    items, scores = fitted.recommend([2], k=3)
    assert items.tolist() == [[9, 8, 7]] and scores.dtype == np.float64

    def with_nan(users):
        rows = np.tile(np.linspace(1, 0, n_items), (len(users), 1))
        rows[:, 2:] = np.nan
        return rows

    fitted._score_users = with_nan
    items, scores = fitted.recommend([2], k=4)
    assert items.tolist() == [[0, 1, -1, -1]]


def test_evaluation_does_not_import_the_models():
    code = ("import sys, recstack.evaluation.evaluator, recstack.evaluation.diagnostics, "
            "recstack.evaluation.pointwise, recstack.topk\n"
            "print(sorted(m for m in sys.modules if m.startswith('recstack.models')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_topk_imports_nothing_above_the_ground_floor():
    # the ground floor: the errors and the argument checks every public function shares
    code = ("import sys, recstack.topk\n"
            "print(sorted(m for m in sys.modules if m.startswith('recstack.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "['recstack.errors', 'recstack.specs', 'recstack.topk']"


# ---------------------------------------------------------------------------- malformed input
def test_ragged_score_rows_are_refused_by_name():
    with pytest.raises(ConfigError, match="rows have different lengths"):
        top_k([[1.0, 2.0], [3.0]], 1)


@pytest.mark.parametrize(("exclude_shape", "message"), [
    ((2, 5), "a 2 x 5 matrix but the scores are 3 x 5"),
    ((3, 9), "a 3 x 9 matrix but the scores are 3 x 5"),
])
def test_an_exclusion_mask_of_another_shape_is_refused_not_half_applied(exclude_shape, message):
    scores = np.zeros((3, 5))
    with pytest.raises(ConfigError, match=message):
        mask_rows(scores, sp.csr_matrix(np.ones(exclude_shape)))
    assert not np.isinf(scores).any()  # nothing masked on the way to the error


def test_integer_scores_cannot_be_masked_in_place():
    with pytest.raises(ConfigError, match="scores must be floats to be masked"):
        mask_rows(np.ones((1, 2), int), sp.csr_matrix(np.ones((1, 2))))


def test_pad_columns_checks_k():
    with pytest.raises(ConfigError, match="k must be a positive integer, got '5'"):
        pad_columns(np.zeros((1, 2), np.int64), np.zeros((1, 2)), "5")


def test_a_scoring_function_returning_the_wrong_rows_is_refused_not_returned():
    scores = np.random.default_rng(0).random((3, 5))
    with pytest.raises(ConfigError, match=r"shape \(3, 5\) for 2 rows; expected 2 x 5"):
        top_k_batched(lambda rows: scores, np.arange(2), 2, n_items=5)
    with pytest.raises(ConfigError, match=r"shape \(2, 4\) for 2 rows; expected 2 x 5"):
        top_k_batched(lambda rows: scores[rows, :4], np.arange(2), 2, n_items=5)


def test_a_caller_that_refused_nan_skips_the_count(recwarn):
    scores = np.array([[np.nan, 1.0, 2.0], [3.0, 1.0, 2.0]])
    with pytest.warns(topk.NaNScoresWarning, match="1 of 2 score row"):
        expected = top_k_threaded(scores, 2, None, 1)
    recwarn.clear()
    got = top_k_threaded(scores, 2, None, 1, nan_refused=True)
    assert not [w for w in recwarn if issubclass(w.category, topk.NaNScoresWarning)]
    np.testing.assert_array_equal(got[0], expected[0])
