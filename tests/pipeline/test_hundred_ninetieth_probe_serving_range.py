"""Hundred-ninetieth bad-input probe of the rankers' serving position: a serving_position
outside the positions of the training frame scored every candidate at a place the ranker
never saw, silently (a logistic ranker trained on positions 1..5 and served at 50
extrapolated its position weight 45 places; LightGBM read 50 as 5). It is refused at fit,
when set after fit (score, save), and after loading a saved ranker."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.rankers.base import logged_position_range
from recstack.pipeline.rankers.storage import load_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric"), Feature("position", "numeric")))


def logged(positions=(2, 3, 4, 5), n_groups: int = 30, seed: int = 0):
    """Groups of one candidate per logged position; a click where the signal beats the
    position's pull."""
    rng = np.random.default_rng(seed)
    size = len(positions)
    n = n_groups * size
    position = np.tile(np.asarray(positions, float), n_groups)
    signal = rng.normal(size=n)
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(SCHEMA, np.c_[signal, position], np.zeros((n, 0), np.int64),
                         groups, np.arange(n), groups)
    labels = (signal - 0.3 * position + rng.normal(size=n) > -1).astype(float)
    return frame, labels


RANKERS = [("logistic", {}), ("lightgbm", {"min_child_samples": 5, "n_estimators": 3}),
           ("wide_deep", {"epochs": 1})]


def test_the_logged_range_is_the_smallest_and_largest_logged_position():
    frame, _ = logged()
    assert logged_position_range(frame, "position") == ("position", 2.0, 5.0)
    # NaN (a row without a logged position) is left out; a frame without it has none
    frame.numeric[0, 1] = np.nan
    frame.numeric[1, 1] = np.nan
    assert logged_position_range(frame, "position") == ("position", 2.0, 5.0)
    assert logged_position_range(frame, "signal") == ("signal", float(
        np.nanmin(frame.numeric[:, 0])), float(np.nanmax(frame.numeric[:, 0])))
    assert logged_position_range(frame, "rank") is None


@pytest.mark.parametrize(("name", "options"), RANKERS)
@pytest.mark.parametrize("serving", [50, 5.5, 1])
def test_a_serving_position_outside_the_logged_ones_is_refused_at_fit(name, options,
                                                                      serving):
    frame, labels = logged()
    ranker = create_ranker(name, serving_position=serving, **options)
    with pytest.raises(ConfigError, match=(
            rf"{name}\.fit: serving_position = {serving} is outside the positions the "
            r"ranker learned from \(its training frame's 'position' runs from 2 to 5\).*"
            r"give a serving_position from 2 to 5")):
        ranker.fit(frame, labels)
    assert not ranker.is_fitted


@pytest.mark.parametrize(("name", "options"), RANKERS)
def test_the_ends_of_the_logged_range_are_served(name, options):
    frame, labels = logged()
    for serving in (2, 5, 3.5):
        scores = create_ranker(name, serving_position=serving, **options).fit(
            frame, labels).score(frame)
        assert scores.shape == (len(frame),) and np.isfinite(scores).all()


def test_a_serving_position_set_after_fit_is_checked_by_score_and_save(tmp_path):
    frame, labels = logged()
    ranker = create_ranker("logistic").fit(frame, labels)
    assert ranker.logged_positions_ == ("position", 2.0, 5.0)
    ranker.serving_position = 9
    with pytest.raises(ConfigError, match=r"logistic\.score: serving_position = 9 is outside"
                                          r".* from 2 to 5"):
        ranker.score(frame)
    with pytest.raises(ConfigError, match=r"logistic\.save: serving_position = 9 is outside"):
        ranker.save(tmp_path / "r")
    ranker.serving_position = 2
    expected = create_ranker("logistic", serving_position=2).fit(frame, labels).score(frame)
    np.testing.assert_allclose(ranker.score(frame), expected, rtol=1e-6)


