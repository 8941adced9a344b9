"""Two-hundred-forty-second bad-input probe, the remedy of the excess-factors warning: a
fit with more factors than both users and items said the scores have rank at most the
smaller count, then advised staying within the larger one (``factors=50`` on 40 users and
20 items: "use factors <= 40"), where every dimension past 20 is as idle as those past
40. The remedy now names the rank."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


@pytest.fixture(scope="module")
def data():
    # 6 users x 4 items, each user 2 items: the scores have rank at most 4
    users = np.repeat(np.arange(6), 2)
    items = np.array([0, 1, 1, 2, 2, 3, 3, 0, 0, 2, 1, 3])
    return Interactions.from_arrays(users, items, values=np.full(12, 4.0),
                                    rating_range=(1.0, 5.0))


MODELS = [
    ("ials", "factors", {"iterations": 1}),
    ("als", "factors", {"iterations": 1, "num_threads": 1}),
    ("bpr", "factors", {"epochs": 1}),
    ("mf", "factors", {"epochs": 1, "device": "cpu"}),
    ("lightgcn", "dim", {"epochs": 1, "layers": 1, "device": "cpu"}),
]


@pytest.mark.parametrize(("name", "param", "params"), MODELS)
def test_the_remedy_names_the_rank_not_the_larger_count(data, name, param, params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model(name, **{param: 9}, **params).fit(data)
    texts = [str(w.message) for w in caught if "is more than both" in str(w.message)]
    assert texts == [
        f"{name}: {param}=9 is more than both the 6 user(s) and the 4 item(s) of the "
        "training data; the scores have rank at most 4, so the dimensions past 4 only cost "
        f"time and memory; use {param} <= 4"]
