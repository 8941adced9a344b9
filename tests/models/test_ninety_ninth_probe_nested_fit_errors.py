"""Ninety-ninth bad-input probe: a model declared inside a two-stage or re-ranked model
that refuses the training data. Its error ("mf predicts explicit ratings, but these
interactions are implicit") named neither the outer model nor which of its models spoke,
where a blend names its member's place; now both do, the error keeping its type."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def train() -> Interactions:
    rng = np.random.default_rng(0)
    pairs = np.unique(rng.integers(0, 30, 400) * 100 + rng.integers(0, 25, 400))
    return Interactions.from_arrays(pairs // 100, pairs % 100,
                                    timestamps=np.arange(len(pairs)))


def test_a_generator_that_refuses_the_data_is_named_by_its_place(train):
    params = {**quick_params("two_stage"),
              "generators": [{"type": "most_popular"}, {"type": "mf", "epochs": 1}]}
    with pytest.raises(RecstackError, match=r"^two_stage: generators\[1\] \(mf\) could not "
                                            r"be fitted on the history window: mf predicts "
                                            r"explicit ratings"):
        create_model("two_stage", **params).fit(train)


def test_a_scorer_that_refuses_the_data_is_named_by_its_place(train):
    params = {**quick_params("two_stage"), "scorers": [{"type": "gf_cf", "k": 500}]}
    with pytest.raises(ConfigError, match=r"^two_stage: scorers\[0\] \(gf_cf\) could not be "
                                          r"fitted on the history window: gf_cf: k must be "
                                          r"< min\(n_users, n_items\)"):
        create_model("two_stage", **params).fit(train)


def test_the_wrapped_model_that_refuses_the_data_is_named(train):
    params = {**quick_params("reranked"), "model": {"type": "gf_cf", "k": 500}}
    with pytest.raises(ConfigError, match=r"^reranked: model \(gf_cf\) could not be fitted: "
                                          r"gf_cf: k must be < min\(n_users, n_items\)"):
        create_model("reranked", **params).fit(train)
