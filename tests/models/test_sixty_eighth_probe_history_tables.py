"""``score_histories`` takes a users x items matrix in the model's item order. A table of
interaction rows (columns user_id, item_id) was read as that matrix: its id columns became
item columns, refused only for their number ("histories have 2 columns"), or, with a
catalog as wide as the table, scored as if the ids were interaction values. An
Interactions was refused without saying how to pass it. Both now say what to do."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

#: models whose score_histories reads a matrix (SASRec refuses matrices altogether)
MODELS = ["ease", "item_knn", "als", "most_popular"]


def _two_items():
    users = np.repeat(np.arange(6), 2)
    items = np.tile([10, 20], 6)
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize("name", MODELS)
def test_a_table_of_interaction_rows_as_wide_as_the_catalog_is_not_scored(name):
    data = _two_items()
    model = create_model(name).fit(data)
    rows = pd.DataFrame({"user_id": [0, 0], "item_id": [10, 20]})  # 2 columns, 2 items
    with pytest.raises(RecstackError, match=rf"^{name}: histories must be a users x items "
                                            r"matrix in the model's item order, got a table "
                                            r"of interaction rows \(columns \['user_id', "
                                            r"'item_id'\]\); pivot it first"):
        model.score_histories(rows)


def test_a_table_with_a_value_column_is_refused_too():
    model = create_model("ease").fit(_two_items())
    rows = pd.DataFrame({"user_id": [0], "item_id": [10], "value": [1.0]})
    with pytest.raises(RecstackError, match=r"columns \['user_id', 'item_id', 'value'\]"):
        model.score_histories(rows)


def test_a_wide_matrix_whose_columns_are_item_ids_is_still_read():
    # the matrix form itself, labelled by item ids in the model's order, keeps working
    data = _two_items()
    model = create_model("most_popular").fit(data)
    wide = pd.DataFrame([[1.0, 0.0]], columns=[10, 20])
    assert model.score_histories(wide).shape == (1, 2)


def test_interactions_say_to_pass_their_matrix():
    data = _two_items()
    model = create_model("ease").fit(data)
    with pytest.raises(RecstackError, match=r"^ease: histories must be a users x items matrix "
                                            r"of numbers, got an Interactions of shape "
                                            r"\(\d+, \d+\); for "
                                            r"interactions that share the model's item "
                                            r"vocabulary .*, pass interactions\.to_csr\(\)$"):
        model.score_histories(data)
    # what the message says works, and scores each user as score_users does
    np.testing.assert_allclose(model.score_histories(data.to_csr()),
                               model.score_users(np.arange(data.n_users)), rtol=1e-6)
