"""Hundred-eighty-third probe, which method a refusal of new item rows names: the content
and two-tower models' ``score_new_items`` hand the rows to ``item_vectors`` /
``embed_items``, and their refusals (rows that are no table, a column named twice, a
true/false text value) and unknown-genre warnings named that inner method, one the caller
had not called. Each now names the public method called."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def train():
    return generate(n_users=60, n_items=40, n_interactions=600, seed=0).implicit()


@pytest.fixture(scope="module")
def models(train):
    pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"content": create_model("content").fit(train),
                "two_tower": create_model("two_tower", dim=4, hidden=8, epochs=1,
                                          batch_size=64, device="cpu").fit(train)}


@pytest.mark.parametrize(("name", "inner"), [("content", "item_vectors"),
                                             ("two_tower", "embed_items")])
def test_each_method_names_itself(models, train, name, inner):
    model = models[name]
    user = train.users.external_ids[0]
    with pytest.raises(RecstackError, match=rf"^{name}: score_new_items takes item-table "
                                            r"rows .*got list$"):
        model.score_new_items([user], [1, 2])
    with pytest.raises(RecstackError, match=rf"^{name}: {inner} takes item-table rows "
                                            r".*got list$"):
        getattr(model, inner)([1, 2])
    twice = pd.DataFrame([["a", "b"]], columns=["title", "title"])
    with pytest.raises(RecstackError, match=rf"^{name}: score_new_items: the item rows name "
                                            r"column 'title' twice"):
        model.score_new_items([user], twice)
