"""Twenty-sixth bad-input probe, ``recommend(..., batch_size=...)`` given something that is
no positive integer: the refusal came from the top-K loop as a bare "batch_size must be a
positive integer, got 0", naming neither the model nor the call (a script calling several
models could not tell whose it was), while ``k`` beside it was refused as
"ease: recommend: k must be ..."."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

TRAIN = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [10, 20, 20, 30, 10, 30])


@pytest.mark.parametrize("name", ["ease", "most_popular", "item_knn"])
@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8", True])
def test_a_bad_batch_size_names_the_model_and_the_call(name, batch_size):
    model = create_model(name).fit(TRAIN)
    with pytest.raises(ConfigError, match=rf"^{name}: recommend: batch_size must be a positive "
                                          r"integer \(users scored at a time\) or None"):
        model.recommend([1, 2], k=1, batch_size=batch_size)


def test_a_good_batch_size_gives_the_same_lists():
    model = create_model("item_knn").fit(TRAIN)
    whole = model.recommend([1, 2, 3], k=1)
    for batch_size in (1, np.int64(2), None):
        items, scores = model.recommend([1, 2, 3], k=1, batch_size=batch_size)
        np.testing.assert_array_equal(items, whole[0])
        np.testing.assert_array_equal(scores, whole[1])
    # each user's one unseen item: user 1 saw 10 and 20, user 2 saw 20 and 30, user 3 saw
    # 10 and 30
    assert whole[0].ravel().tolist() == [30, 10, 20]
