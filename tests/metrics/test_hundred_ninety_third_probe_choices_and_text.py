"""Hundred-ninety-third probe of the metrics' checks.

- A misspelt string choice (``strategy="quantil"``, ``gain="Linear"``, a metric kind, an
  online metric, a variant) was listed with the choices but not named with the nearest; it
  now gets the one suggestion wording (:func:`recstack.specs.did_you_mean`), a letter of
  another script included.
- Text where numbers belong was "could not convert text such as '1.0' to numbers", which
  read as if '1.0' were a number that failed to convert, and named no place; it is now the
  text and its position, and that text is not read as numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.evaluation.pointwise import evaluate_probabilities
from recstack.metrics import (
    MetricInputError,
    auc_per_user,
    dcg_at_k,
    mean_over_users,
    reliability_curve,
    rmse,
    welch_ttest,
)
from recstack.metrics.online import compare_variants
from recstack.metrics.registry import metric_names

Y = [0, 1, 0, 1]
P = [0.1, 0.8, 0.3, 0.6]
T0 = 1_700_000_000


@pytest.mark.parametrize(("call", "said"), [
    (lambda: evaluate_probabilities(Y, P, strategy="quantil"),
     r"strategy must be one of 'uniform', 'quantile'; got 'quantil' "
     r"\(did you mean 'quantile'\?\)$"),
    (lambda: reliability_curve(Y, P, strategy="Uniform"),
     r"got 'Uniform' \(did you mean 'uniform'\?\)$"),
    (lambda: dcg_at_k([[1.0, 0.0]], 2, gain="Linear"),
     r"gain must be one of 'exponential', 'linear'; got 'Linear' \(did you mean 'linear'\?\)"),
    (lambda: metric_names("rankng"), r"unknown metric kind 'rankng' \(did you mean 'ranking'\?\)"),
])
def test_a_misspelt_choice_is_named_with_the_nearest(call, said):
    with pytest.raises(MetricInputError, match=said):
        call()


def test_a_choice_far_from_any_gets_no_guess():
    with pytest.raises(MetricInputError, match=r"got 'even'$"):
        reliability_curve(Y, P, strategy="even")
    with pytest.raises(MetricInputError, match=r"got 5$"):
        reliability_curve(Y, P, strategy=5)


def test_a_letter_of_another_script_is_named():
    # 'rankіng' with a Cyrillic і prints like 'ranking'; the suggestion alone showed nothing
    with pytest.raises(MetricInputError, match=r"did you mean 'ranking'\? .*U\+0456"):
        metric_names("rank\u0456ng")


def _log() -> pd.DataFrame:
    return pd.DataFrame({"variant": ["A", "A", "B", "B"],
                         "session_id": ["a1", "a1", "b1", "b1"],
                         "event": ["impression", "click", "impression", "click"],
                         "timestamp": [T0, T0 + 4, T0, T0 + 3],
                         "revenue": [0.0] * 4, "cost": [0.0] * 4})


def test_online_metric_and_variant_use_the_one_wording():
    with pytest.raises(MetricInputError, match=r"\(did you mean 'ctr'\? .* U\+0442 CYRILLIC"):
        compare_variants(_log(), "c\u0442r", "A", "B")  # a Cyrillic т
    with pytest.raises(MetricInputError, match=r"treatment variant 'b' is not in the log "
                                               r"\(did you mean 'B'\?\)"):
        compare_variants(_log(), "ctr", "A", "b")


TEXT_RULE = (r"; text is not read as numbers, even where it spells one: convert it first "
             r"\(e\.g\. pandas\.to_numeric\)$")


@pytest.mark.parametrize(("call", "said"), [
    # all text: the first value is named with its place
    (lambda: rmse(["1.0", "2.0"], [1.0, 2.0]),
     r"^y_true must be an array of numbers, got text '1\.0' at position 0"),
    (lambda: rmse(pd.Series(["3", "4"]), [1.0, 2.0]),
     r"^y_true must be an array of numbers, got text '3' at position 0"),
    # text after a missing value: the text's own position
    (lambda: mean_over_users(np.array([None, "2"], dtype=object)),
     r"got text '2' at position 1"),
    # a table: row and column
    (lambda: auc_per_user(np.array([["0.5", "0.7"]]), sp.csr_matrix([[1, 0]])),
     r"^scores must be an array of numbers, got text '0\.5' at position \(0, 0\)"),
    # among numbers (the earlier probe's wording kept)
    (lambda: welch_ttest([1.0, "2", 3.0], [1.0, 2.0]),
     r"got text '2' at position 1 among the numbers"),
])
def test_text_is_named_with_its_position_and_as_text(call, said):
    with pytest.raises(MetricInputError, match=said + ".*" + TEXT_RULE):
        call()


def test_bytes_are_named_with_their_position():
    with pytest.raises(MetricInputError, match=r"got bytes b'1' at position 0; bytes are not "
                                               r"read as numbers: decode them to text"):
        rmse([b"1", b"2"], [1.0, 2.0])


def test_numbers_still_pass():
    # (1 - 1)^2 + (2 - 4)^2 = 4 over 2 rows: sqrt(2)
    assert rmse([1.0, 2.0], [1.0, 4.0]) == pytest.approx(np.sqrt(2.0))
