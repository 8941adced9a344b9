"""Hundred-thirteenth bad-input probe: ``search(..., default_space="no")``.

``default_space`` (whether the space is the model's default one: it chooses the wording of
a failed trial's message) was read by truth and by lookup: ``1`` passed for True and
``"no"`` ran the search, then failed with a KeyError once a trial failed. It takes True,
False or None only, refused before any fit."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.tuning import search

TRAIN = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 2, 3, 1, 3])
SPACE = {"factors": {"type": "int", "low": 2, "high": 4}}


@pytest.mark.parametrize("flag", ["no", "false", 1, 0, 0.0])
def test_default_space_takes_true_false_or_none(flag, monkeypatch):
    import recstack.tuning as tuning

    def no_fitting(*args, **kwargs):
        raise AssertionError("a model was created")

    monkeypatch.setattr(tuning, "create_model", no_fitting)
    with pytest.raises(ConfigError, match=r"search: default_space \(or None\) must be True "
                                          r"or False, got " + repr(flag)):
        search("als", TRAIN, TRAIN, SPACE, trials=1, default_space=flag)


@pytest.mark.parametrize("flag", [True, False, None])
def test_the_real_values_still_run(flag):
    best, _, history = search("als", TRAIN, TRAIN, SPACE, trials=1, metric="ndcg@2",
                              default_space=flag, base_params={"iterations": 1})
    assert len(history) == 1 and 2 <= best["factors"] <= 4
