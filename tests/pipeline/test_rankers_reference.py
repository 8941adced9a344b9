"""LightGBM and logistic-regression rankers against the libraries used directly, built by
hand here: the same predictions mean groups, categoricals, imputation, standardisation,
one-hot columns and class weights are passed as documented."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from tests.pipeline.test_rankers import QUICK, make, synthetic_frame

lgb = pytest.importorskip("lightgbm", reason="LightGBM is not installed: recstack[ranking]")
sklearn = pytest.importorskip("sklearn")

from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402


def lgb_reference(cls, frame, labels, **fit):
    settings = QUICK["lightgbm"]
    model = cls(n_estimators=settings["n_estimators"], num_leaves=settings["num_leaves"],
                min_child_samples=settings["min_child_samples"], learning_rate=0.05,
                random_state=0, n_jobs=1, deterministic=True, force_row_wise=True,
                max_cat_to_onehot=8, min_data_per_group=10, cat_smooth=10, verbosity=-1)
    X = np.hstack([frame.numeric, frame.categorical])
    model.fit(X, labels, categorical_feature=[2, 3], **fit)
    return model, X


def test_lambdarank_matches_lightgbm_ranker_with_groups():
    frame, labels, _ = synthetic_frame()
    test, _, _ = synthetic_frame(seed=1)
    ours = make("lightgbm", loss="lambdarank").fit(frame, labels).score(test)
    reference, _ = lgb_reference(lgb.LGBMRanker, frame, labels.astype(int),
                                 group=np.full(120, 10))
    expected = reference.predict(np.hstack([test.numeric, test.categorical]))
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


def test_binary_matches_lightgbm_classifier_probabilities():
    frame, labels, _ = synthetic_frame()
    weights = np.where(frame.categorical[:, 1] == 0, 2.0, 1.0)
    ours = make("lightgbm", loss="binary").fit(frame, labels, sample_weight=weights)
    reference, X = lgb_reference(lgb.LGBMClassifier, frame, labels, sample_weight=weights)
    np.testing.assert_allclose(ours.predict_proba(frame), reference.predict_proba(X)[:, 1],
                               rtol=1e-5)
    # the score is the raw logit (probabilities in float32 tie at 1.0 from a logit of ~17)
    np.testing.assert_allclose(ours.score(frame), reference.predict(X, raw_score=True),
                               rtol=1e-5, atol=1e-5)


def test_categoricals_are_split_as_categories():
    frame, labels, _ = synthetic_frame()
    ranker = make("lightgbm", loss="binary").fit(frame, labels)
    kinds = set()

    def walk(node):
        if "split_feature" in node:
            kinds.add((node["split_feature"], node["decision_type"]))
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in ranker.booster_.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    assert (2, "==") in kinds  # genre, split by category
    assert all(kind == "==" for feature, kind in kinds if feature in (2, 3))
    importance = ranker.feature_importance()
    assert max(importance, key=importance.get) == "signal"


def test_lambdarank_needs_integer_grades():
    frame, labels, _ = synthetic_frame(n_groups=10)
    with pytest.raises(RecstackError, match="lambdarank' needs integer grades 0..30 as "
                       "labels, got e.g. 0.5"):
        make("lightgbm").fit(frame, labels * 0.5)


def test_lightgbm_early_stopping_on_validation():
    frame, labels, _ = synthetic_frame()
    valid, valid_labels, _ = synthetic_frame(seed=3)
    ranker = make("lightgbm", n_estimators=500, learning_rate=0.3, early_stopping_rounds=5)
    ranker.fit(frame, labels, validation=(valid, valid_labels))
    assert 0 < ranker.booster_.best_iteration < 500
    assert ranker.booster_.current_iteration() < 500
    with pytest.raises(RecstackError, match="early_stopping_rounds=5 needs validation rows"):
        ranker.fit(frame, labels)


def sklearn_logistic(frame, labels, **kw):
    design = ColumnTransformer([
        ("numeric", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), [0, 1]),
        ("categorical", OneHotEncoder(categories=[list(range(5)), list(range(3))]), [2, 3]),
    ])
    model = make_pipeline(design, LogisticRegression(max_iter=1000, **kw))
    X = np.hstack([frame.numeric, frame.categorical]).astype(np.float64)
    return model.fit(X, labels), X


@pytest.mark.parametrize("class_weight", [None, "balanced", 3.0])
def test_logistic_matches_scikit_learn_pipeline(class_weight):
    frame, labels, _ = synthetic_frame()
    ranker = make("logistic", class_weight=class_weight, max_iter=1000).fit(frame, labels)
    reference_weight = {0: 1.0, 1: 3.0} if class_weight == 3.0 else class_weight
    reference, X = sklearn_logistic(frame, labels, class_weight=reference_weight)
    np.testing.assert_allclose(ranker.predict_proba(frame), reference.predict_proba(X)[:, 1],
                               atol=2e-4)
    # the score is the logit (probabilities in float32 tie at 1.0 from a logit of ~17)
    np.testing.assert_allclose(ranker.score(frame), reference.decision_function(X),
                               atol=2e-3)
    # 2 numerics + 5 + 3 one-hot columns: the unknown level 0 keeps its own column
    assert ranker.coef_.shape == (10,)


def test_logistic_class_weight_equals_weighting_the_positives():
    frame, labels, _ = synthetic_frame()
    by_class = make("logistic", class_weight=4, max_iter=1000).fit(frame, labels)
    by_row = make("logistic", max_iter=1000).fit(
        frame, labels, sample_weight=np.where(labels > 0, 4.0, 1.0))
    np.testing.assert_allclose(by_class.score(frame), by_row.score(frame), atol=1e-4)


def test_logistic_needs_both_classes():
    frame, labels, _ = synthetic_frame(n_groups=5)
    with pytest.raises(RecstackError, match="every label is 0, so there is nothing to learn"):
        make("logistic").fit(frame, np.zeros_like(labels))
    with pytest.raises(RecstackError, match="every label is > 0"):
        make("logistic").fit(frame, 1 + labels)
