"""Thirty-second bad-input probe, the ranker's training examples: generators (or scorers)
that were already fitted were refitted on the history without a word, discarding the
caller's fit; they are refused, naming the position and the model."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.training_data import make_training_data, time_window

DAY = 86_400


def _log() -> Interactions:
    return Interactions.from_arrays(["a", "a", "b", "b", "c", "a", "c"],
                                    ["x", "y", "x", "z", "y", "z", "z"], None,
                                    np.array([1, 2, 3, 4, 5, 11, 12]) * DAY)


def test_an_already_fitted_generator_is_refused():
    log = _log()
    history, window = time_window(log, 10 * DAY)
    fitted = create_model("most_popular").fit(log)
    with pytest.raises(ConfigError) as refused:
        make_training_data(history, window, lambda: [create_model("random"), fitted],
                           FeatureBuilder(), cutoff=10 * DAY, n_candidates=2)
    message = str(refused.value)
    assert message.startswith("training data: make_generators()[1] (most_popular) is already "
                              "fitted; ")
    assert "create_model('most_popular')" in message
    # the caller's fit is left as it was: on all 7 rows, z is as popular as x and y
    assert fitted.popularity_.tolist() == [2.0, 2.0, 3.0]


def test_an_already_fitted_scorer_is_refused():
    history, window = time_window(_log(), 10 * DAY)
    fitted = create_model("most_popular").fit(history)
    with pytest.raises(ConfigError, match=r"training data: make_scorers\(\)\[0\] "
                                          r"\(most_popular\) is already fitted"):
        make_training_data(history, window, lambda: [create_model("most_popular")],
                           FeatureBuilder(), cutoff=10 * DAY, n_candidates=2,
                           make_scorers=lambda: [fitted])


def test_fresh_models_each_call_still_work():
    history, window = time_window(_log(), 10 * DAY)
    examples = make_training_data(history, window, lambda: [create_model("most_popular")],
                                  FeatureBuilder(), cutoff=10 * DAY, n_candidates=2)
    assert len(examples.labels) == 3
