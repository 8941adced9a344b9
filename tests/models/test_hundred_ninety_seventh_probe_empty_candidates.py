"""A two-stage model's ``candidates`` for a user who has interacted with every item gave
that user no row without a word. It now warns, naming how many users got none and why;
``recommend`` answers such a user as every model does: empty slots (id -1, score -inf)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.synthetic import generate
from recstack.models.base import EmptyListWarning
from recstack.models.registry import create_model

EVERYTHING = 10**6  # the user who interacted with every item


@pytest.fixture(scope="module")
def fitted():
    frame = generate(n_users=200, n_items=50, n_interactions=3000, seed=0).to_frame()
    everything = frame.drop_duplicates("item_id").assign(user_id=EVERYTHING)
    data = Interactions.from_frame(pd.concat([frame, everything]), timestamp_col="timestamp")
    model = create_model("two_stage", n_candidates=10).fit(data)
    return model, int(frame["user_id"].iloc[0])


def test_a_user_without_candidates_is_named_with_the_reason(fitted):
    model, other = fitted
    users = np.asarray(model._user_indices([EVERYTHING, other]))
    with pytest.warns(UserWarning) as caught:
        candidates = model.candidates(users)
    assert [str(w.message) for w in caught] == [
        "two_stage: candidates: 1 of the 2 users asked for got no candidate (1000000): each "
        "interacted with every item the generators can propose (50), which "
        "exclude_seen=True leaves out (recommend gives them empty slots: id -1 or None, "
        "score -inf)"]
    assert users[0] not in candidates.users and users[1] in candidates.users


def test_every_user_with_candidates_gives_no_warning(fitted):
    model, other = fitted
    users = np.asarray(model._user_indices([EVERYTHING, other]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.candidates(users[1:])
        # with seen items allowed, the user who saw everything has candidates
        assert users[0] in model.candidates(users[:1], exclude_seen=False).users


def test_recommend_gives_such_a_user_empty_slots_as_every_model(fitted):
    model, other = fitted
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        top, scores = model.recommend([EVERYTHING, other], k=3)
    # the one warning every model gives of an empty list, with its reason
    assert [(w.category, str(w.message)) for w in caught] == [(
        EmptyListWarning, f"two_stage: recommend: 1 user ([{EVERYTHING}]) got an empty list "
        "(every slot id -1, score -inf): it has interacted with every one of the 50 items of "
        "the catalog, and seen items are excluded (exclude_seen=False ranks them too)")]
    assert top[0].tolist() == [-1, -1, -1] and np.isneginf(scores[0]).all()
    assert (top[1] >= 0).all() and np.isfinite(scores[1]).all()
