"""Fifty-eighth bad-input probe: one row of a frame (``frame.iloc[0]``, a Series whose index
names the features) given to the Bayesian logistic regression was read by position, so a
row of another column order, or of other features, was scored silently; it is now read by
its index, as frames are by their columns. And inverse propensity weights from
propensities above 1 (a position examined more than the top, or weights 1 / theta given as
propensities) weighted clicks below 1 without a word: they are now warned of."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.position_bias import ipw_sample_weights


def _fitted() -> tuple[BayesianLogisticRegression, pd.DataFrame]:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    y = (frame["a"] - frame["b"] + rng.normal(size=60) > 0).astype(float)
    return BayesianLogisticRegression().fit(frame, y), frame


def test_a_row_is_read_by_its_feature_names():
    model, frame = _fitted()
    row = frame.iloc[4]
    expected = float(model.predict_proba(frame.iloc[[4]])[0])
    assert float(model.predict_proba(row)) == pytest.approx(expected)
    assert float(model.predict_proba(row[["b", "a"]])) == pytest.approx(expected)
    # the posterior-mean logit m' x + intercept from the definition, on the reordered row
    logit = float(model.mean_[:2] @ row[["a", "b"]].to_numpy() + model.mean_[2])
    assert float(model.predict_proba_map(row[["b", "a"]])) == pytest.approx(
        special.expit(logit))


@pytest.mark.parametrize(("index", "named"), [
    (["x", "y"], "missing 'a', 'b'; unexpected 'x', 'y'"),
    (["a", "c"], "missing 'b'; unexpected 'c'"),
])
def test_a_row_of_other_features_is_refused(index, named):
    model, _ = _fitted()
    with pytest.raises(BanditInputError, match=r"the row X for predicting \(a Series, read by "
                                               r"its index as feature names\) does not name "
                                               rf"the features of fit \({named}\); fit used "
                                               "'a', 'b'"):
        model.predict_proba(pd.Series([0.1, 0.2], index=index))


def test_a_row_with_row_labels_or_after_an_array_fit_stays_positional():
    model, frame = _fitted()
    values = frame.iloc[4].to_numpy()
    expected = float(model.predict_proba(values))
    assert float(model.predict_proba(pd.Series(values))) == pytest.approx(expected)
    plain = BayesianLogisticRegression().fit(frame.to_numpy(), (frame["a"] > 0).astype(float))
    assert float(plain.predict_proba(frame.iloc[4][["b", "a"]])) == pytest.approx(
        float(plain.predict_proba(values[::-1])))


def test_propensities_above_one_are_warned_of():
    with pytest.warns(UserWarning, match=r"^ipw_sample_weights: propensities above 1 \("
                                         r"position 2: 2, position 3: 3\)"):
        weights = ipw_sample_weights([1, 2, 3], [1, 1, 1], [1.0, 2.0, 3.0])
    assert weights.tolist() == [1.0, 0.5, pytest.approx(1 / 3)]


def test_propensities_up_to_one_are_not_warned_of(recwarn):
    assert ipw_sample_weights([1, 2], [1, 1], [1.0, 0.5]).tolist() == [1.0, 2.0]
    assert not [w for w in recwarn if "propensities above 1" in str(w.message)]
