"""Fifth bad-input probe, training values: models that read a value of 0 as no interaction
(or weight by the values) learned nothing from data whose every value is 0 (every score 0,
or, for the graph filters, an ArpackError), and nothing about a user whose every value is 0
(that user's scores were all 0, served as recommendations)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

#: configurations that learn from the values (or from the pattern of non-zero values)
VALUE_READERS = [
    ("ials", {}), ("user_knn", {}), ("gf_cf", {"k": 2}), ("bspm", {"k": 2}),
    ("item_knn", {"binary": False}), ("ease", {"binary": False}),
    ("rp3beta", {"binary": False}), ("content", {"binary": False}),
    pytest.param("lightgcn", {}, marks=pytest.mark.skipif(
        importlib.util.find_spec("torch") is None, reason="needs PyTorch")),
]
#: configurations that binarise every recorded pair: values of 0 are pairs like any other
PATTERN_READERS = [("ease", {}), ("item_knn", {}), ("rp3beta", {}), ("most_popular", {}),
                   ("als", {})]


def _make(name: str, params: dict):
    return create_model(name, **{**quick_params(name), **params})


def two_groups(values_of) -> Interactions:
    """12 users x 8 items: even users like even items, odd users odd items, 3 each."""
    users, items = [], []
    for user in range(12):
        own = [item for item in range(8) if item % 2 == user % 2]
        for step in range(3):
            users.append(user)
            items.append(own[(user // 2 + step) % 4])
    users, items = np.array(users), np.array(items)
    return Interactions.from_arrays(users, items, values_of(users))


@pytest.mark.parametrize(("name", "params"), VALUE_READERS)
def test_all_zero_values_are_refused_naming_the_cause(name, params):
    zeros = two_groups(lambda users: np.zeros(len(users)))
    with pytest.raises(RecstackError, match=rf"^{name}: every interaction value is 0 \(36 "
                                            r"rows\).*learn nothing.*implicit\(\)"):
        _make(name, params).fit(zeros)


@pytest.mark.parametrize(("name", "params"), PATTERN_READERS)
def test_models_that_binarise_every_pair_still_fit_all_zero_values(name, params):
    zeros = two_groups(lambda users: np.zeros(len(users)))
    ones = two_groups(lambda users: np.ones(len(users)))
    on_zeros = _make(name, params).fit(zeros).recommend([0, 1], k=2)[0]
    on_ones = _make(name, params).fit(ones).recommend([0, 1], k=2)[0]
    if name != "als":  # ALS weights zeros by confidence 1, ones by 1 + alpha: not equal
        assert on_zeros.tolist() == on_ones.tolist()


@pytest.mark.parametrize(("name", "params"), VALUE_READERS)
def test_a_user_whose_values_are_all_zero_is_refused_like_a_user_without_rows(name, params):
    # user 0's scores were all 0 (nothing learned), returned as a ranking
    data = two_groups(lambda users: np.where(users == 0, 0.0, 1.0))
    model = _make(name, params).fit(data)
    with pytest.raises(RecstackError, match=r"1 user\(s\) have no training interactions, "
                                            r"e\.g\. \[0\] \(no rows, or only values of 0"):
        model.recommend([0, 1], k=2)
    with pytest.raises(RecstackError, match="only values of 0"):
        model.score([0], [2])
    items, _ = model.recommend([1, 2], k=2)  # the others are served as before
    assert items.shape == (2, 2)


@pytest.mark.parametrize(("name", "params"), PATTERN_READERS)
def test_a_user_with_zero_values_is_served_by_models_that_binarise(name, params):
    data = two_groups(lambda users: np.where(users == 0, 0.0, 1.0))
    items, _ = _make(name, params).fit(data).recommend([0], k=2)
    assert items.shape == (1, 2)


# --------------------------------------------------------------------------- huge values
#: configurations that multiply the values into float32 sums of products
WEIGHTERS = [("item_knn", {"binary": False}), ("ease", {"binary": False}),
             ("user_knn", {"binary": False}), ("content", {"binary": False})]


@pytest.mark.parametrize(("name", "params"), WEIGHTERS)
def test_values_whose_products_overflow_float32_are_refused(name, params):
    # 1e20 squared is 1e40, beyond float32's 3.4e38: every score was 0 (cosines, content)
    # or NaN, which left every list empty (EASE)
    huge = two_groups(lambda users: np.full(len(users), 1e20))
    with pytest.raises(RecstackError, match=rf"^{name}: the interactions hold values up to "
                                            r"1e\+20; this model \(binary=False\) weights.*"
                                            r"beyond 1e\+15 overflow.*binary=True"):
        _make(name, params).fit(huge)


@pytest.mark.parametrize(("name", "params"), WEIGHTERS)
def test_histories_whose_products_overflow_float32_are_refused(name, params):
    model = _make(name, params).fit(two_groups(lambda users: np.ones(len(users))))
    history = np.zeros((1, 8))
    history[0, 2] = 1e20
    with pytest.raises(RecstackError, match=rf"^{name}: histories hold values up to 1e\+20"):
        model.score_histories(history)


@pytest.mark.parametrize(("name", "params"),
                         [*WEIGHTERS, ("rp3beta", {"binary": False}), ("item_knn", {}),
                          ("user_knn", {}), ("ials", {}), ("ease", {})])
def test_large_values_within_the_bound_still_rank_like_small_ones(name, params):
    # a scale-free ranking: every value 1e15 ranks as every value 1 (the binarising models
    # and RP3beta's row-normalised walk take any finite value)
    scale = 1e15 if (name, params) in WEIGHTERS else 1e30
    large = two_groups(lambda users: np.full(len(users), scale))
    ones = two_groups(lambda users: np.ones(len(users)))
    on_large = _make(name, params).fit(large).recommend([0, 1], k=2)[0]
    on_ones = _make(name, params).fit(ones).recommend([0, 1], k=2)[0]
    assert on_large.tolist() == on_ones.tolist()


@pytest.mark.parametrize(("name", "params"), [("ials", {}), ("gf_cf", {"k": 2}),
                                              ("item_knn", {"binary": False})])
def test_an_item_whose_values_are_all_zero_has_no_neighbours(name, params):
    # to these models the item has no interaction: iALS gave it neighbours from its random
    # starting vector, and it was others' neighbour
    data = two_groups(lambda users: np.ones(len(users)))
    values = np.where(data.items.to_external(data.item_index) == 0, 0.0, 1.0)
    model = _make(name, params).fit(data.with_values(values))
    items, scores = model.similar_items([0], k=3)
    assert items.tolist() == [[-1, -1, -1]] and np.isneginf(scores).all()
    neighbours, _ = model.similar_items([2], k=7)
    assert 0 not in neighbours.tolist()[0]
