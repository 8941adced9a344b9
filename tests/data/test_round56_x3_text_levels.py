"""The ranking stage's refusal of a categorical feature given as text levels, mended after
review: it checked each value of every text or object column in Python on every scoring
call; pandas' typed scan now settles a column of one kind of value, with the same refusals
(text, and text mixed with numbers) and the same acceptances (integer codes held as
objects, missing values only). Lives beside the data tests by the round's file naming."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema, _refuse_text_levels

SCHEMA = FeatureSchema((Feature("price", "numeric"),
                        Feature("genre", "categorical", cardinality=4)))
INDEX = {"users": [0, 0, 1, 1], "items": [0, 1, 0, 1], "groups": [0, 0, 1, 1]}


def _frame(genre: pd.Series) -> FeatureFrame:
    return FeatureFrame(SCHEMA, np.ones((4, 1)), pd.DataFrame({"genre": genre}), **INDEX)


@pytest.fixture
def no_python_map(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_args, **_kwargs):
        raise AssertionError("a Python function ran on each value of the column")

    monkeypatch.setattr(pd.Series, "map", refused)


@pytest.mark.parametrize("genre", [
    pd.Series(["drama", "comedy", "drama", "horror"]),  # pandas' default text dtype
    pd.Series(["drama", None, "drama", "horror"], dtype=object),
])
def test_text_is_refused_without_a_python_pass(genre: pd.Series, no_python_map: None) -> None:
    with pytest.raises(RecstackError, match="categorical feature 'genre' holds text"):
        _frame(genre)


@pytest.mark.parametrize("genre", [[1, 2, 3, 1], [None, None, None, None], [1.0, None, 2.0, 3.0]])
def test_numbers_or_missing_values_held_as_objects_are_not_text(genre: list[object],
                                                                no_python_map: None) -> None:
    # the text check itself: what follows it (codes as integers) is not under test here
    frame = pd.DataFrame({"genre": pd.Series(genre, dtype=object)})
    _refuse_text_levels(frame, SCHEMA.categorical)


@pytest.mark.parametrize("genre", [[1, "drama", 2, 3], [1.5, "drama", 2.0, 3.0]])
def test_text_among_numbers_is_refused(genre: list[object]) -> None:
    with pytest.raises(RecstackError, match="categorical feature 'genre' holds text") as caught:
        _frame(pd.Series(genre, dtype=object))
    assert "'drama'" in str(caught.value)
