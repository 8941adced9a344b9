"""Hundred-seventy-eighth bad-input probe of the models: ``patience`` is read only to stop
training after that many epochs without a better validation score, and mf, neural_mf,
two_tower, lightgcn (lightgcn_pp) and sasrec ignored it without a word on a fit that
validates nothing (``validation_fraction=0``, no rows given to fit, ``validation=False``).
It is now refused there, worded as the other settings read only with another one; the
default patience, and any patience on a fit that validates, fit as before. BPR reads its
patience without validation too (it stops on the training AUC) and keeps it. The graph-CF
benchmark drops its recipes' patience from the refit on train + valid, which validates
nothing."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models.registry import create_model

from .quick_params import QUICK_PARAMS

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]


def _data() -> Interactions:
    """Six users, each with five of eight items (two shifted windows), as explicit ratings
    from 1 to 5 so that the rating models take them too."""
    users = np.repeat(np.arange(6), 5)
    items = np.concatenate([(np.arange(5) + u) % 8 for u in range(6)])
    ratings = (np.arange(30) % 5 + 1).astype(np.float64)
    return Interactions.from_arrays(users, items, ratings,
                                   timestamps=np.arange(30) * 60, rating_range=(1, 5))


def _params(name: str, **extra):
    # a width within the tiny data's 6 users
    width = {"dim": 4} if name in GRAPH_MODELS else {}
    return QUICK_PARAMS[name] | {"epochs": 1} | width | extra


FRACTION_MODELS = ["mf", "neural_mf", "two_tower"]
GRAPH_MODELS = ["lightgcn", "lightgcn_pp"]


@pytest.mark.parametrize("name", FRACTION_MODELS)
def test_patience_without_validation_fraction_is_refused(name):
    model = create_model(name, **_params(name, patience=7))
    with pytest.raises(ConfigError, match=(
            rf"^{name}: patience = 7 is read only with validation_fraction > 0 \(it stops "
            r"training after that many epochs without a better validation score\), and "
            r"validation_fraction is 0\.0, so it would be ignored; set validation_fraction = "
            r"0\.1 to use it, or leave patience out$")):
        model.fit(_data())
    assert not model.is_fitted


@pytest.mark.parametrize("name", GRAPH_MODELS)
def test_patience_without_any_validation_is_refused_naming_the_rows_too(name):
    model = create_model(name, **_params(name, patience=7))
    with pytest.raises(ConfigError, match=(
            rf"^{name}: patience = 7 is read only with validation_fraction > 0 or validation "
            r"rows given to fit\(train, validation=\.\.\.\) \(it stops training after that "
            r"many epochs without a better validation score\), and validation_fraction is "
            r"0\.0 and fit was given none, so it would be ignored; set validation_fraction = "
            r"0\.1 \(or give the rows to fit\(train, validation=\.\.\.\)\) to use it, or "
            r"leave patience out$")):
        model.fit(_data())
    assert not model.is_fitted


def test_sasrec_patience_with_validation_off_is_refused():
    model = create_model("sasrec", **_params("sasrec", patience=7))  # validation=False
    with pytest.raises(ConfigError, match=(
            r"^sasrec: patience = 7 is read only with validation = True, and validation is "
            r"False, so it would be ignored; set validation = True to use it, or leave "
            r"patience out \(in a \[tune\] space: when = \{validation = \[True\]\}\)$")):
        model.fit(_data())
    assert not model.is_fitted


@pytest.mark.parametrize("name", FRACTION_MODELS + GRAPH_MODELS + ["sasrec"])
def test_the_default_patience_without_validation_still_fits(name):
    default = create_model(name).params["patience"].default
    assert create_model(name, **_params(name, patience=default)).fit(_data()).is_fitted


@pytest.mark.parametrize("name", FRACTION_MODELS + GRAPH_MODELS)
def test_patience_with_a_validation_fraction_fits(name):
    model = create_model(name, **_params(name, patience=7, validation_fraction=0.2))
    assert model.fit(_data()).is_fitted


@pytest.mark.parametrize("name", GRAPH_MODELS)
def test_patience_with_validation_rows_given_to_fit_fits(name):
    from recstack.data.splits import random_split

    split = random_split(_data(), 0.2, seed=0)
    model = create_model(name, **_params(name, patience=7))
    assert model.fit(split.train, validation=split.test).is_fitted


def test_sasrec_patience_with_validation_on_fits():
    model = create_model("sasrec", **_params("sasrec", patience=7, validation=True))
    assert model.fit(_data()).is_fitted


def test_bpr_still_reads_patience_without_validation():
    # its stopping rule without validation is the training AUC's gain: patience is read
    assert create_model("bpr", **_params("bpr", patience=7)).fit(_data()).is_fitted


def _graph_cf():
    spec = importlib.util.spec_from_file_location("graph_cf_probe",
                                                  ROOT / "benchmarks" / "graph_cf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_graph_cf_refit_drops_the_recipes_patience_and_still_fits():
    graph_cf = _graph_cf()
    for name, recipes in graph_cf.FIXED_RECIPES.items():
        for recipe in recipes.values():
            refit = graph_cf._unvalidated_params(name, recipe)
            assert refit == {k: v for k, v in recipe.items() if k != "patience"}
            quick = refit | {"epochs": 1, "dim": 4, "batch_size": 64, "device": "cpu"}
            assert create_model(name, **quick).fit(_data()).is_fitted
    members = [{"type": "lightgcn_pp", "patience": 15}, {"type": "bpr", "patience": 3}]
    assert graph_cf._unvalidated_params("blend", {"members": members}) == {
        "members": [{"type": "lightgcn_pp"}, {"type": "bpr", "patience": 3}]}
    # kept where it is read: a fit that carves its own validation rows, and BPR
    kept = {"patience": 15, "validation_fraction": 0.1}
    assert graph_cf._unvalidated_params("lightgcn", kept) == kept
    assert graph_cf._unvalidated_params("bpr", {"patience": 3}) == {"patience": 3}
