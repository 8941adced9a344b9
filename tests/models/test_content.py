"""Content-based model: TF-IDF profiles, items nobody has seen, persistence without refit."""

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.models.content import ContentBased
from recstack.models.text_features import item_documents

# Two genres with their own words; "space4" and "laugh4" are in the catalog but nobody has
# interacted with them yet.
CATALOG = pd.DataFrame({
    "item_id": ["space1", "space2", "space3", "space4", "laugh1", "laugh2", "laugh3", "laugh4"],
    "title": ["Star Voyage", "Galaxy Rangers", "Star Colony", "Galaxy Drift",
              "Wedding Chaos", "Office Pranks", "Wedding Crashers Too", "Pranks Galore"],
    "genres": [["Sci-Fi"], ["Sci-Fi", "Action"], ["Sci-Fi"], ["Sci-Fi"],
               ["Comedy"], ["Comedy"], ["Comedy", "Romance"], ["Comedy"]],
    "description": ["A crew lost in deep space.", "Rangers patrol space lanes.",
                    "Settlers build a colony in space.", "A ship drifts through space.",
                    "A wedding goes wrong, hilariously.", "Coworkers play pranks.",
                    "Two friends crash a wedding.", "Endless pranks at school."],
})


@pytest.fixture(scope="module")
def catalog_data() -> Interactions:
    users = ["fan", "fan", "joker", "joker", "both", "both"]
    items = ["space1", "space2", "laugh1", "laugh2", "space3", "laugh3"]
    return Interactions.from_arrays(users, items, [5.0, 4.0, 5.0, 3.0, 4.0, 4.0],
                                    item_table=CATALOG, keep_unseen_items=True)


def test_unseen_items_are_scored_and_recommended_by_genre(catalog_data):
    assert catalog_data.n_items == 8 and catalog_data.item_counts()[
        catalog_data.items.to_index(["space4", "laugh4"])].tolist() == [0, 0]
    model = ContentBased().fit(catalog_data)
    items, scores = model.recommend(["fan", "joker"], k=2)
    assert set(items[0]) == {"space3", "space4"}     # the space fan gets space items,
    assert set(items[1]) == {"laugh3", "laugh4"}     # the comedy fan comedies
    space4, laugh4 = catalog_data.items.to_index(["space4", "laugh4"])
    fan_scores = model.score_users(catalog_data.users.to_index(["fan"]))[0]
    assert fan_scores[space4] > 0.1 and fan_scores[laugh4] == 0.0
    assert np.all(scores > 0)


def test_scores_are_cosines_with_the_weighted_mean_profile(catalog_data):
    model = ContentBased(stop_words=None).fit(catalog_data)
    # independent computation: sklearn's TF-IDF on the same documents, dense numpy after
    documents = ["Star Voyage genre_sci_fi A crew lost in deep space.",
                 "Galaxy Rangers genre_sci_fi genre_action Rangers patrol space lanes."]
    assert item_documents(CATALOG, ["title", "genres", "description"])[:2] == documents
    texts = item_documents(CATALOG, ["title", "genres", "description"])
    vectors = TfidfVectorizer(sublinear_tf=True).fit_transform(texts).toarray()
    order = catalog_data.items.to_index(CATALOG["item_id"])   # table row -> item index
    item_vectors = np.empty_like(vectors)
    item_vectors[order] = vectors
    history = catalog_data.to_csr().toarray()
    for user in range(catalog_data.n_users):
        weights = history[user]
        profile = weights @ item_vectors / weights.sum()
        expected = item_vectors @ profile / (np.linalg.norm(item_vectors, axis=1)
                                             * np.linalg.norm(profile))
        np.testing.assert_allclose(model.score_users(np.array([user]))[0], expected,
                                   rtol=1e-5, atol=1e-6)
    binary = ContentBased(stop_words=None, binary=True).fit(catalog_data)
    assert not np.allclose(binary.score_users(np.arange(3)), model.score_users(np.arange(3)))


