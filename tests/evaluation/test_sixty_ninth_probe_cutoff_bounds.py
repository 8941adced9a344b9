"""Sixty-ninth probe: the cut-offs K have a sane upper bound, the same in an experiment
file, in ``Evaluator(ks=...)`` and in a tuned ``metric = "NAME@K"``.

``ks = [10**12]`` was accepted when the file was read (refused only after the data was
loaded, as "larger than the catalog"), and ``Evaluator(ks=[10**12])`` evaluated with a
warning; thousands of ks were taken too, and a message then listed every one of them. The
documented bound: K in [1, 10000], at most 100 cut-offs."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator

#: the bounds, from their documentation (README, "Experiments and evaluation")
LARGEST_K = 10_000
MOST_CUTOFFS = 100
#: the one thread cap (README: n_threads at most 4096)
MOST_THREADS = 4096


def _raw(evaluation=None, tune=None):
    raw = {"data": {"source": "synthetic"}, "split": {"method": "random"},
           "models": [{"type": "most_popular"}]}
    if evaluation is not None:
        raw["evaluation"] = evaluation
    if tune is not None:
        raw["tune"] = tune
    return raw


@pytest.mark.parametrize("k", [LARGEST_K + 1, 10**12, 2**64])
def test_a_k_above_the_bound_is_refused_when_the_file_is_read(k):
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw({"ks": [10, k]}), source="exp.toml")
    message = str(error.value)
    assert message.startswith(f"exp.toml: [evaluation] ks = [10, {k}]: K = {k} is above "
                              f"{LARGEST_K}, the largest cut-off"), message
    assert "\n" not in message


def test_too_many_cutoffs_are_refused_without_listing_them_all():
    ks = list(range(1, 5001))
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw({"ks": ks}), source="exp.toml")
    message = str(error.value)
    assert message.startswith("exp.toml: [evaluation] ks = [1, 2, 3, ..., 4999, 5000]: "
                              f"5000 cut-offs, at most {MOST_CUTOFFS}"), message
    assert "2500" not in message  # the list is abridged, not written out


def test_the_bounds_themselves_are_accepted():
    bound = parse_experiment(_raw({"ks": [LARGEST_K]}), source="exp.toml")
    assert bound.evaluation.ks == (LARGEST_K,)
    many = parse_experiment(_raw({"ks": list(range(1, MOST_CUTOFFS + 1))}),
                            source="exp.toml")
    assert len(many.evaluation.ks) == MOST_CUTOFFS


@pytest.mark.parametrize("ks", [[LARGEST_K + 1], [10**12], np.array([2**64 - 1], np.uint64),
                                list(range(1, MOST_CUTOFFS + 2))])
def test_the_evaluator_refuses_the_same_cutoffs(ks):
    with pytest.raises(ConfigError, match=r"^ks = \[.*\]: (K = \d+ is above 10000|101 "
                                          r"cut-offs, at most 100)"):
        Evaluator(metrics=("ndcg",), ks=ks)


def test_the_evaluator_takes_the_bounds_themselves():
    assert Evaluator(metrics=("ndcg",), ks=[LARGEST_K]).ks == [LARGEST_K]
    assert len(Evaluator(metrics=("ndcg",), ks=range(1, MOST_CUTOFFS + 1)).ks) == MOST_CUTOFFS


@pytest.mark.parametrize("threads", [MOST_THREADS + 1, 10**6])
def test_the_evaluator_refuses_a_thread_count_above_the_one_cap(threads):
    with pytest.raises(ConfigError, match=rf"^n_threads must be a whole number in \[1, "
                                          rf"{MOST_THREADS}\].*got {threads}$"):
        Evaluator(n_threads=threads)
    assert Evaluator(n_threads=MOST_THREADS).n_threads == MOST_THREADS


def test_a_tuned_metric_with_a_k_above_the_bound_is_refused_when_read():
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw(tune={"model": "most_popular", "metric": "ndcg@99999999999"}),
                         source="exp.toml")
    assert str(error.value).startswith(
        'exp.toml: [tune] metric = "ndcg@99999999999": K = 99999999999 is above 10000')
    parse_experiment(_raw(tune={"model": "most_popular", "metric": f"ndcg@{LARGEST_K}"}),
                     source="exp.toml")
