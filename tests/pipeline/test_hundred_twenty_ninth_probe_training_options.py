"""make_training_data checks its options before any generator is fitted, naming its own
arguments: ``n_candidates = 0`` (or past the float32 rank bound) and a misspelt
``negatives`` were refused only after every generator's fit, in the words of inner
functions ("candidates: n ...", "negative sampling must be ..."), naming no argument of
the call."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.training_data import (
    make_training_data,
    sample_negatives,
    time_window,
    window_cutoff,
)


@pytest.fixture(scope="module")
def windows():
    data = generate(n_users=60, n_items=40, n_interactions=800, seed=1)
    cutoff = window_cutoff(data, 0.2)
    history, window = time_window(data, cutoff)
    return history, window, cutoff


@pytest.mark.parametrize(("options", "message"), [
    ({"n_candidates": 0}, r"n_candidates \(items asked of each generator\) must be a "
                          r"positive integer, got 0"),
    ({"n_candidates": "10"}, r"n_candidates \(items asked of each generator\) must be a "
                             r"positive integer, got '10'"),
    ({"n_candidates": 2**24}, r"n_candidates \(items asked of each generator\) must be at "
                              r"most 16,777,215 \(2\*\*24 - 1\), got 16,777,216"),
    ({"negatives": "hrad"}, r"negatives \(the negative sampling\) must be 'all', 'uniform' "
                            r"or 'hard', got 'hrad' \(did you mean 'hard'\?\)"),
    ({"negatives": None}, r"negatives \(the negative sampling\) must be 'all', 'uniform' "
                          r"or 'hard', got None$"),
    ({"negatives": "uniform", "negative_rate": 0}, r"negative_rate \(the negative sampling "
                                                   r"rate\) must be in \(0, 1\], got 0"),
    ({"negatives": "hard", "negative_rate": 2}, r"negative_rate \(the negative sampling "
                                                r"rate\) must be in \(0, 1\], got 2"),
])
def test_options_are_refused_by_name_before_any_generator_is_fitted(windows, options, message):
    history, window, cutoff = windows
    asked = []

    def generators():
        asked.append(True)
        return [create_model("most_popular")]

    with pytest.raises(ConfigError, match="^training data: " + message):
        make_training_data(history, window, generators, FeatureBuilder(),
                           cutoff=cutoff, **({"n_candidates": 10} | options))
    assert not asked, "the generators were made (and fitted) before the options were checked"


def test_more_candidates_than_the_catalog_holds_still_work(windows):
    # above the catalog a generator's list has empty slots: allowed, as documented
    history, window, cutoff = windows
    data = make_training_data(history, window, lambda: [create_model("most_popular")],
                              FeatureBuilder(), cutoff=cutoff, n_candidates=1000)
    assert len(data.labels) > 0
    # one generator proposes every candidate: ranks within the 40 items of the catalog
    ranks = data.frame.column("rank_most_popular")
    assert 1 <= ranks.min() and ranks.max() <= 40


def test_sample_negatives_names_its_own_arguments():
    candidates = Candidates(np.array([0, 0]), np.array([0, 1]), np.ones((2, 1), np.float32),
                            np.array([[1.0], [2.0]]), ("a",), 2)
    with pytest.raises(ConfigError, match=r"^sample_negatives: how \(the negative sampling\) "
                       r"must be 'all', 'uniform' or 'hard', got 'Uniform' \(did you mean "
                       r"'uniform'\?\)"):
        sample_negatives(np.array([1.0, 0.0]), candidates, "Uniform", 0.5)
    with pytest.raises(ConfigError, match=r"^sample_negatives: rate \(the negative sampling "
                       r"rate\) must be in \(0, 1\], got nan"):
        sample_negatives(np.array([1.0, 0.0]), candidates, "hard", float("nan"))
