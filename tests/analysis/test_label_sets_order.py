"""Labels given as Python sets: the label names (the matrix's columns) came out in the sets'
iteration order, which for text changes with the interpreter's hash seed, so two runs of
one script named the columns in another order. They follow a sorted order now."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from recstack.analysis.neighbours import label_matrix

_SCRIPT = ("from recstack.analysis.neighbours import label_matrix; "
           "print(label_matrix([{'War', 'Drama', 'Comedy', 'Horror', 'Western'}, "
           "{'Action'}])[1])")


def test_set_labels_name_their_columns_in_one_order_whatever_the_hash_seed() -> None:
    outputs = {subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                              check=True, env={"PYTHONHASHSEED": str(seed)}).stdout
               for seed in (1, 2, 3, 4)}
    assert outputs == {"['Comedy', 'Drama', 'Horror', 'War', 'Western', 'Action']\n"}


def test_set_labels_keep_their_rows() -> None:
    matrix, names = label_matrix([{"b", "a"}, frozenset({"c", "a"}), None])
    assert names == ["a", "b", "c"]
    np.testing.assert_array_equal(matrix.toarray(), [[1, 1, 0], [1, 0, 1], [0, 0, 0]])
