"""Twenty-first bad-input probe, a gate margin written as a percentage: every gate metric
lies in [0, 1], so ``margin = 5`` (meant as five points) let every model through however
much worse it was, each run saying "publishing". A margin above 1 is now refused naming
the file, the table and the key, with what the margin means; 1 (publish every model, a
choice a test relies on) and the usual small margins are still taken."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline


def _parse(margin):
    return parse_pipeline({"data": {"partitions": "logs", "rating_range": [1.0, 5.0]},
                           "model": {"type": "ease"}, "registry": {"root": "registry"},
                           "evaluation": {"metric": "recall@20", "margin": margin}},
                          source="p.toml", base="/base")


@pytest.mark.parametrize("margin, shown", [(5, "5"), (1.5, "1.5"), (100, "100")])
def test_a_margin_above_one_is_refused(margin, shown):
    with pytest.raises(ConfigError) as refused:
        _parse(margin)
    assert str(refused.value) == (
        f"p.toml: [evaluation] margin = {shown}: above 1, but recall@20 lies in [0, 1], so no "
        "model could ever be held back; the margin is an absolute difference of the metric, "
        "not a percentage (e.g. 0.05 for five points; 1 publishes every model)")


@pytest.mark.parametrize("margin", [0, 0.05, 1, 1.0])
def test_margins_up_to_one_are_taken(margin):
    assert _parse(margin).gate.margin == margin
