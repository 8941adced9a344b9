"""Seventy-third bad-input probe: neighbour lists of embeddings with many vectors pointing the
same way, and one-per-row values given as a pandas Series in another row order.

Cosine depends on directions only, so copies of one vector at other lengths all have cosine
1 with each other. Their cosines, computed in float32, differed in the last bits, and those
bits (not the documented rule "ties go to the lower index") chose which of the tied rows
were listed; a list that ends inside a tie was shown without a word, as if the rows listed
were nearer than those left out. Vectors that all point one way are refused, as the genre
coherence and the maps refuse them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.analysis import (
    cosine_top_k,
    nearest_neighbours,
    neighbourhood_coherence,
    project,
)
from recstack.errors import RecstackError


def _copies(n_copies: int, n_others: int, seed: int = 0) -> np.ndarray:
    """Rows 0..n_copies-1: one direction at random lengths; the rest: random directions."""
    rng = np.random.default_rng(seed)
    others = rng.normal(size=(n_others, 16))
    direction = rng.normal(size=16)
    copies = direction * rng.uniform(0.5, 2.0, (n_copies, 1))
    return np.vstack([copies, others])


def test_tied_neighbours_are_the_lowest_rows_whatever_the_float_rounding():
    vectors = _copies(2000, 300)
    with pytest.warns(UserWarning):
        table = nearest_neighbours(vectors, [0, 7], k=5)
    # every copy has cosine 1 with row 0 (and with row 7): ties go to the lower row
    assert table.neighbours.tolist() == [[1, 2, 3, 4, 5], [0, 1, 2, 3, 4]]
    assert table.similarities.tolist() == [[1.0] * 5] * 2
    indices, similarities = cosine_top_k(vectors, [0], 1999)
    assert indices[0].tolist() == list(range(1, 2000))
    assert np.all(similarities == 1.0)


def test_a_list_ending_inside_a_tie_is_warned_naming_how_many_rows_tie():
    vectors = _copies(10, 20)
    with pytest.warns(UserWarning, match=r"nearest_neighbours: the neighbour list of 1 of 2 "
                                         r"queries ends inside a tie \(e\.g\. row 0: its "
                                         r"neighbour 3 has cosine 1, as 6 more rows not "
                                         r"listed have\); the rows listed are the "
                                         r"lowest-numbered of the tied"):
        # row 0 ties with rows 1..9 (nine rows) and lists three: six are left out; row 15
        # (a random direction) has no tie
        table = nearest_neighbours(vectors, [0, 15], k=3)
    assert table.neighbours[0].tolist() == [1, 2, 3]


def test_a_list_that_holds_every_tied_row_is_not_warned():
    vectors = _copies(4, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # rows 1, 2, 3 are all the copies of row 0: the list holds every tied row
        table = nearest_neighbours(vectors, [0], k=3)
        assert table.neighbours[0].tolist() == [1, 2, 3]
        # and ordinary vectors give no warning
        nearest_neighbours(np.random.default_rng(1).normal(size=(30, 8)), [0, 1, 2], k=5)


@pytest.mark.parametrize("vectors", [
    np.zeros((10, 3)),
    np.ones((10, 3)),
    np.outer(np.arange(1, 11), [1.0, -2.0, 0.5]),  # one direction, different lengths
], ids=["zero", "equal", "one-direction"])
def test_nearest_neighbours_of_collapsed_vectors_are_refused(vectors):
    with pytest.raises(RecstackError, match=r"embeddings: every vector points the same way "
                                            r"\(or is zero\), so no item has nearer "
                                            r"neighbours than another \(collapsed"):
        nearest_neighbours(vectors, [0], k=3)


def test_coherence_warns_when_neighbour_lists_end_inside_ties():
    vectors = _copies(40, 10)
    # row 0 ties with the other 39 copies and lists 3 of them (the other rows may tie too:
    # every copy has the same cosine with any one of them)
    with pytest.warns(UserWarning, match=r"neighbourhood_coherence: the neighbour list of "
                                         r"\d+ of 50 queries ends inside a tie \(e\.g\. "
                                         r"row 0: its neighbour 3 has cosine 1, as 36 more"):
        neighbourhood_coherence(vectors, ["a", "b"] * 25, k=3)


def _reordered(values):
    return pd.Series(values, index=range(len(values) - 1, -1, -1))


def test_titles_in_another_row_order_are_refused():
    vectors = np.random.default_rng(0).normal(size=(6, 4))
    titles = _reordered([f"t{i}" for i in range(6)])
    with pytest.raises(RecstackError, match=r"titles is a pandas Series indexed by the row "
                                            r"numbers in another order"):
        nearest_neighbours(vectors, [0], k=2, titles=titles)
    # in row order (or a plain list) it names the rows as given
    table = nearest_neighbours(vectors, [0], k=2, titles=titles.sort_index())
    assert table.to_frame()["query"].tolist() == ["t5", "t5"]


def test_coherence_labels_in_another_row_order_are_refused():
    vectors = np.random.default_rng(0).normal(size=(20, 4))
    with pytest.raises(RecstackError, match=r"labels is a pandas Series indexed by the row "
                                            r"numbers in another order"):
        neighbourhood_coherence(vectors, _reordered(["a", "b"] * 10), k=2)


def test_map_colours_and_titles_in_another_row_order_are_refused():
    pytest.importorskip("openTSNE")
    vectors = np.random.default_rng(0).normal(size=(12, 4))
    mapped = project(vectors, "tsne")
    for name, keyword in (("colour", "colour"), ("titles", "titles")):
        with pytest.raises(RecstackError, match=rf"{name} is a pandas Series indexed by the "
                                                r"row numbers in another order"):
            mapped.chart(**{keyword: _reordered(list(range(12)))})
