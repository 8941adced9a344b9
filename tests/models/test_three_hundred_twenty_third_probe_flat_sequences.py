"""SASRec given one user's flat list of items where a list of sequences goes: the refusal
said "sequence 0 must be a flat list of items ... got 3" of a list that was one; it now
says the list is one user's flat history and spells the call for that user."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models.sasrec import SASRec  # noqa: E402


@pytest.fixture(scope="module")
def fitted() -> SASRec:
    users = np.repeat(np.arange(6), 4)
    items = np.array([0, 1, 2, 3] * 6)
    times = np.tile(np.arange(4), 6)
    data = Interactions.from_arrays(users, items, None, times)
    return SASRec(max_length=4, hidden=8, blocks=1, heads=1, epochs=1, batch_size=8,
                  validation=False, device="cpu").fit(data)


@pytest.mark.parametrize(("sequences", "wrapped"), [
    ([3, 1], "[[3, 1]]"),
    ([2], "[[2]]"),
    (np.array([0, 1, 2]), "[[0, 1, 2]]"),
    ((1, np.int64(2)), "[[1, 2]]"),
])
def test_one_flat_list_of_indices_is_named_as_one_users_history(fitted, sequences, wrapped):
    with pytest.raises(RecstackError) as caught:
        fitted.score_sequences(sequences)
    count = len(sequences)
    noun = "item" if count == 1 else "items"
    assert str(caught.value).endswith(
        f"pass [[...], ...] with one list per user (the sequences given are {count} {noun} "
        f"in one flat list, one user's history: for that user, pass {wrapped})")


def test_one_flat_list_of_ids_is_named_as_one_users_history(fitted):
    ids = fitted.items_.to_external(np.array([0, 1])).tolist()
    with pytest.raises(RecstackError) as caught:
        fitted.recommend_sequences(ids, k=2)
    assert str(caught.value).endswith(
        f"(the sequences given are 2 items in one flat list, one user's history: for that "
        f"user, pass [[{ids[0]!r}, {ids[1]!r}]])")


def test_a_list_of_sequences_with_one_bad_row_gets_no_such_note(fitted):
    # [[0], 1]: a list of sequences whose second is a bare item, not one flat history
    with pytest.raises(RecstackError) as caught:
        fitted.score_sequences([[0], 1])
    message = str(caught.value)
    assert message == ("sasrec: sequence 1 must be a flat list of items (one user's history, "
                       "oldest first), got 1; pass [[...], ...] with one list per user")
