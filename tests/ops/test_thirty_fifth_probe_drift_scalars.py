"""Thirty-fifth bad-input probe, drift measures: a single number or id given for a sample
(a mean, a count, a column's name) was read as a sample of one value and gave a confident
measure (``psi(5, new)`` about 18, a "major shift"; ``new_share("item_id", ids)`` 1.0).
It is now refused naming the measure and the argument, as a list of values is expected."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.ops.drift import ks_test, new_share, popularity_psi, psi, spearman

SAMPLE = np.arange(100.0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: psi(5, SAMPLE), "psi: reference must be a flat list or array of numbers, got 5"),
    (lambda: psi(SAMPLE, 7.5), "psi: new must be a flat list or array of numbers, got 7.5"),
    (lambda: psi(SAMPLE, SAMPLE, edges=50),
     "psi: edges must be a flat list or array of numbers, got 50"),
    (lambda: ks_test(3.0, SAMPLE),
     "ks_test: reference must be a flat list or array of numbers, got 3.0"),
    (lambda: psi(1, [1, 2], categorical=True), "psi: reference must be a flat list of ids, "
                                               "got 1"),
    (lambda: new_share("item_id", [1, 2]),
     "new_share: reference must be a flat list of ids, got 'item_id'"),
    (lambda: spearman([1, 2], 2), "spearman: new must be a flat list of ids, got 2"),
    (lambda: popularity_psi(1, [1, 2]), "popularity_psi: reference must be a flat list of "
                                        "ids, got 1"),
])
def test_a_single_value_for_a_sample_is_refused(call, message):
    with pytest.raises(RecstackError) as refused:
        call()
    assert str(refused.value) == message


def test_samples_of_one_value_in_a_list_are_still_measured():
    # a list holding one value is a sample: the same value in both windows, no shift
    assert psi([5.0], [5.0]) == 0.0
    assert new_share([1], [1]) == 0.0
