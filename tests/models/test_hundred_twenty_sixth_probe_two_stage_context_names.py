"""A two-stage model's serving context of the wrong shape ("context has 1 row for 2 users
asked for") or with a repeated column named no model, where every other error of a model's
call starts with its name (as the README says errors look like)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.synthetic import generate
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.two_stage import UnusedContextWarning
from tests.pipeline.tiny_ranker import tiny_ranker  # noqa: F401 (fixture)


@pytest.fixture
def fitted(tiny_ranker):  # noqa: F811 (the imported fixture)
    data = generate(n_users=80, n_items=40, n_interactions=1200, seed=5)
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "tiny_linear"}, n_candidates=8).fit(data)
    return model, data


def test_a_context_of_the_wrong_length_names_the_model_on_every_path(fitted):
    model, data = fitted
    users = data.users.to_external([0, 1])
    one_row = pd.DataFrame({"device": ["phone"]})
    expected = "^two_stage: context has 1 row for 2 users asked for"
    with pytest.raises(RecstackError, match=expected):
        model.recommend(users, k=3, context=one_row)
    with pytest.raises(RecstackError, match=expected):
        model.score(users, data.items.to_external([0, 1]), context=one_row)
    with pytest.raises(RecstackError, match=expected):
        model.score_histories(model.seen_[[0, 1]], context=one_row)


def test_a_context_of_another_kind_or_with_uneven_columns_names_the_model(fitted):
    model, data = fitted
    users = data.users.to_external([0, 1])
    with pytest.raises(RecstackError, match="^two_stage: context must be a dict"):
        model.recommend(users, k=3, context=["phone", "web"])
    with pytest.raises(RecstackError, match="^two_stage: context: its columns have different "
                                            "lengths"):
        model.recommend(users, k=3, context={"device": ["m", "w"], "screen": [4]})
    # one row per user is served as before
    with pytest.warns(UnusedContextWarning, match="^two_stage: context column"):
        items, _ = model.recommend(users, k=3, context={"device": ["m", "w"]})
    assert items.shape == (2, 3) and np.all(items != None)  # noqa: E711
