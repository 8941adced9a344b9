"""Forty-ninth bad-input probe, Steck's target distribution: ``CalibratedRerank.target`` set
every stored value of ``context.seen`` to 1, so a dislike (a negative value) or a stored 0
counted as part of the user's taste and pulled the list towards the disliked genres.
Only positive values are interactions, as in
``recstack.metrics.lists.history_genre_distribution``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.pipeline.rerank import CalibratedRerank, RerankContext

# item 0: drama, item 1: comedy, item 2: drama and comedy, item 3: horror
GENRES = [["drama"], ["comedy"], ["drama", "comedy"], ["horror"]]


@pytest.fixture(scope="module")
def reranker():
    table = pd.DataFrame({"item_id": [0, 1, 2, 3], "genres": GENRES})
    data = Interactions.from_arrays([0, 0, 1, 1], [0, 1, 2, 3], item_table=table)
    return CalibratedRerank().fit(data)


def _by_name(reranker, p):
    return {genre: float(p[column]) for column, genre in enumerate(reranker.genres_)}


def test_a_dislike_is_not_part_of_the_target(reranker):
    # user 0 liked item 0 (drama) and disliked item 3 (horror): the target is all drama
    seen = sp.csr_matrix(np.array([[5.0, 0, 0, -1.0]]))
    p = _by_name(reranker, reranker.target(np.array([0]), RerankContext(seen=seen))[0])
    assert p == pytest.approx({"drama": 1.0, "comedy": 0.0, "horror": 0.0})


def test_a_stored_zero_is_not_part_of_the_target(reranker):
    # an explicit 0 stored for item 1 (comedy) is no interaction; item 2 counts half each
    seen = sp.csr_matrix((np.array([0.0, 2.0]), np.array([1, 2]), np.array([0, 2])),
                         shape=(1, 4))
    assert seen.nnz == 2
    p = _by_name(reranker, reranker.target(np.array([0]), RerankContext(seen=seen))[0])
    assert p == pytest.approx({"drama": 0.5, "comedy": 0.5, "horror": 0.0})


def test_a_history_of_dislikes_only_has_no_target_and_the_list_stays(reranker):
    seen = sp.csr_matrix(np.array([[-1.0, -2.0, 0, 0]]))
    context = RerankContext(seen=seen)
    assert reranker.target(np.array([0]), context).tolist() == [[0.0, 0.0, 0.0]]
    items = np.array([[3, 1, 0, 2]])
    scores = np.array([[4.0, 3.0, 2.0, 1.0]])
    out, _ = reranker.rerank(np.array([0]), items, scores, context)
    assert out.tolist() == items.tolist()


def test_the_context_is_left_as_given(reranker):
    seen = sp.csr_matrix(np.array([[5.0, 0, 0, -1.0]]))
    reranker.target(np.array([0]), RerankContext(seen=seen))
    assert seen.data.tolist() == [5.0, -1.0]
