"""Hundred-sixty-sixth bad-input probe of the LightGBM ranker's feature names: LightGBM
takes no JSON special characters in a name, so each is replaced by ``_``; two features
whose names differ only there (``"a b"`` and ``"a_b"``, ``"[1]"`` and ``"(1)"``) became one
name, and fit failed as "LightGBM refused the data: Feature (a_b) appears more than one
time", names the user never gave twice (the other rankers take them). They are now told
apart, and the ranker fits, saves and loads under its own names."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema


def frame_named(first: str, second: str) -> tuple[FeatureFrame, np.ndarray]:
    """12 groups of 5 rows labelled 1 where the two features add up past 1."""
    schema = FeatureSchema((Feature(first, "numeric"), Feature(second, "numeric")))
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(12), 5)
    numeric = rng.random((60, 2))
    frame = FeatureFrame(schema, numeric, np.zeros((60, 0), np.int64), groups,
                         np.arange(60), groups)
    return frame, (numeric.sum(axis=1) > 1).astype(float)


@pytest.mark.parametrize(("first", "second"), [("a b", "a_b"), ("a:b", "a,b"),
                                               ("[1]", "(1)"), ('a"b', "a{b")])
def test_names_alike_once_made_safe_fit_save_and_load(first, second, tmp_path):
    pytest.importorskip("lightgbm")
    frame, labels = frame_named(first, second)
    ranker = create_ranker("lightgbm", n_estimators=5, min_child_samples=2,
                           n_jobs=1).fit(frame, labels)
    importance = ranker.feature_importance("split")
    assert list(importance) == [first, second]
    # both features are used: the label is their sum past 1
    assert importance[first] > 0 and importance[second] > 0
    loaded = load_ranker(ranker.save(tmp_path / "ranker"))
    np.testing.assert_array_equal(loaded.score(frame), ranker.score(frame))


def test_the_names_lightgbm_is_given():
    from recstack.pipeline.rankers.gbdt import _safe_names

    assert _safe_names(["price", "a b", "a_b", "a:b"]) == ["price", "a_b", "a_b_2", "a_b_3"]
    assert _safe_names(["a_b", "a b", "a_b_1"]) == ["a_b", "a_b_1", "a_b_1_2"]
