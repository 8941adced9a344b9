"""Malformed arguments to the embedding analyses and maps end in a RecstackError naming the
argument and the bad value, never in a numpy/openTSNE error or a map drawn from NaN."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis.embeddings import embedding_health, pca_analysis
from recstack.analysis.neighbours import (
    label_matrix,
    nearest_neighbours,
    neighbourhood_coherence,
)
from recstack.analysis.projections import project
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(30, 4))
WITH_NAN = VECTORS.copy()
WITH_NAN[3, 2] = np.nan
LABELS = ["A|B" if i % 2 else "C" for i in range(30)]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: pca_analysis([[1.0, 2.0], [3.0]]), "item embeddings must be an array of numbers"),
    (lambda: pca_analysis(VECTORS, n_components=0), "n_components must be a whole number >= 1"),
    (lambda: pca_analysis(VECTORS, n_components=2.5), "n_components must be a whole number"),
    (lambda: pca_analysis(VECTORS, ["a"] * 30), "popularity of the item vectors must be an"),
    (lambda: pca_analysis(VECTORS).chart(max_components=0), "max_components must be a whole"),
    (lambda: embedding_health(VECTORS, [np.nan] * 30),
     "popularity of the item vectors must be finite and non-negative .*position 0 holds nan"),
    (lambda: embedding_health(VECTORS, -np.ones(30)), "position 0 holds -1.0"),
    (lambda: embedding_health(VECTORS, dead_tolerance="x"), "dead_tolerance must be a finite"),
    (lambda: embedding_health(VECTORS).chart(popularity=[1, 2]),
     "popularity of the item vectors has 2 values for 30 rows"),
    (lambda: nearest_neighbours(WITH_NAN, [0], 3),
     r"embeddings must be finite; position \(3, 2\) holds nan"),
    (lambda: nearest_neighbours(VECTORS, [0], "3"), "k must be a whole number >= 1, got '3'"),
    (lambda: nearest_neighbours(VECTORS, [0], 2.7), "k must be a whole number >= 1, got 2.7"),
    (lambda: nearest_neighbours(VECTORS, [0], 30), r"k must be between 1 and 29"),
    (lambda: nearest_neighbours(VECTORS, [1.5], 3), "query rows must hold whole row numbers"),
    (lambda: nearest_neighbours(VECTORS, [np.nan], 3), "query rows must be finite"),
    (lambda: nearest_neighbours(VECTORS, [30], 3), r"row numbers in \[0, 30\); position 0"),
    (lambda: nearest_neighbours(VECTORS, [0], 3, titles="abc"), "one title per row .*string"),
    (lambda: neighbourhood_coherence(WITH_NAN, LABELS, k=3), "embeddings must be finite"),
    (lambda: neighbourhood_coherence(VECTORS, LABELS, k=3, max_queries=-2),
     "max_queries must be a whole number >= 1"),
    (lambda: neighbourhood_coherence(VECTORS, LABELS, k=3, seed="x"), "seed must be a whole"),
    (lambda: neighbourhood_coherence(VECTORS, None, k=3), "labels must be a list with one"),
    (lambda: label_matrix([{"genre": "A"}]), "labels entry 0 is a dict"),
    (lambda: project(WITH_NAN, "tsne"), r"must be finite; position \(3, 2\) holds nan"),
    (lambda: project(VECTORS, max_points=3), "max_points must be a whole number >= 5, got 3"),
    (lambda: project(VECTORS, perplexity=0), "perplexity must be a finite number > 0"),
    (lambda: project(VECTORS, n_threads=0), "n_threads must be a whole number >= 1"),
    (lambda: project(VECTORS, seed=-1), "seed must be a whole number >= 0"),
    (lambda: project(np.zeros((10, 0))), r"at least 5 rows and one column, got shape \(10, 0\)"),
])
def test_malformed_analysis_arguments_are_named(call, message):
    with pytest.raises(RecstackError, match=message):
        call()


def test_a_single_query_and_numeric_labels_are_accepted():
    table = nearest_neighbours(VECTORS, 0, 3)
    assert table.queries.tolist() == [0] and table.neighbours.shape == (1, 3)
    matrix, names = label_matrix([1, 2, None, 1])
    assert names == ["1", "2"] and matrix.shape == (4, 2)


@pytest.mark.parametrize(("options", "message"), [
    ({"colour": [1, 2]}, r"colour must hold one value per row \(30 rows .*shape \(2,\)"),
    ({"colour": "red"}, "colour must hold one value per row .*got a string"),
    ({"colour": np.ones((30, 2))}, r"colour must hold one value per row .*shape \(30, 2\)"),
    ({"titles": ["a"]}, r"titles must hold one value per row .*shape \(1,\)"),
])
def test_map_colours_and_titles_must_match_the_rows(options, message):
    projection = project(VECTORS, max_points=10)
    with pytest.raises(RecstackError, match=message):
        projection.chart(**options)


def test_coherence_with_labels_no_random_pair_shares_reads_without_nan():
    coherence = neighbourhood_coherence(VECTORS, [str(i) for i in range(30)], k=3)
    assert coherence.chance == 0
    assert "nan" not in coherence.reading() and "no chance level" in coherence.reading()
