"""Histories given as one value (``score_histories(None)``, ``fold_in(5)``): refused as
"must be a 2-D users x items matrix, got shape ()", which said nothing of what was given.
Now the value is named."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(0)
    train = Interactions.from_arrays(np.repeat(np.arange(20), 6), rng.integers(0, 12, 120),
                                     None, np.arange(120), duplicates="last")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"als": create_model("als", factors=4, iterations=2, num_threads=1).fit(train),
                "ease": create_model("ease").fit(train),
                "user_knn": create_model("user_knn").fit(train)}


@pytest.mark.parametrize("value, shown", [(None, "None"), (5, "5"), (np.float64(1.5), "1.5"),
                                          (np.array(2), "2")])
@pytest.mark.parametrize("name, method", [("als", "fold_in"), ("als", "score_histories"),
                                          ("ease", "score_histories"),
                                          ("user_knn", "score_histories")])
def test_one_value_for_histories_is_named(models, name, method, value, shown):
    with pytest.raises(RecstackError, match=rf"^{name}: histories must be a 2-D users x items "
                                            rf"matrix \(a row per user\), got the single value "
                                            rf"(np\.float64\(|array\()?{shown}"):
        getattr(models[name], method)(value)


@pytest.mark.parametrize("name, method", [("als", "fold_in"), ("ease", "score_histories"),
                                          ("user_knn", "score_histories")])
def test_histories_as_a_generator_say_to_build_the_matrix(models, name, method):
    # numpy made the generator one object: "got <generator object <genexpr> at 0x...>"
    rows = (row for row in np.eye(len(models[name].items_))[:2])
    with pytest.raises(RecstackError, match=rf"^{name}: histories must be a users x items "
                                            r"matrix of numbers, got a generator \(a one-pass "
                                            r"iterator, not a matrix\); build the matrix "
                                            r"first, e\.g\. np\.array\(list\(rows\)\)"):
        getattr(models[name], method)(rows)
    with pytest.raises(RecstackError, match=r"got a list_iterator"):
        getattr(models[name], method)(iter([[1.0] * len(models[name].items_)]))
