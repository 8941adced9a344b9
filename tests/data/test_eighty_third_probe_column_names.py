"""Columns named by case or a letter off: a frame's 'Rating' or 'Timestamp' is not dropped
without a word, and a column named that is not there is refused with the nearest name."""

import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, UnknownColumnError


@pytest.mark.parametrize("column, option", [("Rating", "value_col"), ("RATING", "value_col"),
                                            ("Score", "value_col"),
                                            ("Timestamp", "timestamp_col"),
                                            ("TIME", "timestamp_col"),
                                            ("Date Time", "timestamp_col")])
def test_a_frame_column_of_values_or_times_in_another_case_is_not_dropped(column, option):
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 4], column: [5, 1]})
    with pytest.raises(ConfigError, match=rf"has '{column}', which by its name holds the "
                                          rf".*name it with {option}='{column}'"):
        Interactions.from_frame(frame)
    # named, it is read
    data = Interactions.from_frame(frame, **{option: column})
    assert len(data) == 2


@pytest.mark.parametrize("column, option", [("User_ID", "user_col"), ("UserId", "user_col"),
                                            ("userId", "user_col"), ("Item ID", "item_col"),
                                            ("movieId", "item_col")])
def test_a_frame_id_column_spelled_otherwise_is_named_with_its_option(column, option):
    other = {"user_col": "item_id", "item_col": "user_id"}[option]
    frame = pd.DataFrame({column: [1, 2], other: [3, 4]})
    with pytest.raises(UnknownColumnError, match=rf"'{column}' seems to hold the "
                                                 rf"(user|item) ids: name it with "
                                                 rf"{option}='{column}'"):
        Interactions.from_frame(frame)


def test_a_frame_without_lookalikes_is_still_refused_listing_its_columns():
    frame = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(UnknownColumnError, match=r"no column 'user_id' for user ids; the "
                                                 r"columns are: 'a', 'b'$"):
        Interactions.from_frame(frame)


def test_a_named_frame_column_a_letter_off_gets_the_nearest():
    frame = pd.DataFrame({"user_id": [1], "item_id": [2], "rating": [4.0]})
    with pytest.raises(UnknownColumnError, match=r"\(did you mean 'rating'\?\)"):
        Interactions.from_frame(frame, value_col="Rating")
    with pytest.raises(UnknownColumnError, match=r"\(did you mean 'rating'\?\)"):
        Interactions.from_frame(frame, context_cols=["ratings"])


@pytest.mark.parametrize("options, near", [({"user_col": "userid"}, "user_id"),
                                           ({"value_col": "Rating"}, "rating"),
                                           ({"timestamp_col": "timestamps"}, "timestamp"),
                                           ({"context": ["Device"]}, "device")])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_named_file_column_a_letter_off_gets_the_nearest(tmp_path, options, near, suffix):
    frame = pd.DataFrame({"user_id": [1], "item_id": [2], "rating": [4.0],
                          "timestamp": [100], "device": ["tv"]})
    path = tmp_path / f"log{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    with pytest.raises(UnknownColumnError, match=rf"\(did you mean '{near}'\?\)$"):
        load_table(path, **options)
