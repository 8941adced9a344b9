"""Ninety-sixth bad-input probe, ``label_context``: labels were read as any numbers, so a
-1/+1 labelling took a random context for each -1 (read as a negative) without a word,
while every other reader of pipeline labels (``sample_negatives``, ``class_weights``,
``downsample_negatives``) refuses a label below 0 through ``positive_labels``. It now reads
them through the same function: true/false are outcomes, text is refused."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.features import label_context


@pytest.fixture(scope="module")
def window() -> Interactions:
    # user "a" saw items 1 (t=10) and 2 (t=20); "b" saw 3 (t=30)
    return Interactions.from_arrays(["a", "a", "b"], [1, 2, 3], timestamps=[10, 20, 30])


def test_a_label_below_zero_is_refused_naming_its_row(window):
    with pytest.raises(RecstackError, match=r"label_context: labels must be >= 0 \(1 or a "
                       r"grade > 0 for a positive, 0 for a negative\), row 1 is -1.0; map "
                       r"-1/\+1 labels to 0/1 first"):
        label_context(np.array([0, 0]), np.array([0, 1]), np.array([1, -1]), window)


def test_text_labels_are_refused(window):
    with pytest.raises(RecstackError, match="label_context: labels must be an array of "
                       "numbers"):
        label_context(np.array([0]), np.array([0]), np.array(["1"]), window)


def test_true_false_labels_are_outcomes(window):
    users = window.users.to_index(np.array(["a", "a"]))
    items = window.items.to_index(np.array([1, 2]))
    # by definition: a positive takes the time of its own interaction (items 1 and 2 of
    # user "a" at 10 and 20)
    context = label_context(users, items, np.array([True, True]), window)
    assert context["timestamp"].tolist() == [10, 20]
