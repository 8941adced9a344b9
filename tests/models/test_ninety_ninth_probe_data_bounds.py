"""Ninety-ninth bad-input probe: hyperparameters that no value of can suit the data. A
graph filter on one item (or one user) said "k must be < min(n_users, n_items) = 1, got 1",
a bound no k meets; content's ``min_df`` above the number of item documents failed with
scikit-learn's "max_df corresponds to < documents than min_df", naming a max_df the model
does not have."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


@pytest.mark.parametrize("name", ["gf_cf", "bspm"])
@pytest.mark.parametrize(("users", "items"), [(np.arange(5), np.zeros(5, int)),
                                              (np.zeros(5, int), np.arange(5))])
def test_a_graph_filter_on_one_user_or_item_says_no_k_works(name, users, items):
    train = Interactions.from_arrays(users, items)
    with pytest.raises(RecstackError, match=rf"^{name}: the training data has \d user\(s\) "
                                            r"and \d item\(s\), .*so no value works: a graph "
                                            r"filter with its ideal filter needs at least 2 "
                                            r"users and 2 items"):
        create_model(name, k=1).fit(train)


def test_a_graph_filter_on_two_of_each_still_fits():
    train = Interactions.from_arrays([0, 0, 1], [0, 1, 1])
    assert create_model("gf_cf", k=1).fit(train).is_fitted


def _titled() -> Interactions:
    users = np.repeat(np.arange(6), 2)
    items = (users + np.tile(np.arange(2), 6)) % 6
    table = pd.DataFrame({"item_id": np.arange(6),
                          "title": ["space film", "space war", "war film", "love film",
                                    "love song", "song film"]})
    return Interactions.from_frame(pd.DataFrame({"user_id": users, "item_id": items}),
                                   item_table=table)


def test_content_min_df_above_the_item_count_is_refused():
    with pytest.raises(ConfigError, match=r"^content: min_df=7 is more than the 6 item "
                                          r"documents .*use min_df <= 6"):
        create_model("content", min_df=7).fit(_titled())


def test_content_min_df_at_the_item_count_is_taken_to_tfidf():
    # "film" is in 4 of 6 titles: no term reaches 6, said with the largest min_df that works
    with pytest.raises(RecstackError, match=r"min_df=6 keeps no term: .*\(the most any term "
                                            r"is in: 4 of 6\); use min_df <= 4$"):
        create_model("content", min_df=6).fit(_titled())
    assert create_model("content", min_df=4).fit(_titled()).vocabulary_.tolist() == ["film"]
