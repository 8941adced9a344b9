"""Hundred-seventieth bad-input probe: models fitted to give every item the same score,
without a word.

* A content model fitted on item text that gives every described item the same TF-IDF
  vector (every title the same words; one genre for all) scored every such item the same
  for every user, so its text ranked none above another. It warns now, naming the columns
  and an item's text; items told apart by their text, or by their interactions
  (``interaction_weight > 0``), fit quietly.
* Item-kNN's ``tf-idf``/``bm25`` weighting on a small catalog (every user's idf
  ``ln(n_items / (1 + n_u))`` 0 or below) left no item a neighbour, and every score 0. It
  warns now, with the idf that did it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model

pytest.importorskip("sklearn")

N_ITEMS = 12


def interactions(column: str, values) -> Interactions:
    rng = np.random.default_rng(0)
    rows = [(f"u{u}", f"i{i}") for u in range(30) for i in rng.choice(N_ITEMS, 5, replace=False)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id"])
    table = pd.DataFrame({"item_id": [f"i{i}" for i in range(N_ITEMS)], column: values})
    return Interactions.from_frame(frame, value_col=None, item_table=table)


def test_every_title_the_same_warns_and_every_score_ties():
    data = interactions("title", ["space adventure"] * N_ITEMS)
    with pytest.warns(UserWarning, match=r"^content: the item table's 'title' gives every one "
                                         r"of the 12 items with text the same TF-IDF vector "
                                         r"\(item 'i0' reads 'space adventure'\), so every "
                                         r"such item gets the same score"):
        model = create_model("content").fit(data)
    # what the warning says: one score per user, whatever the item
    scores = model.score_users(np.arange(5))
    assert np.ptp(scores, axis=1).max() == pytest.approx(0.0, abs=1e-6)


def test_one_genre_for_every_described_item_warns():
    genres = [["Drama"]] * 8 + [[]] * 4  # four items without text are left out of the count
    with pytest.warns(UserWarning, match=r"'genres' gives every one of the 8 items with text"):
        create_model("content").fit(interactions("genres", genres))


def test_text_that_tells_items_apart_fits_quietly():
    data = interactions("title", [f"movie word{i % 3}" for i in range(N_ITEMS)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        create_model("content").fit(data)


def test_interactions_that_tell_items_apart_fit_quietly():
    data = interactions("title", ["space adventure"] * N_ITEMS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = create_model("content", interaction_weight=1.0).fit(data)
    assert np.ptp(model.score_users(np.arange(5)), axis=1).max() > 0


# ------------------------------------------------------------------ item-kNN weighting
def test_item_knn_weighting_that_leaves_no_neighbour_warns():
    """Five users of items 0 and 1 (idf = ln(3 / 3) = 0), one of item 2: every weighted
    similarity was 0, and every score 0 for every user, fitted without a word."""
    from recstack.data.interactions import Interactions as Rows

    data = Rows.from_arrays(np.r_[np.repeat(np.arange(5), 2), 5], np.r_[np.tile([0, 1], 5), 2])
    for weighting in ("tf-idf", "bm25"):
        with pytest.warns(UserWarning, match=rf"^item_knn: feature_weighting='{weighting}' "
                                             r"left no item a neighbour: .* \(e\.g\. 2 items: "
                                             r"ln\(3 / 3\) = 0\), so every similarity, and "
                                             r"every score, is 0"):
            model = create_model("item_knn", feature_weighting=weighting).fit(data)
        assert model.similarity_.nnz == 0
    # unweighted, items 0 and 1 are neighbours: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert create_model("item_knn").fit(data).similarity_.nnz == 2
