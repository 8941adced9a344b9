"""Seventy-third bad-input probe of the re-rankers: features that tell no item apart, and a
chain given as one re-ranker.

MMR subtracts the largest similarity to the items already placed; when every item has the
same labels (a catalog of one genre) or the model's item vectors all point one way (or are
all zero), every similarity is the same and the lists come back as they went in. Steck's
calibration compares each list's genre distribution with the user's; with every item of
the same genres every list has the same distribution. Both were accepted and changed no
list without a word (the long-tail share refuses its own no-op the same way)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rerank import MMR, CalibratedRerank, RerankContext, run_chain


def _data(genres) -> Interactions:
    table = pd.DataFrame({"item_id": range(6), "genres": genres})
    return Interactions.from_arrays([0, 0, 1, 1, 2, 2, 2], [0, 1, 2, 3, 0, 4, 5],
                                    item_table=table)


MIXED = ["drama", "comedy", "drama|comedy", "horror", "drama", "comedy"]


@pytest.mark.parametrize("genres", [["drama"] * 6, ["drama|comedy", "comedy | drama"] * 3])
@pytest.mark.parametrize("step, consequence", [
    (MMR, "every pair of items is equally alike"),
    (CalibratedRerank, "every list has the genre distribution of any one item"),
])
def test_a_label_column_the_same_for_every_item_is_refused(genres, step, consequence):
    with pytest.raises(ConfigError, match=rf"the set of labels in column 'genres' is the same "
                                          rf"for every item, so {consequence} and this step "
                                          r"would change no list"):
        step().fit(_data(genres))


@pytest.mark.parametrize("vectors", [
    np.zeros((6, 3)),
    np.ones((6, 3)),
    np.outer(np.arange(1, 7), [1.0, -2.0, 0.5]),  # one direction, different lengths
], ids=["zero", "equal", "one-direction"])
def test_model_vectors_that_all_point_one_way_are_refused(vectors):
    with pytest.raises(ConfigError, match=r"mmr: the direction of the model's item vectors "
                                          r"\(they all point one way, or are all zero"):
        MMR(features="model").fit(_data(MIXED), item_vectors=vectors)


def test_labels_that_tell_some_items_apart_still_fit():
    # one genre, but two items have none: a drama is alike to a drama, not to those two
    MMR().fit(_data(["drama", None, "drama", "drama", None, "drama"]))
    CalibratedRerank().fit(_data(MIXED))
    vectors = np.eye(6)[:, :4] + 0.1
    MMR(features="model").fit(_data(MIXED), item_vectors=vectors)


def test_a_chain_of_one_reranker_given_alone_is_named():
    step = MMR().fit(_data(MIXED))
    users, items = np.array([0]), np.array([[0, 1, 2, 3]])
    scores, context = np.array([[4.0, 3.0, 2.0, 1.0]]), RerankContext(seen=sp.csr_matrix((3, 6)))
    with pytest.raises(RecstackError, match=r"run_chain: chain must be a list of fitted "
                                            r"re-rankers, got mmr; for one step write "
                                            r"\[MMR\(\.\.\.\)\]"):
        run_chain(step, users, items, scores, context)
    with pytest.raises(RecstackError, match=r"run_chain: chain\[1\] is a str, not a "
                                            r"re-ranker"):
        run_chain([step, "mmr"], users, items, scores, context)
    assert run_chain([step], users, items, scores, context)[0].shape == (1, 4)


@pytest.mark.parametrize("op, meant", [("=>", "'>='"), ("=<", "'<='"), ("=", "'=='"),
                                       ("<>", "'!='"), ("gt", "'>'"),
                                       ("not in", "'in' with keep = false")])
def test_an_operator_spelt_as_elsewhere_names_the_one_meant(op, meant):
    from recstack.pipeline.rerank import ItemPredicate

    # '=>' was offered '>' as the nearest spelling: a different test from the one meant
    with pytest.raises(ConfigError, match=rf"item_predicate: op {op!r} is not an operator "
                                          rf"here; write {meant}"):
        ItemPredicate(column="price", op=op, value=2).fit(_data(MIXED))
