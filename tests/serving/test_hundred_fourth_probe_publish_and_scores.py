"""``publish(Path("saved/als"), "als")`` was told its arguments were swapped, though
swapping them publishes a folder as a model; the user meant ``publish_artifact``. And
integer scores beyond 2**53 became float64 silently, so that neighbouring scores tied and
were ranked by item index rather than by score."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry
from recstack.topk import top_k, writable_scores


@pytest.fixture
def registry(tmp_path, popular, train):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("pop", popular, data=train)
    return registry


@pytest.mark.parametrize("as_path", [True, False])
def test_publish_of_a_saved_folder_names_publish_artifact(registry, popular, tmp_path,
                                                          as_path):
    saved = tmp_path / "saved" / "pop"
    popular.save(saved)
    folder = saved if as_path else str(saved)
    with pytest.raises(ConfigError, match=r"publish_artifact\('pop', '.*saved/pop'\)") as caught:
        registry.publish(folder, "pop")
    assert "swapped" not in str(caught.value)
    assert registry.versions("pop") == [1]  # nothing published


def test_publish_with_the_model_first_is_still_swapped(registry, popular):
    with pytest.raises(ConfigError, match=r"publish: the arguments are swapped"):
        registry.publish(popular, "pop")


def test_integer_scores_beyond_float64_precision_are_refused():
    scores = np.array([[2**60, 2**60 + 1, 3]], dtype=np.int64)
    with pytest.raises(ConfigError, match=r"1152921504606846977 at \[0, 1\].*beyond 2\*\*53"):
        writable_scores(scores)
    with pytest.raises(ConfigError, match="beyond 2\\*\\*53"):
        writable_scores(np.array([2**64 - 1, 2**64 - 2], dtype=np.uint64))
    with pytest.raises(ConfigError, match="beyond 2\\*\\*53"):
        writable_scores(np.array([-(2**53) - 1, 0], dtype=np.int64))


def test_integer_scores_float64_holds_are_kept():
    # 2**53 itself, its negative and a power of two beyond it are exact in float64
    scores = np.array([[2**53, -(2**53), 2**60, 7]], dtype=np.int64)
    out = writable_scores(scores)
    assert out.dtype == np.float64
    assert [int(v) for v in out[0]] == [2**53, -(2**53), 2**60, 7]
    items, _ = top_k(np.array([[1, 5, 3]], dtype=np.int32), 3)
    assert items.tolist() == [[1, 2, 0]]
