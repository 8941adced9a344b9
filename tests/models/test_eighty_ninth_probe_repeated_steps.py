"""The same re-ranker twice in a ``reranked`` chain (the same type with the same
hyperparameters, a default written out or not) was accepted, while a blend and a two-stage
model refuse a repeated member: two ``seen`` filters (the second removes nothing), the
same popularity penalty twice (the penalty doubled without a word). A ConfigError now names
the step and both of its positions; steps of one type that differ in a hyperparameter are
kept."""

import hashlib
import json

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.pipeline.rerank import create_reranker
from tests.models.tampering import META

PENALTY = {"type": "popularity_penalty", "strength": 0.5}


def _reranked(chain):
    return create_model("reranked", model={"type": "item_knn", "neighbors": 5}, chain=chain,
                        n_candidates=5)


@pytest.mark.parametrize("chain, first, second", [
    ([{"type": "seen"}, {"type": "seen"}], 0, 1),
    ([{"type": "block_list", "items": [1, 2]}, {"type": "seen"},
      {"type": "block_list", "items": [1, 2]}], 0, 2),
])
def test_a_filter_given_twice_is_refused(chain, first, second):
    with pytest.raises(ConfigError, match=rf"^reranked: chain\[{first}\] and chain\[{second}\] "
                                          r"are the same step \(.*\); a filter given twice "
                                          r"removes nothing the first did not; remove one"):
        _reranked(chain).validate_params()


def test_a_boost_given_twice_is_refused_naming_its_positions():
    chain = [{"type": "seen"}, PENALTY, dict(PENALTY)]
    with pytest.raises(ConfigError, match=r"^reranked: chain\[1\] and chain\[2\] are the same "
                                          r"step \(PopularityPenalty\(strength=0\.5\)\); a step "
                                          r"given twice applies its change twice"):
        _reranked(chain).validate_params()


def test_the_first_repeat_in_the_chain_is_the_one_named():
    # A B B A: the repeat found first, reading the chain in order, is B at 1 and 2
    chain = [PENALTY, {"type": "seen"}, {"type": "seen"}, dict(PENALTY)]
    with pytest.raises(ConfigError, match=r"chain\[1\] and chain\[2\] are the same step "
                                          r"\(SeenFilter\(\)\); a filter"):
        _reranked(chain).validate_params()


def test_steps_that_differ_in_a_hyperparameter_are_kept():
    _reranked([PENALTY, {"type": "popularity_penalty", "strength": 0.2}]).validate_params()
    _reranked([{"type": "block_list", "items": [1]},
               {"type": "block_list", "items": [2]}]).validate_params()


def test_a_default_written_out_is_the_same_step():
    # popularity_penalty's strength defaults to a value: written out or not, one step
    default = {"type": "popularity_penalty"}
    written = {"type": "popularity_penalty", **create_reranker(default).get_params()}
    with pytest.raises(ConfigError, match=r"chain\[0\] and chain\[1\] are the same step"):
        _reranked([default, written]).validate_params()


def test_fit_refuses_before_fitting_the_wrapped_model():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 10, 80), rng.integers(0, 8, 80))
    model = _reranked([{"type": "seen"}, {"type": "seen"}])
    with pytest.raises(ConfigError, match="are the same step"):
        model.fit(data)
    assert not model.is_fitted


def test_an_artifact_edited_to_repeat_a_step_is_refused_on_load(tmp_path):
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 10, 80), rng.integers(0, 8, 80))
    _reranked([{"type": "seen"}]).fit(data).save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / META).read_text(encoding="utf-8"))
    meta["params"]["chain"] = [{"type": "seen"}, {"type": "seen"}]
    body = {k: v for k, v in meta.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    meta["sha256"][META] = hashlib.sha256(text.encode("ascii")).hexdigest()
    (tmp_path / "m" / META).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(RecstackError, match=r"model\.json: reranked: chain\[0\] and chain\[1\] "
                                            r"are the same step"):
        load_model(tmp_path / "m")
