"""Round 58 probe of metric names: the literature's abbreviations (HR@10 in the NCF and
SASRec papers) were refused with no hint, too short to be taken as misspellings."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.metrics import MetricInputError, ranking_metrics


@pytest.mark.parametrize(("given", "meant"), [("hr", "hit_rate"), ("HR", "hit_rate"),
                                              ("ILD", "diversity"), ("arp", "popularity")])
def test_the_evaluator_points_an_abbreviation_to_its_metric(given, meant):
    with pytest.raises(ConfigError, match=rf"unknown metric\(s\) \['{given}'\] \(did you "
                                          rf"mean '{meant}'\? {given} is the usual "
                                          "abbreviation of"):
        Evaluator(metrics=[given], ks=[10])


def test_ranking_metrics_points_hr_to_hit_rate_and_leaves_what_it_lacks_unhinted():
    recommended, truth = np.array([[0, 1]]), sp.csr_matrix([[1.0, 0.0]])
    with pytest.raises(MetricInputError, match=r"\['HR'\] \(did you mean 'hit_rate'\? HR is "
                                               r"the usual abbreviation of hit rate"):
        ranking_metrics(recommended, truth, ks=[1], metrics=["HR"])
    # diversity is no ranking metric of ranking_metrics: no hint toward a name it refuses
    with pytest.raises(MetricInputError, match=r"unknown ranking metric\(s\) \['ild'\]; known"):
        ranking_metrics(recommended, truth, ks=[1], metrics=["ild"])
    # the full name computes: user 0's one relevant item is at rank 1
    assert ranking_metrics(recommended, truth, ks=[1], metrics=["hit_rate"])[
        "hit_rate@1"].tolist() == [1.0]


def test_misspellings_keep_their_nearest_name():
    with pytest.raises(ConfigError, match=r"\['ndgc'\] \(did you mean 'ndcg'\?\)"):
        Evaluator(metrics=["ndgc"], ks=[10])
