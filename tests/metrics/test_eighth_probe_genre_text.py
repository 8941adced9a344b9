"""Eighth bad-input probe, an item table's genres column (``'Action|Comedy'`` texts, or a
list of genres per item) given where diversity and the genre distributions take an items x
features matrix, as the evaluator's ``item_features`` says "genres": the refusal said to
convert the text with ``pandas.to_numeric``, which cannot help; it now says how to build
the matrix, and the matrix built so gives the diversity of the definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis import label_matrix
from recstack.metrics import MetricInputError, intra_list_diversity
from recstack.metrics.lists import item_genre_shares

GENRES = pd.Series(["Action|Comedy", "Drama", "Action", None])
SAYS = (r"must be an items x features matrix of numbers \(item vectors, or a multi-hot genre "
        r"matrix\), got labels as text such as '{}'; build the matrix from them with "
        r"recstack\.analysis\.label_matrix\(genres\)\[0\]")


@pytest.mark.parametrize("genres, first", [
    (GENRES, "Action|Comedy"), (GENRES.tolist(), "Action|Comedy"),
    ([["Action", "Comedy"], ["Drama"], ["Action"], []], "Action"),
    (np.array(["Drama", "Action", "Comedy", "Drama"]), "Drama"),
], ids=["series", "list", "lists", "array"])
def test_genre_text_is_refused_saying_how_to_build_the_matrix(genres, first):
    lists = np.array([[0, 1, 2]])
    with pytest.raises(MetricInputError, match="item_features " + SAYS.format(first)):
        intra_list_diversity(lists, genres)
    with pytest.raises(MetricInputError, match="item_genres " + SAYS.format(first)):
        item_genre_shares(genres)
    # the matrix built as the message says gives the diversity of the definition
    matrix, _ = label_matrix(GENRES)
    # items 0 {Action, Comedy}, 1 {Drama}, 2 {Action}: cosine distances 1, 1 - 1/sqrt(2), 1
    expected = (1 + (1 - 1 / np.sqrt(2)) + 1) / 3
    assert intra_list_diversity(np.array([[0, 1, 2]]), matrix)[0] == pytest.approx(expected)
