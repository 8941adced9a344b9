"""Sixth bad-input probe of the registry: a root or cache folder that is not a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.errors import ConfigError
from recstack.serving.registry import ModelRegistry


@pytest.mark.parametrize("root", [5, None, 2.5, ["registry"], b"registry"])
def test_a_root_that_is_not_a_path_is_refused(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # before: str(root) was taken as a relative folder (5 published into ./5, None into
    # ./None)
    with pytest.raises(ConfigError, match=r"registry root: expected a folder or URL"):
        ModelRegistry(root)
    assert list(tmp_path.iterdir()) == []


def test_a_cache_folder_that_is_not_a_path_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"registry cache_dir: expected a folder \(text or "
                                          r"a path\) or None, got int 5"):
        ModelRegistry(tmp_path / "registry", cache_dir=5)


def test_text_and_paths_are_roots(tmp_path):
    assert ModelRegistry(tmp_path / "a").root == str(tmp_path / "a")
    assert ModelRegistry(str(tmp_path / "b")).root == str(tmp_path / "b")
    assert ModelRegistry(Path("relative")).root == "relative"
