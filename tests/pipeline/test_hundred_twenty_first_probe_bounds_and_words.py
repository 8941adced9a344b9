"""Deep & Cross's ``cross_layers`` has a bound (10,000 layers trained for minutes and then
diverged; 100,000 never finished); a fairness group column holding lists of one group is
not said to hold "several"; propensities that do not reach a logged position name the row
(an empty array was "propensities cover 1..0"); a misspelt option of ``estimate_all``
names the one meant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.position_bias import ipw_sample_weights
from recstack.pipeline.rerank import ExposureFairness
from tests.pipeline.test_rankers import make, synthetic_frame


def _needs_torch() -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")


@pytest.mark.parametrize("layers", [65, 10**5, 2**62])
def test_cross_layers_beyond_the_bound_are_refused_at_once(layers):
    _needs_torch()
    frame, labels, _ = synthetic_frame(n_groups=4)
    with pytest.raises(ConfigError, match=rf"^dcn_v2: cross_layers must be <= 64, got "
                                          rf"{layers}$"):
        make("dcn_v2", cross_layers=layers).fit(frame, labels)


def test_the_bound_itself_trains():
    _needs_torch()
    frame, labels, _ = synthetic_frame(n_groups=4)
    ranker = make("dcn_v2", cross_layers=64, epochs=1).fit(frame, labels)
    assert len(ranker.module_.cross) == 64


def _train(groups) -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12], "group": groups})
    return Interactions.from_arrays(["a", "b", "c"], [10, 11, 12], item_table=table)


@pytest.mark.parametrize(("groups", "said"), [
    ([["x"], ["x"], ["y"]], r"item 10 has a list of one \(\['x'\]\); use a column of one "
                            r"group per item, the group itself rather than a list"),
    (["x", [], "y"], r"item 11 has none \(an empty list\) \(\[\]\)"),
    (["x", "y", ["x", "y"]], r"item 12 has several \(\['x', 'y'\]\)"),
])
def test_lists_in_a_group_column_are_named_by_their_length(groups, said):
    with pytest.raises(RecstackError, match=said):
        ExposureFairness(group_column="group").fit(_train(groups))


def test_empty_propensities_are_called_empty_and_the_row_named():
    with pytest.raises(RecstackError, match=r"propensities is empty, but row 0 was shown at "
                                            r"position 1 .*n_positions=1"):
        ipw_sample_weights(np.array([1, 1]), np.array([1, 0]), np.array([]))


def test_a_position_beyond_the_propensities_names_its_row():
    with pytest.raises(RecstackError, match=r"propensities cover 1..2, but row 2 was shown "
                                            r"at position 4 \(positions run up to 4\)"):
        ipw_sample_weights(np.array([1, 2, 4]), np.array([1, 1, 1]), np.array([1.0, 0.5]))


def test_a_misspelt_interval_option_names_the_one_meant():
    from recstack.pipeline.off_policy import deterministic_target, estimate_all

    target = deterministic_target(np.array([0, 1, 1, 1]), 3)
    with pytest.raises(ConfigError, match=r"^estimate_all: unknown option\(s\) \['n_boot'\] "
                                          r"\(did you mean 'n_bootstrap'\?\); the interval"):
        estimate_all(np.array([1.0, 0, 1, 0]), np.array([0, 1, 2, 1]),
                     np.array([0.5, 0.25, 0.25, 0.25]), target, n_boot=10)
