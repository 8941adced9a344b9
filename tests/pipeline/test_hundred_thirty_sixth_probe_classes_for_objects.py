"""Hundred-thirty-sixth bad-input probe: a class given where an object belongs.

``BanditEnvironment().run(LinUCB, ...)``, ``CalibratedScorer(scorer, PlattCalibrator)``,
``run_chain([MMR], ...)`` and a model class among the candidates' generators or scorers
were refused as "got ABCMeta" (or "is a ABCMeta"), the class of a class, as was
``make_training_data(..., FeatureBuilder, ...)`` ("got type"). They now say that
the class itself was given and how to create one, with the settings it cannot do without.
And ``generate_candidates(batch_size=0)`` names its call, not only the shared top-k loop's
"batch_size must be a positive integer"."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandits import UCB1, LinUCB
from recstack.pipeline.calibration import (
    CalibratedScorer,
    CalibrationError,
    DownsamplingCorrection,
    PlattCalibrator,
)
from recstack.pipeline.simulation import BanditEnvironment


@pytest.mark.parametrize(("policy", "created"), [
    (UCB1, r"UCB1\(n_items=200\)"),
    (LinUCB, r"LinUCB\(n_items=200, n_features=36\)"),
])
def test_a_policy_class_is_told_to_be_created(policy, created):
    environment = BanditEnvironment()
    assert (environment.n_items, environment.n_features) == (200, 36)
    with pytest.raises(ConfigError, match=rf"^BanditEnvironment\.run: policy is the class "
                       rf"{policy.__name__}, not a policy; create one: {created}$"):
        environment.run(policy, n_rounds=1)


@pytest.mark.parametrize(("calibrator", "created"), [
    (PlattCalibrator, r"PlattCalibrator\(\)"),
    (DownsamplingCorrection, r"DownsamplingCorrection\(rate=\.\.\.\)"),
])
def test_a_calibrator_class_is_told_to_be_created(calibrator, created):
    scorer = CalibratedScorer(lambda inputs: np.asarray(inputs, dtype=float), calibrator)
    with pytest.raises(CalibrationError, match=rf"^CalibratedScorer: calibrator is the class "
                       rf"{calibrator.__name__}, not a calibrator; create one: {created}$"):
        scorer.fit([0.1, 0.2], [0, 1])


def test_a_re_ranker_class_in_a_chain_is_told_to_be_created():
    from recstack.pipeline.rerank import MMR, RerankContext, run_chain

    with pytest.raises(RecstackError, match=r"^run_chain: chain\[0\] is the class MMR, not a "
                       r"re-ranker; create and fit one: MMR\(\.\.\.\)\.fit\(train\)$"):
        run_chain([MMR], np.array([0]), np.array([[0, 1]]), np.array([[1.0, 0.5]]),
                  RerankContext(seen=sp.csr_matrix((1, 2))))


@pytest.fixture(scope="module")
def data():
    from recstack.data.synthetic import generate

    return generate(n_users=30, n_items=40, n_interactions=300, seed=3)


def test_a_model_class_among_generators_or_scorers_is_told_to_be_created(data):
    from recstack.models import create_model
    from recstack.pipeline.candidates import generate_candidates, score_candidates

    popular = create_model("most_popular").fit(data)
    kind = type(popular).__name__
    told = rf"is the class {kind}, not a model; create and fit one: {kind}\(\)\.fit\(train\)$"
    with pytest.raises(RecstackError, match=rf"^candidates: generators\[1\] {told}"):
        generate_candidates([popular, type(popular)], np.arange(3), 2)
    candidates = generate_candidates([popular], np.arange(3), 2)
    with pytest.raises(RecstackError, match=rf"^candidates: scorers\[0\] {told}"):
        score_candidates(candidates, [type(popular)], ["popular"])


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8", True])
def test_a_bad_batch_size_of_candidates_names_the_call(data, batch_size):
    from recstack.models import create_model
    from recstack.pipeline.candidates import generate_candidates

    popular = create_model("most_popular").fit(data)
    # "batch_size must be a positive integer, got 0", from inside the shared top-k loop
    with pytest.raises(ConfigError, match=r"^candidates: batch_size \(users scored at once\) "
                       r"must be a positive integer or None, got "):
        generate_candidates([popular], np.arange(3), 2, batch_size=batch_size)


def test_the_feature_builder_class_is_told_to_be_created():
    from recstack.data.synthetic import generate
    from recstack.models import create_model
    from recstack.pipeline.features import FeatureBuilder
    from recstack.pipeline.training_data import make_training_data, time_window, window_cutoff

    data = generate(n_users=60, n_items=40, n_interactions=800, seed=1)
    cutoff = window_cutoff(data, 0.2)
    history, window = time_window(data, cutoff)
    with pytest.raises(ConfigError, match=r"^training data: builder is the class "
                       r"FeatureBuilder, not a builder; create one: FeatureBuilder\(\.\.\.\)$"):
        make_training_data(history, window, lambda: [create_model("most_popular")],
                           FeatureBuilder, cutoff=cutoff, n_candidates=5)
