"""Fifth bad-input probe, calls on a fitted model and the top-K helpers: integer ids beyond
int64 (an OverflowError from inside the id map), complex ids (numpy looked 1+0j up as user
1) and thread counts of the wrong kind for the threaded top-K (0 and -1 meant 1, a float
failed inside numpy)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.topk import rows_with_nan, top_k_threaded


@pytest.fixture(scope="module")
def model():
    users = np.array([0, 0, 1, 1, 2, 2])
    items = np.array([10, 11, 11, 12, 10, 12])
    return create_model("most_popular").fit(Interactions.from_arrays(users, items))


@pytest.mark.parametrize("user", [2**64, -(2**70), 2**63])
def test_an_integer_id_beyond_int64_is_an_unknown_user(model, user):
    with pytest.raises(RecstackError, match=rf"1 user\(s\) not seen in training, e\.g\. "
                                            rf"\[{user}\]"):
        model.recommend([user], k=2)
    with pytest.raises(RecstackError, match="not seen in training"):
        model.recommend([0, user], k=2)


def test_an_integer_item_id_beyond_int64_is_an_unknown_item(model):
    with pytest.raises(RecstackError, match=r"items: 1 id\(s\) the model was not trained on, "
                                            r"e\.g\. \[18446744073709551616\]"):
        model.score([0], [2**64])
    with pytest.raises(RecstackError, match="not trained on"):
        model.similar_items([2**64], k=1)


def test_an_integer_beyond_int64_finds_the_id_kept_as_its_digits():
    # ids that do not fit int64 are kept as text; the integer is the same id
    data = Interactions.from_arrays(np.array(["18446744073709551616", "5"], dtype=object),
                                    np.array(["a", "b"], dtype=object))
    model = create_model("most_popular").fit(data)
    items, _ = model.recommend([2**64], k=1)
    assert items.tolist() == [["b"]]  # the user saw "a"


@pytest.mark.parametrize("users", [np.array([1 + 0j]), [1 + 0j], [0, 1 + 2j]])
def test_complex_ids_are_refused(model, users):
    with pytest.raises(RecstackError, match="ids are numbers or strings, got complex"):
        model.recommend(users, k=1)
    with pytest.raises(RecstackError, match="got complex"):
        model.score(users, [10] * len(np.atleast_1d(users)))


@pytest.mark.parametrize("workers", [0, -1, 2.0, "2", True, None])
def test_threaded_top_k_refuses_a_worker_count_that_is_not_a_positive_integer(workers):
    scores = np.arange(12, dtype=np.float32).reshape(4, 3)
    with ThreadPoolExecutor(2) as executor:
        with pytest.raises(ConfigError, match="workers must be a positive integer"):
            top_k_threaded(scores, 2, executor, workers)
        with pytest.raises(ConfigError, match="workers must be a positive integer"):
            rows_with_nan(scores, executor, workers)


def test_threaded_top_k_with_a_valid_worker_count_is_unchanged():
    scores = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.3], [0.0, 0.0, 1.0], [0.4, 0.6, 0.5]],
                      np.float32)
    with ThreadPoolExecutor(2) as executor:
        top, _ = top_k_threaded(scores, 2, executor, 2)
        assert top.tolist() == [[1, 2], [0, 2], [2, 0], [1, 2]]
        assert rows_with_nan(scores, executor, 2).tolist() == []
