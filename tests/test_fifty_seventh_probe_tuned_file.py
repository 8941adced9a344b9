"""TuningResult.write_experiment checks its path as `recstack tune --out` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.config import load_experiment
from recstack.errors import RecstackError
from recstack.tuning import TuningResult

RAW = {"name": "p", "data": {"source": "synthetic"}, "split": {"method": "random",
                                                                "test_fraction": 0.2},
       "models": [{"type": "item_knn", "neighbors": 20}]}


def _result() -> TuningResult:
    return TuningResult("item_knn", "ndcg@10", {"neighbors": 30}, 0.2,
                        tuned_experiment=RAW, base_folder=None)


@pytest.mark.parametrize("path, message", [
    (3, r"write_experiment\(path\): expected a path \(text or pathlib\.Path\), got int 3"),
    (None, r"write_experiment\(path\): expected a path"),
    ("tuned.txt", r"ends with \.txt, but this writes TOML; name the file \.toml"),
    ("tuned.json", r"ends with \.json, but this writes TOML"),
])
def test_a_path_that_cannot_take_toml_is_refused(tmp_path: Path, monkeypatch, path,
                                                 message) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError, match=message):
        _result().write_experiment(path)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_folder_ending_in_a_slash_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecstackError, match="names a folder"):
        _result().write_experiment(f"{tmp_path}/out/")
    assert not (tmp_path / "out").exists()


def test_a_toml_file_is_written_and_reads_back(tmp_path: Path) -> None:
    written = _result().write_experiment(tmp_path / "p.tuned.toml")
    assert load_experiment(written).models[0].params == {"neighbors": 20}
