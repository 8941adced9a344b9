"""Ids of another kind than the model's (numbers asked of a model whose ids are text such as
'u7', or words asked of one whose ids are integers) were refused as "not seen in training"
only, which sent the caller looking for a missing user rather than at the wrong id column;
the refusal now says the ids are of another kind, with a few of the model's own. Ids of the
model's kind ("7" for 7 included) are refused as before."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

NOTE = r"is this the right id column\?"


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(0)
    users, items = rng.integers(0, 30, 600), rng.integers(0, 25, 600)
    numbered = Interactions.from_arrays(users, items, np.ones(600),
                                        rng.integers(0, 10**6, 600))
    named = Interactions.from_arrays(np.array([f"u{u}" for u in users]),
                                     np.array([f"i{i}" for i in items]), np.ones(600),
                                     rng.integers(0, 10**6, 600))
    return (create_model("item_knn", neighbors=10).fit(numbered),
            create_model("item_knn", neighbors=10).fit(named))


@pytest.mark.parametrize("call", [
    lambda model: model.recommend([7]),
    lambda model: model.recommend(np.array([7, 8])),
    lambda model: model.score(["u1"], [3]),
    lambda model: model.similar_items([3.0]),
])
def test_numbers_asked_of_a_model_of_text_ids_say_the_kinds(models, call):
    with pytest.raises(RecstackError, match=r"these ids are numbers, but the model's ids "
                                            r"are text, e\.g\. \['[ui]0', '[ui]1', "
                                            r"'[ui]10'\]: " + NOTE):
        call(models[1])


@pytest.mark.parametrize("call", [
    lambda model: model.recommend(["u7"]),
    lambda model: model.score([1], ["i3"]),
    lambda model: model.recommend(np.array(["u7"])),
])
def test_text_asked_of_a_model_of_integer_ids_says_the_kinds(models, call):
    with pytest.raises(RecstackError, match=r"these ids are text, but the model's ids are "
                                            r"integers, e\.g\. \[0, 1, 2\]: " + NOTE):
        call(models[0])


@pytest.mark.parametrize(("which", "call"), [
    (0, lambda model: model.recommend([99])),
    (0, lambda model: model.recommend(["99"])),  # read as 99, of the model's kind
    (0, lambda model: model.score([1], [99])),
    (1, lambda model: model.recommend(["u99"])),
    (1, lambda model: model.recommend(["u99", 7])),  # one of the model's kind among them
])
def test_unknown_ids_of_the_models_kind_are_refused_as_before(models, which, call):
    with pytest.raises(RecstackError, match=r"not (seen in training|trained on)") as caught:
        call(models[which])
    assert "right id column" not in str(caught.value)


def test_ids_of_the_models_kind_are_served(models):
    numbered, named = models
    np.testing.assert_array_equal(numbered.recommend(["7"], k=3)[0],
                                  numbered.recommend([7], k=3)[0])
    assert named.recommend(["u7"], k=3)[0].shape == (1, 3)
