"""Two-tower users whose every training row went to the validation hold-out
(``validation_fraction``): fit warned that they "have no training rows" and recommend that
they "have no training interactions", sending the user looking for rows that are in the
training data. Now both say the rows were held out for validation."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import PopularityFallbackWarning

FAST = {"dim": 4, "hidden": 8, "epochs": 1, "batch_size": 64, "device": "cpu"}


def data_with_single_row_users():
    # users 0..19 have 6 rows each; users 20..39 one row each, which the hold-out takes or not
    users = np.r_[np.repeat(np.arange(20), 6), np.arange(20, 40)]
    items = np.random.default_rng(1).integers(0, 12, len(users))
    return Interactions.from_arrays(users, items, None, np.arange(len(users)),
                                    duplicates="last")


def test_users_whose_rows_all_went_to_validation_are_said_so():
    data = data_with_single_row_users()
    model = create_model("two_tower", validation_fraction=0.3, **FAST)
    with pytest.warns(UserWarning, match=r"^two_tower: \d+ user\(s\) had every training row "
                                         r"held out for validation \(validation_fraction=0\.3\)"
                                         r", so the towers learned nothing of them; they are "
                                         r"scored by item popularity$"):
        model.fit(data)
    held = np.flatnonzero(model.users_without_history_)
    assert len(held) and (np.diff(data.to_csr().indptr)[held] > 0).all()
    with pytest.warns(PopularityFallbackWarning, match=rf"^two_tower: {len(held)} user\(s\) "
                                                       r"had every training row held out for "
                                                       r"validation"):
        model.recommend(model.users_.to_external(held), k=3)


def test_users_without_any_row_keep_their_words():
    data = data_with_single_row_users()
    rows = data.select(data.user_index < 30)  # users 30..39 stay in the vocabulary, no rows
    model = create_model("two_tower", **FAST)
    # users without rows are no news at fit (a users split holds them out by design):
    # recommend names them when it serves them by popularity
    with warnings.catch_warnings(record=True) as fitting:
        warnings.simplefilter("always")
        model.fit(rows)
    assert not [str(w.message) for w in fitting if "no training rows" in str(w.message)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.recommend([30, 31], k=3)
    assert [str(w.message) for w in caught if "have no training interactions, e.g. [30, 31]"
            in str(w.message)]
