"""prune's (and publish's) ``keep`` takes a numpy integer as the number it is, as versions
do (check_version); booleans, text and numbers below 1 stay refused."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    for _ in range(3):
        registry.publish("pop", popular, data=train)
    return registry


def test_a_numpy_integer_keep_prunes_as_that_number(registry, popular, train):
    # before: "keep must be a positive whole number, got np.int64(2)"
    assert registry.prune("pop", np.int64(2)) == [1]
    assert registry.versions("pop") == [2, 3]
    registry.publish("pop", popular, data=train, keep=np.uint8(1))
    assert registry.versions("pop") == [4]


@pytest.mark.parametrize("keep", [np.bool_(True), True, "2", 2.0, np.float64(2), 0,
                                  np.int64(0), -1])
def test_other_keeps_stay_refused(registry, keep):
    with pytest.raises(ConfigError, match=r"keep must be a positive whole number"):
        registry.prune("pop", keep)
    assert registry.versions("pop") == [1, 2, 3]
