"""Sixth bad-input probe, held-out users: a model that cannot score users it was not
trained on, found only after the models before it were fitted (or blamed on a tuning
trial's values). Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.experiment import run_experiment
from recstack.tuning import tune

SMALL = "synthetic:n_users=80,n_items=60,n_interactions=1500,seed=2"


def users_split(models, **extra):
    return parse_experiment({"data": {"source": SMALL}, "split": {"method": "users"},
                             "evaluation": {"metrics": ["ndcg"], "ks": [10]},
                             "models": models} | extra, source="u.toml")


def test_evaluate_refuses_a_model_that_cannot_fold_in_before_fitting_any(monkeypatch):
    # most_popular was fitted and evaluated first; then "(lightgcn): lightgcn cannot fold
    # in new users", without a word on what would work
    def evaluated(*args, **kwargs):
        raise AssertionError("a model was evaluated before the experiment was refused")

    monkeypatch.setattr(Evaluator, "evaluate_fold_in", evaluated)
    experiment = users_split([{"type": "most_popular"}, {"type": "lightgcn", "epochs": 1}])
    with pytest.raises(ConfigError) as error:
        run_experiment(experiment)
    message = str(error.value)
    assert message.startswith("u.toml: [[models]] #2 (lightgcn) type = 'lightgcn': with the "
                              "users split ([split] method = \"users\"), held-out users are "
                              "evaluated from their revealed history, and a lightgcn model "
                              "cannot score users it was not trained on; use a split that "
                              "keeps every user in training")
    assert "folds in new users: als, " in message and "lightgcn" not in message.split(": ")[-1]


def test_tune_refuses_it_instead_of_blaming_the_first_trial():
    # "bpr: trial 1 of 2 failed with factors = 128, ...: bpr cannot fold in new users;
    # change these values in bpr's [[models]] table"
    experiment = users_split([{"type": "bpr", "epochs": 1}],
                             tune={"model": "bpr", "trials": 2})
    with pytest.raises(ConfigError, match=r"^u.toml: \[\[models\]\] #1 \(bpr\) type = 'bpr': "
                                          r"with the users split") as error:
        tune(experiment)
    assert "trial" not in str(error.value)
    # the file itself stays valid: `recstack fit` fits such a model without evaluating it
    assert experiment.models[0].type == "bpr"
