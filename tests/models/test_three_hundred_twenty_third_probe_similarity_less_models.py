"""similar_items on a model without an item similarity (user_knn, the baselines, a blend
with such a member): refused first, naming why and the models that have one."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.registry import create_model


def _data() -> Interactions:
    # a: u0 u1 u2; b: u0 u1; c: u2. Cosines: a-b 2/sqrt(3*2) = 0.816, a-c 1/sqrt(3) =
    # 0.577, b-c 0: the item most similar to b is a, and to c is a.
    pairs = [("u0", "a"), ("u0", "b"), ("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "c")]
    frame = pd.DataFrame(pairs, columns=["user_id", "item_id"]).assign(value=1.0)
    return Interactions.from_frame(frame)


@pytest.mark.parametrize("name", ["user_knn", "most_popular", "random"])
def test_a_model_without_item_similarity_says_so_and_which_have_one(name: str) -> None:
    model = create_model(name).fit(_data())
    with pytest.raises(RecstackError) as caught:
        model.similar_items(["a"], k=1)
    message = str(caught.value)
    # it was "this model has no item similarity", with nothing to do instead
    assert message.startswith(f"{name}: this model has no item similarity, so "
                              "similar_items has nothing to rank items by (it compares no two "
                              "items: it has neither item-item weights nor item vectors); "
                              "models that have one: ")
    having = message.split("models that have one: ")[1].split(", ")
    assert "item_knn" in having and "ease" in having and "als" in having
    assert name not in having and "user_knn" not in having


def test_a_blend_names_its_member_without_item_similarity() -> None:
    blend = create_model("blend", members=[{"type": "item_knn"}, {"type": "user_knn"}],
                         weights=[1.0, 1.0]).fit(_data())
    with pytest.raises(RecstackError) as caught:
        blend.similar_items(["a"], k=1)
    message = str(caught.value)
    # it was "user_knn: this model has no item similarity", as if user_knn were called
    assert message.startswith("blend: this model has no item similarity")
    assert "members[1] (user_knn) has none" in message


def test_a_blend_member_of_weight_zero_need_not_have_item_similarity() -> None:
    blend = create_model("blend", members=[{"type": "item_knn"}, {"type": "user_knn"}],
                         weights=[1.0, 0.0]).fit(_data())
    ids, values = blend.similar_items(["b", "c"], k=1)
    assert ids.tolist() == [["a"], ["a"]]
    assert values.shape == (2, 1)
    alone, _ = create_model("item_knn").fit(_data()).similar_items(["b", "c"], k=1)
    assert alone.tolist() == ids.tolist()


def test_a_reranked_model_names_itself_and_its_wrapped_model() -> None:
    # a wrapped user_knn was refused in user_knn's own name, from inside the wrapper
    model = create_model("reranked", model={"type": "user_knn"},
                         chain=[{"type": "seen"}]).fit(_data())
    with pytest.raises(RecstackError, match=r"^reranked: this model has no item similarity, "
                                            r".*wrapped model's similarity, and user_knn has "
                                            r"none"):
        model.similar_items(["a"], k=1)
    wrapped = create_model("reranked", model={"type": "item_knn"},
                           chain=[{"type": "seen"}]).fit(_data())
    assert wrapped.similar_items(["b"], k=1)[0].tolist() == [["a"]]
