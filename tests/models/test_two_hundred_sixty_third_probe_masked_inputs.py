"""Two-hundred-sixty-third probe: numpy masked arrays given to the index- and
history-taking methods. ``np.asarray`` reads the number stored under each mask as though it
had been given, so a masked history value was scored as an interaction (``score_histories``
and ``fold_in`` of every model, ``recstack.ops.fold_in`` too), a masked user index of
``score_users`` scored that user, and a masked item index of SASRec's ``score_sequences``
was read as that item, without a word; the loaders and the id-taking methods (``recommend``,
``similar_items``, ``recommend_sequences``) refuse a masked entry as a missing value. A
masked entry is now refused where it is; a masked array with nothing masked is read as its
data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.models.base import history_matrix
from tests.models.quick_params import quick_params

HISTORY_MODELS = ["als", "ials", "ease", "item_knn", "user_knn", "rp3beta", "gf_cf",
                  "most_popular", "blend", "content"]


@pytest.fixture(scope="module")
def train() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 6)
    items = rng.integers(0, 12, len(users))
    values = rng.integers(1, 5, len(users)).astype(float)
    times = np.tile(np.arange(6), 30) * 100 + np.repeat(np.arange(30), 6)
    return Interactions.from_arrays(users, items, values, times, duplicates="last")


def _fit(name: str, train: Interactions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model(name, **quick_params(name)).fit(train)


def _masked_rows(n_items: int) -> np.ma.MaskedArray:
    """Two histories; row 1 hides a 4 on item 5 under a mask (and holds item 0 besides)."""
    rows = np.ma.masked_array(np.eye(n_items)[:2], mask=np.zeros((2, n_items), bool))
    rows.data[1, 5] = 4.0
    rows.mask[1, 5] = True
    return rows


@pytest.mark.parametrize("name", HISTORY_MODELS)
def test_a_masked_history_value_is_refused_where_it_is(train, name):
    model = _fit(name, train)
    with pytest.raises(RecstackError) as error:
        model.score_histories(_masked_rows(len(model.items_)))
    message = str(error.value)
    assert message.startswith(f"{name}: histories hold 1 masked entry (a missing value) at "
                              "(row, column) (1, 5)")
    assert "histories.filled(0)" in message


@pytest.mark.parametrize("name", ["als", "ials"])
def test_fold_in_refuses_a_masked_history_value(train, name):
    model = _fit(name, train)
    rows = _masked_rows(len(model.items_))
    rows.mask[0, 2] = True  # one more, in row 0: the first named, both counted
    with pytest.raises(RecstackError, match=r"hold 2 masked entries \(missing values\), the "
                                            r"first at \(row, column\) \(0, 2\)"):
        model.fold_in(rows)


def test_two_stage_refuses_a_masked_history_value(train):
    model = _fit("two_stage", train)
    with pytest.raises(RecstackError, match=r"two_stage: histories hold 1 masked entry"):
        model.score_histories(_masked_rows(len(model.items_)))


@pytest.mark.parametrize("name", ["als", "item_knn", "blend"])
def test_a_masked_array_with_nothing_masked_scores_as_its_data(train, name):
    model = _fit(name, train)
    rows = _masked_rows(len(model.items_))
    rows.mask[:] = False  # the 4 on item 5 is now a value given
    plain = np.array(rows.data)
    np.testing.assert_array_equal(model.score_histories(rows), model.score_histories(plain))
    # a list of masked rows is read the same way, and refused the same way
    np.testing.assert_array_equal(model.score_histories([rows[0], rows[1]]),
                                  model.score_histories(plain))
    rows.mask[1, 5] = True
    with pytest.raises(RecstackError, match=r"masked entry \(a missing value\) at \(row, "
                                            r"column\) \(1, 5\)"):
        model.score_histories([rows[0], rows[1]])


def test_history_matrix_reads_an_unmasked_row_and_refuses_a_one_row_masked_one():
    # worked by hand: the data of a masked array with no masked entry, row by row
    given = np.ma.masked_array([[2.0, 0.0, 3.0]], mask=[[False, False, False]])
    np.testing.assert_array_equal(history_matrix(given, 3, "m").toarray(), [[2.0, 0.0, 3.0]])
    row = np.ma.masked_array([2.0, 7.0, 3.0], mask=[False, True, False])
    with pytest.raises(RecstackError, match=r"^m: histories hold 1 masked entry \(a missing "
                                            r"value\) at \(row, column\) \(0, 1\)"):
        history_matrix(row, 3, "m")


def test_score_users_refuses_a_masked_user_index(train):
    model = _fit("item_knn", train)
    users = np.ma.masked_array([0, 1, 2, 3], mask=[False, True, False, True])
    with pytest.raises(RecstackError) as error:
        model.score_users(users)
    assert str(error.value).startswith(
        "item_knn: score_users: user_indices: the value at position 1 is a masked entry (a "
        "missing user index) (2 such values in all)")
    users.mask[:] = False
    np.testing.assert_array_equal(model.score_users(users), model.score_users([0, 1, 2, 3]))


def test_score_sequences_refuses_a_masked_item_index(train):
    pytest.importorskip("torch")
    model = _fit("sasrec", train)
    sequence = np.ma.masked_array([0, 3, 2], mask=[False, True, False])
    for given in ([sequence], np.ma.masked_array([[0, 3, 2]], mask=[[False, True, False]])):
        with pytest.raises(RecstackError, match=r"^sasrec: sequence 0: the value at position "
                                                r"1 is a masked entry \(a missing item "
                                                r"index\)"):
            model.score_sequences(given)
    sequence.mask[:] = False
    np.testing.assert_array_equal(model.score_sequences([sequence]),
                                  model.score_sequences([[0, 3, 2]]))