def test_genres_are_single_tokens_and_the_vocabulary_is_kept(catalog_data):
    model = ContentBased().fit(catalog_data)
    assert {"genre_sci_fi", "genre_comedy", "genre_romance"} <= set(model.vocabulary_)
    assert "sci" not in model.vocabulary_ and "the" not in model.vocabulary_   # stop word
    assert model.text_columns_.tolist() == ["title", "genres", "description"]
    assert len(model.idf_) == len(model.vocabulary_) == model.item_features_.shape[1]


def test_similar_items_follow_the_text(catalog_data):
    model = ContentBased().fit(catalog_data)
    items, cosines = model.similar_items(["space4", "laugh1"], k=3)
    assert set(items[0]) == {"space1", "space2", "space3"} and "space4" not in items[0]
    assert items[1][0] == "laugh3"    # shares "wedding"
    assert np.all(np.diff(cosines, axis=1) <= 0) and np.all(cosines <= 1.0 + 1e-6)


def test_an_item_with_neither_text_nor_interactions_has_no_neighbours():
    """Its vector is zero: cosine 0 with everything, and the first items by index came back
    as its neighbours. It gets empty slots and is nobody's neighbour; an item with text
    and no interactions keeps its neighbours."""
    catalog = pd.concat([CATALOG, pd.DataFrame({"item_id": ["blank"], "title": [""],
                                                "genres": [[]], "description": [""]})],
                        ignore_index=True)
    data = Interactions.from_arrays(["fan", "fan", "joker"], ["space1", "space2", "laugh1"],
                                    [5.0, 4.0, 5.0], item_table=catalog,
                                    keep_unseen_items=True)
    model = ContentBased().fit(data)
    items, cosines = model.similar_items(["blank", "space4", "space1"], k=3)
    assert (items[0] == None).all() and np.isneginf(cosines[0]).all()  # noqa: E711
    assert set(items[1]) == {"space1", "space2", "space3"}
    assert "blank" not in items[1:].ravel().tolist()
    # described by its interactions instead (interaction_weight), it has neighbours again
    hybrid = ContentBased(interaction_weight=1.0).fit(
        Interactions.from_arrays(["fan", "fan"], ["blank", "space1"], [5.0, 4.0],
                                 item_table=catalog, keep_unseen_items=True))
    assert hybrid.similar_items(["blank"], k=1)[0][0, 0] == "space1"


def test_load_scores_without_refitting_and_vectorises_new_items(catalog_data, tmp_path):
    model = ContentBased().fit(catalog_data)
    loaded = load_model(model.save(tmp_path / "content"))
    users = np.arange(catalog_data.n_users)
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))
    assert loaded.vocabulary_.dtype.kind == "U"
    # rebuilt from vocabulary + idf, the catalog's own text gives back the fitted vectors
    rebuilt = loaded.item_vectors(catalog_data.item_table)
    np.testing.assert_allclose(rebuilt.toarray(), model.item_features_.toarray(), atol=1e-6)
    brand_new = pd.DataFrame({"item_id": ["space9", "laugh9"],
                              "title": ["Star Rangers", "Wedding Pranks"],
                              "genres": [["Sci-Fi"], ["Comedy"]],
                              "description": ["Deep space.", "Pranks at a wedding."]})
    scores = loaded.score_new_items(["fan", "joker"], brand_new)
    assert scores.shape == (2, 2)
    assert scores[0, 0] > scores[0, 1] and scores[1, 1] > scores[1, 0]


def test_popularity_weight_adds_a_log_popularity_prior(catalog_data, tmp_path):
    plain = ContentBased().fit(catalog_data)
    beta = 0.7
    model = ContentBased(popularity_weight=beta).fit(catalog_data)
    # users per item counted by hand from the fixture: each seen item has one user,
    # space4 and laugh4 none
    users_per_item = np.zeros(catalog_data.n_items)
    for item in ["space1", "space2", "laugh1", "laugh2", "space3", "laugh3"]:
        users_per_item[catalog_data.items.to_index([item])[0]] += 1
    prior = np.log(1 + users_per_item) / np.log(1 + users_per_item.max())
    users = np.arange(catalog_data.n_users)
    np.testing.assert_allclose(model.score_users(users),
                               plain.score_users(users) + beta * prior, rtol=1e-6, atol=1e-6)
    space4 = catalog_data.items.to_index(["space4"])[0]
    assert model.popularity_prior_[space4] == 0.0   # never-seen items get no prior
    loaded = load_model(model.save(tmp_path / "content-prior"))
    np.testing.assert_array_equal(loaded.score_users(users), model.score_users(users))


