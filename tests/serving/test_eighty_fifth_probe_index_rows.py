"""Row ``i`` of an item index is item index ``i``: a DataFrame of item vectors whose index
is the item indices in another order (sorted by a column, or rows taken in another order)
is refused by name, as the embedding analyses refuse it. It was read by position, so each
item was searched with another item's vector."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.serving.ann import ItemIndex

VECTORS = np.random.default_rng(3).normal(size=(12, 4)).astype(np.float32)


@pytest.mark.parametrize("backend", ["exact", "auto"])
def test_vectors_indexed_by_the_item_indices_in_another_order_are_refused(backend):
    frame = pd.DataFrame(VECTORS).sort_values(0)  # index: the row numbers, reordered
    assert not frame.index.equals(pd.RangeIndex(12))
    with pytest.raises(ConfigError, match=r"item vectors is a pandas DataFrame indexed by the "
                                          r"row numbers in another order \(position 0 holds "
                                          rf"row {frame.index[0]}\).*\.sort_index\(\)"):
        ItemIndex.build(frame, backend=backend)


def test_vectors_in_row_order_or_with_other_labels_are_read_by_position():
    query = VECTORS[:2]
    expected = ItemIndex.build(VECTORS, backend="exact").search(query, 3)
    for frame in (pd.DataFrame(VECTORS), pd.DataFrame(VECTORS).sort_values(0).sort_index(),
                  pd.DataFrame(VECTORS, index=[f"item{i}" for i in range(12)])):
        found = ItemIndex.build(frame, backend="exact").search(query, 3)
        np.testing.assert_array_equal(found[0], expected[0])
        # inner products of the query with the items, from the definition
        np.testing.assert_allclose(found[1], np.take_along_axis(query @ VECTORS.T, found[0],
                                                                axis=1), rtol=1e-6)
