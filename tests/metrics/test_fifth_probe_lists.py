"""Fifth bad-input probe of the list metrics: exposure_disparity given raw exposure (or
none) instead of shares returned a "distance" outside its documented [0, 1]. Expected
values by hand."""

from __future__ import annotations

import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.lists import exposure_disparity


@pytest.mark.parametrize("exposure, total", [([3.0, 1.0], "4"), ([0.0, 0.0], "0"),
                                             ([0.2, 0.2], "0.4")])
def test_exposure_that_is_not_shares_is_refused(exposure, total):
    with pytest.raises(MetricInputError, match=f"summing to 1 .*but it sums to {total}$"):
        exposure_disparity(exposure)


def test_shares_still_give_the_total_variation():
    # 0.5 * (|0.75 - 0.5| + |0.25 - 0.5|) = 0.25
    assert exposure_disparity([0.75, 0.25]) == pytest.approx(0.25)
    # shares equal to the target: 0
    assert exposure_disparity([0.75, 0.25], [0.75, 0.25]) == 0.0
