"""Labels given as a table of 0/1 flags, one column per label (a multi-hot genre table).

Each row was read as the label codes it holds, 0 and 1: every item "shared" the label 0
with every other, and neighbourhood coherence read 100% against 100% for random items, a
verdict about the flags, not the embedding. Such a table is now refused, with the way to
give each row's labels; lists of label codes (rows of other numbers, or of any length)
are read as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.neighbours import label_matrix, neighbourhood_coherence
from recstack.errors import RecstackError

TABLE = np.array([[1, 0, 0], [1, 0, 1], [0, 1, 0], [0, 0, 0]])


@pytest.mark.parametrize("labels", [
    TABLE, TABLE.astype(float), TABLE.astype(bool), TABLE.tolist(),
    [tuple(row) for row in TABLE], pd.Series(list(TABLE)), list(TABLE.astype(np.int8))])
def test_a_flag_table_is_refused(labels: object) -> None:
    with pytest.raises(RecstackError, match=r"labels is a table of 0/1 flags \(4 rows x 3 "
                       r"columns.*np\.flatnonzero\(row\)"):
        label_matrix(labels)


def test_coherence_refuses_a_flag_table() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 4))
    table = np.eye(4, dtype=int)[rng.integers(0, 4, 40)]
    with pytest.raises(RecstackError, match="table of 0/1 flags"):
        neighbourhood_coherence(vectors, table, k=3)


def test_the_remedy_gives_each_rows_labels() -> None:
    matrix, names = label_matrix([np.flatnonzero(row) for row in TABLE])
    # row 0 has label 0; row 1 labels 0 and 2; row 2 label 1; row 3 none
    assert names == ["0", "2", "1"]
    assert matrix.toarray().tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0]]


@pytest.mark.parametrize("labels", [
    [[3, 5], [1, 2], [0, 1]],       # two codes per row, not only 0 and 1
    [[0, 1], [1], [0]],             # rows of different lengths: lists of codes
    [[0], [1], [1]],                # one code per row
    [["a", "b"], ["b", "a"]],       # names
])
def test_lists_of_codes_are_still_read(labels: list[list[object]]) -> None:
    matrix, names = label_matrix(labels)
    assert matrix.shape == (len(labels), len(names))
    assert matrix.sum() == sum(len(set(row)) for row in labels)
