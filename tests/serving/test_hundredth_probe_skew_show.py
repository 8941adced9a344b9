"""``render_skew(report, show=N)`` with an N that is no count: ``-1`` listed every mismatch
but the last (pandas' ``head(-1)``) and text failed inside pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.serving.skew import SkewReport, render_skew


def _report(n: int) -> SkewReport:
    rows = pd.DataFrame({"request_id": [f"r{i}" for i in range(n)], "model": ["als@1"] * n,
                         "what": ["items"] * n, "detail": ["differs"] * n})
    return SkewReport(checked=n, mismatched=n, mismatches=rows)


@pytest.mark.parametrize("show", [-1, 1.5, "3", True, None])
def test_a_show_that_is_no_count_is_refused(show):
    with pytest.raises(ConfigError, match=r"show must be a whole number of mismatches >= 0"):
        render_skew(_report(3), show=show)


@pytest.mark.parametrize("show, listed", [(0, 0), (2, 2), (10, 3)])
def test_show_lists_that_many_mismatches_at_most(show, listed):
    text = render_skew(_report(3), show=show)
    assert sum(line.startswith("| r") and not line.startswith("| request")
               for line in text.splitlines()) == listed
