"""Twenty-third bad-input probe of the recommended lists the metrics read: an object array
(lists of lists holding an integer past int64, a missing entry, or Python integers from a
pandas object column) was refused as "got dtype object", which named neither the entry nor
what was wrong. Now the entry is named by row and slot, and an object array of plain
integer indices is read as the indices it holds (expected values by hand)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import MetricInputError, catalog_coverage, precision_at_k, relevance_at_ranks


@pytest.mark.parametrize(("recommended", "said"), [
    ([[0, 1], [2, 10**30]], "row 1, slot 1 holds a 31-digit integer, too large for an item "
                            "index"),
    ([[0, None], [1, 2]], "row 0, slot 1 holds None \\(a missing entry\\); pad short lists "
                          "with -1"),
    (np.array([[0, 1], [2, 1.5]], dtype=object), "row 1, slot 1 holds 1.5 \\(float\\); item "
                                                 "indices are integers"),
])
def test_an_entry_that_is_not_an_index_is_named_by_row_and_slot(recommended, said):
    with pytest.raises(MetricInputError, match=f"recommended {said}"):
        catalog_coverage(recommended, 3)


def test_an_object_array_of_integer_indices_is_read_as_them():
    # items 0, 1 and 2 of a catalog of 4 are recommended: coverage 3 / 4
    recommended = np.array([[0, 1], [2, -1]], dtype=object)
    assert catalog_coverage(recommended, 4) == pytest.approx(0.75)
    # user 0 likes item 1 (slot 1), user 1 item 3 (not listed): grades [0, 1] and [0, 0];
    # precision@2 = 1 / 2 and 0 / 2
    truth = sp.csr_matrix(np.array([[0, 1, 0, 0], [0, 0, 0, 1]]))
    grades = relevance_at_ranks(recommended, truth)
    np.testing.assert_array_equal(grades, [[0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(precision_at_k(grades, [1, 1], 2), [0.5, 0.0])
