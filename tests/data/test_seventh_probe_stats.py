"""Seventh probe, describe() of a part of the data (a split's train part keeps the whole
vocabulary): users without a row were counted as users with nothing said (items without
rows were already noted), and a part without rows said it had no timestamps."""

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.data.stats import describe


def _three_users():
    return Interactions.from_frame(pd.DataFrame({
        "user_id": ["a", "a", "b", "c"], "item_id": [1, 2, 1, 2], "timestamp": [5, 6, 7, 8]}))


def test_users_without_rows_are_counted_and_shown():
    data = _three_users()
    part = data.select(data.user_index != data.users.to_index(["c"])[0])  # c's row left out
    summary = describe(part)
    assert summary.users == 3 and summary.users_without_rows == 1
    assert "users       3 (1 without interactions)" in str(summary)


def test_a_timestamped_part_without_rows_says_no_rows():
    data = _three_users()
    summary = describe(data.select(np.zeros(len(data), bool)))
    assert "time range  (no rows)" in str(summary)
    assert "time range  (no timestamps)" in str(describe(Interactions.from_frame(
        pd.DataFrame({"user_id": [1], "item_id": [2]}))))
