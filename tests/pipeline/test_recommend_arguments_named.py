"""The two-stage and re-ranked models' own ``recommend`` paths name the model and the call
when ``k`` or ``batch_size`` is wrong, as every other model's does: they said only
"batch_size must be a positive integer, got 0" from inside the ranking loop."""

from __future__ import annotations

import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.rerank import Reranked
from tests.pipeline.tiny_ranker import tiny_ranker  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def data():
    return generate(n_users=60, n_items=40, n_interactions=900, seed=5)


@pytest.fixture
def two_stage(data, tiny_ranker):  # noqa: F811 (the imported fixture)
    return create_model("two_stage", generators=({"type": "most_popular"},),
                        ranker={"type": "tiny_linear"}, n_candidates=10).fit(data)


@pytest.fixture(scope="module")
def reranked(data):
    return Reranked(model={"type": "most_popular"}, chain=[{"type": "block_list",
                                                           "items": [0]}],
                    n_candidates=10).fit(data)


@pytest.mark.parametrize("batch_size", [0, "8", 2.5])
def test_two_stage_names_itself_for_a_bad_batch_size(two_stage, data, batch_size):
    users = data.users.to_external([0, 1])
    with pytest.raises(ConfigError, match=r"^two_stage: recommend: batch_size must be a "
                                          r"positive integer"):
        two_stage.recommend(users, k=3, batch_size=batch_size)


def test_two_stage_names_itself_for_a_bad_k(two_stage, data):
    with pytest.raises(ConfigError, match=r"^two_stage: recommend: k must be a positive "
                                          r"integer, got 0$"):
        two_stage.recommend(data.users.to_external([0]), k=0)


def test_reranked_with_seen_items_names_itself_for_a_bad_batch_size(reranked, data):
    with pytest.raises(ConfigError, match=r"^reranked: recommend: batch_size must be a "
                                          r"positive integer .* got -1$"):
        reranked.recommend(data.users.to_external([0]), k=3, exclude_seen=False,
                           batch_size=-1)


@pytest.mark.parametrize("exclude_seen", [True, False])
def test_reranked_names_itself_for_a_bad_k(reranked, data, exclude_seen):
    with pytest.raises(ConfigError, match=r"^reranked: recommend: k must be a positive "
                                          r"integer, got 'five'$"):
        reranked.recommend(data.users.to_external([0]), k="five", exclude_seen=exclude_seen)