def test_a_loaded_ranker_keeps_the_logged_range(tmp_path):
    frame, labels = logged()
    create_ranker("logistic").fit(frame, labels).save(tmp_path / "r")
    meta = json.loads((tmp_path / "r" / "ranker.json").read_text())
    assert meta["state"]["logged_positions"] == ["position", 2.0, 5.0]
    loaded = load_ranker(tmp_path / "r")
    assert loaded.logged_positions_ == ("position", 2.0, 5.0)
    loaded.serving_position = 1
    with pytest.raises(ConfigError, match=r"serving_position = 1 is outside .* from 2 to 5"):
        loaded.score(frame)


def test_a_frame_without_the_position_feature_records_no_range(tmp_path):
    schema = FeatureSchema((Feature("signal", "numeric"),))
    frame, labels = logged()
    plain = FeatureFrame(schema, frame.numeric[:, :1], frame.categorical, frame.users,
                         frame.items, frame.groups)
    ranker = create_ranker("logistic").fit(plain, labels)
    assert ranker.logged_positions_ is None
    ranker.save(tmp_path / "r")
    meta = json.loads((tmp_path / "r" / "ranker.json").read_text())
    assert "logged_positions" not in meta["state"]
    assert load_ranker(tmp_path / "r").logged_positions_ is None


def test_a_damaged_saved_range_is_refused(tmp_path):
    from recstack.pipeline.rankers.storage import _logged_positions

    file = tmp_path / "ranker.json"
    assert _logged_positions({}, file) is None
    assert _logged_positions({"logged_positions": ["position", 1, 3]}, file) == (
        "position", 1.0, 3.0)
    for bad in (["position", 3, 1], ["position", 0, 3], [1, 2, 3], ["position", True, 3],
                ["position", 1], "1..3"):
        with pytest.raises(RecstackError, match=r"state 'logged_positions' must be \[the "
                                                r"position feature.*corrupted"):
            _logged_positions({"logged_positions": bad}, file)


def _graded(n_groups: int = 12, seed: int = 1):
    frame, _ = logged(n_groups=n_groups, seed=seed)
    grades = (np.arange(len(frame)) % 4).astype(float)  # 0..3 in every group
    return frame, grades


@pytest.mark.parametrize(("top", "remedy"), [
    (31.0, "rescale the grades into 0..30 (LightGBM's label_gain has a gain for 31 grades), "
           "e.g. bin them into a few levels"),
    (2.5, "round or bin the grades to whole numbers"),
])
def test_lightgbm_lambdarank_grades_beyond_its_gains_name_the_rows_and_the_remedy(top, remedy):
    frame, grades = _graded()
    ranker = create_ranker("lightgbm", loss="lambdarank", min_child_samples=2,
                           n_estimators=2)
    bad = grades.copy()
    bad[5] = top
    with pytest.raises(RecstackError) as refused:
        ranker.fit(frame, bad)
    assert str(refused.value) == (
        f"lightgbm.fit: loss 'lambdarank' needs integer grades 0..30 as labels, got e.g. "
        f"{top:g} (row 5 of the training rows); {remedy}, or use loss='binary' (labels > 0 "
        "are positives)")
    valid, valid_grades = _graded(n_groups=4, seed=2)
    valid_grades[7] = top
    with pytest.raises(RecstackError, match=rf"got e\.g\. {top:g} \(row 7 of the validation "
                                            r"rows\)"):
        create_ranker("lightgbm", loss="lambdarank", min_child_samples=2, n_estimators=2,
                      early_stopping_rounds=1).fit(frame, grades,
                                                   validation=(valid, valid_grades))
    # grade 30, the last with a gain, is read
    top_grade = grades.copy()
    top_grade[5] = 30
    assert np.isfinite(ranker.fit(frame, top_grade).score(frame)).all()


def test_the_top_is_suggested_only_when_it_was_logged():
    frame, labels = logged(positions=(1, 2, 3))
    with pytest.raises(ConfigError) as refused:
        create_ranker("logistic", serving_position=4).fit(frame, labels)
    assert str(refused.value).endswith("give a serving_position from 1 to 3 (1, the top, is "
                                       "usual)")
    frame, labels = logged(positions=(2, 3))
    with pytest.raises(ConfigError) as refused:
        create_ranker("logistic", serving_position=1).fit(frame, labels)
    assert str(refused.value).endswith(
        "(a tree ranker reads it as 2, the others extrapolate); give a serving_position "
        "from 2 to 3")
