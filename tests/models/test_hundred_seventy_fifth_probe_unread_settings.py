"""Hundred-seventy-fifth bad-input probe: settings a fit did not read were ignored without a
word, and the model came back as if they had been used:

* ``fit(train, validation=rows)`` on a model with ``validation_fraction`` set (bpr,
  lightgcn, lightgcn_pp, blend): the rows were used and the fraction ignored;
* a blend with fixed ``weights``: ``fit(train, validation=rows)`` never read the rows, and
  the settings of the weight search (``validation_fraction``, ``metric``, ``metric_k``,
  ``rounds``, ``seed``) did nothing;
* bpr's ``tolerance`` (the least training-AUC gain that counts as progress, read only
  without validation) with validation, where progress is a better validation nDCG@10.

Each is now refused before anything trains, naming the setting and what to do; the same
settings at their defaults (written out or not) are accepted.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model

from .quick_params import quick_params

MEMBERS = [{"type": "ease", "regularization": 10.0}, {"type": "most_popular"}]


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(0)
    n = 400
    data = Interactions.from_arrays(rng.integers(0, 30, n), rng.integers(0, 20, n),
                                    np.ones(n), duplicates="last")
    return random_split(data, 0.2, seed=0)


@pytest.mark.parametrize("name", ["bpr", "lightgcn", "lightgcn_pp", "blend"])
def test_a_validation_fraction_beside_validation_rows_is_refused(split, name):
    if name in ("lightgcn", "lightgcn_pp"):
        pytest.importorskip("torch")
    model = create_model(name, **quick_params(name) | {"validation_fraction": 0.3})
    message = (f"{name}: validation_fraction=0.3 carves validation rows out of train, but "
               "fit was given its validation rows (fit(train, validation=...)), which are "
               "used instead, so it would be ignored; leave validation_fraction out when "
               "giving the rows, or give none to carve that share of train")
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        model.fit(split.train, validation=split.test)
    assert not model.is_fitted
    # the same fraction without rows is read (carved out of train)
    model.fit(split.train)
    assert model.is_fitted


def test_the_default_fraction_beside_validation_rows_is_accepted(split):
    # blend's default validation_fraction is 0.2, written out: not a setting of the user's
    model = create_model("blend", members=MEMBERS, rounds=1, validation_fraction=0.2)
    model.fit(split.train, validation=split.test)
    assert model.weights_.shape == (2,)


def test_a_blend_with_fixed_weights_refuses_validation_rows(split):
    model = create_model("blend", members=MEMBERS, weights=[1, 3])
    n_rows = len(split.test)
    with pytest.raises(ConfigError, match=re.escape(
            "blend: fit(train, validation=...) is read only to learn the weights, and weights "
            f"is fixed ([1, 3]), so the {n_rows:,} validation rows would be ignored; leave "
            "weights out to learn them on those rows, or fit without them")):
        model.fit(split.train, validation=split.test)
    assert not model.is_fitted


@pytest.mark.parametrize(("setting", "value"), [
    ("validation_fraction", 0.3), ("metric", "recall"), ("metric_k", 5), ("rounds", 5),
    ("seed", 7)])
def test_a_blend_with_fixed_weights_refuses_the_weight_search_settings(split, setting, value):
    model = create_model("blend", members=MEMBERS, weights=[1, 3], **{setting: value})
    with pytest.raises(ConfigError, match=re.escape(
            f"blend: {setting} = {value!r} is read only with weights = None (not set), and "
            f"weights is [1, 3], so it would be ignored; set weights = None (not set) to use "
            f"it, or leave {setting} out")):
        model.fit(split.train)
    assert not model.is_fitted


def test_a_blend_with_fixed_weights_and_the_search_defaults_written_out_is_fitted(split):
    model = create_model("blend", members=MEMBERS, weights=[1, 3], validation_fraction=0.2,
                         metric="ndcg", metric_k=20, rounds=3, seed=0).fit(split.train)
    # the weights as given, normalised to sum 1: 1/4 and 3/4
    np.testing.assert_array_equal(model.weights_, np.array([0.25, 0.75], np.float32))
    assert np.isnan(model.validation_score_)


@pytest.mark.parametrize("by_rows", [False, True])
def test_bpr_refuses_a_tolerance_it_would_not_read_with_validation(split, by_rows):
    params = quick_params("bpr") | {"tolerance": 0.01}
    if by_rows:
        model, kwargs = create_model("bpr", **params), {"validation": split.test}
        validated = "on the rows given to fit(train, validation=...)"
    else:
        model = create_model("bpr", **params | {"validation_fraction": 0.2})
        kwargs, validated = {}, "on validation_fraction=0.2 of train"
    with pytest.raises(ConfigError, match=re.escape(
            "bpr: tolerance=0.01 is read only without validation (the least relative gain of "
            f"the training AUC that counts as progress), and this fit validates {validated} "
            "(progress: a better validation nDCG@10), so it would be ignored; leave tolerance "
            "out, or train without validation to stop on the training AUC")):
        model.fit(split.train, **kwargs)
    assert not model.is_fitted


def test_bpr_reads_its_tolerance_without_validation(split):
    model = create_model("bpr", **quick_params("bpr") | {"tolerance": 0.01}).fit(split.train)
    assert model.is_fitted
    # the default tolerance beside validation rows is no setting of the user's
    create_model("bpr", **quick_params("bpr")).fit(split.train, validation=split.test)


@pytest.mark.parametrize(("name", "setting", "value"), [
    ("lightgcn", "alpha", 0.3), ("lightgcn", "beta", 0.0), ("lightgcn", "gamma", 0.5),
    ("lightgcn", "normalize_layers", True), ("lightgcn_pp", "gamma", None),
    ("lightgcn_pp", "normalize_layers", False)])
def test_lightgcn_without_layers_refuses_the_propagation_settings(split, name, setting,
                                                                  value):
    pytest.importorskip("torch")
    params = quick_params(name) | {"layers": 0, "epochs": 2, setting: value}
    message = (f"{name}: {setting}={value!r} is read only by the propagation through the "
               "layers and their pooling, and layers=0 propagates nothing (the model is "
               "matrix factorisation trained with BPR), so it would be ignored; set layers "
               f">= 1 to use it, or leave {setting} out")
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        create_model(name, **params).fit(split.train)
    # a warm start reads the same settings
    start = create_model(name, **quick_params(name) | {"layers": 0, "epochs": 2})
    start.fit(split.train)
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        create_model(name, **params).fit_from(start, split.train)
    # with a layer to propagate through, the same setting is read
    assert create_model(name, **params | {"layers": 1}).fit(split.train).is_fitted


@pytest.mark.parametrize("name", ["lightgcn", "lightgcn_pp"])
def test_lightgcn_without_layers_and_default_propagation_settings_is_fitted(split, name):
    pytest.importorskip("torch")
    model = create_model(name, **quick_params(name) | {"layers": 0, "epochs": 2})
    assert model.fit(split.train).is_fitted


# ------------------------------------------------------------------ iALS divergence
@pytest.mark.parametrize("block_size", [128, None])
def test_ials_divergence_names_its_settings_and_the_initial_scale(split, block_size):
    """Initial factors too large to square (init_stddev=1e20: scores near 1e40, past float32)
    diverged with numpy's overflow warnings of every sweep and then "use a larger
    regularization", which no regularization mends."""
    model = create_model("ials", factors=8, iterations=6, init_stddev=1e20,
                         block_size=block_size)
    # the setting at fault alone is named (every setting was listed), with the way back
    message = ("ials: training diverged: the factors hold NaN or infinite values, with "
               "init_stddev=1e+20, beyond the range it trains in (1e-06 to 10); lower the "
               "init stddev to at most 10 (default 0.1)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings came before the refusal
        with pytest.raises(RecstackError, match=f"^{re.escape(message)}$"):
            model.fit(split.train)
    assert not model.is_fitted


# ------------------------------------------------------------------ checkpoint refusals
@pytest.mark.parametrize("name", ["lightgcn", "sasrec", "two_tower"])
def test_a_checkpoint_refusal_names_the_model(split, tmp_path, name):
    """The checkpoint folder's refusals named no model ("checkpoint_dir = '...': ... is a
    file"), where every other refusal of a fit starts with the model's name."""
    pytest.importorskip("torch")
    afile = tmp_path / "afile"
    afile.write_text("x")
    params = quick_params(name) | {"epochs": 1}
    # refused where the folder is read (a file in its place)
    with pytest.raises(RecstackError, match=re.escape(
            f"{name}: checkpoint_dir = {str(afile)!r}: {afile} is a file; name a folder for "
            "the checkpoints")):
        create_model(name, **params, checkpoint_dir=str(afile)).fit(split.train)
    # refused where the first epoch's checkpoint is written (its parent is a file)
    inside = afile / "run"
    with pytest.raises(RecstackError, match=re.escape(
            f"{name}: checkpoint_dir = {str(inside)!r}: cannot make {afile}: {afile} is a "
            "file, not a folder")):
        create_model(name, **params, checkpoint_dir=str(inside)).fit(split.train)
    # another model's checkpoint: the name once, in front
    other = "sasrec" if name != "sasrec" else "lightgcn"
    shared = tmp_path / "shared"
    create_model(other, **quick_params(other) | {"epochs": 1},
                 checkpoint_dir=str(shared)).fit(split.train)
    with pytest.raises(RecstackError, match=f"^{name}: {re.escape(str(shared))}: this "
                                            f"checkpoint was made by the model '{other}'"):
        create_model(name, **params, checkpoint_dir=str(shared)).fit(split.train)
