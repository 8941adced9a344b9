"""Eighth bad-input probe, per-item matrices given as a pandas DataFrame whose index is the
item indices in another order (a genre frame sorted by a column, or rows taken in another
order): every function reads such a matrix by position, one row per item, so each item got
another item's genres or vector. Intra-list diversity, the genre distributions of the
calibration metrics, and the embedding analyses gave numbers of shuffled rows without a
word. (The seventh probe refused pandas Series in ``value_counts()`` order.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.analysis import nearest_neighbours, pca_analysis
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics import MetricInputError, intra_list_diversity
from recstack.metrics.lists import item_genre_shares, list_genre_distribution

# items 0 and 1 share a genre, item 2 has another one
GENRES = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
SHUFFLED = pd.DataFrame(GENRES, index=[0, 1, 2]).iloc[[2, 0, 1]]
SAYS = (r"item_genres is a pandas DataFrame indexed by the row numbers in another order "
        r"\(position 0 holds row 2\); its rows are read by position, one per row, so each "
        r"would go to another row: sort it first \(.sort_index\(\)\)")


def test_diversity_refuses_a_feature_frame_in_another_row_order():
    lists = np.array([[0, 1]])
    # by definition items 0 and 1 point the same way: diversity 1 - cos = 0
    assert intra_list_diversity(lists, GENRES)[0] == pytest.approx(0.0)
    with pytest.raises(MetricInputError, match=SAYS.replace("item_genres", "item_features")):
        intra_list_diversity(lists, SHUFFLED)
    # the frame in row order reads as the array does
    assert intra_list_diversity(lists, SHUFFLED.sort_index())[0] == pytest.approx(0.0)


def test_genre_distributions_refuse_a_frame_in_another_row_order():
    with pytest.raises(MetricInputError, match=SAYS):
        item_genre_shares(SHUFFLED)
    with pytest.raises(MetricInputError, match=SAYS):
        list_genre_distribution(np.array([[0, 1]]), SHUFFLED)
    np.testing.assert_array_equal(item_genre_shares(SHUFFLED.sort_index()), GENRES)


def test_the_evaluator_refuses_shuffled_item_features():
    from recstack.data.interactions import Interactions
    from recstack.models import create_model

    train = Interactions.from_arrays([0, 0, 1, 1, 2], [0, 1, 1, 2, 0])
    test = Interactions.from_arrays([0, 1, 2], [2, 0, 1]).select([0, 1, 2])
    test = Interactions(test.user_index, test.item_index, test.value, None, train.users,
                        train.items)
    model = create_model("most_popular").fit(train)
    evaluator = Evaluator(metrics=("diversity",), ks=(2,), item_features=SHUFFLED)
    with pytest.raises(RecstackError, match="item_features is a pandas DataFrame indexed by "
                                            "the row numbers in another order"):
        evaluator.evaluate(model, train, test)


def test_embedding_analyses_refuse_a_vector_frame_in_another_row_order():
    vectors = np.random.default_rng(0).normal(size=(6, 3))
    frame = pd.DataFrame(vectors).iloc[::-1]
    with pytest.raises(RecstackError, match=r"embeddings is a pandas DataFrame indexed by the "
                                            r"row numbers in another order \(position 0 holds "
                                            r"row 5\)"):
        nearest_neighbours(frame, [0], 2)
    with pytest.raises(RecstackError, match="in another order"):
        pca_analysis(frame)
    # frames in row order, or keyed by other labels, are read by position as before
    same = nearest_neighbours(pd.DataFrame(vectors), [0], 2)
    np.testing.assert_array_equal(same.neighbours, nearest_neighbours(vectors, [0], 2).neighbours)
    nearest_neighbours(pd.DataFrame(vectors, index=list("abcdef")), [0], 2)
