"""Numbers of every spelling the project reads (exact Decimal and Fraction, 0-d arrays, numpy
scalars, integers past 64 bits) and missing labels, in the operations functions: taken as
the numbers they name, or refused with a RecstackError that says why, never a traceback or
a silently different result."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.ops.drift import genre_mix, ks_test, psi
from recstack.ops.gate import decide
from recstack.ops.quality import QualitySpec, check_partition
from recstack.ops.retraining import fit_candidate

CANDIDATE = pd.Series([0.50, 0.60, 0.70], index=[1, 2, 3])
PUBLISHED = pd.Series([0.56, 0.65, 0.74], index=[1, 2, 3])  # a loss of 0.05 on average


# ------------------------------------------------------------------------- the gate
@pytest.mark.parametrize("margin", [Decimal("0.06"), Fraction(6, 100), np.array(0.06),
                                    np.float32(0.06)])
def test_gate_margin_takes_exact_numbers_as_the_float_they_name(margin):
    decision = decide(CANDIDATE, PUBLISHED, metric="ndcg@10", margin=margin, min_users=2)
    assert decision.publish  # -0.05 >= -0.06
    assert decision.margin == 0.06 and type(decision.margin) is float
    held = decide(CANDIDATE, PUBLISHED, metric="ndcg@10", margin=Decimal("0.04"),
                  min_users=2)
    assert not held.publish


def test_gate_decision_is_plain_json():
    decision = decide(CANDIDATE, PUBLISHED, metric="ndcg@10", margin=np.float64(0.06),
                      min_users=2, published_version=np.int64(3))
    payload = decision.to_dict()
    assert payload["published_version"] == 3 and type(payload["published_version"]) is int
    json.dumps(payload)  # np.int64 was kept: a TypeError from json


def test_a_published_model_evaluated_for_no_user_has_no_mean_not_nan():
    nothing = pd.Series([np.nan, np.nan, np.nan], index=[1, 2, 3])
    decision = decide(CANDIDATE, nothing, metric="ndcg@10", margin=0.0, min_users=2,
                      published_version=1)
    assert not decision.publish
    assert decision.published_mean is None


# -------------------------------------------------------------------- quality checks
NOW = 1_000


def _table() -> pa.Table:
    return pa.table({"user_id": [1, 2, 3, 4], "item_id": [1, 2, 3, 4],
                     "timestamp": [100, 200, 1500, 2500], "value": [0.5, 3.0, 5.0, 5.5]})


def _outcome(**options):
    return [(r.check, r.status, r.count) for r in check_partition(_table(), QualitySpec(),
                                                                    **options)]


def test_quality_arguments_take_exact_numbers_as_the_numbers_they_name():
    plain = _outcome(now=NOW, rating_range=(0.5, 5.0), period=(0, 2000))
    exact = _outcome(now=Decimal(NOW), rating_range=(Decimal("0.5"), Fraction(5)),
                     period=(Decimal(0), Fraction(2000)))
    assert exact == plain
    found = {check: count for check, _status, count in plain}
    # 5.5 outside [0.5, 5]; 1500 and 2500 after the clock; 2500 outside [0, 2000)
    assert (found["range"], found["future"], found["outside_partition"]) == (1, 2, 1)


@pytest.mark.parametrize(("name", "value"), [("now", Decimal("1000.5")),
                                             ("now", 1000.0)])
def test_a_clock_that_is_no_whole_number_is_still_refused(name, value):
    with pytest.raises(RecstackError, match=r"now must be whole Unix seconds"):
        check_partition(_table(), QualitySpec(), **{name: value})


# ----------------------------------------------------------------------- retraining
def test_warm_iterations_takes_a_whole_decimal_as_every_count():
    frame = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": [1, 2, 1, 3, 2],
                          "timestamp": [1, 2, 3, 4, 5]})
    model, warm = fit_candidate("most_popular", {}, Interactions.from_frame(frame),
                                warm_iterations=Decimal(2))
    assert model.is_fitted and not warm
    with pytest.raises(RecstackError, match=r"warm_iterations must be a whole number >= 1 "
                                            r"or None, got Decimal\('2.5'\)"):
        fit_candidate("most_popular", {}, Interactions.from_frame(frame),
                      warm_iterations=Decimal("2.5"))


# --------------------------------------------------------------------------- drift
def test_genre_weights_take_exact_numbers():
    expected = genre_mix({"a": 0.75, "b": 0.25}, {"a": 0.5, "c": 0.5})
    got = genre_mix({"a": Decimal("0.75"), "b": Fraction(1, 4)},
                    {"a": Decimal("0.5"), "c": Fraction(1, 2)})
    assert got == pytest.approx(expected)
    assert got[0] == pytest.approx(0.5)  # 1/2 (|.5 - .75| + .25 + .5)


@pytest.mark.parametrize("exponent", [400, 5000])
def test_a_genre_weight_past_the_float_range_is_refused_not_an_overflow(exponent):
    with pytest.raises(RecstackError, match=r"^genre_mix: reference weights must be finite "
                                            r"numbers >= 0 \(within the float range\)"):
        genre_mix({"a": 10 ** exponent}, {"a": 1})


@pytest.mark.parametrize("missing", [None, math.nan, np.float64("nan"), pd.NA])
def test_a_missing_genre_is_refused_not_counted_as_a_genre_of_its_own(missing):
    # {None: 1} against {"a": 1} was a total variation of 1: no genre in common
    with pytest.raises(RecstackError, match=r"^genre_mix: new names a missing genre"):
        genre_mix({"a": 1}, {missing: 1, "a": 1})


@pytest.mark.parametrize(("measure", "digits"), [(psi, "1000000000000000000000"),
                                                 (ks_test, "a 5,001-digit integer")])
def test_integers_past_64_bits_are_named_as_too_large_not_as_no_numbers(measure, digits):
    big = 10 ** 21 if digits.startswith("1") else 10 ** 5000
    with pytest.raises(RecstackError, match=rf"^{measure.__name__}: reference holds an "
                                            rf"integer too large for a 64-bit number "
                                            rf"\({digits}\)"):
        measure([big, 1], [1.0, 2.0])


def test_integers_within_64_bits_of_two_kinds_still_compare():
    # 2**63 (only unsigned) beside -1 (only signed): numpy keeps them as Python objects
    values = np.array([2 ** 63, -1], dtype=object)
    assert ks_test(values, [1.0]) == ks_test([float(2 ** 63), -1.0], [1.0])
