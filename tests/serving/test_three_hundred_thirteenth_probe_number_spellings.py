"""Three-hundred-thirteenth probe: numbers of the serving functions given in another
spelling. ``online_report``'s ``alpha`` and ``check_skew``'s ``tolerance`` refused
``Decimal`` values that the metrics take (``compare_variants(alpha=Decimal("0.05"))``), and
a number in quotes (``alpha="0.05"``) or a whole number with a point (``limit=5.0``,
``M=16.0``) was refused without the spelling that is taken, as every other setting says it.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.ann import ItemIndex
from recstack.serving.online import online_report
from recstack.serving.skew import SkewReport, check_skew, render_skew


def test_online_report_reads_alpha_as_the_metrics_do(tmp_path):
    # a Decimal alpha passes its check: the refusal is the missing log's
    with pytest.raises(RecstackError, match=r"no such file or folder"):
        online_report(tmp_path / "none", alpha=Decimal("0.05"))
    with pytest.raises(RecstackError, match=r"alpha must be between 0 and 1 \(exclusive\), "
                                            r"got '0.05' \(a number in quotes is text: write "
                                            r"it without them, alpha = 0.05\)$"):
        online_report(tmp_path, alpha="0.05")
    with pytest.raises(RecstackError, match=r"got 5 \(a share, not a percentage: 0.05 for "
                                            r"5%\)$"):
        online_report(tmp_path, alpha=5)
    with pytest.raises(RecstackError, match=r"got Decimal\('NaN'\)$"):
        online_report(tmp_path, alpha=Decimal("NaN"))


def test_check_skew_reads_tolerance_and_limit_as_numbers_are_read(tmp_path):
    with pytest.raises(RecstackError, match=r"no such folder"):
        check_skew(tmp_path / "none", tmp_path, tolerance=Decimal("1e-4"))
    with pytest.raises(ConfigError, match=r"got '1e-4' \(a number in quotes is text: write it "
                                          r"without them, tolerance = 1e-4\)$"):
        check_skew(tmp_path, tmp_path, tolerance="1e-4")
    with pytest.raises(ConfigError, match=r"got 5.0 \(a whole number is written in digits "
                                          r"alone, without a point or an exponent: limit = 5\)$"):
        check_skew(tmp_path, tmp_path, limit=5.0)
    with pytest.raises(ConfigError, match=r"show must be .* got '3' \(a number in quotes is "
                                          r"text: write it without them, show = 3\)$"):
        render_skew(SkewReport(), show="3")


@pytest.mark.parametrize("name, value, spelling", [
    ("M", 16.0, "M = 16"), ("ef", "50", "ef = 50"), ("ef_construction", 2e2,
                                                      "ef_construction = 200"),
    ("seed", "3", "seed = 3"), ("seed", 3.0, "seed = 3"),
])
def test_the_index_counts_name_the_spelling_that_is_taken(name, value, spelling):
    vectors = np.ones((5, 3), np.float32)
    with pytest.raises(ConfigError, match=rf"^{name} must be .*, got .*{spelling}\)$"):
        ItemIndex.build(vectors, **{name: value})
