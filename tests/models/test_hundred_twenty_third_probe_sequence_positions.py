"""``recommend_sequences`` named the unknown ids of a sequence but not where they were:
in a long sequence (or one repeating an id) the user could not find the entry. It now
names each (up to five) with its position, counted from 0, oldest first."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    users = rng.integers(0, 20, 300)
    items = rng.integers(0, 12, 300) * 10 + 100
    data = Interactions.from_arrays(users, items, np.ones(300), np.arange(300))
    return create_model("sasrec", max_length=5, hidden=8, blocks=1, epochs=1, batch_size=64,
                        validation=False, device="cpu").fit(data)


def test_an_unknown_id_is_named_with_its_position(model):
    with pytest.raises(RecstackError, match=r"^sasrec: sequence 1 holds 1 item id\(s\) the "
                                            r"model does not know: 7 at position 2 \(positions "
                                            r"count from 0, oldest first\); give the external"):
        model.recommend_sequences([[100], [100, 110, 7, 120]], 3)


def test_at_most_five_are_listed_and_the_rest_announced(model):
    with pytest.raises(RecstackError) as refused:
        model.recommend_sequences([[1, 100, 2, 3, 4, 5, 6]], 3)
    message = str(refused.value)
    assert "holds 6 item id(s)" in message
    assert ("1 at position 0, 2 at position 2, 3 at position 3, 4 at position 4, "
            "5 at position 5, ...") in message
    assert "6 at position 6" not in message


def test_text_ids_are_shown_as_written(model):
    with pytest.raises(RecstackError, match=r"does not know: 'abc' at position 1 "):
        model.recommend_sequences([[100, "abc"]], 3)
