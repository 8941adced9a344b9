"""Round 52 (R): ranking leftovers and a probe of off-policy estimation and position bias.

- A ranker's ``validation`` rows of another schema were refused as not matching "the
  schema it was fitted with", while the fit had not run yet (the training frame given
  beside them is meant); ``concat_frames`` said the same of a frame unlike frames[0].
- ``validation=[frame, labels]`` (a list) was refused as "must be a (frame, labels)
  pair", which it looks like, without saying a list was given.
- ``calibration_by_segment`` took a segment named ``1``: the table's ``segment`` column
  then held the int 1 beside the text "all".
- An off-policy target of rows without a column was refused as "unknown action 0 ...;
  actions are 0..-1".
- ``estimate_propensities`` gave a position the log never showed the smoothing prior, as
  if it were an estimate (a log of position 1 alone, n_positions=3: [1, 1, 1]).

Expected propensities are worked out by hand in the comments.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.calibration import CalibrationError, calibration_by_segment
from recstack.pipeline.off_policy import direct_method, doubly_robust, ips, snips
from recstack.pipeline.position_bias import estimate_propensities
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema, concat_frames
from tests.pipeline.tiny_ranker import TinyLinearRanker

SCHEMA = FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric"),
                        Feature("genre", "categorical", cardinality=4)))


def frame_of(schema: FeatureSchema, n_groups: int = 4, size: int = 4,
             first_group: int = 0) -> tuple[FeatureFrame, np.ndarray]:
    """Groups of ``size`` rows whose label is 1 where ``signal`` > 0 (two of each group)."""
    n = n_groups * size
    signal = np.tile([2.0, 1.0, -1.0, -2.0], n_groups)
    numeric = np.column_stack([signal, np.linspace(0, 1, n)][:len(schema.numeric)])
    categorical = (np.arange(n) % 3 + 1)[:, None][:, :len(schema.categorical)]
    groups = np.repeat(np.arange(first_group, first_group + n_groups), size)
    frame = FeatureFrame(schema, numeric, categorical, groups, np.arange(n) % size, groups)
    return frame, (signal > 0).astype(np.float64)


# ------------------------------------------------------------------ validation rows
@pytest.mark.parametrize(("other", "difference"), [
    (FeatureSchema((Feature("signal", "numeric"), Feature("age", "numeric"),
                    Feature("genre", "categorical", cardinality=4))),
     r"missing noise; unexpected age"),
    (FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric"),
                    Feature("genre", "categorical", cardinality=9))),
     r"feature 'genre' is categorical with cardinality 9, was categorical with "
     r"cardinality 4 in the training frame"),
    (FeatureSchema((Feature("noise", "numeric"), Feature("signal", "numeric"),
                    Feature("genre", "categorical", cardinality=4))),
     r"the features are in another order: noise, signal, genre; the training frame has "
     r"signal, noise, genre"),
])
def test_validation_rows_of_another_schema_are_held_to_the_training_frame(other, difference):
    frame, labels = frame_of(SCHEMA)
    valid, valid_labels = frame_of(other, first_group=10)
    with pytest.raises(RecstackError, match=r"^tiny_linear.fit \(validation\): the feature "
                       rf"frame does not match the schema of the training frame \({difference}\)$"):
        TinyLinearRanker().fit(frame, labels, validation=(valid, valid_labels))


def test_a_fitted_ranker_still_names_the_schema_it_was_fitted_with():
    frame, labels = frame_of(SCHEMA)
    other = FeatureSchema((Feature("signal", "numeric"), Feature("age", "numeric"),
                           Feature("genre", "categorical", cardinality=4)))
    ranker = TinyLinearRanker().fit(frame, labels)
    with pytest.raises(RecstackError, match=r"^tiny_linear.score: the feature frame does not "
                       r"match the schema it was fitted with \(missing noise; unexpected "
                       r"age\)$"):
        ranker.score(frame_of(other)[0])


def test_validation_given_as_a_list_is_told_to_be_a_tuple():
    frame, labels = frame_of(SCHEMA)
    valid, valid_labels = frame_of(SCHEMA, first_group=10)
    with pytest.raises(RecstackError, match=r"^tiny_linear.fit: validation must be a tuple "
                       r"\(frame, labels\), got a list of 2 item\(s\); write the pair as a "
                       r"tuple: validation=\(frame, labels\)$"):
        TinyLinearRanker().fit(frame, labels, validation=[valid, valid_labels])
    with pytest.raises(RecstackError, match=r"got a list of 1 item\(s\) \(a list of pairs, as "
                       r"LightGBM's eval_set takes\); give the pair itself"):
        TinyLinearRanker().fit(frame, labels, validation=[(valid, valid_labels)])
    with pytest.raises(RecstackError, match=r"got a FeatureFrame alone \(its labels are "
                       r"missing\)$"):
        TinyLinearRanker().fit(frame, labels, validation=valid)
    with pytest.raises(RecstackError, match=r"got a tuple of 3 item\(s\)$"):
        TinyLinearRanker().fit(frame, labels, validation=(valid, valid_labels, None))
    # the tuple itself is taken (the tiny ranker reads no validation rows, and says nothing)
    TinyLinearRanker().fit(frame, labels, validation=(valid, valid_labels))


def test_concat_frames_names_the_frame_unlike_the_first():
    first = frame_of(SCHEMA)[0]
    other = FeatureSchema((Feature("signal", "numeric"), Feature("age", "numeric"),
                           Feature("genre", "categorical", cardinality=4)))
    second = frame_of(other, first_group=10)[0]
    with pytest.raises(RecstackError, match=r"^concat_frames: frames\[1\]: the feature frame "
                       r"does not match the schema of frames\[0\] \(missing noise; "
                       r"unexpected age\)$"):
        concat_frames([first, second])


# ------------------------------------------------------------------ segment names
LABELS = [0, 1, 1, 0]
PROBABILITIES = [0.2, 0.7, 0.6, 0.4]


@pytest.mark.parametrize("name", [1, 2.5, True, None, ("device",)])
def test_a_segment_name_that_is_not_text_is_refused(name):
    with pytest.raises(CalibrationError, match=r"^calibration_by_segment: segment names must "
                       rf"be text .*; got {__import__('re').escape(repr(name))} "
                       rf"\({type(name).__name__}\): name it "):
        calibration_by_segment(LABELS, PROBABILITIES, {name: ["a", "b", "a", "b"]})


def test_a_segment_named_in_text_still_reports():
    table = calibration_by_segment(LABELS, PROBABILITIES, {"1": ["a", "b", "a", "b"]})
    # every entry of the segment column is text: "all" and "1"
    assert table["segment"].tolist() == ["all", "1", "1"]
    # a: predictions 0 and 2 (labels 0, 1), b: 1 and 3 (labels 1, 0)
    assert table["n"].tolist() == [4, 2, 2]


# ------------------------------------------------------------------ off-policy targets
REWARDS = np.array([1.0, 0.0, 1.0])
ACTIONS = np.array([0, 0, 0])
PROPENSITIES = np.array([0.5, 0.5, 0.5])


@pytest.mark.parametrize(("estimate", "name"), [
    (lambda target: ips(REWARDS, ACTIONS, PROPENSITIES, target), "ips"),
    (lambda target: snips(REWARDS, ACTIONS, PROPENSITIES, target), "snips"),
    (lambda target: doubly_robust(REWARDS, ACTIONS, PROPENSITIES, target, np.zeros((3, 0))),
     "doubly_robust"),
    (lambda target: direct_method(target, np.zeros((3, 0))), "direct_method"),
])
def test_a_target_without_actions_is_refused_as_such(estimate, name):
    with pytest.raises(BanditInputError, match=rf"^{name}: target has 3 row\(s\) but no "
                       r"column \(shape \(3, 0\)\): it must hold the evaluated policy's "
                       r"probability of every action"):
        estimate(np.zeros((3, 0)))


# ------------------------------------------------------------------ positions never shown
def test_positions_never_shown_are_said_to_hold_the_prior():
    # position 1: 4 impressions, 3 clicks; position 3: 2 impressions, 0 clicks; position 2
    # never shown. Overall rate 3/6 = 0.5, smoothing 1:
    # CTR_1 = (3 + 0.5) / (4 + 1) = 0.7, CTR_2 = (0 + 0.5) / (0 + 1) = 0.5,
    # CTR_3 = (0 + 0.5) / (2 + 1) = 1/6 -> theta = 1, 0.5/0.7, (1/6)/0.7
    with pytest.warns(UserWarning, match=r"^estimate_propensities: position\(s\) 2 have no "
                      r"impression in the log \(of positions 1..3\), so their propensity "
                      r"\(0.7143\) is the smoothing prior .*not an estimate"):
        theta = estimate_propensities([1, 1, 1, 1, 3, 3], [1, 1, 1, 0, 0, 0])
    np.testing.assert_allclose(theta, [1.0, 0.5 / 0.7, (1 / 6) / 0.7])


def test_a_log_of_one_position_warns_of_the_deeper_ones_asked_for():
    # the top slot alone: CTR_1 = (2 + 0.5) / (4 + 1) = 0.5, the prior 0.5 too -> 1, 1, 1
    with pytest.warns(UserWarning, match=r"position\(s\) 2, 3 have no impression in the log "
                      r"\(of positions 1..3\), so their propensity \(1\)"):
        theta = estimate_propensities([1, 1, 1, 1], [1, 0, 1, 0], n_positions=3)
    np.testing.assert_allclose(theta, [1.0, 1.0, 1.0])


def test_every_position_shown_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # overall rate 1/4: CTR_1 = (1 + 0.25) / (2 + 1) = 5/12, CTR_2 = (0 + 0.25) / 3 =
        # 1/12 -> 1, 1/5
        np.testing.assert_allclose(estimate_propensities([1, 1, 2, 2], [1, 0, 0, 0]),
                                   [1.0, 0.2])
        # one position alone, nothing deeper asked for
        np.testing.assert_allclose(estimate_propensities([1, 1], [1, 0]), [1.0])
