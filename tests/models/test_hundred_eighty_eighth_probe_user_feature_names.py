"""A two-tower model's ``user_features`` naming a column the user table lacks was refused
as "user_table has no column(s) ['agee']; its columns are ['user_id', 'age', 'city']":
the nearest column of a misspelt name was not said, as a re-ranker's missing item column
says it, and the lists were Python's. It now names the setting, the nearest column and the
columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import ConfigError  # noqa: E402
from recstack.models import create_model  # noqa: E402
from tests.models.quick_params import quick_params  # noqa: E402


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(12), 4)
    items = rng.integers(0, 8, len(users))
    table = pd.DataFrame({"user_id": np.arange(12), "age": rng.integers(10, 80, 12),
                          "city": rng.choice(["a", "b"], 12)})
    return Interactions.from_arrays(users, items, duplicates="last", user_table=table)


def _fit(train, user_features):
    params = quick_params("two_tower") | {"epochs": 1, "user_features": user_features}
    return create_model("two_tower", **params).fit(train)


@pytest.mark.parametrize(("given", "said"), [
    (["agee"], "column 'agee' (did you mean 'age'?)"),
    (["City"], "column 'City' (did you mean 'city'?)"),
    (["city", "zzz", "agee"], "columns 'zzz', 'agee'"),
])
def test_a_missing_user_feature_column_is_named_with_the_nearest(train, given, said):
    with pytest.raises(ConfigError) as refused:
        _fit(train, given)
    assert str(refused.value) == (f"two_tower: user_features: the user table has no {said}; "
                                  "its columns are: 'user_id', 'age', 'city'")


def test_columns_the_table_has_still_fit(train):
    assert _fit(train, ["city"]).is_fitted
