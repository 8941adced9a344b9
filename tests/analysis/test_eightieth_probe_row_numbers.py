"""Row numbers are integers everywhere (as top-k's user_index), and a map's colour label
is text (eightieth probe)."""
from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis.neighbours import cosine_top_k, nearest_neighbours
from recstack.analysis.projections import Projection
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(3).normal(size=(12, 4))


@pytest.mark.parametrize("rows", [[1.0], np.array([2.0, 3.0]), [1, 2.0], 4.0,
                                  np.array([1.0], np.float32)])
@pytest.mark.parametrize("call", [lambda rows: cosine_top_k(VECTORS, rows, 2),
                                  lambda rows: nearest_neighbours(VECTORS, rows, 2)])
def test_a_whole_float_row_number_is_refused(call, rows):
    with pytest.raises(RecstackError, match=r"query rows must be row numbers \(integers\), "
                                            r"not floats; position \d holds"):
        call(rows)


@pytest.mark.parametrize("rows", [[1], np.array([2, 3], np.int32), 4, np.uint8(5)])
def test_integer_row_numbers_still_work(rows):
    expected = np.atleast_1d(np.asarray(rows)).astype(np.int64).tolist()
    assert nearest_neighbours(VECTORS, rows, 2).queries.tolist() == expected


@pytest.mark.parametrize("label", [5, ["a"], None, b"count"])
def test_a_colour_label_that_is_not_text_is_refused(label):
    projection = Projection("tsne", np.arange(12), VECTORS[:, :2], 12, 0)
    with pytest.raises(RecstackError, match=r"colour_label must be text"):
        projection.chart(np.arange(12.0), colour_label=label)
    projection.chart(np.arange(12.0), colour_label="count")
