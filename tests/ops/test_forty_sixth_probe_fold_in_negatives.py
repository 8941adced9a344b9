"""Forty-sixth probe: fold-in read negative values (dislikes) that the model's own fit and
score_histories refuse: fold_in_model now refuses them naming the user and item, and
fold_in_items says which way its rows and columns run."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.ops.fold_in import fold_in_items, fold_in_model

PARAMS = {"factors": 4, "iterations": 2, "seed": 0}


@pytest.fixture(scope="module")
def data():
    return generate(n_users=30, n_items=20, n_interactions=300, seed=1).implicit()


@pytest.mark.parametrize("name", ["als", "ials"])
def test_a_window_with_a_negative_value_is_refused(data, name):
    model = create_model(name, **PARAMS).fit(data)
    values = np.ones(len(data))
    values[5] = -1.0
    window = data.with_values(values)
    with pytest.raises(RecstackError, match=r"negative|>= 0"):
        fold_in_model(model, window)
    # the same window without the dislike folds in
    fold_in_model(model, data)


def test_fold_in_items_names_its_rows_as_items_and_columns_as_users(data):
    model = create_model("ials", **PARAMS).fit(data)
    columns = sp.csr_matrix(np.r_[[1.0, -1.0], np.zeros(28)][None, :])
    with pytest.raises(RecstackError, match=r"^fold_in_items: .*negative value.*row 0, "
                                            r"column 1.*a row is a new item and a column "
                                            r"a row of user_factors"):
        fold_in_items(model, columns, model.user_factors_)
