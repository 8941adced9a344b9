"""Two-hundred-forty-first probe of the Spark backend: ``SparkItemCooccurrence`` did not
hold its settings to the bounds of ItemKNN, whose arithmetic it reproduces and whose model
``to_recstack()`` makes. A ``shrink`` beyond float32's range became inf on the cluster,
every similarity 0, and every item was left without neighbours without a word; a shrink
near 1e38 kept similarities below float32's smallest normal number (ItemKNN refuses both);
``neighbors`` or ``max_user_items`` beyond a Java long was a Py4JError traceback
(``NumberFormatException``). Each is now refused in ItemKNN's words."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


def test_cooccurrence_settings_are_held_to_item_knns_bounds(spark):
    from recstack.spark import data as sd
    from recstack.spark.models import SparkItemCooccurrence

    # users 0 and 1: items 0, 1; user 2: items 0, 1, 2. Users per item: 3, 3, 1;
    # co-occurrences c01 = 3, c02 = c12 = 1
    data = sd.from_interactions(spark, Interactions.from_arrays(
        [0, 0, 1, 1, 2, 2, 2], [0, 1, 0, 1, 0, 1, 2]))
    with pytest.raises(ConfigError, match=r"^SparkItemCooccurrence: shrink must lie within "
                                          r"float32's range \(at most 3.4e38"):
        SparkItemCooccurrence(shrink=1e39).fit(data)
    # s02 = 1 / (sqrt(3 * 1) + 1e38) = 1e-38, below 1.18e-38; s01 = 3 / (3 + 1e38) = 3e-38
    with pytest.raises(ConfigError, match=r"^SparkItemCooccurrence: shrink = 1e\+38 makes the "
                                          r"item similarities as small as 1e-38 \(the largest "
                                          r"is 3e-38\), below float32's smallest normal"):
        SparkItemCooccurrence(shrink=1e38).fit(data)
    for name in ("neighbors", "max_user_items"):
        with pytest.raises(ConfigError, match=rf"^SparkItemCooccurrence {name}: expected an "
                                              r"integer in \[1, 9223372036854775807\], got "
                                              r"10{30}$"):
            SparkItemCooccurrence(**{name: 10**30}).fit(data)
    # a large shrink within both limits is kept: the three pairs, both ways
    fitted = SparkItemCooccurrence(shrink=1e37).fit(data)
    assert fitted.neighbors_.count() == 6
