"""Split fractions and filter thresholds given as exact numbers (Decimal, Fraction) are
read as the floats they name, and the split reports keep plain numbers (JSON writes
them)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.filters import MinValue, apply_filters
from recstack.data.interactions import Interactions
from recstack.data.splits import random_split, temporal_split, user_split
from recstack.errors import ConfigError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, 20, 300), rng.integers(0, 30, 300),
                                    rng.integers(1, 6, 300).astype(float),
                                    rng.integers(10**9, 10**9 + 10**6, 300),
                                    duplicates="first")


@pytest.mark.parametrize("exact", [Decimal("0.2"), Fraction(1, 5)])
def test_random_split_reads_an_exact_fraction_as_its_float(data, exact):
    split = random_split(data, exact, seed=1)
    assert np.array_equal(split.test.user_index, random_split(data, 0.2, seed=1)
                          .test.user_index)
    params = json.loads(json.dumps(split.report.to_dict()))["params"]
    assert params["test_fraction"] == 0.2


def test_temporal_and_user_splits_read_exact_fractions(data):
    assert len(temporal_split(data, test_fraction=Decimal("0.2")).test) == len(
        temporal_split(data, test_fraction=0.2).test)
    exact = user_split(data, Decimal("0.2"), fold_in_fraction=Fraction(1, 2), seed=0)
    plain = user_split(data, 0.2, fold_in_fraction=0.5, seed=0)
    assert np.array_equal(exact.test.user_index, plain.test.user_index)
    assert np.array_equal(exact.fold_in.item_index, plain.fold_in.item_index)
    json.dumps(exact.report.to_dict())


def test_min_value_takes_a_decimal_threshold(data):
    kept, _ = apply_filters(data, [MinValue(Decimal("3.5"))])
    assert np.all(kept.value >= 3.5)
    assert len(kept) == int(np.count_nonzero(data.value >= 3.5))


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity")])
def test_a_decimal_that_is_no_finite_number_is_refused_by_name(data, bad):
    with pytest.raises(ConfigError, match=r"threshold = Decimal\('.*'\): must be a finite"):
        MinValue(bad)
    with pytest.raises(ConfigError, match="test_fraction"):
        random_split(data, bad)
