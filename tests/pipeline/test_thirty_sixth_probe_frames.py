"""Feature frames: a DataFrame of features whose text column names are none of the schema's
(misspelt) is refused instead of read by position; extra per-row columns of another length
are refused; concat_frames names a wrong argument instead of failing inside Python."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema, concat_frames

SCHEMA = FeatureSchema((Feature("price", "numeric"), Feature("genre", "categorical",
                                                              cardinality=3)))


def frame(numeric, categorical=None, **extra) -> FeatureFrame:
    codes = np.array([[1], [2]]) if categorical is None else categorical
    return FeatureFrame(SCHEMA, numeric, codes, [0, 1], [0, 1], [0, 1], extra)


def test_misspelt_text_column_names_are_refused_not_read_by_position():
    with pytest.raises(RecstackError, match="^feature frame: the numeric features' columns are "
                                            "not the schema's \\(missing 'price'; not in the "
                                            "schema 'pric'\\); the schema declares 'price'$"):
        frame(pd.DataFrame({"pric": [9.5, 1.0]}))
    with pytest.raises(RecstackError, match="^feature frame: the categorical features' columns "
                                            "are not the schema's \\(missing 'genre'; not in "
                                            "the schema 'genres'\\)"):
        frame(np.array([[9.5], [1.0]]), pd.DataFrame({"genres": [1, 2]}))


def test_named_and_integer_labelled_frames_are_still_read():
    by_name = frame(pd.DataFrame({"price": [9.5, 1.0]}), pd.DataFrame({"genre": [2, 1]}))
    np.testing.assert_array_equal(by_name.column("price"), [9.5, 1.0])
    np.testing.assert_array_equal(by_name.column("genre"), [2, 1])
    by_position = frame(pd.DataFrame([[4.0], [5.0]]))  # columns 0: an array's, by position
    np.testing.assert_array_equal(by_position.column("price"), [4.0, 5.0])


@pytest.mark.parametrize(("extra", "message"), [
    ({"rating": np.zeros(5)}, "^feature frame: extra column 'rating' has 5 rows, the frame 2; "
                              "give one value per row$"),
    ({"rating": 3.0}, "^feature frame: extra column 'rating' has 1 rows, the frame 2"),
])
def test_extra_columns_of_another_length_are_refused(extra, message):
    with pytest.raises(RecstackError, match=message):
        frame(np.zeros((2, 1)), **extra)
    kept = frame(np.zeros((2, 1)), rating=np.array([3.0, 4.0])).take(np.array([1]))
    np.testing.assert_array_equal(kept.extra["rating"], [4.0])


def test_concat_frames_names_a_wrong_argument():
    one = frame(np.zeros((2, 1)))
    with pytest.raises(RecstackError, match="^concat_frames: frames must be a list of "
                                            "FeatureFrames, got FeatureFrame \\(one frame: wrap "
                                            "it in a list\\)$"):
        concat_frames(one)
    with pytest.raises(RecstackError, match="^concat_frames: frames\\[1\\] is a DataFrame, not "
                                            "a FeatureFrame$"):
        concat_frames([one, pd.DataFrame()])
    with pytest.raises(RecstackError, match="^concat_frames: frames must be a list"):
        concat_frames("frames")
    assert len(concat_frames([one])) == 2
