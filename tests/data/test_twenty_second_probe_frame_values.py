"""Twenty-second probe, a DataFrame whose ratings or times are not in the default columns:
``Interactions.from_frame(ratings)`` of a frame with a 'rating' column and no 'value' read
every row as 1.0, and one with a 'ts' column and no 'timestamp' dropped the times, without
a word, where ``load_table`` reads those columns by the same names. Now refused, naming
the column and the option that reads it (or the one that reads none)."""

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


def _frame(**columns):
    return pd.DataFrame({"user_id": [1, 2, 2], "item_id": [10, 10, 20], **columns})


@pytest.mark.parametrize("column", ["rating", "ratings", "score", "weight", "count"])
def test_a_value_column_by_another_known_name_is_not_dropped(column):
    frame = _frame(**{column: [4.0, 5.0, 3.0]})
    with pytest.raises(ConfigError, match=rf"^from_frame: the frame has no column 'value' but "
                                          rf"has '{column}', which by its name holds the "
                                          rf"values \(load_table reads it so\); name it with "
                                          rf"value_col='{column}', or pass value_col=None to "
                                          r"read every row as 1\.0 \(implicit feedback\)$"):
        Interactions.from_frame(frame)


@pytest.mark.parametrize("column", ["time", "ts", "datetime", "date"])
def test_a_time_column_by_another_known_name_is_not_dropped(column):
    frame = _frame(**{column: [100, 200, 300]})
    with pytest.raises(ConfigError, match=rf"^from_frame: the frame has no column 'timestamp' "
                                          rf"but has '{column}', which by its name holds the "
                                          rf"timestamps \(load_table reads it so\); name it "
                                          rf"with timestamp_col='{column}', or pass "
                                          r"timestamp_col=None to read no times$"):
        Interactions.from_frame(frame)


def test_naming_the_columns_reads_them():
    frame = _frame(rating=[4.0, 5.0, 3.0], ts=[100, 200, 300])
    data = Interactions.from_frame(frame, value_col="rating", timestamp_col="ts")
    assert data.value.tolist() == [4.0, 5.0, 3.0]
    assert data.timestamp.tolist() == [100, 200, 300]


def test_none_reads_the_frame_as_implicit_feedback_without_times():
    frame = _frame(rating=[4.0, 5.0, 3.0], ts=[100, 200, 300])
    data = Interactions.from_frame(frame, value_col=None, timestamp_col=None)
    assert data.value.tolist() == [1.0, 1.0, 1.0] and data.timestamp is None


def test_a_known_name_in_another_role_is_left_alone():
    # 'count' holds the items here and 'date' is context: neither is a value or a time
    frame = pd.DataFrame({"user_id": [1, 2], "count": [10, 20], "date": ["a", "b"]})
    data = Interactions.from_frame(frame, item_col="count", context_cols=["date"])
    assert data.items.external_ids.tolist() == [10, 20]
    assert data.value.tolist() == [1.0, 1.0] and data.timestamp is None


def test_a_frame_with_the_default_columns_is_unchanged():
    frame = _frame(value=[2.0, 1.0, 3.0], timestamp=[1, 2, 3], other=[0, 0, 0])
    data = Interactions.from_frame(frame)
    assert data.value.tolist() == [2.0, 1.0, 3.0] and data.timestamp.tolist() == [1, 2, 3]
