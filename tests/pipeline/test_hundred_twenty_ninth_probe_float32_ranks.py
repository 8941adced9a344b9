"""Items proposed per source are bounded where a source's rank becomes a float32 feature:
a rank, and ``n_per_source + 1`` for an item the source did not propose, is exact in
float32 only up to 2**24. ``n_per_source=10**30`` was accepted by the feature builder (and
by hand-built candidates, generate_candidates and a saved builder) and every rank past
2**24 became the same number as its neighbours and as "not proposed", silently."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.candidates import Candidates, generate_candidates
from recstack.pipeline.features import FeatureBuilder

#: the largest whole number float32 holds with every smaller one: 2**24 (its 24-bit
#: significand); the "not proposed" rank n + 1 must not pass it
LARGEST = 2**24 - 1


def _log() -> Interactions:
    frame = pd.DataFrame({"user_id": ["a", "a", "b", "b", "c"],
                          "item_id": ["x", "y", "y", "z", "x"],
                          "timestamp": [1, 2, 3, 4, 5]})
    return Interactions.from_frame(frame)


def test_the_bound_is_where_float32_stops_holding_whole_numbers():
    # from the definition, not from the code: n + 1 is exact, one more is not
    assert float(np.float32(LARGEST + 1)) == LARGEST + 1
    assert np.float32(LARGEST + 2) == np.float32(LARGEST + 1)


@pytest.mark.parametrize("count", [LARGEST + 1, 10**30, np.int64(2**40)])
def test_the_feature_builder_refuses_more_items_per_source_than_float32_ranks_hold(count):
    with pytest.raises(ConfigError, match=r"^features: n_per_source \(items each source "
                       r"proposes\) must be at most 16,777,215 \(2\*\*24 - 1\), got "
                       r"[0-9,]+: .*float32 feature, exact only up to 2\*\*24"):
        FeatureBuilder().fit(_log(), ("a",), count)


def test_the_largest_count_float32_holds_is_accepted():
    builder = FeatureBuilder().fit(_log(), ("a",), LARGEST)
    assert builder.n_per_source_ == LARGEST
    # the "not proposed" rank is still distinct from the worst proposed one in the frame
    candidates = Candidates(np.array([0, 1]), np.array([0, 1]),
                            np.array([[0.5], [np.nan]], np.float32),
                            np.array([[LARGEST], [LARGEST + 1]], np.float64), ("a",), LARGEST)
    frame = builder.build(candidates, builder.statistics(_log(), 10))
    assert frame.column("rank_a").tolist() == [LARGEST, LARGEST + 1]


@pytest.mark.parametrize("count", [LARGEST + 1, 2**30])
def test_hand_built_candidates_refuse_it_too(count):
    with pytest.raises(RecstackError, match=r"^Candidates: n_per_source must be at most "
                       r"16,777,215 \(2\*\*24 - 1\)"):
        Candidates(np.array([0]), np.array([1]), np.array([[np.nan]]),
                   np.array([[count + 1]], np.float64), ("a",), count)


def test_generate_candidates_refuses_it_before_asking_the_generators():
    with pytest.raises(ConfigError, match=r"^candidates: n \(items asked of each generator\) "
                       r"must be at most 16,777,215"):
        generate_candidates([], np.array([0]), 10**30)


def test_a_saved_builder_with_too_many_per_source_is_refused_as_malformed():
    raw = json.loads(FeatureBuilder().fit(_log(), ("a",), 5).to_json())
    raw["n_per_source"] = 10**30
    with pytest.raises(RecstackError, match=r"^features: the saved feature builder is "
                       r"malformed: 'n_per_source' must be at most 16,777,215"):
        FeatureBuilder.from_json(json.dumps(raw))
