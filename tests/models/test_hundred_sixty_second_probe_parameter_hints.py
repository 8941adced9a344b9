"""Hundred-sixty-second bad-input probe: a misspelt hyperparameter given to a model's
constructor (``create_model("rp3beta", weights=...)``) or to ``fit`` was matched by
difflib's ratio alone, not by the shared rule every other misspelt name of a model goes
through (:func:`recstack.specs.did_you_mean`: case and separators folded, and a
suggestion only for a plausible slip): 'weights' was told "did you mean 'neighbors'?",
'users' "did you mean 'scorers'?", 'sample_weight' "did you mean 'sampling'?"."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.models.registry import available_models, model_class
from recstack.specs import did_you_mean

NAMES = ["weights", "users", "sample_weight", "notes", "neighbours", "Factors", "factor",
         "batch", "max_len", "seeds"]


def _data() -> Interactions:
    return Interactions.from_arrays(np.arange(10) % 3, np.arange(10) % 4,
                                    timestamps=np.arange(10))


def _hint(message: str) -> str:
    found = re.search(r" \(did you mean '[^']+'\?\)", message)
    return found.group(0) if found else ""


@pytest.mark.parametrize("model", available_models())
def test_constructor_hints_follow_the_shared_rule(model):
    params = list(model_class(model).params)
    for name in NAMES:
        if name in params:
            continue
        with pytest.raises(ConfigError) as refused:
            create_model(model, **{name: 1})
        assert _hint(str(refused.value)) == did_you_mean(name, params), (model, name)


@pytest.mark.parametrize("model", ["rp3beta", "item_knn", "lightgcn", "two_stage", "als"])
def test_fit_argument_hints_follow_the_shared_rule(model):
    instance = create_model(model)
    taken = instance._fit_keywords()
    for name in ["weights", "users", "sample_weight", "progres"]:
        if name in instance.params:
            continue
        with pytest.raises(ConfigError) as refused:
            instance.fit(_data(), **{name: 1})
        assert _hint(str(refused.value)) == did_you_mean(name, [*taken, *instance.params])


def test_slips_keep_their_suggestion_and_the_message_its_form():
    # what the shared rule says of an unrelated name is its own (recstack.specs); here the
    # messages carry exactly that, in the form they had
    hint = did_you_mean("weights", list(model_class("rp3beta").params))
    with pytest.raises(ConfigError) as refused:
        create_model("rp3beta", weights=1)
    assert hint == ""
    # 'weights' is a blend's setting: told so since the two-hundred-fifty-ninth probe
    assert str(refused.value).startswith("rp3beta: no parameter 'weights' (a setting of the "
                                         "blend model: check the model's type, or leave it "
                                         "out); its parameters: alpha, beta, neighbors")
    with pytest.raises(ConfigError, match=r"^item_knn: no parameter 'neighbours' \(did you "
                                          r"mean 'neighbors'\?\)"):
        create_model("item_knn", neighbours=5)
    with pytest.raises(ConfigError, match=r"^als: no parameter 'Factors' \(did you mean "
                                          r"'factors'\?\)"):
        create_model("als", Factors=8)
    with pytest.raises(ConfigError, match=r"^bpr: fit\(\) got an unexpected argument "
                                          r"'progres' \(did you mean 'progress'\?\); it takes "
                                          r"train, progress and validation$"):
        create_model("bpr").fit(_data(), progres=None)
