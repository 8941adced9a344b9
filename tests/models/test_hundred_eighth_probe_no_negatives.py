"""Pairwise models on data where no user has an item left to rank.

BPR and LightGCN learn from (user, positive, negative) triples, the negative an item the
user has not interacted with. When every user with training rows has every item, no
negative exists: every positive was skipped, nothing was learned, and the fitted model's
vectors were their random start (its lists were noise), without a word. Such a fit is now
refused, naming the model and what to give instead; data where only some users have every
item still trains (those users' positives are skipped, as documented).
"""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

PARAMS = {
    "bpr": {"factors": 2, "epochs": 3},
    "lightgcn": {"dim": 2, "layers": 1, "epochs": 2, "batch_size": 8, "device": "cpu"},
    "lightgcn_pp": {"dim": 2, "layers": 1, "epochs": 2, "batch_size": 8, "device": "cpu"},
}


def everyone_has_everything(n_users=3, n_items=4):
    return Interactions.from_arrays(np.repeat(np.arange(n_users), n_items),
                                    np.tile(np.arange(n_items), n_users), None,
                                    np.arange(n_users * n_items))


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_a_fit_without_any_negative_is_refused(name):
    model = create_model(name, **PARAMS[name])
    with pytest.raises(RecstackError, match=rf"^{name}: every user with training rows has "
                                            r"interacted with every one of the 4 item\(s\), "
                                            r"so there is no negative item to sample"):
        model.fit(everyone_has_everything())
    assert not model.is_fitted  # nothing half-fitted left behind


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_users_without_rows_do_not_make_negatives(name):
    # a split's shared vocabulary: user 3 keeps its id but has no training row, and so
    # no negative either
    full = everyone_has_everything(4, 4)
    train = full.for_users(np.arange(3))
    assert train.n_users == 4 and train.user_counts()[3] == 0
    with pytest.raises(RecstackError, match="no negative item to sample"):
        create_model(name, **PARAMS[name]).fit(train)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_one_user_with_a_negative_is_enough_to_train(name):
    users = np.r_[np.repeat(np.arange(3), 4), 3, 3]
    items = np.r_[np.tile(np.arange(4), 3), 0, 1]
    model = create_model(name, **PARAMS[name]).fit(
        Interactions.from_arrays(users, items, None, np.arange(len(users))))
    assert model.is_fitted
