"""Hundred-tenth probe: a saved feature builder whose categorical column lists a level twice
(an edited ``levels``) loaded, and then every build failed inside pandas ("Reindexing only
valid with uniquely valued Index objects"), naming neither the column nor the file. Loading
refuses it now, naming the column and the level; the builder as saved still loads and
builds the same frame."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.features import FeatureBuilder
from tests.pipeline.test_features import CUTOFF, candidates, fitted, tiny_log


def saved() -> dict:
    return json.loads(fitted().to_json())


@pytest.mark.parametrize(("field", "position"), [("columns", 2), ("columns", 1)])
def test_a_level_listed_twice_is_refused_when_loaded(field, position):
    data = saved()
    levels = data[field][position]["levels"]
    data[field][position]["levels"] = [levels[0], *levels]
    with pytest.raises(RecstackError, match=rf"^features: the saved feature builder is "
                                            rf"malformed: '{field}'\[{position}\]: levels "
                                            rf"lists '{levels[0]}' more than once"):
        FeatureBuilder.from_json(json.dumps(data))


def test_the_builder_as_saved_builds_the_same_frame():
    builder = fitted()
    again = FeatureBuilder.from_json(builder.to_json())
    state = builder.statistics(tiny_log(), CUTOFF)
    first = builder.build(candidates(), state)
    second = again.build(candidates(), again.statistics(tiny_log(), CUTOFF))
    np.testing.assert_array_equal(first.categorical, second.categorical)
    np.testing.assert_array_equal(first.numeric, second.numeric)
