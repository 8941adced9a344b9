"""The report's bucket helpers check what they are given (round forty-five, helper two).

``popularity_buckets`` put an item of negative count in the tail and every item in the head
when a count was NaN or inf, without a word, and failed with numpy's words on a list, text,
true/false or a 2-D table. ``recall_by_bucket`` read -2 as an empty slot, 1.5 as item 1, a
stored 0 of ``relevant`` as a relevant pair, and lists for too few users as misses; an item
index past the catalog, a bucket past ``n_buckets`` or ``bucket_of_item`` of another length
failed with IndexError/ValueError.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.analysis.report import popularity_buckets, recall_by_bucket
from recstack.errors import RecstackError

# ---- popularity_buckets -------------------------------------------------------------------

def test_a_list_of_counts_gives_the_same_buckets_as_an_array() -> None:
    # 6 rows: the 3-row item starts at 0 (head), the 2-row one at 3/6 (middle), the 1-row
    # one at 5/6 (tail)
    bucket, labels = popularity_buckets([3, 2, 1])
    assert bucket.tolist() == [0, 1, 2]
    assert labels == ["head (1 item)", "middle (1 item)", "tail (1 item)"]


@pytest.mark.parametrize(("counts", "words"), [
    ([5, -3, 1], "position 1 holds -3.0"),
    ([5, np.nan, 1], "position 1 holds nan"),
    ([5, np.inf, 1], "position 1 holds inf"),
])
def test_counts_that_are_no_counts_are_named(counts, words) -> None:
    with pytest.raises(RecstackError, match="popularity_buckets: item_counts") as caught:
        popularity_buckets(np.array(counts))
    assert words in str(caught.value)


@pytest.mark.parametrize(("counts", "words"), [
    (np.array([[5, 3], [1, 0]]), "must be 1-D"),
    (np.array([True, False, True]), "true/false"),
    (np.array(["5", "3"]), "text '5'"),
    (pd.Series([1, 5, 10], index=[2, 0, 1]), "another order"),
])
def test_counts_of_another_shape_or_kind_are_refused_by_name(counts, words) -> None:
    with pytest.raises(RecstackError, match="popularity_buckets: item_counts") as caught:
        popularity_buckets(counts)
    assert words in str(caught.value)


# ---- recall_by_bucket ---------------------------------------------------------------------

RELEVANT = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 0]]))
BUCKETS = np.array([0, 1, 1])


def test_worked_by_hand_with_lists_as_python_lists() -> None:
    # user 0 likes 0 (bucket 0) and 2 (bucket 1) and finds 0; user 1 likes 1 (bucket 1) and
    # finds it: bucket 0 has 1 relevant pair, found; bucket 1 has 2, one found
    per_bucket, recall = recall_by_bucket(RELEVANT, {"m": [[0, 1], [1, -1]]}, BUCKETS, 2)
    assert per_bucket.tolist() == [1, 2]
    np.testing.assert_allclose(recall["m"], [1.0, 0.5])


def test_a_stored_zero_is_no_relevant_pair() -> None:
    # the pair (0, 1) is stored with the value 0: not relevant, so bucket 1 holds one
    # relevant pair (user 1's item 2), found: recall 1, not 1/2
    relevant = sp.csr_matrix((np.array([1.0, 0.0, 1.0]), (np.array([0, 0, 1]),
                                                        np.array([0, 1, 2]))), shape=(2, 3))
    per_bucket, recall = recall_by_bucket(relevant, {"m": np.array([[0], [2]])}, BUCKETS, 2)
    assert per_bucket.tolist() == [1, 1]
    np.testing.assert_allclose(recall["m"], [1.0, 1.0])


@pytest.mark.parametrize(("top", "words"), [
    ([[0, 7], [1, -1]], "item indices 0 to 2, or -1 for an empty slot; position (0, 1) holds 7"),
    ([[0, -2], [1, -1]], "position (0, 1) holds -2"),
    ([[0, 1.5], [1, -1]], "position (0, 1) holds 1.5"),
    ([[0, 1]], "has 1 list for the 2 users of relevant"),
    ([0, 1], "must be 2-D"),
])
def test_lists_that_do_not_fit_the_catalog_or_the_users_are_named(top, words) -> None:
    with pytest.raises(RecstackError, match=r"recall_by_bucket: tops\['m'\]") as caught:
        recall_by_bucket(RELEVANT, {"m": np.array(top)}, BUCKETS, 2)
    assert words in str(caught.value)


@pytest.mark.parametrize(("buckets", "n_buckets", "words"), [
    (np.array([0, 1]), 2, "has 2 values for the 3 items of relevant"),
    (np.array([0, 1, 2]), 2, "buckets 0 to 1 (n_buckets=2); position 2 holds 2"),
    (np.array([0, -1, 1]), 2, "position 1 holds -1"),
    (np.array([0, 1, 1]), 0, "n_buckets must be a whole number >= 1"),
])
def test_buckets_that_do_not_fit_are_named(buckets, n_buckets, words) -> None:
    with pytest.raises(RecstackError, match="recall_by_bucket") as caught:
        recall_by_bucket(RELEVANT, {"m": np.array([[0, 1], [1, -1]])}, buckets, n_buckets)
    assert words in str(caught.value)


@pytest.mark.parametrize("relevant", [
    np.array([[1, 0, np.nan], [0, 1, 0]]),
    sp.csr_matrix(np.array([[1, 0, -1], [0, 1, 0]])),
])
def test_relevance_that_is_not_a_count_is_named(relevant) -> None:
    with pytest.raises(RecstackError, match="recall_by_bucket: relevant"):
        recall_by_bucket(relevant, {"m": np.array([[0, 1], [1, -1]])}, BUCKETS, 2)
