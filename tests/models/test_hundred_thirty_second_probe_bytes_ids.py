"""One rule for bytes given as ids, in every method that takes external ids: bytes are
UTF-8 text, as the data layer reads them (``recstack.data.idmap.id_values``: a Parquet
column of binary ids is read so), so ``b"7"`` is the id ``"7"``, which a model of integer
ids looks up as 7; bytes that are not UTF-8 are refused naming the argument."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    train = Interactions.from_arrays(np.repeat(np.arange(1, 31), 6),
                                     rng.integers(1, 21, 180), duplicates="last")
    return create_model("ease", regularization=10.0).fit(train)


def test_bytes_are_read_as_their_text_everywhere(model):
    user, item = model.users_.external_ids[0].item(), model.items_.external_ids[0].item()
    as_bytes = str(user).encode(), str(item).encode()
    for given in (as_bytes[0], [as_bytes[0]], np.array([as_bytes[0]])):
        assert np.array_equal(model.recommend(given, k=5)[0], model.recommend(user, k=5)[0])
    assert np.array_equal(model.similar_items(as_bytes[1], k=5)[0],
                          model.similar_items(item, k=5)[0])
    assert np.array_equal(model.score(*as_bytes), model.score(user, item))


@pytest.mark.parametrize("method, argument", [("recommend", "users"),
                                              ("similar_items", "items")])
def test_bytes_that_are_not_utf8_are_refused_naming_the_argument(model, method, argument):
    with pytest.raises(RecstackError, match=rf"^ease: {argument}: the value at position 1 is "
                                            r"bytes b'\\xff', not UTF-8 text"):
        getattr(model, method)([b"1", b"\xff"], k=5)
