"""Seventh bad-input probe, pipeline files: the one ``[model]`` of a pipeline has no label,
so a misspelt key is never answered with "did you mean 'label'?" (which the pipeline then
refuses), and the keys besides the parameters are listed as the pipeline has them."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline


def _parse(model: dict) -> None:
    parse_pipeline({"data": {"partitions": "logs"}, "model": model,
                    "registry": {"root": "registry"}}, source="p.toml", base="/base")


def test_a_misspelt_key_of_the_pipelines_model_is_not_taken_for_a_label():
    with pytest.raises(ConfigError) as refused:
        _parse({"type": "als", "lable": "x"})
    assert str(refused.value) == ("p.toml: [model] (als) unknown key 'lable' for als; its "
                                  "parameters: factors, regularization, alpha, iterations, "
                                  "num_threads, seed (besides type)")
    with pytest.raises(ConfigError, match=r"unknown key 'factor' for als \(did you mean "
                                          r"'factors'\?\); .* \(besides type\)$"):
        _parse({"type": "als", "factor": 8})
