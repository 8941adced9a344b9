"""publish's arguments of the wrong kind are refused before any work, naming the argument
(they failed deep inside as AttributeError or TypeError after the model was saved and
indexed), and nothing is published."""

from __future__ import annotations

import json

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry

BAD = {
    "data not interactions": ({"data": "train.csv"},
                              "data must be the training Interactions .* got str"),
    "fingerprint a number": ({"fingerprint": 5}, "fingerprint must be text .* got int"),
    "evaluation with an object": ({"evaluation": {"ndcg": object()}},
                                  "evaluation must be JSON-serialisable"),
    "unknown index option": ({"index_options": {"ef_constrution": 100}},
                             r"index_options \['ef_constrution'\] unknown; the item index "
                             "takes: metric, exact_below, M, ef_construction, ef"),
    "backend as an index option": ({"index_options": {"backend": "exact"}},
                                   r"index_options \['backend'\] unknown.*the backend is the "
                                   "index argument"),
    "index options a list": ({"index_options": [("M", 8)]},
                             "index_options must be a mapping .* got list"),
}


@pytest.mark.parametrize("options, message", BAD.values(), ids=BAD.keys())
def test_a_publish_argument_of_the_wrong_kind_is_a_config_error_naming_it(tmp_path, als,
                                                                          options, message):
    registry = ModelRegistry(tmp_path / "registry")
    with pytest.raises(ConfigError, match=f"publish als: {message}"):
        registry.publish("als", als, **options)
    assert registry.versions("als") == []


def test_valid_options_still_publish(tmp_path, als, train):
    registry = ModelRegistry(tmp_path / "registry")
    version = registry.publish("als", als, data=train, evaluation={"ndcg": [0.5, 0.25]},
                               index="exact", index_options={"metric": "cosine"})
    assert version.manifest["evaluation"] == {"ndcg": [0.5, 0.25]}
    assert version.index.metric == "cosine"


def test_an_undefined_number_in_the_evaluation_is_written_as_standard_json(tmp_path, als):
    # Python wrote the bare word NaN, which JSON readers other than Python's refuse
    registry = ModelRegistry(tmp_path / "registry")
    version = registry.publish("als", als, evaluation={"ndcg": float("nan"),
                                                       "recall": [float("inf"), 0.5]})
    text = next((tmp_path / "registry").rglob("manifest.json")).read_text()

    def refuse(word):
        raise AssertionError(f"{word} is not JSON")

    assert json.loads(text, parse_constant=refuse)["evaluation"] == {"ndcg": None,
                                                                     "recall": [None, 0.5]}
    assert version.manifest["evaluation"] == {"ndcg": None, "recall": [None, 0.5]}
