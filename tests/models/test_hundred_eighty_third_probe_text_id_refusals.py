"""Hundred-eighty-third probe, the refusal of negative values on data with text ids: the
message names the first negative row's user and item, and took them with numpy's
``.item()``, which a text id (a Python str in an object array) does not have: every model
that refuses negative values (all but ``random`` and the explicit-rating ones) raised
``AttributeError: 'str' object has no attribute 'item'`` from ``fit``, and so did
``score_histories`` for a negative history value, in place of the refusal."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import available_models, create_model
from tests.models.quick_params import quick_params

USERS = ["u0", "u0", "u1", "u1", "u2"]
ITEMS = ["i0", "i1", "i1", "i2", "i0"]
# the first negative value is row 1: user 'u0', item 'i1'
VALUES = [1.0, -1.0, 2.0, -2.0, 1.0]


@pytest.fixture(scope="module")
def signed() -> Interactions:
    return Interactions.from_arrays(USERS, ITEMS, VALUES)


@pytest.mark.parametrize("name", available_models())
def test_every_model_refuses_or_fits_text_ids_with_negative_values(signed, name):
    model = create_model(name, **quick_params(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(signed)
        except RecstackError as error:  # an AttributeError is no refusal
            message = str(error)
            if "negative" in message:
                # 2 of the 5 values are negative; the first is -1, of 'u0' for 'i1'
                assert "2 of 5 interaction values are negative (e.g. -1 for user 'u0', " \
                       "item 'i1')" in message
            return
    scores = model.score_users(np.arange(3))
    assert not np.isnan(np.asarray(scores, float)).any()


@pytest.mark.parametrize("name", ["ease", "most_popular", "ials", "item_knn", "sasrec"])
def test_the_refusal_names_the_text_ids(signed, name):
    with pytest.raises(RecstackError, match=rf"^{name}: 2 of 5 interaction values are "
                                            r"negative \(e\.g\. -1 for user 'u0', item "
                                            r"'i1'\); "):
        create_model(name, **quick_params(name)).fit(signed)


def test_integer_ids_are_named_as_integers():
    data = Interactions.from_arrays([7, 7, 8], [30, 31, 31], [1.0, 1.0, -3.0])
    with pytest.raises(RecstackError, match=r"1 of 3 interaction values are negative "
                                            r"\(e\.g\. -3 for user 8, item 31\)"):
        create_model("ease").fit(data)


@pytest.mark.parametrize("name", ["ease", "item_knn", "als", "ials"])
def test_a_negative_history_value_names_its_text_item(name):
    data = Interactions.from_arrays(USERS, ITEMS)
    model = create_model(name, **quick_params(name)).fit(data)
    # row 0 holds -1 in column 2, the item 'i2' (items sorted: i0, i1, i2)
    for histories in (np.array([[1.0, 0.0, -1.0]]),
                      sp.csr_matrix(np.array([[1.0, 0.0, -1.0]]))):
        with pytest.raises(RecstackError, match=r"histories hold 1 negative value\(s\) "
                                                r"\(e\.g\. -1 in row 0, column 2 = item "
                                                r"'i2'\)"):
            model.score_histories(histories)
