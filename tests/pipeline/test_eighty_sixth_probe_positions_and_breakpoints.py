"""Eighty-sixth bad-input probe: logged positions given as floats (whole ones too) are
refused as every index argument is; a propensity estimated above position 1's is capped at
1 with a warning; an isotonic calibrator file whose breakpoints repeat is refused, and fit
writes each breakpoint as the score it saw; a saved feature schema with a field the format
never writes is refused."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.calibration import (
    CalibrationError,
    IsotonicCalibrator,
    calibrator_from_json,
    load_calibrator,
)
from recstack.pipeline.position_bias import estimate_propensities, ipw_sample_weights
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.schema import FeatureSchema

from .saved_rankers import edit_meta, toy


@pytest.mark.parametrize("positions, row, shown", [
    ([1.0, 2.0, 1.0, 2.0], 0, "1.0"),
    (np.array([1.0, 2.0, 1.0, 2.0]), 0, "1.0"),
    ([1, 2, 1, 2.0], 3, "2.0"),
    (pd.Series([1.0, 2.0, 1.0, 2.0]), 0, "1.0"),
    (pd.Series([1, 2, 1, 2], dtype="Float64"), 0, "1.0"),
])
def test_whole_float_positions_are_refused_by_both_functions(positions, row, shown):
    for call in (lambda: estimate_propensities(positions, [1, 0, 1, 0]),
                 lambda: ipw_sample_weights(positions, [1, 0, 1, 0], [1.0, 0.5])):
        with pytest.raises(BanditInputError,
                           match=rf"positions must be integers, got floats \({shown} at row "
                                 rf"{row}\); pass whole numbers \(positions.astype\(int\)"):
            call()


@pytest.mark.parametrize("positions", [[1, 2, 1, 2], np.array([1, 2, 1, 2], np.uint8),
                                       pd.Series([1, 2, 1, 2], dtype="Int64"),
                                       np.array([1, 2, 1, 2], dtype=object)])
def test_integer_positions_still_work(positions):
    # position 1: 1 click of 2, position 2: 0 of 2 -> CTRs 1/2 and 0, smoothing off
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(
            estimate_propensities(positions, [1, 0, 0, 0], smoothing=0), [1.0, 0.0])
        np.testing.assert_allclose(ipw_sample_weights(positions, [1, 0, 1, 0], [1.0, 0.5]),
                                   [1.0, 1.0, 1.0, 1.0])


def test_a_fractional_position_keeps_its_message():
    with pytest.raises(BanditInputError, match="row 1 is 1.5"):
        estimate_propensities([1, 1.5], [1, 0])


def test_an_estimate_above_the_top_is_capped_at_one_with_a_warning():
    # position 1: 1 click in 4 impressions (CTR 1/4); position 2: 1 in 1 (CTR 1) -> a
    # raw ratio of 4, which no examination curve can have
    with pytest.warns(UserWarning, match=r"position 2: 4 from 1 impression\(s\).*capped at 1"):
        estimate = estimate_propensities([1, 1, 1, 1, 2], [1, 0, 0, 0, 1], smoothing=0)
    assert estimate.tolist() == [1.0, 1.0]
    # the capped estimate goes into ipw_sample_weights without its warning of theta > 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights = ipw_sample_weights([1, 2], [1, 1], estimate)
    assert weights.tolist() == [1.0, 1.0]


def test_estimates_at_or_below_the_top_are_not_warned_of():
    # position 1: 2 of 4, position 2: 1 of 4 -> (1, 0.5) as in the docstring's formula
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimate = estimate_propensities([1, 1, 1, 1, 2, 2, 2, 2], [1, 1, 0, 0, 1, 0, 0, 0],
                                         smoothing=0)
    np.testing.assert_allclose(estimate, [1.0, 0.5])


def _isotonic(thresholds, values):
    return {"format": "recstack-calibrator", "type": "isotonic", "thresholds": thresholds,
            "values": values}


@pytest.mark.parametrize("thresholds, first", [([0.5, 0.5], 0), ([0.5, 0.5, 0.5], 0),
                                               ([0.1, 0.4, 0.4, 0.9], 1)])
def test_repeated_isotonic_breakpoints_are_refused_at_load(tmp_path, thresholds, first):
    values = list(np.linspace(0.2, 0.8, len(thresholds)))
    with pytest.raises(CalibrationError,
                       match=rf"thresholds must be strictly increasing.*thresholds\[{first}\] "
                             rf"and thresholds\[{first + 1}\] are both"):
        calibrator_from_json(_isotonic(thresholds, values))
    path = tmp_path / "iso.json"
    path.write_text(json.dumps(_isotonic(thresholds, values)))
    with pytest.raises(CalibrationError, match=f"{path}: damaged isotonic"):
        load_calibrator(path)


def test_one_breakpoint_still_loads():
    # all calibration scores equal: fit writes one breakpoint, the positive rate
    fitted = IsotonicCalibrator().fit([0.3, 0.3, 0.3, 0.3], [0, 1, 1, 1])
    assert fitted.thresholds_.tolist() == [0.3]
    loaded = calibrator_from_json(fitted.to_json())
    assert loaded.predict([0.0, 0.3, 1.0]).tolist() == [0.75, 0.75, 0.75]


@pytest.mark.parametrize("scale", [751183.4334715506, 3.7, 1e-200, 1e300])
def test_isotonic_breakpoints_are_the_scores_fitted_on(scale):
    # an isotonic map's breakpoints are calibration scores (pool adjacent violators merges
    # neighbours, it never invents a score): scaling by a factor other than a power of two
    # moved them off by a rounding, which could put two on one value
    rng = np.random.default_rng(1)
    x = rng.random(300) * scale
    y = (rng.random(300) < x / x.max()).astype(float)
    fitted = IsotonicCalibrator().fit(x, y)
    assert np.isin(fitted.thresholds_, x).all()
    assert (np.diff(fitted.thresholds_) > 0).all()
    calibrator_from_json(json.loads(json.dumps(fitted.to_json())))  # loads again


@pytest.mark.parametrize("call", [
    lambda: estimate_propensities([0, 1, 2, 0], [1, 0, 0, 1]),
    lambda: estimate_propensities([1, 0, 0, 1], [1, 2, 3, 1]),  # the arguments swapped
    lambda: ipw_sample_weights([0, 1], [1, 0], [1.0, 0.5]),
])
def test_a_position_zero_says_positions_count_from_one(call):
    with pytest.raises(BanditInputError,
                       match=r"row \d is 0\.0 \(positions count from 1: add 1 to positions "
                             r"counted from 0; or were the clicks given in their place\?\)"):
        call()


def test_a_negative_position_gets_no_such_hint():
    with pytest.raises(BanditInputError, match=r"row 2 is -1\.0$"):
        estimate_propensities([1, 2, -1], [1, 0, 0])


# ---------------------------------------------------------------- saved feature schemas


@pytest.mark.parametrize("entry, field, hint", [
    ({"name": "a", "kind": "numeric", "extra": 1}, "'extra'", ""),
    ({"name": "g", "kind": "categorical", "cardinality": 3, "cardinalty": 4}, "'cardinalty'",
     " (did you mean 'cardinality'?)")])
def test_a_schema_field_the_format_never_writes_is_refused(entry, field, hint):
    with pytest.raises(RecstackError,
                       match=rf"feature schema: entry 0 \('{entry['name']}'\) has unknown "
                             rf"field\(s\) {field}{re.escape(hint)}; its fields are 'name', "
                             "'kind', 'doc', 'cardinality'"):
        FeatureSchema.from_json([entry])


def test_a_written_schema_reads_back():
    schema = FeatureSchema.from_json([{"name": "a", "kind": "numeric", "doc": "x",
                                       "cardinality": None},
                                      {"name": "g", "kind": "categorical", "cardinality": 3}])
    assert FeatureSchema.from_json(schema.to_json()) == schema


def test_a_saved_ranker_whose_schema_gained_a_field_is_refused(tmp_path):
    frame, labels = toy()
    folder = create_ranker("logistic").fit(frame, labels).save(tmp_path / "r")

    def misspell(meta):
        meta["schema"][2]["cardinalty"] = meta["schema"][2].pop("cardinality")

    edit_meta(folder, misspell)
    with pytest.raises(RecstackError, match=rf"{re.escape(str(folder))}: feature schema: "
                                            r"entry 2 \('genre'\) has unknown field\(s\) "
                                            r"'cardinalty' \(did you mean 'cardinality'\?\)"):
        load_ranker(folder)
