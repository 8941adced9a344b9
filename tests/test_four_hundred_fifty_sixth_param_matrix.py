"""Every recstack model's every constructor parameter, fed the values a user types by
mistake: each must either be refused with a RecstackError naming the parameter, or be a
value the parameter's declaration (the source of the model's "Parameters" docs) allows,
after which the model scores every user with finite numbers. Never a raw TypeError or
ValueError, a numpy warning, a NaN score, or a value taken in another meaning (True taken
as 1 factor, "3" as a number).

The matrix is generated: models from the registry (those defined in recstack), parameters
from ``inspect.signature`` of each model class, so a model or parameter added later is
covered without a line here. Besides the obvious mistakes (NaN, infinities, -1, 0, true and
false, a number in quotes, a fraction for a whole number, None, 1e300, a list) it feeds the
extremes a float setting accepts (1e30, 3e38 near float32's largest, 1e-30, the smallest
float 5e-324) and 2**62 for whole numbers: there a fit that cannot work must say which
setting is at fault (two-tower's temperature=3e38 was told to raise the learning rate,
ALS's alpha=2**62 to lower the regularization) and print no numpy warning on the way (ALS's
alpha=3e38 printed "overflow encountered in multiply" before its refusal); a setting so
small that float32 holds it as 0 is refused (content's interaction_weight=5e-324 was the
text-only model).
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from typing import Any

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import available_models, create_model
from recstack.models.registry import model_class

#: the values a user types by mistake, or at the edge of what a float or integer holds
HOSTILE: dict[str, Any] = {
    "nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "-1": -1, "0": 0,
    "0.0": 0.0, "true": True, "false": False, "text-3": "3", "3.5": 3.5,
    "none": None, "1e300": 1e300, "list": [3], "1e30": 1e30, "3e38": 3e38, "1e-30": 1e-30,
    "5e-324": 5e-324, "2**62": 2**62,
}

#: settings that make each fit on the tiny data take a fraction of a second
_SMALL = {"epochs": 1, "iterations": 1, "batch_size": 32, "factors": 4, "dim": 4,
          "hidden": 4, "k": 4, "neighbors": 5, "max_length": 5, "latent": 4, "rounds": 1,
          "block_size": 4, "device": "cpu", "num_threads": 1}
_MODEL_SMALL: dict[str, dict[str, Any]] = {
    # a regularization the 24 x 16 data can carry (the default 30 shrinks every factor)
    "als": {"regularization": 0.1},
    "blend": {"members": [{"type": "ease", "regularization": 10.0},
                          {"type": "rp3beta", "neighbors": 5}]},
    "ials": {"regularization": 0.01},
    "content": {"interaction_weight": 1.0},
    "neumf": {"layers": [4], "reg_layers": [0.0]},
    "neural_mf": {"layers": [4]},
    "lightgcn": {"layers": 1}, "lightgcn_pp": {"layers": 1},
    "mult_vae": {"hidden": 4, "total_anneal_steps": 10}, "mult_dae": {"hidden": 4},
    "sasrec": {"hidden": 4, "validation": False},
    "two_tower": {"recent_items": 3, "text_dim": 4, "max_tags": 4},
    "two_stage": {"generators": [{"type": "most_popular"},
                                 {"type": "item_knn", "neighbors": 5}],
                  "ranker": {"type": "logistic"}, "n_candidates": 5},
    "reranked": {"model": {"type": "item_knn", "neighbors": 5}, "n_candidates": 5},
}


def _recstack_models() -> list[str]:
    return [name for name in available_models()
            if model_class(name).__module__.startswith("recstack.")]


def _parameters(name: str) -> list[str]:
    """The model's hyperparameters as its constructor's signature lists them."""
    signature = inspect.signature(model_class(name))
    return [p.name for p in signature.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY]


def _smallest(name: str) -> dict[str, Any]:
    params = model_class(name).params
    settings = {key: value for key, value in _SMALL.items() if key in params}
    return settings | _MODEL_SMALL.get(name, {})


CASES = [pytest.param(name, parameter, label, id=f"{name}-{parameter}-{label}")
         for name in _recstack_models() for parameter in _parameters(name)
         for label in HOSTILE]


@pytest.fixture(scope="module")
def tiny() -> Interactions:
    """24 users x 16 items, 6 items each, ratings 1 to 5 and timestamps."""
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(24), 6)
    items = np.concatenate([rng.choice(16, size=6, replace=False) for _ in range(24)])
    ratings = rng.integers(1, 6, len(users)).astype(float)
    times = rng.integers(0, 10_000, len(users))
    return Interactions.from_arrays(users, items, ratings, times, rating_range=(1.0, 5.0))


def test_the_matrix_covers_every_declared_parameter() -> None:
    # the signature the matrix reads is the declaration's, parameter for parameter
    for name in _recstack_models():
        assert _parameters(name) == list(model_class(name).params), name
    assert len(CASES) > 1000


def _foreign(caught: list[warnings.WarningMessage]) -> list[str]:
    """Warnings not written by a model for people ("als: the factors shrank ..."): numpy's
    "overflow encountered in multiply" names no setting."""
    models = set(_recstack_models())
    return [f"{w.category.__name__}: {w.message}" for w in caught
            if str(w.message).split(":", 1)[0] not in models]


def _taken_in_another_meaning(parameter: str, value: Any, name: str) -> str | None:
    """Why accepting ``value`` for ``parameter`` would be wrong whatever the model does with
    it, judged from the declared default's kind (not from the check under test)."""
    declared = model_class(name).params[parameter]
    default = declared.default
    kinds = declared.kind if isinstance(declared.kind, tuple) else (declared.kind,)
    if isinstance(value, float) and not math.isfinite(value):
        return "a value that is not a finite number"
    if isinstance(value, bool) and not isinstance(default, bool):
        return "true or false where a number or a name is meant"
    if isinstance(value, str) and str not in kinds:
        return "a number in quotes taken as a number"
    if value is None and not declared.optional:
        return "None where None is not documented"
    if isinstance(value, list) and not ({list, tuple} & set(kinds)):
        return "a list where a single value is meant"
    if isinstance(value, float) and float not in kinds:
        return "a fraction where a whole number is meant"
    if declared.computes_in == "float32" and isinstance(value, float) \
            and 0 < abs(value) < 1e-38 and np.float32(value) == 0:
        # interaction_weight=5e-324 was content's text-only model (its interaction part
        # multiplied by float32's 0), told as "with interaction_weight = 0"
        return "a setting above 0 that float32, the type it is computed in, holds as 0"
    return None


