"""Fifty-sixth bad-input probe, text in histories: a history matrix held as Python objects
(a frame read from a CSV without types) whose cells are text was converted by numpy, so
"1" silently became the interaction value 1.0 (while a numpy text array, and text that is
no number, were refused). Text is now refused wherever it is, naming the cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    return create_model("ease").fit(Interactions.from_arrays([0, 1, 2, 2], [0, 1, 1, 2]))


@pytest.mark.parametrize("histories, where", [
    (pd.DataFrame([["1", "0", "1"]]), r"\(row, column\) \(0, 0\)"),
    (pd.DataFrame([[1, 0, "1"]]), r"\(row, column\) \(0, 2\)"),
    (np.array([[1.0, 0.0, 0.0], [0.0, b"1", 0.0]], dtype=object), r"\(row, column\) \(1, 1\)"),
    (np.array([1.0, "0", 1.0], dtype=object), "position 1"),
])
def test_text_cells_are_refused_naming_the_cell(model, histories, where):
    with pytest.raises(RecstackError, match=f"matrix of numbers.*got text.*{where}"):
        model.score_histories(histories)


def test_a_list_with_text_is_refused(model):
    # numpy reads such a list as a text array: refused by its dtype
    with pytest.raises(RecstackError, match="must hold numbers"):
        model.score_histories([[1, "1", 0]])


def test_numbers_held_as_objects_are_still_read(model):
    as_objects = np.array([[1, 0, 1.0]], dtype=object)
    np.testing.assert_array_equal(model.score_histories(as_objects),
                                  model.score_histories(np.array([[1.0, 0.0, 1.0]])))