def test_popularity_prior_follows_the_number_of_users_not_the_values():
    items = ["a", "a", "a", "b", "b", "c"]
    users = ["u1", "u2", "u3", "u1", "u2", "u3"]
    table = pd.DataFrame({"item_id": ["a", "b", "c"],
                          "title": ["red blue", "blue green", "green red"]})
    data = Interactions.from_arrays(users, items, [1.0, 1.0, 1.0, 5.0, 5.0, 5.0],
                                    item_table=table)
    model = ContentBased(popularity_weight=1.0, stop_words=None).fit(data)
    expected = np.log([4.0, 3.0, 2.0]) / np.log(4.0)
    np.testing.assert_allclose(model.popularity_prior_[data.items.to_index(["a", "b", "c"])],
                               expected, rtol=1e-6)


def test_synthetic_items_are_read_from_title_genres_and_description():
    data = generate(n_users=60, n_items=40, n_interactions=600, seed=0)
    model = ContentBased(min_df=2).fit(data)
    assert model.text_columns_.tolist() == ["title", "genres", "description"]
    scores = model.score_users(np.arange(5))
    assert scores.shape == (5, 40) and np.all((scores >= 0) & (scores <= 1 + 1e-6))


def test_without_text_it_refuses_unless_told_to_use_interactions():
    plain = Interactions.from_arrays(["a", "a", "b", "b", "c"], [1, 2, 2, 3, 1])
    with pytest.raises(RecstackError, match="no item table.*interaction_weight"):
        ContentBased().fit(plain)
    model = ContentBased(interaction_weight=1.0).fit(plain)
    # items 1 and 2 share user "a"; 3 shares "b" with 2: c (who has 1) is sent 2 first
    items, _ = model.recommend(["c"], k=1)
    assert items.tolist() == [[2]]


def test_missing_scikit_learn_names_the_extra(catalog_data, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.feature_extraction", None)
    with pytest.raises(RecstackError, match=r'pip install "recstack\[content\]"'):
        ContentBased().fit(catalog_data)


@pytest.mark.parametrize(("params", "message"), [
    ({"min_df": 0}, "min_df must be >= 1"),
    ({"max_features": 0}, "max_features must be >= 1"),
    ({"stop_words": "french"}, "stop_words must be one of"),
    ({"interaction_weight": -1.0}, "interaction_weight must be >= 0"),
    ({"popularity_weight": -0.5}, "popularity_weight must be >= 0"),
    ({"popularity_weight": float("nan")}, "popularity_weight must be a finite number"),
])
def test_bad_hyperparameters_are_refused_in_fit(catalog_data, params, message):
    with pytest.raises(ConfigError, match=message):
        create_model("content", **params).fit(catalog_data)


def test_new_items_must_be_item_table_rows(catalog_data):
    """A list, None or a path failed on `.columns` inside item_vectors."""
    model = ContentBased().fit(catalog_data)
    for rows in ([1, 2], None, "items.csv"):
        with pytest.raises(RecstackError, match=r"^content: score_new_items takes "
                                                rf"item-table rows .*got {type(rows).__name__}"):
            model.score_new_items(["fan"], rows)


def test_a_genre_given_as_one_code_is_one_genre_token():
    """A number in the genres column (a genre code) raised "'int' object is not iterable"."""
    table = pd.DataFrame({"title": ["a", "b"], "genres": [7, ["Drama", "War"]]})
    assert item_documents(table, ["genres"])[0] == "genre_7"
