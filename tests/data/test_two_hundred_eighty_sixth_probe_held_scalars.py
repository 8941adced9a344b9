"""A 0-d numpy array (``np.array(0.25)``, what a numpy reduction or ``np.asarray`` of one
number gives) is the number it holds for every split's share, count, fold number, seed
and time, as ``np.float64(0.25)`` already was and as the models read their
hyperparameters; it was refused as "test_fraction = array(0.25): expected a number". A
numpy Generator or RandomState given as a seed is refused saying that it is no seed."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import (
    KFold,
    LeaveLastOut,
    RandomSplit,
    kfold_split,
    leave_last_out,
    random_split,
    temporal_split,
    user_split,
)
from recstack.errors import ConfigError


def _data() -> Interactions:
    # user a: items 0..3 at times 1..4; b: items 0..5 at times 11..16; c: items 5..0 at
    # times 21..26 (so every item a test part holds below is seen in training)
    users = ["a"] * 4 + ["b"] * 6 + ["c"] * 6
    items = [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0]
    times = [1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26]
    return Interactions.from_arrays(users, items, timestamps=times)


def _rows(part: Interactions) -> list[tuple[str, int]]:
    frame = part.to_frame()
    return sorted(zip(frame["user_id"].astype(str), frame["timestamp"].astype(int),
                      strict=True))


def test_a_share_in_a_0d_array_is_that_share():
    data = _data()
    split = random_split(data, np.array(0.25), seed=np.array(3))
    # 0.25 of 4 rows is 1 test row; 0.25 of 6 rows is 1.5, rounded up: 2 test rows
    assert len(split.test) + len(split.set_apart) == 1 + 2 + 2
    assert _rows(split.test) == _rows(random_split(data, 0.25, seed=3).test)
    params = split.report.to_dict()["params"]
    assert params == {"test_fraction": 0.25, "seed": 3}
    json.dumps(split.report.to_dict())  # plain numbers, not arrays


def test_temporal_share_and_cutoff_in_0d_arrays():
    data = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # 0.3 of 16 rows is 4.8, rounded: the latest five rows, times 22..26
        by_share = temporal_split(data, test_fraction=np.array(0.3))
        by_cutoff = temporal_split(data, np.array(24))
    assert _rows(by_share.test) == [("c", t) for t in (22, 23, 24, 25, 26)]
    assert _rows(by_cutoff.test) == [("c", 24), ("c", 25), ("c", 26)]
    assert by_cutoff.report.to_dict()["params"] == {"cutoff": 24}


def test_a_count_and_a_fold_number_in_0d_arrays():
    data = _data()
    split = leave_last_out(data, np.array(2))
    # each user's last two rows by time
    assert _rows(split.test) == [("a", 3), ("a", 4), ("b", 15), ("b", 16), ("c", 25),
                                 ("c", 26)]
    assert split.report.to_dict()["params"] == {"n": 2}
    folds = list(kfold_split(data, np.array(2), seed=np.array(0)))
    assert len(folds) == 2
    assert sum(len(fold.test) + len(fold.set_apart) for fold in folds) == 16
    assert LeaveLastOut(np.array(2)).n == 2
    assert KFold(np.array(3), seed=np.array(1)).k == 3


def test_user_split_reads_0d_shares_and_flags():
    data = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        split = user_split(data, np.array(0.5), fold_in_fraction=np.array(0.5),
                           by_time=np.array(True), seed=np.array(0))
    params = split.report.to_dict()["params"]
    assert params == {"test_users": 0.5, "fold_in_fraction": 0.5, "by_time": True, "seed": 0}
    assert type(params["by_time"]) is bool
    # 0.5 of 3 users is 1.5, rounded up: two users held out, one user (4 or 6 rows) trains
    assert len(split.train) in (4, 6)
    assert split.fold_in is not None
    assert len(split.train) + len(split.test) + len(split.fold_in) + len(split.set_apart) == 16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = user_split(data, 0.5, fold_in_fraction=0.5, by_time=True, seed=0)
    assert _rows(split.test) == _rows(plain.test)
    assert plain.fold_in is not None
    assert _rows(split.fold_in) == _rows(plain.fold_in)


@pytest.mark.parametrize("given, message", [
    # an array of one element is still no single number
    (np.array([0.25]), r"random: test_fraction = array\(\[0.25\]\): expected a number"),
    (np.array(True), "random: test_fraction = True: expected a number"),
    (np.array(1.0), r"random: test_fraction = 1.0: must be in \(0, 1\)"),
])
def test_what_a_0d_array_holds_is_checked_as_that_value(given, message):
    with pytest.raises(ConfigError, match=message):
        random_split(_data(), given)
    with pytest.raises(ConfigError, match=message):
        RandomSplit(given)


@pytest.mark.parametrize("seed, kind", [
    (np.random.default_rng(0), "Generator"),
    (np.random.RandomState(0), "RandomState"),
    (np.random.PCG64(0), "PCG64"),
])
def test_a_generator_as_a_seed_is_named(seed, kind):
    with pytest.raises(ConfigError) as caught:
        random_split(_data(), 0.25, seed=seed)
    message = str(caught.value)
    assert message.startswith(f"random: seed = a numpy {kind}: expected a whole number")
    assert "give the seed the generator was made from, e.g. seed=0" in message
    assert "0x" not in message
