"""Sixth bad-input probe of the feature frame and the rankers: feature values that are not
numbers, indices beyond int64, rows weighted 0, LightGBM trees without a split and scores
that overflow. Expected values come from the definitions (a row of weight 0 takes no part
in the loss; an int64 holds at most 2**63 - 1)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import FarFeatureWarning, create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric"),
                        Feature("genre", "categorical", cardinality=3)))


def frame_of(numeric, categorical=None, *, users=None, n=None) -> FeatureFrame:
    n = len(numeric) if n is None else n
    return FeatureFrame(SCHEMA, numeric,
                        np.zeros((n, 1), np.int64) if categorical is None else categorical,
                        np.zeros(n, np.int64) if users is None else users,
                        np.arange(n),
                        # one group (request) per user: a group is one user's list
                        np.zeros(n, np.int64) if users is None else np.arange(n))


def toy(n_groups: int = 20, size: int = 6, seed: int = 0):
    """Groups of candidates whose label is 1 where the signal is above 0.5."""
    rng = np.random.default_rng(seed)
    n = n_groups * size
    signal = rng.random(n)
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(SCHEMA, signal[:, None], rng.integers(0, 3, (n, 1)), groups,
                         np.arange(n), groups)
    return frame, (signal > 0.5).astype(np.float64)


@pytest.mark.parametrize(("values", "said"), [
    (np.array([["1_0"], ["2"]]), r"text '1_0' at position \(0, 0\)"),  # numpy read it as 10
    (np.array([[1 + 2j], [2]]), "complex values"),  # the imaginary part was dropped
    (np.array([["2020-01-01"], ["2020-01-02"]], dtype="datetime64[D]"), "datetimes"),
])
def test_feature_values_that_are_not_numbers_are_refused(values, said):
    with pytest.raises(RecstackError, match=f"numeric features must .*{said}"):
        frame_of(values)


def test_categorical_codes_given_as_text_are_refused():
    with pytest.raises(RecstackError,
                       match=r"categorical features must .*text '1' at position \(0, 0\)"):
        frame_of(np.ones((2, 1)), np.array([["1"], ["2"]]))


def test_missing_feature_values_stay_missing():
    frame = frame_of(np.array([[None], [2.0]], dtype=object))
    assert np.isnan(frame.numeric[0, 0]) and frame.numeric[1, 0] == 2.0


@pytest.mark.parametrize("users", [np.array([2**63, 1], dtype=np.uint64),
                                   np.array([1e20, 1.0])])
def test_indices_beyond_int64_are_refused_instead_of_wrapped(users):
    # 2**63 became -2**63 in the cast: another (negative) user, silently
    with pytest.raises(RecstackError, match="users at row 0 is (9223372036854775808|1e\\+20), "
                       "beyond the 64-bit integers"):
        frame_of(np.ones((2, 1)), users=users)


def test_the_largest_int64_index_is_kept():
    frame = frame_of(np.ones((2, 1)), users=np.array([2**63 - 1, 0], dtype=np.uint64))
    assert frame.users.tolist() == [2**63 - 1, 0]


@pytest.mark.parametrize("name", ["logistic", "lightgbm"])
def test_positives_all_weighted_zero_are_refused(name):
    pytest.importorskip({"logistic": "sklearn", "lightgbm": "lightgbm"}[name])
    frame, labels = toy()
    weights = np.where(labels > 0, 0.0, 1.0)  # no positive takes part in the loss
    n_counted = int((weights > 0).sum())
    with pytest.raises(RecstackError, match=f"every label is 0 among the {n_counted} rows "
                       "whose sample_weight is > 0"):
        create_ranker(name, **({"n_jobs": 1} if name == "lightgbm" else {})).fit(
            frame, labels, sample_weight=weights)


def test_groups_whose_varied_rows_are_weighted_zero_are_refused():
    pytest.importorskip("lightgbm")
    frame, labels = toy()
    # in every group only the rows of one label keep a weight: no pair left to compare
    group_first_label = labels[np.repeat(np.arange(20) * 6, 6)]
    weights = np.where(labels == group_first_label, 1.0, 0.0)
    with pytest.raises(RecstackError, match="none of the .* groups .* holds two different "
                       "labels among the"):
        create_ranker("lightgbm", loss="lambdarank", n_jobs=1).fit(
            frame, labels, sample_weight=weights)


def test_some_zero_weights_still_fit():
    pytest.importorskip("sklearn")
    frame, labels = toy()
    weights = np.ones(len(labels))
    weights[:3] = 0.0
    scores = create_ranker("logistic").fit(frame, labels, sample_weight=weights).score(frame)
    assert np.corrcoef(scores, frame.numeric[:, 0])[0, 1] > 0.9


def test_lightgbm_without_any_split_is_refused():
    pytest.importorskip("lightgbm")
    frame, labels = toy(n_groups=1, size=6)
    # 6 rows cannot make two leaves of min_child_samples = 20 rows: every score was the same
    with pytest.raises(RecstackError, match="LightGBM found no split worth making in 6 "
                       "training rows .*min_child_samples = 20"):
        create_ranker("lightgbm", loss="binary", n_jobs=1).fit(frame, labels)


def test_lightgbm_with_enough_rows_still_splits():
    pytest.importorskip("lightgbm")
    frame, labels = toy(n_groups=1, size=6)
    scores = create_ranker("lightgbm", loss="binary", n_jobs=1, min_child_samples=1,
                           n_estimators=5).fit(frame, labels).score(frame)
    assert np.ptp(scores) > 0


def test_a_misspelt_feature_importance_kind_is_refused():
    pytest.importorskip("lightgbm")
    frame, labels = toy()
    ranker = create_ranker("lightgbm", n_jobs=1, n_estimators=5, min_child_samples=2)
    ranker.fit(frame, labels)
    with pytest.raises(RecstackError, match="kind must be 'gain' .* or 'split' .*'gains'"):
        ranker.feature_importance("gains")
    assert set(ranker.feature_importance("split")) == {"signal", "genre"}


def test_scores_that_overflow_are_refused_by_row():
    pytest.importorskip("torch")
    frame, labels = toy()
    ranker = create_ranker("dcn_v2", epochs=1, hidden=(4,), device="cpu").fit(frame, labels)
    far = frame_of(np.array([[0.5], [1e30]]))
    # with the training range kept, such a feature is clipped to the band's edge before the
    # network (a FarFeatureWarning), so the score stays finite
    with pytest.warns(FarFeatureWarning, match="'signal' is 1e\\+30 at row 1"):
        assert np.isfinite(ranker.score(far)).all()
    # a ranker without the range (saved before it was kept: scored unchecked) feeds 1e30 to
    # the cross layer, which multiplies the feature by itself: 1e60 overflows float32, a NaN
    # score, refused by row
    del ranker.numeric_range_
    with pytest.raises(RecstackError, match="dcn_v2.score: the output of row 1 \\(user 0, item "
                       "1\\) is (nan|inf|-inf) .*'signal' = 1e\\+30"):
        ranker.score(far)
    assert np.isfinite(ranker.score(frame_of(np.array([[0.5], [0.7]])))).all()


def test_a_hyperparameter_changed_after_fit_is_refused_by_score_and_save(tmp_path):
    pytest.importorskip("torch")
    frame, labels = toy()
    ranker = create_ranker("wide_deep", epochs=1, hidden=(4,), device="cpu").fit(frame, labels)
    ranker.hidden = (8,)
    # score ignored it (the trained network stayed); save wrote it beside the old weights,
    # a folder that load_ranker then refused: the trained ranker was lost
    for call in (lambda: ranker.score(frame), lambda: ranker.save(tmp_path / "r")):
        with pytest.raises(RecstackError, match="hidden=\\(4,\\) at fit, now \\(8,\\).*fit "
                           "again"):
            call()
    assert not (tmp_path / "r").exists()
    ranker.hidden = [4]  # the same value as a list
    assert len(ranker.score(frame)) == len(frame)


def test_serving_position_set_after_fit_needs_the_position_feature():
    pytest.importorskip("sklearn")
    frame, labels = toy()
    ranker = create_ranker("logistic").fit(frame, labels)
    ranker.serving_position = 1  # the frame has no 'position' column: a numpy ValueError
    with pytest.raises(RecstackError, match="serving_position=1 but the frame has no numeric "
                       "feature 'position'"):
        ranker.score(frame)


def test_runtime_settings_may_change_after_fit(tmp_path):
    pytest.importorskip("lightgbm")
    frame, labels = toy()
    ranker = create_ranker("lightgbm", n_jobs=1, n_estimators=5, min_child_samples=2)
    before = ranker.fit(frame, labels).score(frame)
    ranker.n_jobs = 2
    assert np.array_equal(ranker.score(frame), before)
    from recstack.pipeline.rankers import load_ranker

    assert np.array_equal(load_ranker(ranker.save(tmp_path / "r")).score(frame), before)


def multitask_labels(labels: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """(interaction, rating) with a rating on every other row (NaN: none)."""
    return np.column_stack([labels, np.where(np.arange(len(labels)) % 2 == 0, ratings,
                                             np.nan)])


def test_predict_ratings_checks_its_frame_as_score_does():
    pytest.importorskip("torch")
    frame, labels = toy()
    ranker = create_ranker("multitask", epochs=1, hidden=(4,), device="cpu")
    ranker.fit(frame, multitask_labels(labels, 1 + 4 * labels))
    # a DataFrame was an AttributeError ('DataFrame' object has no attribute 'schema')
    with pytest.raises(RecstackError, match="multitask.predict_ratings: expected a "
                       "FeatureFrame"):
        ranker.predict_ratings(frame.to_pandas())
    ranker.hidden = (8,)  # ignored by predict_ratings, as by score before
    with pytest.raises(RecstackError, match="hidden=\\(4,\\) at fit, now \\(8,\\)"):
        ranker.predict_ratings(frame)


def test_ratings_beyond_float32_are_predicted_on_their_scale():
    pytest.importorskip("torch")
    frame, labels = toy()
    # the float32 predictions came out infinite for every row, so such ratings were refused;
    # predict_ratings is float64 now (every rating 1e307: the mean, a deviation of 0)
    ranker = create_ranker("multitask", epochs=1, hidden=(4,), device="cpu").fit(
        frame, multitask_labels(labels, np.full(len(labels), 1e307)))
    np.testing.assert_allclose(ranker.predict_ratings(frame), 1e307, rtol=1e-12)


def test_rated_rows_all_weighted_zero_are_refused():
    pytest.importorskip("torch")
    frame, labels = toy()
    targets = multitask_labels(labels, 1 + 4 * labels)
    weights = np.where(np.isnan(targets[:, 1]), 1.0, 0.0)  # the rating head saw no row
    with pytest.raises(RecstackError, match="every row with a rating .* has sample_weight 0"):
        create_ranker("multitask", epochs=1, hidden=(4,), device="cpu").fit(
            frame, targets, sample_weight=weights)


@pytest.mark.parametrize("position", [0, -3])
def test_a_serving_position_before_the_top_is_refused(position):
    pytest.importorskip("sklearn")
    frame, labels = toy()
    # positions are 1-based (1 = the top): 0 scored every candidate at a place never logged
    with pytest.raises(RecstackError, match=f"serving_position must be >= 1, got {position}"):
        create_ranker("logistic", serving_position=position).fit(frame, labels)


def test_grouped_ndcg_of_grades_past_2_to_the_1024():
    from recstack.pipeline.rankers.base import grouped_ndcg

    # 2^2000 overflowed: inf / inf, and the validation metric of early stopping was NaN.
    # By the formula: the top grade first gives 1; grades 1500 and 1400 swapped give
    # (2^1400 + 2^1500 / log2 3) / (2^1500 + 2^1400 / log2 3) = (2^-100 + 1 / log2 3)
    # / (1 + 2^-100 / log2 3)
    assert grouped_ndcg(np.array([1.0, 0.0]), np.array([2000.0, 0.0]),
                        np.array([0, 0])) == 1.0
    swapped = (2.0**-100 + 1 / np.log2(3)) / (1 + 2.0**-100 / np.log2(3))
    assert grouped_ndcg(np.array([0.0, 1.0]), np.array([1500.0, 1400.0]),
                        np.array([0, 0])) == pytest.approx(swapped, rel=1e-12)


def test_lambdarank_grades_past_float32_are_refused_by_the_neural_rankers():
    pytest.importorskip("torch")
    frame, labels = toy()
    # 2^200 is infinite in float32: the loss was NaN and the error said "training diverged
    # ... lower the learning rate"
    with pytest.raises(RecstackError, match="loss 'lambdarank' weighs a row by 2\\^grade - 1, "
                       "so grades must be at most 30 .* has 200"):
        create_ranker("wide_deep", loss="lambdarank", epochs=1, hidden=(4,),
                      device="cpu").fit(frame, labels * 200)
    scores = create_ranker("wide_deep", loss="lambdarank", epochs=1, hidden=(4,),
                           device="cpu").fit(frame, labels * 30).score(frame)
    assert np.isfinite(scores).all()


def test_metadata_nested_thousands_deep_is_named(tmp_path):
    from recstack.pipeline.features import FeatureBuilder
    from recstack.pipeline.rankers import load_ranker

    deep = "[" * 100_000 + "]" * 100_000  # Python's JSON reader: a RecursionError
    (tmp_path / "ranker.json").write_text(deep)
    with pytest.raises(RecstackError, match="ranker.json: nested too deeply"):
        load_ranker(tmp_path)
    with pytest.raises(RecstackError, match="saved feature builder is malformed "
                       "\\(RecursionError"):
        FeatureBuilder.from_json(deep)


def test_lightgbm_tells_apart_categories_past_2_to_the_24():
    pytest.importorskip("lightgbm")
    schema = FeatureSchema((Feature("noise", "numeric"),
                            Feature("level", "categorical", cardinality=2**25)))
    rng = np.random.default_rng(0)
    n = 400
    # two adjacent codes that float32 makes one number: the label is the code, so a
    # ranker that tells them apart ranks every positive first
    codes = np.where(rng.random(n) < 0.5, 2**24, 2**24 + 1)
    labels = (codes == 2**24 + 1).astype(np.float64)
    frame = FeatureFrame(schema, rng.normal(size=(n, 1)), codes[:, None],
                         np.arange(n) // 10, np.arange(n), np.arange(n) // 10)
    scores = create_ranker("lightgbm", loss="binary", n_jobs=1, n_estimators=20).fit(
        frame, labels).score(frame)
    assert scores[labels == 1].min() > scores[labels == 0].max()
