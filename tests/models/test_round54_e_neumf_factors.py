"""NeuMF warns, as the README's list says, when ``factors`` exceeds both the users and the
items of the training data, and keeps a tuning search to that rank."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models import create_model  # noqa: E402
from recstack.models.neumf import NeuMF  # noqa: E402

# 6 users x 5 items, each user with 3 items: the scores' rank is at most min(6, 5) = 5
USERS = np.repeat(np.arange(6), 3)
ITEMS = np.array([(user + step) % 5 for user in range(6) for step in range(3)])


def _train() -> Interactions:
    return Interactions.from_frame(pd.DataFrame({"user_id": USERS, "item_id": ITEMS}))


def _excess_warnings(factors: int) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_model("neumf", factors=factors, layers=[4, 2], reg_layers=[0.0, 0.0],
                     epochs=1, device="cpu").fit(_train())
    return [str(w.message) for w in caught if "more than both" in str(w.message)]


def test_factors_above_both_counts_warns_naming_the_rank() -> None:
    messages = _excess_warnings(7)
    assert len(messages) == 1
    assert "neumf: factors=7" in messages[0]
    assert "use factors <= 5" in messages[0]


def test_factors_at_the_item_count_does_not_warn() -> None:
    assert _excess_warnings(5) == []


def test_data_limits_keep_factors_to_the_rank() -> None:
    limit, words = NeuMF.data_limits(6, 5)["factors"]
    assert limit == 6  # exclusive: factors up to min(6, 5) = 5
    assert "factors <= min(n_users, n_items) = 5" in words
