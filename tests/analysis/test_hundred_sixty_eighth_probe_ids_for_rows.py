"""Ids given where the neighbour functions take row numbers (``["m42"]``, or ``"42"`` read
from a file): the refusal said to convert the text to numbers ("e.g. pandas.to_numeric,
or the seconds of a time"), which turned item "42" into row 42 and listed another item's
neighbours without a word. Now it says the rows are row numbers, not ids, names the
entry and how to get the rows of ids (the model's id map)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import cosine_top_k, nearest_neighbours
from recstack.errors import RecstackError

VECTORS = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, 0.2]])


def _expected(position: int, shown: str) -> str:
    return (f"query rows must be row numbers of the vectors (integers in [0, 5)), not ids: "
            f"position {position} holds the text {shown}; give the rows of the ids, e.g. "
            "model.items_.to_index(ids) (model.users_ for users)")


@pytest.mark.parametrize(("queries", "position", "shown"), [
    (["3"], 0, "'3'"),
    ("3", 0, "'3'"),
    (np.array(["3", "1"]), 0, "'3'"),
    ([1, "m42"], 1, "'m42'"),
    ([b"3"], 0, "b'3'"),
    (np.array([2, "x"], dtype=object), 1, "'x'"),
])
@pytest.mark.parametrize("call", ["nearest_neighbours", "cosine_top_k"])
def test_ids_where_rows_go_are_named_as_ids(queries, position, shown, call):
    function = {"nearest_neighbours": nearest_neighbours, "cosine_top_k": cosine_top_k}[call]
    with pytest.raises(RecstackError) as caught:
        function(VECTORS, queries, 2)
    assert str(caught.value) == _expected(position, shown)


def test_a_long_id_is_cut_in_the_message():
    with pytest.raises(RecstackError) as caught:
        nearest_neighbours(VECTORS, ["x" * 5000], 2)
    message = str(caught.value)
    assert len(message) < 600
    assert "(5,002 characters)" in message  # the repr, quotes included


def test_row_numbers_still_give_the_neighbours_worked_by_hand():
    # row 0 = (1, 0): cosines 0.9939 (row 1), 0.1104 (row 3), 0 (row 2), -0.9806 (row 4)
    table = nearest_neighbours(VECTORS, np.array([0], dtype=object), 2)
    assert table.neighbours.tolist() == [[1, 3]]
    assert table.similarities[0].tolist() == pytest.approx(
        [0.9 / np.hypot(0.9, 0.1), 0.1 / np.hypot(0.1, 0.9)], rel=1e-6)
