"""Hundred-seventy-first bad-input probe: categorical levels written as bytes.

The feature builder named each level by ``str(value)`` at fit (``b"Drama"`` is the level
``"b'Drama'"``) but looked values up at build with numpy's and pandas' ``astype(str)``,
which decode bytes (``"Drama"``): every row of a bytes column was the unknown level (code
0), and a multi-valued column of bytes labels gave every user an affinity of 0, silently.
Fit and build now name a value the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder

DAY = 86_400
CUTOFF = 10 * DAY


def _log(column: list) -> Interactions:
    """u0: i0 day 9, i1 day 8; u1: i0 day 7; u2: i1 day 2; items 0..2 with ``kind``."""
    items = pd.DataFrame({"item_id": [0, 1, 2], "kind": pd.Series(column, dtype=object)})
    return Interactions.from_arrays(np.array([0, 0, 1, 2]), np.array([0, 1, 0, 1]), None,
                                    np.array([9, 8, 7, 2]) * DAY, item_table=items,
                                    keep_unseen_items=True)


def _candidates() -> Candidates:
    # pairs (u0, i0), (u0, i2), (u1, i0), (u2, i1)
    return Candidates(np.array([0, 0, 1, 2]), np.array([0, 2, 0, 1]),
                      np.array([[0.9], [0.2], [0.5], [0.1]], np.float32),
                      np.array([[1], [2], [2], [1]], np.float32), ("a",), 2)


def _frame(column: list):
    data = _log(column)
    builder = FeatureBuilder(item_columns=["kind"]).fit(data, ("a",), 2)
    return builder, builder.build(_candidates(), builder.statistics(data, CUTOFF))


def test_a_column_of_bytes_keeps_its_levels():
    builder, frame = _frame([b"a", b"b", b"a"])
    # levels sorted: "b'a'" 1, "b'b'" 2; items 0, 2, 0, 1 -> 1, 1, 1, 2
    assert frame.column("item_kind").tolist() == [1, 1, 1, 2]
    kinds = {f.name: (f.kind, f.cardinality) for f in builder.schema_.features}
    assert kinds["item_kind"] == ("categorical", 3)


def test_multi_valued_bytes_labels_give_the_same_features_as_text():
    # u0's history: i0 (x, y) and i1 (y): x 1/2, y 2/2; u1's: i0 -> x 1, y 1;
    # u2's: i1 -> y 1. Affinity = mean over the item's labels:
    # (u0, i0) (1/2 + 1)/2 = 0.75; (u0, i2) x: 0.5; (u1, i0) 1; (u2, i1) y: 1
    expected = [0.75, 0.5, 1.0, 1.0]
    for labels in ([[b"x", b"y"], [b"y"], [b"x"]], [["x", "y"], ["y"], ["x"]]):
        _, frame = _frame(labels)
        np.testing.assert_allclose(frame.column("user_kind_affinity"), expected)
        # first listed label: x for i0 and i2, y for i1 (levels x 1, y 2)
        assert frame.column("item_kind").tolist() == [1, 1, 1, 2]
