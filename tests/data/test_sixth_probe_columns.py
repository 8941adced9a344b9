"""Sixth probe, columns handed to Interactions: text inside an object column is not read
as numbers, true/false is no time, and a pandas text column with a gap names the row."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError


@pytest.mark.parametrize(("values", "shown"), [
    # numpy read '1_0' as 10 and the Arabic-Indic digit three as 3
    (np.array([1, "1_0", "\u0663"], dtype=object), "'1_0'"),
    (pd.Series(["4", "5", "3"], dtype=object), "'4'"),
])
def test_text_among_values_is_refused_not_parsed(values, shown):
    with pytest.raises(DataFormatError, match=rf"column 'value': holds text such as {shown} "
                                              r"\(expected numbers \(convert text first"):
        Interactions.from_arrays([1, 2, 3], [4, 5, 6], values=values)


def test_text_in_a_frame_column_of_ratings_is_refused():
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 4],
                          "rating": pd.Series([4.5, "1_0"], dtype=object)})
    # named by the frame's own column, not by its role ('value')
    with pytest.raises(DataFormatError, match=r"column 'rating': holds text such as '1_0'"):
        Interactions.from_frame(frame, value_col="rating")


def test_text_among_timestamps_is_refused_not_parsed():
    times = np.array([1_600_000_000, "1_600_000_001"], dtype=object)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': holds text such as "
                                              r"'1_600_000_001'"):
        Interactions.from_arrays([1, 2], [3, 4], timestamps=times)


def test_true_false_timestamps_are_refused():
    # they were the seconds 1 and 0 of 1970
    with pytest.raises(DataFormatError, match=r"column 'timestamp': holds true/false values, "
                                              r"e\.g\. \[True, False\] \(expected Unix "
                                              r"seconds"):
        Interactions.from_arrays([1, 2], [3, 4], timestamps=np.array([True, False]))


@pytest.mark.parametrize("users", [
    pd.array(["a", None], dtype="string"),
    pd.Series(["a", pd.NA], dtype="string"),
    np.array(["a", pd.NA], dtype=object),
])
def test_a_missing_id_in_a_pandas_text_column_names_the_row(users):
    # pyarrow's "Expected bytes, got a 'NAType' object" traceback
    with pytest.raises(DataFormatError, match=r"column 'user_id': row 1 holds an empty id"):
        Interactions.from_arrays(users, [3, 4])


@pytest.mark.parametrize("rating_range", [(True, 5), ("1", "5"), (1 + 0j, 5)])
def test_a_rating_range_of_other_things_than_numbers_is_refused(tmp_path, rating_range):
    # float() made (True, 5) and ('1', '5') the range (1.0, 5.0)
    with pytest.raises(DataFormatError, match=r"column 'value': rating_range = .* \(expected "
                                              r"\(low, high\), two numbers\)"):
        Interactions.from_arrays([1], [2], values=[3.0], rating_range=rating_range)
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,2,3\n")
    with pytest.raises(RecstackError, match=r"rating_range must be two finite numbers"):
        load_table(path, rating_range=rating_range)


def test_a_duplicate_sum_beyond_float32_is_refused_naming_the_pair():
    # the sum became inf in float32: every score built on it NaN or inf
    with pytest.raises(DataFormatError, match=r"column 'value': the values of user 1 and item "
                                              r"7 sum to 6e\+38, beyond float32's range"):
        Interactions.from_arrays([1, 1], [7, 7], values=[3e38, 3e38], duplicates="sum")
    kept = Interactions.from_arrays([1, 1], [7, 7], values=[3e38, 3e38], duplicates="keep")
    with pytest.raises(DataFormatError, match=r"sum to 6e\+38"):
        kept.deduplicate("sum")


def test_a_duplicate_sum_beyond_float32_names_the_line_in_a_file(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,a,3e38\n2,b,1\n1,a,3e38\n")
    with pytest.raises(DataFormatError, match=r"log\.csv:4: column 'rating': the values of "
                                              r"user 1 and item 'a' sum to 6e\+38"):
        load_table(path, duplicates="sum")
