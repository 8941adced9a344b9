"""New users' histories and ids as a new user gives them: float64 values too small for
float32, and internal positions given as user ids. (A 0 stored in a sparse history keeps
the rule of tests/models/test_hundred_fourteenth_probe_stored_zeros.py: read as the model
reads a training row of value 0.)"""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

N_USERS, N_ITEMS = 20, 12


@pytest.fixture(scope="module")
def data() -> Interactions:
    # user u chose the items (u, u + 1, u + 3, u + 7) mod 12; ids start at 100 and 500 so
    # that an internal position is never an id
    users = np.repeat(np.arange(N_USERS), 4)
    items = (users + np.tile([0, 1, 3, 7], N_USERS)) % N_ITEMS
    return Interactions.from_arrays(users + 100, items + 500, np.ones(len(users)),
                                    np.arange(len(users)))


def fitted(name: str, data: Interactions):
    return create_model(name, **quick_params(name)).fit(data)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("name", ["ease", "als", "item_knn"])
def test_values_that_vanish_in_float32_are_refused_where_they_are(name, sparse, data):
    model = fitted(name, data)
    history = np.zeros((2, N_ITEMS))
    history[1, [4, 6]] = 1e-300  # not 0, yet 0.0 as float32
    given = sp.csr_matrix(history) if sparse else history
    with pytest.raises(RecstackError, match=r"2 value\(s\) too small for float32.*1e-300 at "
                                            r"\(row, column\) \(1, 4\)"):
        model.score_histories(given)


def test_small_values_that_float32_holds_are_still_scored(data):
    model = fitted("ease", data)
    history = np.zeros((1, N_ITEMS))
    history[0, [1, 3]] = 1e-40  # a float32 subnormal, not 0: still an interaction
    dense = np.zeros((1, N_ITEMS))
    dense[0, [1, 3]] = 1.0
    np.testing.assert_array_equal(model.score_histories(history), model.score_histories(dense))


def test_positions_given_as_user_ids_are_named_as_positions(data):
    model = fitted("most_popular", data)
    with pytest.raises(RecstackError, match=r"all are below 20, the number of users.*"
                                            r"users_\.external_ids\[positions\]"):
        model.recommend(np.array([0, 1], dtype=np.int32), 3)


def test_a_new_user_id_beyond_the_positions_gets_no_position_note(data):
    model = fitted("most_popular", data)
    with pytest.raises(RecstackError, match="not seen in training") as raised:
        model.recommend([100, 4000], 3)
    assert "positions" not in str(raised.value)


def test_positions_given_as_item_ids_are_named_as_positions(data):
    model = fitted("ease", data)
    with pytest.raises(RecstackError, match=r"it is below 12, the number of items.*"
                                            r"items_\.external_ids\[positions\]"):
        model.similar_items([np.int64(3)], 2)