@pytest.mark.parametrize(("name", "parameter", "label"), CASES)
def test_a_mistyped_value_is_refused_by_name_or_trains_finite_scores(
        name: str, parameter: str, label: str, tiny: Interactions,
        request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if parameter == "checkpoint_dir":
        # "3" is a folder, made in a folder of the test's own (a temporary folder for each
        # of the 4,000 cases slowed the matrix by a fifth)
        monkeypatch.chdir(request.getfixturevalue("tmp_path"))
    value = HOSTILE[label]
    value = list(value) if isinstance(value, list) else value
    settings = _smallest(name) | {parameter: value}
    refusal = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = create_model(name, **settings)
            model.fit(tiny)
            scores = model.score_users(np.arange(tiny.n_users))
        except RecstackError as error:
            refusal = str(error)
    if refusal is not None and "pip install" in refusal:
        # an optional library (PyTorch) missing where the tests run: no setting's fault
        pytest.skip(f"{name} needs an optional library: {refusal}")
    assert not _foreign(caught), f"{name}({parameter}={value!r}): {_foreign(caught)}"
    if refusal is not None:
        assert re.search(rf"\b{re.escape(parameter)}\b", refusal), \
            f"{name}({parameter}={value!r}) refused without naming {parameter}: {refusal}"
        return
    wrong = _taken_in_another_meaning(parameter, value, name)
    assert wrong is None, f"{name}({parameter}={value!r}) accepted: {wrong}"
    assert scores.shape == (tiny.n_users, tiny.n_items)
    assert np.isfinite(scores).all(), f"{name}({parameter}={value!r}) scored NaN or inf"
