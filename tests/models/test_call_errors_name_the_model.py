"""A refused call names the model and what was wrong with its arguments: a script fitting
several models got a bare "k must be a positive integer, got 0" without saying whose."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.registry import create_model
from recstack.serving.ann import ItemIndex

DATA = Interactions.from_frame(pd.DataFrame({"user_id": [1, 1, 2, 2, 3],
                                             "item_id": [1, 2, 2, 3, 1]}))


@pytest.mark.parametrize(("k", "why"), [(0, ""), ("3", ""),
                                        (True, r", a boolean \(true/false\), not a number")])
def test_recommend_names_the_model_for_a_bad_k(k, why):
    model = create_model("item_knn").fit(DATA)
    with pytest.raises(ConfigError, match=rf"^item_knn: recommend: k must be a positive "
                                          rf"integer, got {k!r}{why}$"):
        model.recommend([1], k=k)


def test_similar_items_names_the_model_for_a_bad_k():
    model = create_model("most_popular").fit(DATA)
    with pytest.raises(ConfigError, match=r"^most_popular: similar_items: k must be"):
        model.similar_items([1], k=-2)


def test_recommend_names_the_model_for_exclude_seen_as_text():
    model = create_model("ease").fit(DATA)
    with pytest.raises(ConfigError, match=r"^ease: recommend: exclude_seen must be True or "
                                          r"False, got 'no'$"):
        model.recommend([1], k=2, exclude_seen="no")


def test_an_oversized_k_names_the_model():
    model = create_model("item_knn").fit(DATA)
    with pytest.raises(ConfigError, match=r"^item_knn: recommend: k = 1000000000000 is "
                                          r"larger than the catalog \(3 items\)"):
        model.recommend([1, 2], k=10**12)


def test_the_item_index_names_its_call():
    index = ItemIndex.build(np.eye(3, dtype=np.float32), metric="ip", backend="exact")
    with pytest.raises(ConfigError, match=r"^ItemIndex.search: k must be a positive integer"):
        index.search(np.ones((1, 3), np.float32), k=0)


def test_unknown_users_are_counted_once_each():
    # five rows of two unknown users: "2 user(s)", each shown once
    model = create_model("most_popular").fit(DATA)
    with pytest.raises(RecstackError, match=r"^most_popular: 2 user\(s\) not seen in "
                                            r"training, e\.g\. \[7, 8\];"):
        model.recommend([7, 7, 8, 7, 8, 1], k=1)
