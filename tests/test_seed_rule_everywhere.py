"""The one seed rule (a whole number in [0, 2**32 - 1]) in the Python functions that take a
seed directly: a 33-bit seed is refused naming the argument, the largest one is taken."""

import numpy as np
import pytest

from recstack.data import Interactions
from recstack.data.splits import kfold_split, random_split, user_split
from recstack.pipeline.imbalance import downsample_negatives

LARGEST = 2**32 - 1


@pytest.fixture(scope="module")
def data() -> Interactions:
    users = np.repeat(np.arange(20), 5)
    items = np.tile(np.arange(5), 20)
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize("split", [
    lambda data, seed: random_split(data, 0.2, seed=seed),
    lambda data, seed: user_split(data, 0.2, seed=seed),
    lambda data, seed: next(iter(kfold_split(data, 2, seed=seed))),
], ids=["random", "user", "kfold"])
def test_splits_refuse_a_seed_past_32_bits_and_take_the_largest(data, split):
    with pytest.raises(Exception, match="seed") as refused:
        split(data, LARGEST + 1)
    assert str(LARGEST) in str(refused.value)
    assert len(split(data, LARGEST).train) > 0


def test_downsampling_refuses_a_seed_past_32_bits():
    labels = np.array([1, 0, 0, 0, 1, 0])
    with pytest.raises(Exception, match="seed"):
        downsample_negatives(labels, 0.5, seed=LARGEST + 1)
    kept = downsample_negatives(labels, 0.5, seed=LARGEST)
    assert {0, 4} <= set(kept.tolist())
