"""One rule for ``k`` across the models' ``recommend`` and ``similar_items``, said in a
sentence that reads, and history values that are no finite float32 number named by value
and place.

- A huge ``k`` was refused as "k = a 41-digit integer is larger than the catalog ...: each
  list would be padded with a 40-digit integer empty slots"; asked for no users (or
  items), it reached numpy's padding: "TypeError: `pad_width` must be of integral type".
- ``k=np.array(2)`` (a reduction's result) was refused as "got array(2)", where every
  hyperparameter takes it; ``k=3.0`` and ``k=True`` were refused without saying why.
- ``score_histories``/``fold_in`` refused NaN, inf and 1e39 alike as "NaN or infinite
  value(s) (or values beyond float32's range)", and an integer past float64's range failed
  with Python's "OverflowError: int too large to convert to float".
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.registry import create_model

DATA = Interactions.from_frame(pd.DataFrame({"user_id": [1, 1, 2, 2, 3, 3],
                                             "item_id": [1, 2, 2, 3, 1, 3]}))


@pytest.fixture(scope="module")
def ease():
    return create_model("ease").fit(DATA)


@pytest.mark.parametrize("method", ["recommend", "similar_items"])
@pytest.mark.parametrize("asked", [[1], []])
def test_a_huge_k_is_refused_in_a_sentence_that_reads(ease, method, asked):
    # 10**40 has 41 digits; 10**40 - 3 items = 99...97 has 40
    with pytest.raises(ConfigError, match=rf"^ease: {method}: k, a 41-digit integer, is "
                                          r"larger than the catalog \(3 items\): each list "
                                          r"would be padded with a 40-digit number of empty "
                                          r"slots; use k <= 3$"):
        getattr(ease, method)(asked, k=10**40)


def test_a_k_beyond_the_catalog_that_fits_names_the_padding_count(ease):
    # 10**9 - 3 = 999,999,997 slots of 16 bytes each: far past the 256 MiB budget
    with pytest.raises(ConfigError, match=r"^ease: recommend: k = 1000000000 is larger than "
                                          r"the catalog \(3 items\): each list would be padded "
                                          r"with 999,999,997 empty slots; use k <= 3$"):
        ease.recommend([], k=10**9)
    items, scores = ease.recommend([1], k=5)  # a k just past the catalog is padded
    assert items.shape == (1, 5) and np.isneginf(scores[0, 1:]).all()


@pytest.mark.parametrize("k", [np.array(2), np.int64(2), np.uint8(2), 2])
def test_a_0d_array_or_numpy_integer_is_the_k_it_holds(ease, k):
    items, scores = ease.recommend([1, 2], k=k)
    expected_items, expected_scores = ease.recommend([1, 2], k=2)
    np.testing.assert_array_equal(items, expected_items)
    np.testing.assert_array_equal(scores, expected_scores)
    similar, _ = ease.similar_items([1], k=k)
    assert similar.shape == (1, 2)


@pytest.mark.parametrize(("k", "why"), [
    (3.0, r"got 3\.0, a float; write the whole number 3 \(int\(k\)\)"),
    (np.float64(2.0), r"got 2\.0, a float; write the whole number 2 \(int\(k\)\)"),
    (np.array(2.0), r"got array\(2\.\), a float; write the whole number 2 \(int\(k\)\)"),
    (np.True_, r"got True, a boolean \(true/false\), not a number"),
    (np.array(True), r"got array\(True\), a boolean \(true/false\), not a number"),
    (np.array([3]), r"got array\(\[3\]\), an array of shape \(1,\); give one integer"),
    (2.5, r"got 2\.5"),
])
@pytest.mark.parametrize("method", ["recommend", "similar_items"])
def test_a_k_that_is_no_count_says_what_it_is(ease, k, why, method):
    with pytest.raises(ConfigError, match=rf"^ease: {method}: k must be a positive integer, "
                                          rf"{why}$"):
        getattr(ease, method)([1], k=k)


@pytest.mark.parametrize("name", ["ease", "item_knn", "rp3beta", "most_popular", "als"])
def test_history_values_that_are_not_finite_are_named_by_value_and_place(name):
    settings = {"iterations": 2, "factors": 2} if name == "als" else {}
    model = create_model(name, **settings).fit(DATA)
    history = np.zeros((3, 3))
    history[0, 1], history[1, 2], history[2, 0], history[2, 2] = np.nan, np.inf, 1e39, -np.inf
    methods = [model.score_histories] + ([model.fold_in] if name == "als" else [])
    for method in methods:
        with pytest.raises(RecstackError, match=(
                rf"^{name}: histories hold 4 value\(s\) that are not finite float32 numbers: "
                r"NaN \(a missing value\) at \(row, column\) \(0, 1\); inf at \(row, column\) "
                r"\(1, 2\); 1e\+39 at \(row, column\) \(2, 0\); and 1 more; give finite "
                r"interaction values: fill or drop the missing values \(0: no interaction\), "
                r"replace the infinite values, rescale the values beyond float32's range "
                r"\(at most 3\.4e\+38 in size; e\.g\. np\.log1p\)$")):
            method(history)


def test_a_sparse_history_names_the_value_given_not_its_float32():
    model = create_model("ease").fit(DATA)
    history = sp.csr_matrix(([5.0, 2e39], ([0, 0], [0, 2])), shape=(1, 3))
    with pytest.raises(RecstackError, match=r"^ease: histories hold 1 value\(s\) that are not "
                                            r"finite float32 numbers: 2e\+39 at \(row, "
                                            r"column\) \(0, 2\); give finite interaction "
                                            r"values: rescale the values beyond"):
        model.score_histories(history)


@pytest.mark.parametrize("history", [[[0, 10**400, 0]], [0, 10**400, 0]])
def test_an_integer_past_float64_is_refused_not_an_overflow_traceback(history):
    model = create_model("ease").fit(DATA)
    with pytest.raises(RecstackError, match=r"^ease: histories hold 1 value\(s\) that are not "
                                            r"finite float32 numbers: a 401-digit integer, past "
                                            r"even float64's range, at \(row, column\) \(0, 1\); "
                                            r"give finite interaction values: rescale the "
                                            r"values beyond float32's range"):
        model.score_histories(history)


def test_finite_values_still_score_as_before():
    model = create_model("ease").fit(DATA)
    dense = np.array([[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(model.score_histories(dense),
                                  model.score_histories([[1, 0, 0]]))
