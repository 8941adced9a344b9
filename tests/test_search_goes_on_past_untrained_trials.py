"""A search whose drawn values cannot train its model (iALS's default space holds
regularisations that zero every factor on a large catalog: the Last.fm graph-CF split's
search ended at trial 12 of 50 with "training learned nothing") counts those trials as
failed and goes on; only when every trial fails is the first one raised, as any failed
trial is."""

from __future__ import annotations

import math
import warnings

import pytest

pytest.importorskip("optuna")

from recstack.data.splits import random_split  # noqa: E402
from recstack.data.synthetic import generate  # noqa: E402
from recstack.errors import RecstackError, TrainingFailedError  # noqa: E402
from recstack.evaluation.evaluator import Evaluator  # noqa: E402
from recstack.models.registry import create_model  # noqa: E402
from recstack.tuning import UntrainedTrialsWarning, search  # noqa: E402

TRAINS, NEVER = 0.003, 1e10  # 1e10 zeroes every factor (the model refuses that fit)


@pytest.fixture(scope="module")
def parts():
    data = generate(n_users=80, n_items=50, n_interactions=1500, seed=0)
    split = random_split(data, 0.2, seed=0)
    return split.train, split.test


def test_the_regularisation_that_never_trains_is_refused_alone(parts):
    # the premise: this value alone is refused as a failed training
    with pytest.raises(TrainingFailedError, match="training learned nothing"):
        create_model("ials", factors=4, regularization=NEVER, iterations=2).fit(parts[0])


def test_a_search_goes_on_past_trials_that_cannot_train(parts):
    train, validation = parts
    space = {"regularization": {"type": "categorical", "choices": [NEVER, TRAINS]}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        best, value, history = search("ials", train, validation, space,
                                      base_params={"factors": 4, "iterations": 2,
                                                   "regularization": NEVER},
                                      metric="recall@10", trials=6, seed=0)
    failed = [trial for trial in history if "failed" in trial]
    assert failed and len(failed) < len(history)
    assert all(trial["params"]["regularization"] == NEVER for trial in failed)
    assert all(math.isnan(trial["value"]) for trial in failed)
    assert "training learned nothing" in failed[0]["failed"]
    assert best["regularization"] == TRAINS
    # the value is the trained configuration's own, evaluated apart
    model = create_model("ials", factors=4, iterations=2, regularization=TRAINS).fit(train)
    alone = Evaluator(metrics=("recall",), ks=(10,)).evaluate(model, train, validation)
    assert value == pytest.approx(alone.means()["recall@10"], rel=1e-12)
    said = [str(w.message) for w in caught if w.category is UntrainedTrialsWarning]
    assert len(said) == 1, said
    assert said[0].startswith(f"ials: {len(failed)} of the 6 trials of the search could not "
                              "train and count as failed; the first: training learned "
                              "nothing") or (len(failed) == 1 and "1 of the 6 trials" in said[0])


def test_a_search_where_no_trial_trains_raises_the_first(parts):
    train, validation = parts
    space = {"regularization": {"type": "categorical", "choices": [NEVER, 1e12]}}
    # the class stays: a caller can tell a failed training from a refused value
    with pytest.raises(TrainingFailedError, match=r"^ials: none of the 3 trials of the search "
                                                  r"could train; the first, trial 1 of 3 "
                                                  r"failed with .*training learned nothing"):
        search("ials", train, validation, space, base_params={"factors": 4, "iterations": 2},
               metric="recall@10", trials=3, seed=0)


@pytest.mark.parametrize(("model_type", "params"), [
    ("als", {"factors": 4, "alpha": 3e38, "iterations": 2}),  # factors NaN
    ("ease", {"regularization": 1e30}),  # every item-item weight 0
    ("mf", {"factors": 4, "learning_rate": 1e6, "epochs": 3}),  # every rating at an end
    ("als", {"factors": 4, "regularization": 1e17, "iterations": 2}),  # left at the start
    ("bpr", {"factors": 4, "learning_rate": 1e-30, "epochs": 2}),  # left at the start
])
def test_each_model_that_cannot_train_says_so_by_its_class(parts, model_type, params):
    # the class is what a search reads to go on; the message is the model's own
    with pytest.raises(TrainingFailedError, match=rf"^{model_type}: "):
        create_model(model_type, **params).fit(parts[0])


def test_an_experiment_names_its_model_entry_in_a_failed_training(tmp_path):
    from recstack.config import load_experiment
    from recstack.experiment import run_experiment

    path = tmp_path / "exp.toml"
    path.write_text('[data]\nsource = "synthetic:n_users=60,n_items=40,n_interactions=600"\n'
                    '[split]\nmethod = "random"\n[[models]]\ntype = "als"\nalpha = 3e38\n'
                    'iterations = 2\n', encoding="utf-8")
    with pytest.raises(TrainingFailedError, match=r"exp\.toml: \[\[models\]\] #1 \(als\): the "
                                                  r"factors diverged to NaN"):
        run_experiment(load_experiment(path))
