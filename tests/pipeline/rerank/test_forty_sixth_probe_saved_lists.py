"""A re-ranked model whose model.json block lists were edited after saving is refused on
load (as the two-stage loader refuses disagreeing parts), and a bare name given where a
table with a 'type' belongs is refused with the table to write."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.data.synthetic import generate
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model, persistence
from recstack.models.persistence import META
from recstack.pipeline.rankers.registry import create_ranker
from recstack.pipeline.rerank import Reranked
from recstack.pipeline.rerank.base import create_reranker


@pytest.fixture(scope="module")
def data():
    return generate(n_users=40, n_items=30, n_interactions=600, seed=4)


def _saved(data, tmp_path, chain):
    model = Reranked(model={"type": "most_popular"}, chain=chain, n_candidates=10).fit(data)
    model.save(tmp_path / "m")
    return model, tmp_path / "m" / META


def _edit(path, change):
    """model.json's first chain step edited by ``change``, its checksum made to match."""
    meta = json.loads(path.read_text())
    change(meta["params"]["chain"][0])
    meta["sha256"][META] = persistence._metadata_digest(meta)
    path.write_text(json.dumps(meta))


def test_a_block_list_edited_after_saving_is_refused(data, tmp_path):
    _, path = _saved(data, tmp_path, [{"type": "block_list", "items": [0, 1]}])
    _edit(path, lambda step: step.update(items=[0, 2]))
    with pytest.raises(RecstackError, match=r"chain\[0\] \(block_list\).*item"):
        load_model(tmp_path / "m")


def test_a_per_user_block_list_edited_after_saving_is_refused(data, tmp_path):
    user = int(data.users.external_ids[0])
    _, path = _saved(data, tmp_path, [{"type": "block_list",
                                       "per_user": [{"user": user, "items": [0]}]}])
    _edit(path, lambda step: step["per_user"][0].update(items=[1]))
    with pytest.raises(RecstackError, match=r"per_user"):
        load_model(tmp_path / "m")


def test_an_unedited_block_list_still_loads(data, tmp_path):
    model, _ = _saved(data, tmp_path, [{"type": "block_list", "items": [0, 1, "nope"]}])
    loaded = load_model(tmp_path / "m")
    np.testing.assert_array_equal(loaded.score_users(np.arange(10)),
                                  model.score_users(np.arange(10)))


@pytest.mark.parametrize("make", [
    lambda: create_reranker("mmr"),
    lambda: create_model("reranked", chain=["mmr"]).validate_params(),
    lambda: create_model("reranked", model="ease").validate_params(),
    lambda: create_model("two_stage", ranker="lightgbm").validate_params(),
    lambda: create_model("two_stage", generators=["ease"]).validate_params(),
])
def test_a_bare_name_is_pointed_to_the_table(make):
    with pytest.raises(ConfigError, match=r"\{type = '(mmr|ease|lightgbm)'\}.*"
                                          r"\{'type': '(mmr|ease|lightgbm)'\}"):
        make()


def test_create_ranker_given_a_table_says_how_to_call_it():
    with pytest.raises(ConfigError, match=r"create_ranker\('logistic', l2=1.0\)"):
        create_ranker({"type": "logistic", "l2": 1.0})
