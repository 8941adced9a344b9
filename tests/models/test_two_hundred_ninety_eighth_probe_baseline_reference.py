"""Two-hundred-ninety-eighth probe (faithfulness audit), the baselines and the content model
against their definitions.

most_popular counts interactions (training rows, RecBole's Pop): a user's repeated rows
count every time; Dacrema et al.'s TopPop counts users, which deduplicated data give. Ties
go to the lower item index. The content model's scores are the cosine between the
value-weighted mean of the items' TF-IDF vectors and each item's vector, plus the
popularity prior, recomputed here with scikit-learn's TfidfVectorizer and
cosine_similarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.text_features import item_documents

# u1 plays "a" three times; "b" has two users once each; "c" one user once; "d" ties "b"
ROWS = (["u1", "u1", "u1", "u2", "u3", "u2", "u4", "u3"],
        ["a", "a", "a", "b", "b", "c", "d", "d"])


def test_most_popular_counts_rows_and_breaks_ties_by_index():
    data = Interactions.from_arrays(*ROWS)
    model = create_model("most_popular").fit(data)
    items = data.items.to_index(np.array(["a", "b", "c", "d"], dtype=object))
    np.testing.assert_array_equal(model.popularity_[items], [3.0, 2.0, 1.0, 2.0])
    ranked, _ = model.recommend(["u4"], k=4, exclude_seen=False)
    # "b" and "d" tie at 2: the lower item index goes first
    tied = ["b", "d"] if int(items[1]) < int(items[3]) else ["d", "b"]
    assert ranked[0].tolist() == ["a", *tied, "c"]


def test_deduplicated_data_count_users():
    data = Interactions.from_arrays(*ROWS).deduplicate()
    model = create_model("most_popular").fit(data)
    items = data.items.to_index(np.array(["a", "b", "c", "d"], dtype=object))
    np.testing.assert_array_equal(model.popularity_[items], [1.0, 2.0, 1.0, 2.0])


CATALOG = pd.DataFrame({
    "item_id": ["i0", "i1", "i2", "i3", "i4"],
    "title": ["Red Planet Rising", "The Red Harvest", "Quiet Harvest Moon",
              "Planet of Storms", "Storms Over the Moon"],
    "description": ["Miners on a red planet.", "A farm town and its harvest.",
                    "A harvest under the moon.", "Storms rage over a planet.",
                    "Sailors face storms under the moon."],
})


def test_content_scores_equal_sklearn_tfidf_cosines_plus_the_prior():
    users = ["x", "x", "x", "y", "y", "z"]
    items = ["i0", "i1", "i0", "i3", "i4", "i4"]
    values = [4.0, 1.0, 2.0, 5.0, 3.0, 2.0]     # x rated i0 twice: weights sum (4 + 2)
    data = Interactions.from_arrays(users, items, values, item_table=CATALOG,
                                    keep_unseen_items=True)
    model = create_model("content", popularity_weight=0.5).fit(data)
    texts = item_documents(CATALOG, ["title", "description"])
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    order = data.items.to_index(CATALOG["item_id"].to_numpy(dtype=object))
    item_vectors = np.zeros((data.n_items, vectors.shape[1]))
    item_vectors[order] = vectors.toarray()
    weights = np.zeros((data.n_users, data.n_items))
    np.add.at(weights, (data.user_index, data.item_index), data.value)
    profiles = weights @ item_vectors / weights.sum(axis=1, keepdims=True)
    # the prior: ln(1 + n_j) / ln(1 + max n) with n_j the item's distinct users
    users_per_item = (weights > 0).sum(axis=0)
    prior = np.log1p(users_per_item) / np.log1p(users_per_item.max())
    expected = cosine_similarity(profiles, item_vectors) + 0.5 * prior
    np.testing.assert_allclose(model.score_users(np.arange(data.n_users)), expected,
                               rtol=1e-5, atol=1e-6)
