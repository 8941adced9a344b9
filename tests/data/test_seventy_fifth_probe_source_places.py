"""Sources named one place off: a file of a folder source, a folder of dataset folders,
synthetic options joined by another separator than the comma."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.data.sources import load_source, parse_synthetic_spec
from recstack.errors import ConfigError


def _split_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "train.txt").write_text("0 1 2\n1 0 2\n")
    (folder / "test.txt").write_text("0 0\n1 1\n")
    return folder


def test_a_file_of_a_graph_cf_split_names_its_folder(tmp_path):
    folder = _split_folder(tmp_path / "ml-1m")
    with pytest.raises(ConfigError, match=r"a file of a graph-CF split, which is read as its "
                                          r"folder: give the folder, .*ml-1m$"):
        load_source(str(folder / "train.txt"))
    assert len(load_source(str(folder))) == 6  # the folder itself: 4 train + 2 test rows


def test_a_file_of_a_movielens_release_names_its_folder(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    with pytest.raises(ConfigError, match="a file of a MovieLens release.*give the folder"):
        load_source(str(folder / "u.data"))


def test_a_folder_of_dataset_folders_names_them(tmp_path):
    _split_folder(tmp_path / "splits" / "lastfm")
    _split_folder(tmp_path / "splits" / "ml-1m")
    with pytest.raises(ConfigError, match=r"its subfolder\(s\) lastfm, ml-1m are datasets: "
                                          r"give one of them"):
        load_source(str(tmp_path / "splits"))


@pytest.mark.parametrize("spec, fixed", [
    ("synthetic:n_users=10;n_items=10", "synthetic:n_users=10,n_items=10"),
    ("synthetic:n_users=10 n_items=10", "synthetic:n_users=10,n_items=10")])
def test_synthetic_options_joined_otherwise_than_by_commas_are_explained(spec, fixed):
    with pytest.raises(ConfigError, match=f"separate name=value options by commas: {fixed}$"):
        parse_synthetic_spec(spec)
    assert parse_synthetic_spec(fixed) == {"n_users": 10, "n_items": 10}
