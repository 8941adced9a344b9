"""Hundred-thirteenth bad-input probe: ``to_interactions(explicit=...)``.

``explicit="no"`` (true to Python) read the value column as ratings; ``explicit=True``
without a ``rating_range`` made implicit data whose weights were the ratings, and a range
with ``explicit=False`` dropped the ratings it bounds. The flag takes True or False only,
and it must agree with the range."""

from __future__ import annotations

import pyarrow as pa
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.partitions import to_interactions

TABLE = pa.table({"user_id": [1, 2], "item_id": [3, 4], "timestamp": [10, 20],
                  "value": [4.0, 2.0]})


@pytest.mark.parametrize("flag", ["no", None, 1, 0])
def test_explicit_takes_true_or_false_only(flag):
    with pytest.raises(ConfigError, match=r"to_interactions: explicit must be True or False, "
                                          r"got " + repr(flag)):
        to_interactions([TABLE], explicit=flag, rating_range=None)


@pytest.mark.parametrize(("explicit", "rating_range"), [(True, None), (False, (1.0, 5.0))])
def test_explicit_and_the_rating_range_must_agree(explicit, rating_range):
    with pytest.raises(RecstackError, match=r"explicit ratings need their \(low, high\) range "
                                            r"and implicit events none; give both or neither"):
        to_interactions([TABLE], explicit=explicit, rating_range=rating_range)


def test_both_agreeing_ways_still_read():
    rated, _ = to_interactions([TABLE], explicit=True, rating_range=(1.0, 5.0))
    assert rated.is_explicit and sorted(rated.value.tolist()) == [2.0, 4.0]
    events, _ = to_interactions([TABLE], explicit=False, rating_range=None)
    assert not events.is_explicit and events.value.tolist() == [1.0, 1.0]
