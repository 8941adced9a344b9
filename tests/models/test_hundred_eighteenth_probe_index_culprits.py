"""An index argument refused (``score_users``'s user indices, SASRec's
``score_sequences``) names the first value that is not an index, its position and why.
The refusal showed the input's first values ("got [0, 1, 2, 3, 4]..."), which in a long
input were all valid while the wrong one further on went unnamed, and never said that a
float (``1.0``) is not an index."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.models.base import index_problem
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(5)
    users = np.repeat(np.arange(20), 8)
    items = rng.integers(0, 12, len(users))
    return Interactions.from_arrays(users, items, np.ones(len(users)), np.arange(len(users)),
                                    duplicates="last")


@pytest.mark.parametrize(("values", "said"), [
    (np.arange(10), None),
    (np.array([], np.int64), None),
    (np.array([0, 3, 9, 10, 2]), "position 3 holds 10, which is not below 10"),
    (np.array([4, -1]), "position 1 holds -1, which is below 0"),
    (np.array([2.0, 1.0]), "position 0 holds 2.0, a float, not an index"),
    (np.array([1, None], dtype=object), "position 1 holds None, a missing value"),
    (np.array([1, "2"], dtype=object), "position 1 holds '2', text, not an index"),
    (np.array([1, True], dtype=object), "position 1 holds True, true/false, not an index"),
    (np.array([1, 12], dtype=object), "position 1 holds 12, which is not below 10"),
    (np.array([False]), "position 0 holds False, true/false, not an index"),
])
def test_index_problem_names_the_first_value_that_is_no_index(values, said):
    problem = index_problem(values, 10)
    if said is None:
        assert problem is None
    else:
        assert problem.startswith(said)


def test_score_users_names_a_wrong_index_past_the_first_five(train):
    model = create_model("item_knn").fit(train)
    users = list(range(15)) + [20]
    with pytest.raises(RecstackError) as refused:
        model.score_users(users)
    assert str(refused.value) == (
        "item_knn: score_users takes a flat array of user indices in [0, 20) (positions in "
        "users_), but position 15 holds 20, which is not below 20; map external ids with "
        "users_.to_index")
    with pytest.raises(RecstackError, match=r"but position 0 holds 0\.0, a float"):
        model.score_users(np.array([0.0, 1.0]))
    with pytest.raises(RecstackError, match=r"user indices in \[0, 20\) \(positions in "
                                            r"users_\), got \[\[0, 1\]\]"):
        model.score_users([[0, 1]])


def test_score_sequences_names_the_wrong_item_and_its_position(train):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")
    del torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = create_model("sasrec", **{**quick_params("sasrec"), "epochs": 1}).fit(train)
    with pytest.raises(RecstackError) as refused:
        model.score_sequences([[0, 1], list(range(8)) + [12]])
    assert str(refused.value) == (
        "sasrec: sequence 1 must hold item indices in [0, 12), but its position 8 holds 12, "
        "which is not below 12; map external ids with items_.to_index (or use "
        "recommend_sequences, which takes them)")
    with pytest.raises(RecstackError, match=r"sequence 0 must hold item indices in \[0, 12\), "
                                            r"but its position 0 holds 1\.0, a float"):
        model.score_sequences([[1.0, 2.0]])
