"""Sixth bad-input probe, the label sets behind neighbourhood coherence and the report's
genre diversity: a missing label written as ``pd.NA`` (a pandas "string" column of genres)
failed with "TypeError: boolean value of NA is ambiguous" inside a list and was refused as
"a NAType" on its own, a float32 NaN became the label "nan", and labels were not trimmed,
so "Drama | War" and "Drama|War" were four different genres."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis.neighbours import label_matrix, neighbourhood_coherence


def _rows(labels):
    matrix, names = label_matrix(labels)
    return [sorted(names[c] for c in matrix[row].indices) for row in range(matrix.shape[0])]


@pytest.mark.parametrize("missing", [pd.NA, pd.NaT, np.float32("nan"), np.float64("nan"),
                                     float("nan")])
def test_a_missing_value_is_no_label_on_its_own_or_in_a_list(missing):
    assert _rows([missing, "Drama", ["War", missing]]) == [[], ["Drama"], ["War"]]


def test_a_pandas_string_column_with_missing_genres_reads():
    genres = pd.Series(["Drama|War", None, "Comedy"], dtype="string")
    assert _rows(genres) == [["Drama", "War"], [], ["Comedy"]]


def test_labels_are_trimmed_so_spacing_does_not_make_a_genre():
    assert _rows(["Drama | War", "Drama|War", [" War "], " | "]) == [
        ["Drama", "War"], ["Drama", "War"], ["War"], []]
    _, names = label_matrix(["Drama | War", "Drama|War"])
    assert names == ["Drama", "War"]


def test_coherence_reads_spaced_labels_as_the_same_genre():
    # two clusters, each of one genre written with and without spaces: every neighbour of a
    # row shares its genre, so the coherence is 1
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal([5, 0], 0.1, (10, 2)), rng.normal([0, 5], 0.1, (10, 2))])
    genres = ["Drama | War" if i % 2 else "Drama|War" for i in range(10)] + \
             ["Comedy" if i % 2 else " Comedy " for i in range(10)]
    assert neighbourhood_coherence(vectors, genres, k=3, seed=0).score == 1.0
