"""Hundred-ninety-third probe of the pipeline's string choices: a misspelt choice (a
calibrator's strategy or saved type, an off-policy interval, the IPW ``per``, LightGBM's
importance kind, a class weight, the feature builder's column lists and a saved builder's
table and role) was refused with the choices but without the nearest; each now gets the one
suggestion wording (:func:`recstack.specs.did_you_mean`). A choice far from all gets none,
and a non-text choice (an array) is refused by name, never by numpy's "truth value of an
array is ambiguous"."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import (
    CalibrationError,
    HistogramCalibrator,
    PlattCalibrator,
    calibrator_from_json,
)
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.off_policy import ips
from recstack.pipeline.position_bias import ipw_sample_weights
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCORES = [0.1, 0.8, 0.3, 0.6]
LABELS = [0, 1, 0, 1]


@pytest.mark.parametrize(("call", "error", "said"), [
    (lambda: HistogramCalibrator(strategy="quantil").fit(SCORES, LABELS), CalibrationError,
     r"^histogram: strategy must be 'quantile' or 'uniform', got 'quantil' "
     r"\(did you mean 'quantile'\?\)$"),
    (lambda: ips([1.0, 0.0], [0, 1], [0.5, 0.5], np.full((2, 2), 0.5), interval="Bootstrap"),
     ConfigError, r"^ips: interval must be 'normal' or 'bootstrap', got 'Bootstrap' "
                  r"\(did you mean 'bootstrap'\?\)$"),
    (lambda: ipw_sample_weights(np.array([1, 2]), np.array([1, 0]), np.array([1.0, 0.5]),
                                per="positon"),
     BanditInputError, r"per must be 'position' .* or 'row' .*got 'positon' "
                       r"\(did you mean 'position'\?\)$"),
    (lambda: BayesianLogisticRegression(class_weight="balance").fit(np.eye(2), [0, 1]),
     ConfigError, r"got 'balance' \(did you mean 'balanced'\?\)$"),
    (lambda: FeatureBuilder(item_columns="Auto")._validate(), ConfigError,
     r"^features: item_columns must be 'auto' or a list of column names, got 'Auto' "
     r"\(did you mean 'auto'\?\)$"),
    # a bare column name: the list to write
    (lambda: FeatureBuilder(user_columns="genre")._validate(), ConfigError,
     r"got 'genre' \(one column: write \['genre'\]\)$"),
])
def test_a_misspelt_choice_is_named_with_the_nearest(call, error, said):
    with pytest.raises(error, match=said):
        call()


def test_a_choice_far_from_any_gets_no_guess():
    with pytest.raises(CalibrationError, match=r"got 'even'$"):
        HistogramCalibrator(strategy="even").fit(SCORES, LABELS)


def test_a_saved_calibrator_of_a_misspelt_type_is_named_with_the_nearest():
    data = PlattCalibrator().fit(SCORES, LABELS).to_json()
    data["type"] = "plat"
    with pytest.raises(CalibrationError, match=r"unknown calibrator type 'plat' \(did you "
                                               r"mean 'platt'\?\); known: downsampling, "):
        calibrator_from_json(data)


SCHEMA = FeatureSchema((Feature("signal", "numeric"),
                        Feature("genre", "categorical", cardinality=3)))


@pytest.fixture(scope="module")
def lightgbm_ranker():
    pytest.importorskip("lightgbm")
    rng = np.random.default_rng(0)
    signal = rng.random(120)
    groups = np.repeat(np.arange(20), 6)
    frame = FeatureFrame(SCHEMA, signal[:, None], rng.integers(0, 3, (120, 1)), groups,
                         np.arange(120), groups)
    return create_ranker("lightgbm", n_jobs=1, n_estimators=5, min_child_samples=2).fit(
        frame, (signal > 0.5).astype(np.float64))


def test_a_misspelt_importance_kind_is_named_with_the_nearest(lightgbm_ranker):
    with pytest.raises(RecstackError, match=r"got 'Split' \(did you mean 'split'\?\)$"):
        lightgbm_ranker.feature_importance("Split")


def test_an_importance_kind_given_as_an_array_is_refused_by_name(lightgbm_ranker):
    # was numpy's "The truth value of an array with more than one element is ambiguous"
    with pytest.raises(RecstackError, match=r"kind must be 'gain' .* or 'split' .*got "
                                            r"array\(\['gain', 'split'\]"):
        lightgbm_ranker.feature_importance(np.array(["gain", "split"]))


@pytest.fixture(scope="module")
def saved_builder():
    from recstack.data.synthetic import generate
    from recstack.models import create_model

    pytest.importorskip("sklearn")
    data = generate(n_users=120, n_items=80, n_interactions=2500, seed=1)
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "logistic"}, n_candidates=10).fit(data)
    assert model.builder_.columns_  # the synthetic item table gives columns to edit
    return json.loads(model.builder_.to_json())


@pytest.mark.parametrize(("field", "value", "said"), [
    ("table", "items", r"'columns'\[0\]: table must be 'item' or 'user', got a string "
                       r"\(.items.\) \(did you mean 'item'\?\)"),
    ("role", "Categorical", r"'columns'\[0\]: role must be one of .*got a string "
                            r"\(.Categorical.\) \(did you mean 'categorical'\?\)"),
])
def test_a_saved_builder_with_a_misspelt_table_or_role_names_the_nearest(saved_builder, field,
                                                                         value, said):
    raw = json.loads(json.dumps(saved_builder))
    raw["columns"][0][field] = value
    with pytest.raises(RecstackError, match=said):
        FeatureBuilder.from_json(json.dumps(raw))
