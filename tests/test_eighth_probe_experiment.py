"""Eighth probe: run_experiment's baseline and output paths that are not paths."""

from __future__ import annotations

import re

import pytest

from recstack.config import parse_experiment
from recstack.errors import RecstackError
from recstack.experiment import check_output, check_output_file, run_experiment

SOURCE = "synthetic:n_users=60,n_items=40,n_interactions=900"


def _experiment():
    raw = {"data": {"source": SOURCE}, "split": {"method": "random"},
           "evaluation": {"metrics": ["ndcg"], "ks": [5]},
           "models": [{"type": "most_popular"}, {"type": "random", "seed": 0}]}
    return parse_experiment(raw, source="exp.toml")


@pytest.mark.parametrize("baseline, says", [
    ("nope", r"exp.toml: baseline = 'nope' names no model; the labels are: most_popular, "
             r"random"),
    ("Most_Popular", r"baseline = 'Most_Popular' names no model \(did you mean "
                     r"'most_popular'\?\)"),
    (3, r"baseline = 3 names no model"),
])
def test_a_baseline_naming_no_model_is_refused_before_any_fit(monkeypatch, baseline, says):
    # every model was fitted, then the first one silently became the baseline
    import recstack.experiment as experiment_module

    def no_fit(*args, **kwargs):
        raise AssertionError("a model was built before the baseline was checked")

    monkeypatch.setattr(experiment_module, "build_models", no_fit)
    with pytest.raises(RecstackError, match=says):
        run_experiment(_experiment(), baseline=baseline)


def test_a_baseline_that_names_a_model_is_the_reference():
    result = run_experiment(_experiment(), baseline="random")
    # the tests compare each other model with the baseline: the first model, not itself
    assert set(result.significance) == {"most_popular"}


@pytest.mark.parametrize("out, says", [
    # '' was the working folder: "results already exist", or written over with overwrite
    ("", "out: an empty path; give a file or folder name"),
    ("   ", "out: an empty path"),
    # a TypeError traceback
    (3, "out: expected a path (text or pathlib.Path), got int 3"),
    (None, "out: expected a path"),
])
@pytest.mark.parametrize("check", [check_output, check_output_file])
def test_an_output_that_is_not_a_path_is_refused(tmp_path, monkeypatch, check, out, says):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError, match=re.escape(says)):
        check(out, overwrite=True)
    assert list(tmp_path.iterdir()) == []
