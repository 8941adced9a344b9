"""Hundred-eighty-third probe, the values inside SASRec's sequences: each sequence was
read with ``np.asarray``, which makes a list mixing text with other values all text and a
list of integers holding a boolean all integers. So ``["i0", nan]`` was refused as the
unknown item ``'nan'``, ``["i0", True]`` as the unknown item ``'True'``, and ``[0, True]``
was read as the items 0 and 1 (by ``recommend_sequences``, on integer ids) or the indices
0 and 1 (by ``score_sequences``), a silently wrong answer. Sequences are now read as the
ids of every other method are: a missing value or a boolean is refused by position.
User ids given in a sequence are named as such."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def text_model():
    data = Interactions.from_arrays(["u0", "u0", "u0", "u1", "u1", "u2", "u2"],
                                    ["i0", "i1", "i2", "i1", "i2", "i0", "i2"],
                                    timestamps=[1, 2, 3, 4, 5, 6, 7])
    return create_model("sasrec", **quick_params("sasrec")).fit(data)


@pytest.fixture(scope="module")
def integer_model():
    # items 0, 1, 2: True would be item 1 (and index 1)
    data = Interactions.from_arrays([10, 10, 10, 11, 11, 12, 12], [0, 1, 2, 1, 2, 0, 2],
                                    timestamps=[1, 2, 3, 4, 5, 6, 7])
    return create_model("sasrec", **quick_params("sasrec")).fit(data)


@pytest.mark.parametrize("value, said", [(float("nan"), r"NaN \(a missing id\)"),
                                         (None, r"None \(a missing id\)"),
                                         (True, r"True, a boolean")])
def test_a_value_that_is_no_id_is_named_by_position(text_model, value, said):
    with pytest.raises(DataFormatError, match=r"^sasrec: sequence 1: the value at position "
                                              rf"2 is {said}"):
        text_model.recommend_sequences([["i0"], ["i1", "i2", value]], k=1)


def test_a_boolean_is_not_item_one(integer_model):
    with pytest.raises(DataFormatError, match=r"sequence 0: the value at position 1 is "
                                              r"True, a boolean"):
        integer_model.recommend_sequences([[0, True]], k=1)
    # the same sequence with the item written as 1 is served
    assert integer_model.recommend_sequences([[0, 1]], k=1).item_ids.shape == (1, 1)


def test_a_boolean_is_not_index_one(integer_model):
    with pytest.raises(RecstackError, match=r"sequence 0 must hold item indices in \[0, 3\), "
                                            r"but its position 1 holds True, true/false"):
        integer_model.score_sequences([[0, True]])
    assert integer_model.score_sequences([[0, 1]]).shape == (1, 3)


def test_text_and_numbers_keep_what_they_are(integer_model):
    # "1" is the integer id 1 and 2.0 the integer 2, by the id rule of every loader
    by_text = integer_model.recommend_sequences([["0", "1"]], k=2)
    by_number = integer_model.recommend_sequences([[0.0, 1]], k=2)
    expected = integer_model.recommend_sequences([[0, 1]], k=2)
    for got in (by_text, by_number):
        np.testing.assert_array_equal(got.item_ids, expected.item_ids)
        np.testing.assert_array_equal(got.scores, expected.scores)


def test_user_ids_in_a_sequence_are_named(text_model):
    with pytest.raises(RecstackError, match=r"holds 1 item id\(s\) the model does not know: "
                                            r"'u1' at position 0 .* \(it is an id of the "
                                            r"model's users, not of its items: .*swapped\?\)$"):
        text_model.recommend_sequences([["u1"]], k=1)
