"""A two-stage or reranked model's methods refused an ``exclude_seen`` that is no boolean
with "exclude_seen must be True or False, got None", naming neither the model nor the
method, where every other model's ``recommend`` names both. They now say them too."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 20, 300), rng.integers(0, 12, 300),
                                    np.ones(300), np.arange(300))
    return {
        "reranked": create_model("reranked", model={"type": "item_knn", "neighbors": 5},
                                 chain=[{"type": "seen"}], n_candidates=5).fit(data),
        "two_stage": create_model("two_stage", generators=[{"type": "most_popular"}],
                                  ranker={"type": "logistic"}, n_candidates=5).fit(data),
    }


CALLS = [
    ("reranked", "rerank_lists", lambda m, flag: m.rerank_lists([0], exclude_seen=flag)),
    ("reranked", "score_users", lambda m, flag: m.score_users([0], exclude_seen=flag)),
    ("reranked", "recommend", lambda m, flag: m.recommend(m.users_.external_ids[:1], 2,
                                                          exclude_seen=flag)),
    ("two_stage", "candidates", lambda m, flag: m.candidates([0], exclude_seen=flag)),
    ("two_stage", "score_users", lambda m, flag: m.score_users([0], exclude_seen=flag)),
    ("two_stage", "recommend", lambda m, flag: m.recommend(m.users_.external_ids[:1], 2,
                                                           exclude_seen=flag)),
    ("two_stage", "score_histories",
     lambda m, flag: m.score_histories(np.eye(12)[:1], exclude_seen=flag)),
]


@pytest.mark.parametrize("name, method, call", CALLS, ids=[f"{n}.{m}" for n, m, _ in CALLS])
@pytest.mark.parametrize("flag", [None, "no", 0])
def test_the_flag_refusal_names_the_model_and_method(models, name, method, call, flag):
    with pytest.raises(ConfigError) as refused:
        call(models[name], flag)
    assert str(refused.value) == (f"{name}: {method}: exclude_seen must be True or False, "
                                  f"got {flag!r}")
