"""Eighth probe, from_frame given one column for two roles: ``user_col="item_id"`` read the
items as the users too, and ``timestamp_col="value"`` the ratings as times, without a
word (load_table refuses both)."""

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


@pytest.fixture
def frame():
    return pd.DataFrame({"user_id": [1, 2], "item_id": [3, 4], "value": [4.0, 5.0]})


@pytest.mark.parametrize(("options", "message"), [
    ({"user_col": "item_id"}, r"column 'item_id' would hold both the user ids "
                              r"\(user_col='item_id'\) and the item ids \(item_col='item_id'\)"),
    ({"timestamp_col": "value"}, r"column 'value' would hold both the values "
                                 r"\(value_col='value'\) and the timestamps .*"
                                 r"\(timestamp_col=None for none\)$"),
])
def test_one_column_for_two_roles_is_refused(frame, options, message):
    with pytest.raises(ConfigError, match=r"from_frame: " + message):
        Interactions.from_frame(frame, **options)
    # the ratings as times is fine once the ratings are no values
    data = Interactions.from_frame(frame, value_col=None, timestamp_col="value")
    assert data.timestamp.tolist() == [4, 5] and data.value.tolist() == [1.0, 1.0]
