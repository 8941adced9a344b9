"""Round 52 (J): a query whose own vector is zero (an item the model learned nothing for)
has cosine 0 with every row, so its neighbour list was the lowest-numbered rows; the one
warning said the list "ends inside a tie" because "tied rows point the same way", which
sent the user looking at the rows listed. The warning now names the zero query as the
reason, and the other queries' ties are still told apart. The health reading said
"(3 group(s) shown)" of duplicated vectors on a page that shows none: it names rows now."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.analysis import nearest_neighbours, neighbourhood_coherence


def _vectors() -> np.ndarray:
    vectors = np.random.default_rng(0).normal(size=(20, 4))
    vectors[[5, 7]] = 0.0
    return vectors


def test_a_zero_query_is_named_as_the_reason_for_its_tie():
    with pytest.warns(UserWarning, match=r"^nearest_neighbours: 1 query of 2 \(e\.g\. row 5\) "
                                         r"is a zero vector: cosine 0 with every row"):
        table = nearest_neighbours(_vectors(), [5, 0], 3)
    # worked by hand: every cosine of a zero vector is 0, and ties go to the lower rows
    assert table.neighbours[0].tolist() == [0, 1, 2]
    assert table.similarities[0].tolist() == [0.0, 0.0, 0.0]


def test_queries_with_vectors_raise_no_zero_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nearest_neighbours(_vectors(), [0, 1], 3)
    assert not [w for w in caught if "zero vector" in str(w.message)]


def test_coherence_names_its_zero_queries():
    with pytest.warns(UserWarning, match=r"^neighbourhood_coherence: 2 queries of 20 \(e\.g\. "
                                         r"row 5\) are zero vectors"):
        neighbourhood_coherence(_vectors(), ["a", "b"] * 10, k=3)


def test_the_health_reading_names_duplicated_rows_instead_of_groups_it_never_shows():
    from recstack.analysis import embedding_health

    vectors = np.random.default_rng(0).normal(size=(10, 3))
    vectors[[4, 8]] = vectors[1]  # rows 1, 4 and 8: one vector, two duplicates
    reading = embedding_health(vectors).reading()
    assert "2 item vectors duplicate another one (e.g. rows [1, 4, 8] are the same vector)" \
        in reading
    assert "shown" not in reading
