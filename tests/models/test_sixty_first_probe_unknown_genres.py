"""New items whose genres the model was not fitted with (a misspelling, "Comdy") counted
as no genre without a word; content's item_vectors / score_new_items and two-tower's
embed_items / score_new_items now warn naming them, their row and the nearest known
genre."""

import warnings

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.models.content import ContentBased
from recstack.models.text_features import UnknownGenreWarning

CATALOG = pd.DataFrame({
    "item_id": ["space1", "space2", "laugh1", "laugh2"],
    "title": ["Star Voyage", "Galaxy Rangers", "Wedding Chaos", "Office Pranks"],
    "genres": [["Sci-Fi"], ["Sci-Fi", "Action"], ["Comedy"], ["Comedy", "Romance"]],
})


@pytest.fixture(scope="module")
def data():
    return Interactions.from_arrays(["fan", "fan", "joker", "joker"],
                                    ["space1", "space2", "laugh1", "laugh2"],
                                    [5.0, 4.0, 5.0, 3.0], item_table=CATALOG)


def _rows(genres):
    return pd.DataFrame({"item_id": [f"new{i}" for i in range(len(genres))],
                         "title": ["Untitled"] * len(genres), "genres": genres})


def test_content_warns_naming_the_unknown_genre_and_the_nearest(data):
    model = ContentBased().fit(data)
    with pytest.warns(UnknownGenreWarning, match=r"content: score_new_items: 1 genre\(s\) the "
                      r"model was not fitted with, counted as no genre: 'Comdy' \(row 1\) "
                      r"\(did you mean 'comedy'\?\)"):
        model.score_new_items(["fan"], _rows([["Sci-Fi"], ["Comdy"]]))


def test_content_says_nothing_for_known_genres_in_any_spelling(data):
    model = ContentBased().fit(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownGenreWarning)
        # "sci-fi" and "Sci Fi" are the token genre_sci_fi, as in training; missing is none
        model.item_vectors(_rows([["sci-fi"], "Comedy|Romance", ["Sci Fi"], None, []]))


def test_text_of_pipes_names_each_genre(data):
    model = ContentBased().fit(data)
    with pytest.warns(UnknownGenreWarning, match=r"2 genre\(s\).*'Horror' \(row 0\).*"
                                                 r"'Acton' \(row 1\) \(did you mean "
                                                 r"'action'\?\)"):
        model.item_vectors(_rows(["Horror|Comedy", "Acton"]))


def test_a_model_fitted_without_genres_says_nothing(data):
    table = CATALOG.drop(columns="genres")
    plain = Interactions.from_arrays(["fan", "joker"], ["space1", "laugh1"], [5.0, 5.0],
                                     item_table=table, keep_unseen_items=True)
    model = ContentBased().fit(plain)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownGenreWarning)
        model.item_vectors(_rows([["Comdy"]]).drop(columns="genres"))


def test_two_tower_warns_too():
    torch = pytest.importorskip("torch")
    from recstack.data.synthetic import generate
    from recstack.models.two_tower import TwoTower

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train = generate(n_users=60, n_items=40, n_interactions=600, seed=0).implicit()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = TwoTower(dim=4, hidden=8, epochs=1, batch_size=64, text_dim=4,
                             device="cpu").fit(train)
        rows = train.item_table.iloc[:2].copy()
        known = model.content_.genre_vocabulary[0].removeprefix("genre_")
        rows["genres"] = [[known + "x"], [known]]
        with pytest.warns(UnknownGenreWarning, match=rf"two_tower: embed_items: 1 genre\(s\)"
                                                     rf".*'{known}x' \(row 0\) \(did you "
                                                     rf"mean '{known}'\?\)"):
            model.embed_items(rows)
    finally:
        torch.set_num_threads(before)


def test_genres_joined_by_a_comma_are_told_to_use_a_pipe(data):
    model = ContentBased().fit(data)
    with pytest.warns(UnknownGenreWarning, match=r"'Sci-Fi, Comedy' \(row 0\).*separated by "
                                                 r"'\|' \('Sci-Fi, Comedy' was read as one "
                                                 r"genre\), or give a list$"):
        model.item_vectors(_rows(["Sci-Fi, Comedy"]))
