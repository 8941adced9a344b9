"""Twenty-third bad-input probe of the two-stage model's ``score``: with a request context
or ``exclude_seen=False`` (the paths the model scores itself) a users/items length mismatch
said "users and items must pair up: (3,) vs (2,)", naming neither the model nor what to
give instead, and an unknown item id was reported without the model's name; both now read
as the model contract's own messages do."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    base = generate(n_users=60, n_items=40, n_interactions=1200, seed=1, progress=None)
    rows = base.to_frame()
    rows["device"] = np.random.default_rng(0).choice(["phone", "web"], len(rows))
    train = Interactions.from_frame(rows, context_cols=["device"])
    return create_model("two_stage", generators=[{"type": "most_popular"},
                                                 {"type": "item_knn"}],
                        ranker={"type": "logistic"}, n_candidates=10,
                        features={"context_columns": ["device"]}).fit(train, progress=None)


def ids(model):
    return (model.users_.to_external(np.arange(3)).tolist(),
            model.items_.to_external(np.arange(3)).tolist())


@pytest.mark.parametrize("options", [{"context": {"device": "phone"}},
                                     {"exclude_seen": False}])
def test_users_and_items_that_do_not_pair_up_are_named(model, options):
    users, items = ids(model)
    with pytest.raises(ConfigError, match=r"^two_stage: score\(users, items\): users and items "
                       r"must pair up \(the score of users\[j\] for items\[j\]\), got 3 user "
                       r"id\(s\) and 2 item id\(s\); to score several items for one user, "
                       r"repeat the user id"):
        model.score(users, items[:2], **options)


def test_an_unknown_item_with_a_context_names_the_model(model):
    users, items = ids(model)
    with pytest.raises(RecstackError, match=r"^two_stage: items: 1 id\(s\) the model was not "
                       r"trained on, e.g. \['zzz'\]"):
        model.score(users, [*items[:2], "zzz"], context={"device": "phone"})
